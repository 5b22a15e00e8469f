//! Skill contracts: JSON Schema validation of task params and result data with the reference's
//! human messages (`Missing required field: 'b'`, `Field 'a': Expected integer`, …).
//!
//! Schemas are compiled once and kept in a bounded cache keyed by their canonical form, so a
//! worker validating every task pays for compilation once per skill.

mod compile;
mod compiled;
mod evaluate;
mod formats;
mod pattern;
mod pyrepr;
mod translate;
mod validator;

pub use crate::json::number_text::py_float_repr;
pub use formats::Format;
pub use pyrepr::{py_repr, py_str};
pub use translate::translate_error;

use crate::canonical;
use crate::error::{Result, RxonError};
use crate::json::Value;
use crate::models::{JsonObject, SkillInfo, TaskPayload};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, LazyLock, Mutex};

/// How many compiled schemas the cache keeps (the oldest goes first), like the reference.
pub const MAX_VALIDATOR_CACHE_SIZE: usize = 1024;

/// A compiled JSON Schema.
#[derive(Debug)]
pub struct CompiledSchema {
    validator: validator::Validator,
}

impl CompiledSchema {
    /// Compiles `schema`; the error says why it is not a usable schema.
    pub fn compile(schema: &Value) -> Result<Self> {
        validator::Validator::compile(schema)
            .map(|validator| CompiledSchema { validator })
            .map_err(|reason| RxonError::invalid_value(format!("Failed to compile schema: {reason}")))
    }

    /// Validates `data`; the error is the reference's human message for the first failure.
    pub fn validate(&self, data: &Value) -> std::result::Result<(), String> {
        self.check(data).map_err(|message| translate_error(&message, data))
    }

    /// Validates `data`; the error is the validator's own message (`data.a must be integer`,
    /// as fastjsonschema words it), which [`translate_error`] turns into the human one.
    pub fn check(&self, data: &Value) -> std::result::Result<(), String> {
        self.validator.validate(data)
    }
}

#[derive(Default)]
struct Cache {
    by_key: HashMap<Vec<u8>, Arc<CompiledSchema>>,
    order: VecDeque<Vec<u8>>,
}

static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Mutex::default);

/// The compiled form of `schema`, from the bounded cache; `None` for an absent or empty
/// schema. A schema that does not compile is an error (the reference logs it and returns
/// `None`; validation then fails with "Failed to compile schema").
pub fn get_compiled_validator(schema: Option<&JsonObject>) -> Result<Option<Arc<CompiledSchema>>> {
    let Some(schema) = schema.filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let key = canonical::to_canonical_vec(schema)?;
    let mut cache = CACHE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(found) = cache.by_key.get(&key) {
        return Ok(Some(found.clone()));
    }
    let compiled = Arc::new(CompiledSchema::compile(&Value::Object(schema.clone()))?);
    if cache.order.len() >= MAX_VALIDATOR_CACHE_SIZE
        && let Some(oldest) = cache.order.pop_front()
    {
        cache.by_key.remove(&oldest);
    }
    cache.order.push_back(key.clone());
    cache.by_key.insert(key, compiled.clone());
    Ok(Some(compiled))
}

/// The reference's `validate_data`: `Ok(())` when `data` meets `schema` (an absent or empty
/// schema accepts anything), else the human message.
pub fn validate_data(data: &Value, schema: Option<&JsonObject>) -> std::result::Result<(), String> {
    match get_compiled_validator(schema) {
        Ok(None) => Ok(()),
        Ok(Some(compiled)) => compiled.validate(data),
        Err(_) => Err("Failed to compile schema".to_string()),
    }
}

fn object_or_null(value: Option<&JsonObject>) -> Value {
    value.map_or(Value::Null, |map| Value::Object(map.clone()))
}

/// Checks a task's params against its skill's `input_schema` (the reference's
/// `TaskPayload.validate_params`). The error is a [`RxonError::ParamValidation`] whose message
/// is the reference's human text, ready for an `INVALID_INPUT_ERROR`.
pub fn validate_params(task: &TaskPayload, skill: &SkillInfo) -> Result<()> {
    validate_data(&object_or_null(task.params.as_ref()), skill.input_schema.as_ref())
        .map_err(|message| RxonError::param_validation(message).with_detail("skill", skill.name.as_str()))
}

