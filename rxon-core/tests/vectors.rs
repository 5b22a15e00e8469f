//! Every case of `../shared/vectors/` (computed by the reference package) through the public
//! API. The folder can be overridden with `RXON_VECTORS_DIR`. A missing, empty or unknown
//! file fails the test; each file prints `<file>.json: N passed`.

use rxon_core::blob::{calculate_config_hash, parse_uri};
use rxon_core::canonical::{calculate_dict_hash, json_dumps, number, to_dict};
use rxon_core::identifiers::is_valid_identifier;
use rxon_core::json::{self, Value};
use rxon_core::matching::Matches;
use rxon_core::models::*;
use rxon_core::schema::validate_data;
use rxon_core::security::*;
use std::path::PathBuf;

const KNOWN_FILES: [&str; 11] = [
    "blob.json",
    "bubbling_chain.json",
    "canonical.json",
    "ed25519.json",
    "floats.json",
    "hmac.json",
    "identifiers.json",
    "matching.json",
    "models.json",
    "roundtrip.json",
    "schema.json",
];

fn vectors_dir() -> PathBuf {
    match std::env::var_os("RXON_VECTORS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"),
    }
}

/// Failures of one file, each naming its case.
#[derive(Default)]
struct Report {
    failures: Vec<String>,
}

impl Report {
    fn check(&mut self, index: usize, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.failures.push(format!("case {index}: {}", what()));
        }
    }
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("expected a string, got {v}"))
}

fn opt_str(v: &Value) -> Option<&str> {
    v.as_str()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| str_of(s).to_string()).collect())
        .unwrap_or_default()
}

fn canonical(v: &Value) -> String {
    json_dumps(v).unwrap_or_else(|e| format!("<error: {e}>"))
}

fn run_blob(case: &Value, i: usize, r: &mut Report) {
    match str_of(&case["fn"]) {
        "calculate_config_hash" => {
            let got = calculate_config_hash(
                opt_str(&case["endpoint"]),
                opt_str(&case["access_key"]),
                opt_str(&case["bucket"]),
            );
            r.check(i, got.as_deref() == opt_str(&case["result"]), || {
                format!("config hash {got:?} != {}", case["result"])
            });
        }
        "parse_uri" => {
            let got = parse_uri(
                str_of(&case["uri"]),
                opt_str(&case["default_bucket"]),
                str_of(&case["prefix"]),
            );
            match (&got, case.get("result"), case.get("error")) {
                (Ok(loc), Some(expected), _) => {
                    let ours = rxon_core::json!([loc.bucket, loc.key, loc.is_directory]);
                    r.check(i, &ours == expected, || format!("parse_uri {ours} != {expected}"));
                }
                (Err(err), _, Some(expected)) => {
                    r.check(i, err.message() == str_of(expected), || {
                        format!("parse_uri error {err} != {expected}")
                    });
                }
                _ => r.check(i, false, || format!("parse_uri gave {got:?} for {case}")),
            }
        }
        other => r.check(i, false, || format!("unknown fn {other}")),
    }
}

fn run_bubbling_chain(case: &Value, i: usize, r: &mut Report) {
    let chain = strings(&case["chain"]);
    let secret = str_of(&case["secret"]);
    let hmac = str_of(&case["hmac"]);
    let ours = sign_bubbling_chain_hmac(&chain, secret).ok();
    r.check(i, ours.as_deref() == Some(hmac), || {
        format!("chain hmac {ours:?} != {hmac}")
    });
    r.check(i, verify_bubbling_chain_hmac(&chain, hmac, secret), || {
        "chain hmac does not verify".into()
    });
    let ed = str_of(&case["ed25519"]);
    let ours = sign_bubbling_chain(&chain, str_of(&case["private_key_pem"])).ok();
    r.check(i, ours.as_deref() == Some(ed), || {
        format!("chain ed25519 {ours:?} != {ed}")
    });
    r.check(
        i,
        verify_bubbling_chain_signature(&chain, ed, str_of(&case["public_key_pem"])),
        || "chain ed25519 does not verify".into(),
    );
    let reversed: Vec<String> = chain.iter().rev().cloned().collect();
    let expected = case["verify_reversed_hmac"].as_bool();
    let got = verify_bubbling_chain_hmac(&reversed, hmac, secret);
    r.check(i, Some(got) == expected, || {
        format!("reversed chain verified {got}, expected {expected:?}")
    });
}

