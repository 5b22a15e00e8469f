//! Zero trust on our listener (`ListenerOptions::auth`): the worker runtime (HMAC) and an
//! Ed25519-signing transport are accepted; forged, replayed, stale, unsigned, other-worker,
//! unknown-worker and token-less messages are each refused with 403 and never reach the
//! engine; STS access tokens are issued, accepted in place of the token, and refreshed.

mod common;

use common::{Engine, task};
use rxon_core::json::{self, Value};
use rxon_core::listener::{Action, AuthOptions, Listener, ListenerOptions, WorkerCredential};
use rxon_core::models::{Heartbeat, SecurityContext, SkillInfo};
use rxon_core::security::MessageSigner;
use rxon_core::transport::{HttpTransport, Transport, TransportOptions};
use rxon_core::worker::{Worker, WorkerConfig};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const ED25519_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPVS64R9LMyG1pF5a9QiXR3nzc5b6WT+41dviIDKsRNp\n-----END PRIVATE KEY-----\n";

/// The public key (SPKI PEM) of `ED25519_PRIVATE`.
fn ed25519_public() -> String {
    use aws_lc_rs::signature::KeyPair;
    let der = pem_rfc7468::decode_vec(ED25519_PRIVATE.as_bytes()).unwrap().1;
    let pair = aws_lc_rs::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der).unwrap();
    let mut spki = vec![0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
    spki.extend_from_slice(pair.public_key().as_ref());
    pem_rfc7468::encode_string("PUBLIC KEY", pem_rfc7468::LineEnding::LF, &spki).unwrap()
}

