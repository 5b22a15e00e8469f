//! Codec and signing benchmarks on the shared fixtures of `benches/fixtures/` (the same
//! payloads `benches/reference_core.py` feeds the reference). `benches/compare_core.py` runs
//! both and writes the side-by-side table of `docs/benchmarks.md`.

use criterion::{Criterion, criterion_group, criterion_main};
use rxon_core::models::{Heartbeat, Message, TaskPayload, TaskResult};
use rxon_core::security::{Ed25519Signer, HmacSigner, sign_payload, sign_payload_ed25519};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

const SECRET: &str = "worker-master-token-0123456789";

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../benches/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

fn codec(c: &mut Criterion) {
    let task_bytes = fixture("task_payload.json");
    let task = TaskPayload::from_json(&task_bytes).expect("task fixture");
    let task_wire = task.to_json().expect("encode").into_bytes();
    c.bench_function("task_payload_encode", |b| {
        b.iter(|| black_box(&task).to_json().expect("encode"))
    });
    c.bench_function("task_payload_decode", |b| {
        b.iter(|| TaskPayload::from_json(black_box(&task_wire)).expect("decode"))
    });

    let heartbeat = Heartbeat::from_json(&fixture("heartbeat.json")).expect("heartbeat fixture");
    let heartbeat_wire = heartbeat.to_json().expect("encode").into_bytes();
    c.bench_function("heartbeat_encode", |b| {
        b.iter(|| black_box(&heartbeat).to_json().expect("encode"))
    });
    c.bench_function("heartbeat_decode", |b| {
        b.iter(|| Heartbeat::from_json(black_box(&heartbeat_wire)).expect("decode"))
    });
}

fn signing(c: &mut Criterion) {
    let result = TaskResult::from_json(&fixture("task_result.json")).expect("result fixture");
    let pem = String::from_utf8(fixture("bench_ed25519_private.pem")).expect("pem");
    let signer = Ed25519Signer::from_pem(&pem).expect("key");
    c.bench_function("task_result_hmac_sign", |b| {
        b.iter(|| sign_payload(black_box(&result), SECRET, &[]).expect("sign"))
    });
    let hmac = HmacSigner::new(SECRET).expect("secret");
    c.bench_function("task_result_hmac_sign_prepared_key", |b| {
        b.iter(|| hmac.sign(black_box(&result), &[]).expect("sign"))
    });
    c.bench_function("task_result_ed25519_sign", |b| {
        b.iter(|| signer.sign(black_box(&result), &[]).expect("sign"))
    });
    c.bench_function("task_result_ed25519_sign_parsing_pem", |b| {
        b.iter(|| sign_payload_ed25519(black_box(&result), &pem, &[]).expect("sign"))
    });
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! { name = benches; config = config(); targets = codec, signing }
criterion_main!(benches);
