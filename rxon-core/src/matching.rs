//! Matching what a worker has against what a task requires (`have.matches(required)`),
//! with the reference's rules:
//!
//! * a numeric requirement is a minimum;
//! * a list requirement is met by any shared element, or by a scalar that is one of its
//!   elements; a list on the worker's side meets a scalar requirement it contains;
//! * other values must be equal; a missing (or null) property fails;
//! * devices: `type` and `id` equal, `model` a case-insensitive substring; each required
//!   device consumes a distinct device, taken first-fit in order as the reference does;
//! * artifacts: name equal, version equal unless the requirement says `unknown`;
//! * skills: name equal, type and version equal when the requirement names them.
//!
//! Values compare as Python compares them: booleans are the integers 0 and 1 (`true`
//! meets a minimum of 1), and integers equal floats of the same value.

use crate::json::{Number, Value};
use crate::models::{HardwareDevice, InstalledArtifact, JsonObject, Message, Resources, SkillInfo};
use std::cmp::Ordering;

/// Something a worker has that can meet a requirement of the same type.
pub trait Matches {
    /// Whether `self` (what the worker has) meets `required`.
    fn matches(&self, required: &Self) -> bool;
}

/// `have.matches(required)` for the model called `name` (`HardwareDevice`, `Resources`,
/// `InstalledArtifact` or `SkillInfo`), both given as JSON trees; for bindings.
pub fn matches_named(name: &str, have: &Value, required: &Value) -> crate::Result<bool> {
    fn decoded<M: Matches + Message>(have: &Value, required: &Value) -> crate::Result<bool> {
        Ok(M::from_value(have)?.matches(&M::from_value(required)?))
    }
    match name {
        "HardwareDevice" => decoded::<HardwareDevice>(have, required),
        "Resources" => decoded::<Resources>(have, required),
        "InstalledArtifact" => decoded::<InstalledArtifact>(have, required),
        "SkillInfo" => decoded::<SkillInfo>(have, required),
        other => Err(crate::error::RxonError::invalid_value(format!(
            "{other} has no matches()"
        ))),
    }
}

impl Matches for HardwareDevice {
    fn matches(&self, required: &Self) -> bool {
        if !required.type_.is_empty() && self.type_ != required.type_ {
            return false;
        }
        if let Some(model) = required.model.as_deref().filter(|m| !m.is_empty()) {
            let have = self.model.as_deref().unwrap_or("");
            if have.is_empty() || !have.to_lowercase().contains(&model.to_lowercase()) {
                return false;
            }
        }
        if let Some(id) = required.id.as_deref().filter(|id| !id.is_empty())
            && self.id.as_deref() != Some(id)
        {
            return false;
        }
        properties_match(self.properties.as_ref(), required.properties.as_ref())
    }
}

impl Matches for Resources {
    fn matches(&self, required: &Self) -> bool {
        if let Some(required_devices) = required.devices.as_ref().filter(|d| !d.is_empty()) {
            let mut free: Vec<&HardwareDevice> = self.devices.iter().flatten().collect();
            for wanted in required_devices {
                match free.iter().position(|have| have.matches(wanted)) {
                    Some(index) => {
                        free.remove(index);
                    }
                    None => return false,
                }
            }
        }
        properties_match(self.properties.as_ref(), required.properties.as_ref())
    }
}

impl Matches for InstalledArtifact {
    fn matches(&self, required: &Self) -> bool {
        if self.name != required.name {
            return false;
        }
        if required.version() != "unknown" && required.version() != self.version() {
            return false;
        }
        properties_match(self.properties.as_ref(), required.properties.as_ref())
    }
}

impl Matches for SkillInfo {
    fn matches(&self, required: &Self) -> bool {
        self.name == required.name
            && required.type_.as_ref().is_none_or(|t| self.type_.as_ref() == Some(t))
            && required
                .version
                .as_ref()
                .is_none_or(|v| self.version.as_ref() == Some(v))
    }
}

/// Whether the worker's properties meet every required property.
pub fn properties_match(have: Option<&JsonObject>, required: Option<&JsonObject>) -> bool {
    let Some(required) = required.filter(|r| !r.is_empty()) else {
        return true;
    };
    required
        .iter()
        .all(|(key, wanted)| match have.and_then(|h| h.get(key)) {
            None | Some(Value::Null) => false,
            Some(value) => property_matches(value, wanted),
        })
}

fn property_matches(have: &Value, wanted: &Value) -> bool {
    if let (Some(have), Some(wanted)) = (numeric(have), numeric(wanted)) {
        return compare_numbers(have, wanted) != Some(Ordering::Less);
    }
    match (have, wanted) {
        (Value::Array(have), Value::Array(wanted)) => have.iter().any(|h| wanted.iter().any(|w| py_eq(h, w))),
        (have, Value::Array(wanted)) => wanted.iter().any(|w| py_eq(have, w)),
        (Value::Array(have), wanted) => have.iter().any(|h| py_eq(h, wanted)),
        (have, wanted) => py_eq(have, wanted),
    }
}

/// A JSON number or boolean as Python sees it: an exact integer or a float.
#[derive(Clone, Copy)]
enum Numeric {
    Int(i128),
    Float(f64),
}

fn numeric(value: &Value) -> Option<Numeric> {
    match value {
        Value::Bool(b) => Some(Numeric::Int(i128::from(*b))),
        Value::Number(Number::Float(f)) => Some(Numeric::Float(*f)),
        Value::Number(n) => Some(n.as_i128().map_or_else(|| Numeric::Float(n.as_f64()), Numeric::Int)),
        _ => None,
    }
}

fn compare_numbers(a: Numeric, b: Numeric) -> Option<Ordering> {
    match (a, b) {
        (Numeric::Int(a), Numeric::Int(b)) => Some(a.cmp(&b)),
        (Numeric::Int(a), Numeric::Float(b)) => (a as f64).partial_cmp(&b),
        (Numeric::Float(a), Numeric::Int(b)) => a.partial_cmp(&(b as f64)),
        (Numeric::Float(a), Numeric::Float(b)) => a.partial_cmp(&b),
    }
}

/// Python's `==` on JSON values.
fn py_eq(a: &Value, b: &Value) -> bool {
    if let (Some(x), Some(y)) = (numeric(a), numeric(b)) {
        return compare_numbers(x, y) == Some(Ordering::Equal);
    }
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn props(v: Value) -> JsonObject {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn numbers_are_minimums_and_booleans_count_as_integers() {
        let have = props(json!({"vram": 24, "flag": true}));
        assert!(properties_match(Some(&have), Some(&props(json!({"vram": 16.5})))));
        assert!(!properties_match(Some(&have), Some(&props(json!({"vram": 25})))));
        assert!(properties_match(Some(&have), Some(&props(json!({"flag": 1})))));
        assert!(!properties_match(Some(&have), Some(&props(json!({"flag": 2})))));
    }

    #[test]
    fn lists_are_any_of_sets() {
        let have = props(json!({"tags": ["fp16", "int8"], "arch": "sm90"}));
        assert!(properties_match(
            Some(&have),
            Some(&props(json!({"tags": ["bf16", "int8"]})))
        ));
        assert!(properties_match(Some(&have), Some(&props(json!({"tags": "fp16"})))));
        assert!(properties_match(
            Some(&have),
            Some(&props(json!({"arch": ["sm80", "sm90"]})))
        ));
        assert!(!properties_match(Some(&have), Some(&props(json!({"missing": 1})))));
    }
}
