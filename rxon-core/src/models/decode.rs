//! Turning a failed decode into the reference's message.
//!
//! Decoding runs once at full speed; only when it fails is the document decoded again with
//! path tracking, and the offending value looked up to name its JSON type the way msgspec does.

use super::{MemberType, Message};
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
    let nullable = types_along::<M>(&path)
        .last()
        .copied()
        .flatten()
        .is_some_and(|ty| matches!(ty, MemberType::Nullable(_)));
    let expected = inner.rsplit_once(", expected ").map(|(_, e)| {
        let name = msgspec_type_name(e);
        if nullable {
            format!("{name} | null")
        } else {
            name.to_string()
        }
    });
    let got = lookup(&value, &path).map(json_type_name);
    if expected.as_deref().is_some_and(|e| e.starts_with("int")) && got == Some("int") {
        // The reference's integers have no bound; rxon holds integer members in 64 bits.
        let reason = "Integer outside the 64-bit range of an `int` member".to_string();
        return failure::<M>(reason, Some(&path));
    }
    match (expected, got) {
        (Some(expected), Some(got)) if expected != got => {
            failure::<M>(format!("Expected `{expected}`, got `{got}`"), Some(&path))
        }
        _ => failure::<M>(inner, Some(&path)),
    }
}

fn failure<M: Message>(reason: String, path: Option<&Path>) -> RxonError {
    let at = path.map(render_path::<M>).filter(|p| p != "$");
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

/// `$`, then `.member`, `[index]` and `[...]` (a dict's key) segments, as msgspec writes paths.
fn render_path<M: Message>(path: &Path) -> String {
    let containers = types_along::<M>(path);
    let mut out = String::from("$");
    for (segment, container) in path.iter().zip(containers) {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { .. } if matches!(container.map(non_null), Some(MemberType::Map(_))) => out.push_str("[...]"),
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

/// The declared type holding each segment of `path` (`None` for the message `M` itself, which
/// holds the first), then the type of the value at its end; `None` where unknown.
fn types_along<M: Message>(path: &Path) -> Vec<Option<&'static MemberType>> {
    let member = |message: &str, key: &str| super::members(message).iter().find(|m| m.name == key).map(|m| &m.ty);
    let mut along = vec![None];
    let mut ty = None;
    for (depth, segment) in path.iter().enumerate() {
        ty = match (depth, ty.map(non_null), segment) {
            (0, _, Segment::Map { key }) => member(M::NAME, key),
            (_, Some(MemberType::Message(name)), Segment::Map { key }) => member(name, key),
            (_, Some(MemberType::Map(inner)), Segment::Map { .. })
            | (_, Some(MemberType::List(inner)), Segment::Seq { .. }) => Some(inner.as_ref()),
            _ => None,
        };
        along.push(ty);
    }
    along
}

/// The type without its `| None`.
fn non_null(ty: &MemberType) -> &MemberType {
    match ty {
        MemberType::Nullable(inner) => non_null(inner),
        other => other,
    }
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

#[cfg(test)]
mod tests {
    use crate::models::{Message, TaskPayload, WorkerRegistration};

    fn error<M: Message>(text: &str) -> String {
        M::from_json(text.as_bytes()).unwrap_err().message().to_string()
    }

    #[test]
    fn messages_name_nullable_types_and_dict_keys_as_the_reference_does() {
        let task = |member: &str| format!(r#"{{"job_id":"j","task_id":"t","type":"x",{member}}}"#);
        // Each message below is the reference's own (rxon 1.0b17 `from_dict`).
        assert_eq!(
            error::<TaskPayload>(&task(r#""security":[]"#)),
            "Failed to instantiate TaskPayload: Expected `object | null`, got `array` - at `$.security`"
        );
        assert_eq!(
            error::<TaskPayload>(&task(r#""deadline":"soon""#)),
            "Failed to instantiate TaskPayload: Expected `int | null`, got `str` - at `$.deadline`"
        );
        assert_eq!(
            error::<TaskPayload>(&task(r#""tracing_context":{"a":1}"#)),
            "Failed to instantiate TaskPayload: Expected `str`, got `int` - at `$.tracing_context[...]`"
        );
        assert_eq!(
            error::<TaskPayload>(&task(r#""params_metadata":{"a":{"b":1}}"#)),
            "Failed to instantiate TaskPayload: Object missing required field `uri` - at `$.params_metadata[...]`"
        );
        assert_eq!(
            error::<WorkerRegistration>(r#"{"worker_id":"w","supported_skills":[{"name":1}]}"#),
            "Failed to instantiate WorkerRegistration: Expected `str`, got `int` - at `$.supported_skills[0].name`"
        );
    }

    #[test]
    fn integers_beyond_64_bits_are_refused_saying_why() {
        let text = r#"{"job_id":"j","task_id":"t","type":"x","step":1180591620717411303424}"#;
        assert!(
            error::<TaskPayload>(text).contains("64-bit range"),
            "{}",
            error::<TaskPayload>(text)
        );
    }
}
