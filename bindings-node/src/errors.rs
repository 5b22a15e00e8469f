//! The core's errors as the JavaScript layer raises them. A failure is thrown (or rejects a
//! Promise) as an `Error` whose message carries its kind and details; `index.js` turns it into
//! the matching class (`RxonError` and its subclasses, or `TypeError`/`RangeError`), so
//! `instanceof` works.

use napi::Status;
use rxon_core::RxonError;
use rxon_core::host::Refusal;
use rxon_core::json::{Object as JsonObject, Value};

/// Why a call failed: the kind names the JavaScript class it becomes.
#[derive(Debug)]
pub struct JsFailure {
    kind: &'static str,
    message: String,
    details: JsonObject,
}

impl From<napi::Error> for JsFailure {
    fn from(err: napi::Error) -> Self {
        JsFailure {
            kind: "Error",
            message: err.reason.clone(),
            details: JsonObject::new(),
        }
    }
}

impl From<RxonError> for JsFailure {
    fn from(err: RxonError) -> Self {
        let kind = match &err {
            RxonError::InvalidValue { .. } if err.details().get("recursion_limit").is_some() => "RangeError",
            // The reference's ValueError (a message that does not decode, a bad identifier).
            RxonError::InvalidValue { .. } => "RxonError",
            // The reference's class of that name, defined in `index.js`.
            _ => err.kind_name(),
        };
        JsFailure {
            kind,
            message: err.message().to_string(),
            details: err.details().clone(),
        }
    }
}

/// The failure for a value the core refuses.
pub fn refusal(refusal: Refusal) -> JsFailure {
    let kind = match &refusal {
        Refusal::TooDeep(_) => "RangeError",
        Refusal::KeyNotString(_) | Refusal::NotJson(_) => "TypeError",
        Refusal::Invalid(err) => return JsFailure::from(err.clone()),
    };
    JsFailure {
        kind,
        message: refusal.to_string(),
        details: JsonObject::new(),
    }
}

/// A failure of the argument named `what`: a `TypeError`.
pub fn type_error(message: impl Into<String>) -> JsFailure {
    JsFailure {
        kind: "TypeError",
        message: message.into(),
        details: JsonObject::new(),
    }
}

/// Runs `f`; its failure becomes the error the call throws (see [`rejecting`]).
pub fn raising<T>(f: impl FnOnce() -> Result<T, JsFailure>) -> napi::Result<T> {
    f().map_err(rejecting)
}

/// The error a call throws or a Promise rejects with: its message carries the kind and
/// details for `index.js` to raise the matching class (`\u{1}rxon:<kind>\u{1}<details JSON>\u{1}<message>`).
pub fn rejecting(failure: JsFailure) -> napi::Error {
    let details = rxon_core::canonical::json_dumps(&Value::Object(failure.details)).unwrap_or_else(|_| "{}".into());
    napi::Error::new(
        Status::GenericFailure,
        format!("\u{1}rxon:{}\u{1}{details}\u{1}{}", failure.kind, failure.message),
    )
}

/// Use after `close()`.
pub fn closed(what: &str) -> JsFailure {
    JsFailure {
        kind: "RxonError",
        message: format!("{what} is closed: call connect() first"),
        details: JsonObject::new(),
    }
}

/// Use after a `close()` that cannot be undone.
pub fn stopped(what: &str) -> JsFailure {
    JsFailure {
        kind: "RxonError",
        message: format!("{what} is closed"),
        details: JsonObject::new(),
    }
}