fn run_canonical(case: &Value, i: usize, r: &mut Report) {
    let input = &case["input"];
    let text = canonical(input);
    r.check(i, text == str_of(&case["canonical"]), || {
        format!("canonical {text} != {}", case["canonical"])
    });
    let dict = to_dict(input).map(|d| canonical(&d)).unwrap_or_default();
    r.check(i, dict == canonical(&case["to_dict"]), || {
        format!("to_dict {dict} != {}", case["to_dict"])
    });
    let hash = calculate_dict_hash(input).unwrap_or_default();
    r.check(i, hash == str_of(&case["sha256"]), || {
        format!("sha256 {hash} != {}", case["sha256"])
    });
}

fn run_ed25519(case: &Value, i: usize, r: &mut Report, other_keys: &[String]) {
    let payload = &case["payload"];
    let signature = str_of(&case["signature"]);
    let public = str_of(&case["public_key_pem"]);
    let ours = sign_payload_ed25519(payload, str_of(&case["private_key_pem"]), &[]).ok();
    r.check(i, ours.as_deref() == Some(signature), || {
        format!("ed25519 {ours:?} != {signature}")
    });
    r.check(
        i,
        verify_signature_ed25519(payload, signature, public, &[]).unwrap_or(false),
        || "does not verify".into(),
    );
    let signer = Ed25519Signer::from_pem(str_of(&case["private_key_pem"])).ok();
    let parsed_once = signer.as_ref().and_then(|s| s.sign(payload, &[]).ok());
    r.check(i, parsed_once.as_deref() == Some(signature), || {
        "Ed25519Signer differs from the free function".into()
    });
    let other = other_keys
        .iter()
        .find(|k| k.as_str() != public)
        .expect("vectors hold several keys");
    let got = verify_signature_ed25519(payload, signature, other, &[]).unwrap_or(true);
    r.check(i, Some(got) == case["verify_with_other_key"].as_bool(), || {
        format!("other key verified {got}")
    });
    let mut tampered = payload.clone();
    if let Some(map) = tampered.as_object_mut() {
        map.insert("tampered", true);
    }
    let got = verify_signature_ed25519(&tampered, signature, public, &[]).unwrap_or(true);
    r.check(i, Some(got) == case["verify_tampered"].as_bool(), || {
        format!("tampered payload verified {got}")
    });
}

fn run_floats(case: &Value, i: usize, r: &mut Report) {
    let repr = str_of(&case["repr"]);
    let expected = str_of(&case["json"]);
    let mut from_float = Vec::new();
    number::write_f64(&mut from_float, repr.parse::<f64>().unwrap_or(f64::NAN));
    let mut from_text = Vec::new();
    let parsed = json::parse(repr.as_bytes());
    let text_ok = parsed
        .as_ref()
        .ok()
        .and_then(Value::as_number)
        .map(|n| number::write_number(&mut from_text, n))
        .is_some();
    r.check(i, from_float == expected.as_bytes(), || {
        format!("{repr} wrote {}", String::from_utf8_lossy(&from_float))
    });
    r.check(i, text_ok && from_text == expected.as_bytes(), || {
        format!("text {repr} wrote {}", String::from_utf8_lossy(&from_text))
    });
}

fn run_hmac(case: &Value, i: usize, r: &mut Report) {
    let payload = &case["payload"];
    let secret = str_of(&case["secret"]);
    let signature = str_of(&case["signature"]);
    let ignore = strings(&case["ignore_fields"]);
    let ignore: Vec<&str> = ignore.iter().map(String::as_str).collect();
    let ours = sign_payload(payload, secret, &ignore).ok();
    r.check(i, ours.as_deref() == Some(signature), || {
        format!("hmac {ours:?} != {signature}")
    });
    r.check(
        i,
        verify_signature(payload, signature, secret, &ignore).unwrap_or(false),
        || "does not verify".into(),
    );
    if case.get("note").is_some() {
        // Signed as a model: the decoded TaskResult must sign to the same bytes.
        let model = TaskResult::from_value(payload);
        let ours = model.as_ref().ok().and_then(|m| sign_payload(m, secret, &ignore).ok());
        r.check(i, ours.as_deref() == Some(signature), || {
            format!("model hmac {ours:?} != {signature}")
        });
    }
}

fn run_identifiers(case: &Value, i: usize, r: &mut Report) {
    let value = str_of(&case["value"]);
    let got = is_valid_identifier(value);
    r.check(i, Some(got) == case["valid"].as_bool(), || {
        format!("{value:?} valid={got}")
    });
}

fn matches_as<M: Message + Matches>(case: &Value) -> Result<bool, String> {
    let have = M::from_value(&case["have"]).map_err(|e| e.to_string())?;
    let required = M::from_value(&case["required"]).map_err(|e| e.to_string())?;
    Ok(have.matches(&required))
}

