//! Schemas whose patterns use what Python's `re` has and Rust's `regex` lacks (look-around,
//! back-references): `tests/vectors/schema_patterns.json`, computed by the reference with
//! `tests/interop/gen_schema_pattern_vectors.py`. Each case: the same verdict and message.

use rxon_core::json::{self, Value};
use rxon_core::schema::validate_data;
use std::path::PathBuf;

#[test]
fn schema_patterns_validate_as_the_reference() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/schema_patterns.json");
    let doc = json::parse(&std::fs::read(&path).expect("the vector file")).expect("JSON");
    let cases = doc["cases"].as_array().expect("cases");
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let got = validate_data(&case["data"], case["schema"].as_object());
        let expected = match (&case["valid"], &case["message"]) {
            (Value::Bool(true), _) => Ok(()),
            (_, Value::String(message)) => Err(message.to_string()),
            other => panic!("case {i}: unexpected {other:?}"),
        };
        if got != expected {
            failures.push(format!("case {i}: {got:?} != {expected:?} for {}", case["data"]));
        }
    }
    println!("schema_patterns.json: {} passed", cases.len() - failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
