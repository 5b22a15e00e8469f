//! Members with a default other than null, and the one rule that decides when they are
//! encoded.
//!
//! The reference's structs leave out a member only when it *is* its default object
//! (msgspec's `omit_defaults` compares by identity). What that means for a message decoded
//! from JSON text, measured with the reference on every such member:
//!
//! * **integers** (`step`, `depth`, `size`; default `0`): Python shares its small integers,
//!   so a `0` that arrived is the default and is left out again;
//! * **floats** (`priority`, `cpu_load_percent`, `ram_used_gb`; default `0.0`) and **strings**
//!   (`status`, `worker_type`, `schema_dialect`, `version`, `hostname`, `ip_address`): a
//!   decoded value is a new object, never the default, so the member is kept whenever it
//!   arrived — `"priority": 0` and `"status": "success"` included — at any depth.
//!
//! rxon holds the float and string members as `Option`: `None` when not given (the default
//! applies and the member is left out), `Some` when given — decoded, or set by code — and
//! then always written. Integer members are plain integers left out when `0`. So
//! `json_dumps(from_dict(M, wire))` is the reference's for any JSON text, and messages built
//! without these members encode without them, as the reference's do.

use serde::{Deserialize, Deserializer};

/// `TaskResult.status`.
pub const TASK_STATUS: &str = "success";
/// `WorkerRegistration.worker_type`.
pub const WORKER_TYPE: &str = "generic";
/// `SkillInfo.schema_dialect`.
pub const SCHEMA_DIALECT: &str = "json-schema";
/// `InstalledArtifact.version`.
pub const ARTIFACT_VERSION: &str = "unknown";
/// `WorkerCapabilities.hostname`.
pub const HOSTNAME: &str = "unknown";
/// `WorkerCapabilities.ip_address`.
pub const IP_ADDRESS: &str = "0.0.0.0";

/// The default of every string member that has one: `(message, member, default)`.
pub const STRING_DEFAULTS: &[(&str, &str, &str)] = &[
    ("TaskResult", "status", TASK_STATUS),
    ("WorkerRegistration", "worker_type", WORKER_TYPE),
    ("SkillInfo", "schema_dialect", SCHEMA_DIALECT),
    ("InstalledArtifact", "version", ARTIFACT_VERSION),
    ("WorkerCapabilities", "hostname", HOSTNAME),
    ("WorkerCapabilities", "ip_address", IP_ADDRESS),
];

/// The default of a member that may be left out, by its type: null for nullable members,
/// `0` and `0.0` for numbers, [`STRING_DEFAULTS`] for strings. `None` if it has none.
pub(crate) fn default_of(message: &str, member: &str, ty: &super::MemberType) -> Option<crate::json::Value> {
    use super::MemberType;
    use crate::json::{Number, Value};
    Some(match ty {
        MemberType::Nullable(_) => Value::Null,
        MemberType::Int => Value::Number(Number::PosInt(0)),
        MemberType::Float => Value::Number(Number::Float(0.0)),
        MemberType::Str => STRING_DEFAULTS
            .iter()
            .find(|(m, name, _)| *m == message && *name == member)
            .map(|(_, _, default)| Value::from(*default))?,
        _ => return None,
    })
}

/// Decodes a member that was given: `Some(value)`. A `null` is refused as the reference
/// refuses it for a `float` or `str` member (`Option` alone would take it for "not given").
pub(crate) fn given<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

pub(crate) fn is_zero_i64(value: &i64) -> bool {
    *value == 0
}

/// The value of a float member with default `0.0`.
pub(crate) fn float_or_zero(value: Option<f64>) -> f64 {
    value.unwrap_or(0.0)
}