fn run_matching(case: &Value, i: usize, r: &mut Report) {
    let got = match str_of(&case["kind"]) {
        "device" => matches_as::<HardwareDevice>(case),
        "artifact" => matches_as::<InstalledArtifact>(case),
        "skill" => matches_as::<SkillInfo>(case),
        "resources" => matches_as::<Resources>(case),
        other => Err(format!("unknown kind {other}")),
    };
    r.check(i, got.as_ref().ok() == case["matches"].as_bool().as_ref(), || {
        format!("{got:?} for {case}")
    });
}

/// Decodes `wire` as the message called `model` from the tree and from its text (which must
/// agree) and re-encodes it.
fn reencode(model: &str, wire: &Value) -> Result<Value, String> {
    let decoded = decode_named(model, wire).map_err(|e| e.message().to_string())?;
    let text = json::parse(json::to_text(wire).as_bytes()).map_err(|e| e.to_string())?;
    match decode_named(model, &text) {
        Ok(from_text) if from_text == decoded => Ok(decoded),
        _ => Err("decoding the tree and its text disagree".into()),
    }
}

fn run_models(case: &Value, i: usize, r: &mut Report, counts: &mut IdentityCounts) {
    let got = reencode(str_of(&case["model"]), &case["wire"]);
    match (case["ok"].as_bool(), got) {
        (Some(true), Ok(decoded)) => {
            let (text, expected) = (canonical(&decoded), canonical(&case["reencoded"]));
            if text != expected {
                let by_identity =
                    json::parse(text.as_bytes()).is_ok_and(|o| differs_by_kept_defaults(&o, &case["reencoded"]));
                r.check(i, by_identity, || format!("reencoded {text} != {expected}"));
                counts.by_identity += usize::from(by_identity);
            }
        }
        (Some(false), Err(message)) => {
            let expected = str_of(&case["error"]);
            r.check(i, message == expected, || format!("error {message:?} != {expected:?}"));
        }
        (ok, got) => r.check(i, false, || format!("ok={ok:?} but got {got:?}")),
    }
}

/// Float and string members with a default, as the canonical text of that default.
const KEPT_DEFAULTS: [(&str, &str); 9] = [
    ("priority", "0"),
    ("cpu_load_percent", "0"),
    ("ram_used_gb", "0"),
    ("status", "\"success\""),
    ("worker_type", "\"generic\""),
    ("schema_dialect", "\"json-schema\""),
    ("version", "\"unknown\""),
    ("hostname", "\"unknown\""),
    ("ip_address", "\"0.0.0.0\""),
];

/// Whether `expected` is `ours` without some float or string members equal to their default
/// (and nothing else differs). The file's generator handed the reference some members as the
/// reference's own default objects, which it then leaves out; no JSON text can say that, and
/// the reference decoding the same text keeps them, as rxon does (the interop test checks
/// every case against the reference itself).
fn differs_by_kept_defaults(ours: &Value, expected: &Value) -> bool {
    match (ours, expected) {
        (Value::Object(ours), Value::Object(expected)) => {
            expected.keys().all(|k| ours.contains_key(k))
                && ours.iter().all(|(k, v)| match expected.get(k) {
                    Some(e) => differs_by_kept_defaults(v, e),
                    None => KEPT_DEFAULTS
                        .iter()
                        .any(|(name, text)| *name == k && canonical(v) == *text),
                })
        }
        (Value::Array(ours), Value::Array(expected)) => {
            ours.len() == expected.len() && ours.iter().zip(expected).all(|(o, e)| differs_by_kept_defaults(o, e))
        }
        _ => ours == expected,
    }
}

/// Cases of models.json and roundtrip.json whose expected text holds the generator's object
/// identities.
#[derive(Default)]
struct IdentityCounts {
    by_identity: usize,
}