/// Checks result data against the skill's `output_schema`; the error message is the
/// reference's human text, ready for a `CONTRACT_VIOLATION_ERROR`.
pub fn validate_output(skill: &SkillInfo, data: Option<&JsonObject>) -> Result<()> {
    validate_data(&object_or_null(data), skill.output_schema.as_ref())
        .map_err(|message| RxonError::param_validation(message).with_detail("skill", skill.name.as_str()))
}

/// Whether `status` is one the skill declares in `output_statuses` (any status when it
/// declares none).
pub fn allows_status(skill: &SkillInfo, status: &str) -> bool {
    skill
        .output_statuses
        .as_ref()
        .is_none_or(|statuses| statuses.iter().any(|s| s == status))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn schema(v: Value) -> JsonObject {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn properties_are_checked_in_schema_order() {
        let s: Value =
            crate::json::parse(br#"{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"integer"}}}"#)
                .unwrap();
        let err = validate_data(&json!({"a": "x", "b": 1}), Some(&schema(s))).unwrap_err();
        assert_eq!(err, "Field 'b': Expected string");
    }

    #[test]
    fn keywords_beyond_the_vectors_speak_like_the_reference() {
        let s = schema(json!({"type": "object", "properties": {
            "n": {"minimum": 5}, "s": {"minLength": 2}, "e": {"format": "email"},
            "k": {"const": "x"}, "o": {"oneOf": [{"type": "integer"}, {"minimum": 0}]}
        }}));
        let check = |data: Value| validate_data(&data, Some(&s)).unwrap_err();
        assert_eq!(check(json!({"n": 4})), "Field 'n': Expected bigger than or equal to 5");
        assert_eq!(
            check(json!({"s": "a"})),
            "Field 's': Expected longer than or equal to 2 characters"
        );
        assert_eq!(check(json!({"e": "nope"})), "Field 'e': Expected email");
        assert_eq!(
            check(json!({"k": "y"})),
            "Field 'k': Expected same as const definition: x"
        );
        assert_eq!(
            check(json!({"o": 3})),
            "Field 'o': Expected valid exactly by one definition (2 matches found)"
        );
    }

    #[test]
    fn local_refs_and_recursion_resolve() {
        let s = schema(json!({
            "definitions": {"node": {"type": "object", "properties": {"child": {"$ref": "#/definitions/node"}, "v": {"type": "integer"}}}},
            "$ref": "#/definitions/node"
        }));
        assert!(validate_data(&json!({"child": {"child": {"v": 1}}}), Some(&s)).is_ok());
        assert_eq!(
            validate_data(&json!({"child": {"child": {"v": "x"}}}), Some(&s)).unwrap_err(),
            "Field 'child': Field 'child': Field 'v': Expected integer"
        );
    }

    #[test]
    fn broken_schemas_fail_to_compile_instead_of_panicking() {
        let s = schema(json!({"type": "nonsense"}));
        assert_eq!(
            validate_data(&json!({}), Some(&s)).unwrap_err(),
            "Failed to compile schema"
        );
        let s = schema(json!({"$ref": "https://example.com/schema"}));
        assert!(get_compiled_validator(Some(&s)).is_err());
        let s = schema(json!({"$ref": "#"}));
        assert!(validate_data(&json!({}), Some(&s)).is_err());
    }

    #[test]
    fn validate_params_uses_the_skill_input_schema() {
        let skill = SkillInfo {
            input_schema: Some(schema(json!({"type": "object", "required": ["b"]}))),
            ..SkillInfo::named("add")
        };
        let task = TaskPayload {
            params: Some(schema(json!({"a": 1}))),
            ..Default::default()
        };
        let err = validate_params(&task, &skill).unwrap_err();
        assert_eq!(err.message(), "Missing required field: 'b'");
        assert!(matches!(err, RxonError::ParamValidation { .. }));
        let task = TaskPayload::default();
        assert_eq!(
            validate_params(&task, &skill).unwrap_err().message(),
            "Expected object, got null"
        );
    }
}
