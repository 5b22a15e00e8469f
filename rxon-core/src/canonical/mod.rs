//! The canonical form: what the reference's `to_dict` + `orjson.dumps(…, OPT_SORT_KEYS)`
//! produce, byte for byte. Signatures, hashes and `json_dumps` are all computed over it.
//!
//! * null object members are dropped, recursively (null list items stay);
//! * integral floats are written as integers (`5.0` → `5`); see [`number`] for the one case
//!   where the reference fails and rxon defines a result instead;
//! * object keys are sorted by code point; output is compact UTF-8, escaping only `"`, `\`
//!   and control characters;
//! * nesting deeper than [`MAX_DEPTH`] is refused, like the reference.

mod writer;

/// Number text as the canonical form writes it (it lives with the JSON text primitives).
pub use crate::json::number_text as number;
pub use crate::json::write_escaped_str;
pub use writer::{CanonicalError, MAX_DEPTH, too_deep_message};

use crate::error::{Result, RxonError};
use crate::json::{self, Value};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A JSON value displays as its canonical text.
impl std::fmt::Display for Value {
    /// The canonical JSON text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match json_dumps(self) {
            Ok(text) => f.write_str(&text),
            Err(_) => f.write_str("<not serializable>"),
        }
    }
}

impl From<CanonicalError> for RxonError {
    fn from(err: CanonicalError) -> Self {
        match err {
            // The reference raises RecursionError here; bindings can tell by this detail.
            CanonicalError::TooDeep => {
                RxonError::invalid_value(too_deep_message()).with_detail("recursion_limit", MAX_DEPTH as u64)
            }
            CanonicalError::Invalid(reason) => RxonError::invalid_value(reason),
        }
    }
}

/// Appends the canonical form of `value` to `out`, leaving out the named members of the
/// top-level object (used by signatures to drop `security` and `_signature`).
pub fn write_canonical<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T, skip_top_level: &[&str]) -> Result<()> {
    let start = out.len();
    let mut writer = writer::Writer::new(out, skip_top_level);
    if let Err(err) = value.serialize(&mut writer) {
        out.truncate(start);
        return Err(err.into());
    }
    Ok(())
}

/// The canonical bytes of `value`.
pub fn to_canonical_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    write_canonical(&mut out, value, &[])?;
    Ok(out)
}

/// The reference's `json_dumps`: the canonical form as a string.
pub fn json_dumps<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let bytes = to_canonical_vec(value)?;
    // The writer only emits valid UTF-8 (it copies `&str`s and ASCII).
    String::from_utf8(bytes).map_err(|e| RxonError::invalid_value(e.to_string()))
}

/// The reference's `to_dict`: `value` as a JSON tree with null members dropped and integral
/// floats turned into integers.
pub fn to_dict<T: Serialize + ?Sized>(value: &T) -> Result<Value> {
    let bytes = to_canonical_vec(value)?;
    loads(&bytes)
}

/// The reference's `loads`: parses JSON text into a tree, keeping every number exactly.
pub fn loads(text: &[u8]) -> Result<Value> {
    json::parse(text).map_err(|e| RxonError::invalid_value(format!("Invalid JSON: {e}")))
}

/// The reference's `calculate_dict_hash`: hex SHA-256 of the canonical bytes.
pub fn calculate_dict_hash<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let bytes = to_canonical_vec(value)?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_serializers_keep_document_order_and_canonical_sorts() {
        let value = crate::json::parse(br#"{"b":1,"a":{"d":2,"c":3}}"#).unwrap();
        assert_eq!(serde_json::to_string(&value).unwrap(), r#"{"b":1,"a":{"d":2,"c":3}}"#);
        assert_eq!(json_dumps(&value).unwrap(), r#"{"a":{"c":3,"d":2},"b":1}"#);
        // The request to sort never leaks into a later, unrelated serialization.
        assert_eq!(serde_json::to_string(&value).unwrap(), r#"{"b":1,"a":{"d":2,"c":3}}"#);
    }
    use crate::json;

    fn canon(v: &Value) -> String {
        json_dumps(v).unwrap()
    }

    #[test]
    fn sorts_keys_and_drops_null_members_but_not_null_items() {
        let v = json::parse(br#"{"b":1,"a":{"z":null,"y":[null,2.0]},"c":null}"#).unwrap();
        assert_eq!(canon(&v), r#"{"a":{"y":[null,2]},"b":1}"#);
    }

    #[test]
    fn non_finite_floats_are_null_so_objects_drop_them() {
        let mut object = json::Object::new();
        object.insert("nan", Value::from(f64::NAN));
        object.insert("list", Value::Array(vec![Value::from(f64::INFINITY), Value::from(1.5)]));
        assert_eq!(canon(&Value::Object(object)), r#"{"list":[null,1.5]}"#);
    }

    #[test]
    fn escapes_like_the_reference() {
        let v = json!({"k": "\u{8}\u{c}\u{7f}\u{2028}\u{1f}\"\\é"});
        assert_eq!(canon(&v), "{\"k\":\"\\b\\f\u{7f}\u{2028}\\u001f\\\"\\\\é\"}");
    }

    #[test]
    fn code_point_order_and_escaped_keys_sort_by_their_raw_text() {
        let v = json!({"#": 1, "\"": 2, "é": 3, "z": 4});
        assert_eq!(canon(&v), r##"{"\"":2,"#":1,"z":4,"é":3}"##);
    }

    #[test]
    fn skips_named_top_level_members_only() {
        let v = json!({"security": {"security": 1}, "a": {"security": 2}, "_signature": "x"});
        let mut out = Vec::new();
        write_canonical(&mut out, &v, &["security", "_signature"]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"a":{"security":2}}"#);
    }

    #[test]
    fn refuses_nesting_deeper_than_the_reference() {
        let mut ok = json!(1);
        for _ in 0..MAX_DEPTH {
            ok = json!([ok]);
        }
        assert!(json_dumps(&ok).is_ok());
        let too_deep = json!([ok]);
        let err = json_dumps(&too_deep).unwrap_err();
        assert!(err.message().contains("Maximum recursion depth (30)"), "{err}");
    }

    #[test]
    fn hash_is_sha256_of_canonical_bytes() {
        let h = calculate_dict_hash(&json!({"a": 1})).unwrap();
        assert_eq!(h, hex::encode(Sha256::digest(br#"{"a":1}"#)));
    }
}
