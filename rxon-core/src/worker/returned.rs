//! What a task's code gave back (a handler's return value, a command's stdout), read once for
//! every binding and the CLI.
//!
//! * an object is the result data — unless it has the shape of the avtomatika worker SDK's
//!   result: a string `status` and no members but `status`, `data` (an object) and `error` (an
//!   object). Then `{"status": "failure", "error": {"code", "message", "details"}}` fails the
//!   task with that error (code `TRANSIENT_ERROR` and message "No error details provided." when
//!   missing, as avtomatika reads it), and any other status completes it with `data` (`{}`
//!   when absent). So a failure is never reported as a success.
//! * `null` is empty result data;
//! * anything else (an array, a number, a string) cannot be a result: `PERMANENT_ERROR`.

use super::task::Outcome;
use crate::constants::{ERROR_CODE_PERMANENT, ERROR_CODE_TRANSIENT, TASK_STATUS_FAILURE, TASK_STATUS_SUCCESS};
use crate::json::{Object, Value};
use crate::models::TaskError;

/// The members of the SDK's result shape that carry an outcome.
const SDK_RESULT_MEMBERS: [&str; 3] = ["status", "data", "error"];

/// The outcome `returned` stands for.
pub(super) fn outcome_of(returned: Value) -> Outcome {
    match returned {
        Value::Null => completed(TASK_STATUS_SUCCESS, Object::new()),
        Value::Object(members) if is_sdk_result(&members) => sdk_outcome(members),
        Value::Object(data) => completed(TASK_STATUS_SUCCESS, data),
        other => unusable(&format!("the result is not a JSON object but {}", kind(&other))),
    }
}

/// A failure for code whose output cannot be a result (`reason` says why).
pub(super) fn unusable(reason: &str) -> Outcome {
    Outcome::Failed(TaskError::new(ERROR_CODE_PERMANENT, reason))
}

fn completed(status: &str, data: Object) -> Outcome {
    Outcome::Completed {
        status: status.to_string(),
        data,
    }
}

fn is_sdk_result(members: &Object) -> bool {
    matches!(members.get("status"), Some(Value::String(_)))
        && members.keys().all(|k| SDK_RESULT_MEMBERS.contains(&k))
        && members.get("data").is_none_or(|d| d.as_object().is_some())
        && members.get("error").is_none_or(|e| e.as_object().is_some())
}

fn sdk_outcome(mut members: Object) -> Outcome {
    let status = members
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let data = match members.remove("data") {
        Some(Value::Object(data)) => data,
        _ => Object::new(),
    };
    if status != TASK_STATUS_FAILURE {
        return completed(&status, data);
    }
    let error = match members.remove("error") {
        Some(Value::Object(error)) => error,
        _ => Object::new(),
    };
    let text = |name: &str| error.get(name).and_then(Value::as_str).map(str::to_string);
    Outcome::Failed(TaskError {
        code: text("code").unwrap_or_else(|| ERROR_CODE_TRANSIENT.to_string()),
        message: text("message").unwrap_or_else(|| "No error details provided.".to_string()),
        details: error.get("details").and_then(Value::as_object).cloned(),
    })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn data(value: Value) -> Object {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn objects_are_result_data_and_null_is_empty() {
        assert_eq!(
            outcome_of(json!({"sum": 3})),
            completed("success", data(json!({"sum": 3})))
        );
        assert_eq!(outcome_of(Value::Null), completed("success", Object::new()));
        // Members besides the SDK's make it data, whatever `status` says.
        let own = json!({"status": "ok", "count": 2});
        assert_eq!(outcome_of(own.clone()), completed("success", data(own)));
    }

    #[test]
    fn the_sdk_result_shape_is_read_as_its_outcome() {
        let failed = outcome_of(
            json!({"status": "failure", "error": {"code": "PERMANENT_ERROR", "message": "no", "details": {"a": 1}}}),
        );
        assert_eq!(
            failed,
            Outcome::Failed(TaskError {
                code: "PERMANENT_ERROR".into(),
                message: "no".into(),
                details: Some(data(json!({"a": 1}))),
            })
        );
        let bare = outcome_of(json!({"status": "failure"}));
        assert!(
            matches!(&bare, Outcome::Failed(e) if e.code == "TRANSIENT_ERROR" && e.message == "No error details provided."),
            "{bare:?}"
        );
        assert_eq!(
            outcome_of(json!({"status": "success", "data": {"sum": 3}})),
            completed("success", data(json!({"sum": 3})))
        );
        assert_eq!(
            outcome_of(json!({"status": "needs_review"})),
            completed("needs_review", Object::new())
        );
    }

    #[test]
    fn other_values_cannot_be_results() {
        for (value, what) in [
            (json!([1]), "an array"),
            (json!(3), "a number"),
            (json!("x"), "a string"),
        ] {
            let outcome = outcome_of(value);
            assert!(
                matches!(&outcome, Outcome::Failed(e) if e.code == "PERMANENT_ERROR" && e.message.ends_with(what)),
                "{outcome:?}"
            );
        }
    }
}