fn run_roundtrip(case: &Value, i: usize, r: &mut Report, counts: &mut IdentityCounts) {
    const SECRET: &str = "vector-secret";
    let (wire, signature) = (&case["wire"], str_of(&case["wire_signature"]));
    let expected = str_of(&case["reencoded"]);
    let expected_verifies = case["verifies_over_decoded"].as_bool();
    // What arrived always verifies: the sender signed these very members.
    r.check(
        i,
        verify_signature(wire, signature, SECRET, &[]).unwrap_or(false),
        || "the signature does not verify over the members as they arrived".into(),
    );
    let decoded = match reencode(str_of(&case["model"]), wire) {
        Ok(decoded) => decoded,
        Err(err) => return r.check(i, false, || format!("does not decode: {err}")),
    };
    let text = canonical(&decoded);
    let verifies = verify_signature(&decoded, signature, SECRET, &[]).unwrap_or(false);
    if text == expected {
        return r.check(i, Some(verifies) == expected_verifies, || {
            format!("verifies over decoded: {verifies}, expected {expected_verifies:?}")
        });
    }
    let ours = json::parse(text.as_bytes());
    let by_identity =
        matches!((&ours, json::parse(expected.as_bytes())), (Ok(o), Ok(t)) if differs_by_kept_defaults(o, &t));
    r.check(i, by_identity, || format!("reencoded {text} != {expected}"));
    if by_identity {
        counts.by_identity += 1;
        // The file's decoded message lost a member that arrived, so its check failed; ours
        // verifies exactly when our re-encoding is what was signed.
        let same_signed_members = ours.map(|o| canonical(&signed_members(&o))) == Ok(canonical(&signed_members(wire)));
        r.check(
            i,
            expected_verifies == Some(false) && verifies == same_signed_members,
            || format!("verifies over decoded: {verifies}, file says {expected_verifies:?}"),
        );
    }
}

/// The members a payload signature covers (all but `security`).
fn signed_members(wire: &Value) -> Value {
    let mut members = wire.clone();
    if let Value::Object(map) = &mut members {
        map.retain(|k, _| k != "security" && k != "_signature");
    }
    members
}

fn run_schema(case: &Value, i: usize, r: &mut Report) {
    let schema = case["schema"].as_object();
    let got = validate_data(&case["data"], schema);
    match (case["valid"].as_bool(), &got) {
        (Some(true), Ok(())) => {}
        (Some(false), Err(message)) => {
            let expected = str_of(&case["message"]);
            r.check(i, message == expected, || {
                format!("message {message:?} != {expected:?} for {}", case["data"])
            });
        }
        (valid, got) => r.check(i, false, || {
            format!("valid={valid:?} but got {got:?} for {}", case["data"])
        }),
    }
}

#[test]
fn every_vector_file_passes() {
    let dir = vectors_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read vectors folder {}: {e}", dir.display()))
        .map(|entry| {
            entry
                .expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    for known in KNOWN_FILES {
        assert!(
            names.iter().any(|n| n == known),
            "vector file {known} is missing from {}",
            dir.display()
        );
    }
    let mut failures = Vec::new();
    for name in &names {
        assert!(
            KNOWN_FILES.contains(&name.as_str()),
            "unknown vector file {name}: teach this test to check it"
        );
        let text = std::fs::read(dir.join(name)).expect("readable vector file");
        let doc = json::parse(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
        let cases = doc["cases"].as_array().unwrap_or_else(|| panic!("{name} has no cases"));
        assert!(!cases.is_empty(), "{name} is empty");
        let other_keys: Vec<String> = cases
            .iter()
            .filter_map(|c| c["public_key_pem"].as_str().map(String::from))
            .collect();
        let mut report = Report::default();
        let mut identity = IdentityCounts::default();
        for (i, case) in cases.iter().enumerate() {
            match name.as_str() {
                "blob.json" => run_blob(case, i, &mut report),
                "bubbling_chain.json" => run_bubbling_chain(case, i, &mut report),
                "canonical.json" => run_canonical(case, i, &mut report),
                "ed25519.json" => run_ed25519(case, i, &mut report, &other_keys),
                "floats.json" => run_floats(case, i, &mut report),
                "hmac.json" => run_hmac(case, i, &mut report),
                "identifiers.json" => run_identifiers(case, i, &mut report),
                "matching.json" => run_matching(case, i, &mut report),
                "models.json" => run_models(case, i, &mut report, &mut identity),
                "roundtrip.json" => run_roundtrip(case, i, &mut report, &mut identity),
                "schema.json" => run_schema(case, i, &mut report),
                _ => unreachable!("checked above"),
            }
        }
        let failed = report.failures.len();
        let by_identity = identity.by_identity;
        println!("{name}: {} passed", cases.len() - failed.min(cases.len()) - by_identity);
        if by_identity > 0 {
            println!(
                "{name}: {by_identity} where rxon keeps a default member that arrived and the file, made from \
                 in-memory default objects, does not (the reference keeps it too when it decodes that JSON text)"
            );
        }
        if failed > 0 {
            println!("{name}: {failed} failed");
            failures.extend(report.failures.into_iter().take(10).map(|f| format!("{name} {f}")));
        }
    }
    assert!(failures.is_empty(), "vector failures:\n{}", failures.join("\n"));
}
