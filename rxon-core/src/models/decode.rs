//! Turning a failed decode into the reference's message.
//!
//! Decoding runs once at full speed; only when it fails is the document decoded again with
//! path tracking, and the offending value looked up to name its JSON type the way msgspec does.

use super::Message;
use crate::error::RxonError;
use crate::json::{self, Number, Value};
use serde_path_to_error::{Path, Segment};

/// The reference's error for `text` failing to decode into `M`.
pub fn decode_error<M: Message>(text: &[u8]) -> RxonError {
    let value = match json::parse(text) {
        Ok(value) => value,
        Err(err) => return failure::<M>(format!("JSON is malformed: {err}"), None),
    };
    let err = match json::Deserializer::from_slice(text).map(|mut de| serde_path_to_error::deserialize::<_, M>(&mut de))
    {
        Ok(Err(err)) => err,
        _ => return failure::<M>("inconsistent decode".into(), None),
    };
    let path = err.path().clone();
    let inner = err.into_inner().to_string();
    if let Some(field) = inner.strip_prefix("missing field `").and_then(|s| s.strip_suffix('`')) {
        return failure::<M>(format!("Object missing required field `{field}`"), Some(&path));
    }
    let expected = inner.rsplit_once(", expected ").map(|(_, e)| msgspec_type_name(e));
    let got = lookup(&value, &path).map(json_type_name);
    match (expected, got) {
        (Some(expected), Some(got)) if expected != got => {
            failure::<M>(format!("Expected `{expected}`, got `{got}`"), Some(&path))
        }
        _ => failure::<M>(inner, Some(&path)),
    }
}

fn failure<M: Message>(reason: String, path: Option<&Path>) -> RxonError {
    let at = path.map(render_path).filter(|p| p != "$");
    let message = match &at {
        Some(at) => format!("Failed to instantiate {}: {reason} - at `{at}`", M::NAME),
        None => format!("Failed to instantiate {}: {reason}", M::NAME),
    };
    let mut err = RxonError::invalid_value(message).with_detail("model", M::NAME);
    if let Some(at) = at {
        err = err.with_detail("path", at);
    }
    err
}

/// `$`, then `.member` and `[index]` segments, as msgspec writes paths.
fn render_path(path: &Path) -> String {
    let mut out = String::from("$");
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => {
                out.push('.');
                out.push_str(key);
            }
            Segment::Enum { variant } => {
                out.push('.');
                out.push_str(variant);
            }
            Segment::Unknown => out.push_str(".?"),
        }
    }
    out
}

fn lookup<'v>(value: &'v Value, path: &Path) -> Option<&'v Value> {
    path.iter().try_fold(value, |current, segment| match segment {
        Segment::Seq { index } => current.get_index(*index),
        Segment::Map { key } => current.get(key.as_str()),
        _ => None,
    })
}

/// The Python type name msgspec uses for a JSON value.
fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(Number::Float(_)) => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Maps serde's "expected …" wording to msgspec's type names.
fn msgspec_type_name(expected: &str) -> &str {
    match expected {
        "a string" | "a character" => "str",
        "f64" | "f32" => "float",
        "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32" | "u64" | "u128" => "int",
        "a boolean" => "bool",
        "a sequence" => "array",
        "a map" => "object",
        other if other.starts_with("struct ") => "object",
        other => other,
    }
}