async fn guarded() -> (Listener, Arc<Engine>, String) {
    let mut credentials = HashMap::new();
    for (worker, token) in [("w1", "token-1"), ("w2", "token-2")] {
        let credential = WorkerCredential {
            token: Some(token.into()),
            public_key: None,
        };
        credentials.insert(worker.to_string(), credential);
    }
    let signer = WorkerCredential {
        token: Some("token-3".into()),
        public_key: Some(ed25519_public()),
    };
    credentials.insert("w3".to_string(), signer);
    let mut auth = AuthOptions::new(Arc::new(credentials));
    auth.access_token_ttl = Some(Duration::from_secs(60));
    let options = ListenerOptions {
        auth: Some(auth),
        ..ListenerOptions::default()
    };
    let (listener, engine) = common::listener(options).await;
    let url = format!("http://{}", listener.local_addr());
    (listener, engine, url)
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A heartbeat of `worker` stamped at `at` and signed with `token` as `signer`.
fn heartbeat(worker: &str, signer: &str, token: &str, at: i64) -> Value {
    let mut heartbeat = Heartbeat {
        worker_id: worker.into(),
        status: "idle".into(),
        ..Default::default()
    };
    MessageSigner::new(token, signer)
        .unwrap()
        .stamp_at(&mut heartbeat, at)
        .unwrap();
    json::to_value(&heartbeat).unwrap()
}

fn set(message: &mut Value, member: &str, value: Value) {
    message.as_object_mut().unwrap().insert(member, value);
}

async fn patch(url: &str, worker: &str, token: Option<&str>, body: &Value) -> (u16, String) {
    let mut request = reqwest::Client::new()
        .patch(format!("{url}/_worker/workers/{worker}"))
        .header("content-type", "application/json")
        .body(json::to_text(body));
    if let Some(token) = token {
        request = request.header("X-Worker-Token", token);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_worker_runtime_is_accepted() {
    let (_listener, engine, url) = guarded().await;
    engine.tasks.lock().unwrap().push(task("t1"));
    let mut config = WorkerConfig::new(&url, "w1", "token-1", vec![SkillInfo::named("echo")]);
    config.outbox_dir = None;
    config.poll_timeout = Duration::from_secs(1);
    let worker = Worker::start(config).unwrap();
    let task = tokio::time::timeout(Duration::from_secs(10), worker.next_task())
        .await
        .unwrap()
        .unwrap();
    task.complete(task.params()).unwrap();
    worker.shutdown(Duration::from_secs(5)).await;
    assert_eq!(engine.calls(Action::Register).len(), 1);
    let results = engine.calls(Action::Result);
    assert_eq!(results.len(), 1, "the signed result reached the engine");
    assert_eq!(results[0].0["task_id"], "t1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ed25519_signing_transport_is_accepted() {
    let (_listener, engine, url) = guarded().await;
    let options = TransportOptions {
        signing: Some(MessageSigner::ed25519(ED25519_PRIVATE, "w3").unwrap()),
        ..TransportOptions::default()
    };
    let transport = HttpTransport::new(&url, "w3", "token-3", options).unwrap();
    transport.connect().await.unwrap();
    let heartbeat = Heartbeat {
        worker_id: "w3".into(),
        status: "idle".into(),
        ..Default::default()
    };
    transport.send_heartbeat(&heartbeat).await.unwrap();
    assert_eq!(engine.calls(Action::Heartbeat).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_message_is_refused_with_403_and_never_reaches_the_engine() {
    let (_listener, engine, url) = guarded().await;
    let good = heartbeat("w1", "w1", "token-1", now());
    assert_eq!(patch(&url, "w1", Some("token-1"), &good).await.0, 200);

    let mut forged = heartbeat("w1", "w1", "token-1", now());
    set(&mut forged, "status", Value::from("busy"));
    let mut unsigned = heartbeat("w1", "w1", "token-1", now());
    unsigned.as_object_mut().unwrap().remove("security");
    let mut no_timestamp = heartbeat("w1", "w1", "token-1", now());
    no_timestamp.as_object_mut().unwrap().remove("timestamp");
    let other_signer = heartbeat("w1", "w2", "token-2", now());
    let mut bad_signer_id = heartbeat("w1", "w1", "token-1", now());
    let security = SecurityContext {
        signer_id: Some("w2".into()),
        signature: good["security"]["signature"].as_str().map(str::to_string),
        ..SecurityContext::default()
    };
    set(&mut bad_signer_id, "security", json::to_value(&security).unwrap());
    let cases: Vec<(&str, &str, Option<&str>, Value, &str)> = vec![
        ("replayed", "w1", Some("token-1"), good.clone(), "Duplicate message"),
        (
            "forged",
            "w1",
            Some("token-1"),
            forged,
            "Invalid cryptographic signature",
        ),
        (
            "stale",
            "w1",
            Some("token-1"),
            heartbeat("w1", "w1", "token-1", now() - 120),
            "expired",
        ),
        (
            "future",
            "w1",
            Some("token-1"),
            heartbeat("w1", "w1", "token-1", now() + 120),
            "expired",
        ),
        (
            "unsigned",
            "w1",
            Some("token-1"),
            unsigned,
            "Missing required security context",
        ),
        (
            "no timestamp",
            "w1",
            Some("token-1"),
            no_timestamp,
            "Missing required timestamp",
        ),
        (
            "signed by another worker",
            "w1",
            Some("token-1"),
            other_signer,
            "signer ID 'w2'",
        ),
        (
            "signer id of another",
            "w1",
            Some("token-1"),
            bad_signer_id,
            "signer ID 'w2'",
        ),
        (
            "another worker's token",
            "w1",
            Some("token-2"),
            heartbeat("w1", "w1", "token-1", now()),
            "Invalid",
        ),
        (
            "about another worker",
            "w2",
            Some("token-2"),
            heartbeat("w1", "w1", "token-1", now()),
            "Immediate sender",
        ),
        (
            "no token",
            "w1",
            None,
            heartbeat("w1", "w1", "token-1", now()),
            "Missing X-Worker-Token",
        ),
        (
            "unknown worker",
            "w9",
            Some("token-1"),
            heartbeat("w9", "w9", "token-1", now()),
            "No valid token",
        ),
    ];
    for (what, worker, token, body, reason) in cases {
        let (status, text) = patch(&url, worker, token, &body).await;
        assert_eq!(status, 403, "{what}: {text}");
        let answer: Value = json::parse(text.as_bytes()).unwrap();
        let error = answer["error"].as_str().unwrap_or_default();
        assert!(error.contains(reason), "{what}: {error}");
    }
    assert_eq!(
        engine.calls(Action::Heartbeat).len(),
        1,
        "only the good heartbeat reached the engine"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_tokens_are_issued_accepted_and_refreshed() {
    let (_listener, engine, url) = guarded().await;
    let client = reqwest::Client::new();
    let issue = client
        .post(format!("{url}/_worker/auth/token"))
        .header("X-Worker-Token", "token-1")
        .header("X-Worker-ID", "w1")
        .send()
        .await
        .unwrap();
    assert_eq!(issue.status().as_u16(), 200);
    let issued: Value = json::parse(&issue.bytes().await.unwrap()).unwrap();
    let access = issued["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        (issued["worker_id"].as_str(), issued["expires_in"].as_f64()),
        (Some("w1"), Some(60.0))
    );
    assert!(
        engine.calls(Action::StsToken).is_empty(),
        "the listener issues tokens itself"
    );

    // The access token stands in for the token, for its own worker only; it signs too.
    let signed_with_access = heartbeat("w1", "w1", &access, now());
    assert_eq!(patch(&url, "w1", Some(&access), &signed_with_access).await.0, 200);
    let for_w2 = heartbeat("w2", "w2", "token-2", now());
    assert_eq!(patch(&url, "w2", Some(&access), &for_w2).await.0, 403);
    assert_eq!(
        patch(&url, "w1", Some("made-up"), &heartbeat("w1", "w1", "token-1", now()))
            .await
            .0,
        403
    );

    let refreshed = client
        .post(format!("{url}/_worker/auth/token/refresh"))
        .header("content-type", "application/json")
        .body(json::to_text(
            &rxon_core::json!({"refresh_token": issued["refresh_token"].clone()}),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status().as_u16(), 200);
    let renewed: Value = json::parse(&refreshed.bytes().await.unwrap()).unwrap();
    assert_eq!(renewed["worker_id"].as_str(), Some("w1"));
    assert_ne!(renewed["access_token"], issued["access_token"]);
    let bogus = client
        .post(format!("{url}/_worker/auth/token/refresh"))
        .header("content-type", "application/json")
        .body(r#"{"refresh_token": "nope"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bogus.status().as_u16(), 403);
}
