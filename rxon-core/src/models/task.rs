//! Tasks: what the orchestrator hands a worker, and what the worker answers.

use super::JsonObject;
use super::common::{FileMetadata, SecurityContext};
use super::defaults;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A task handed to a worker by a long poll.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskPayload {
    /// Unix seconds after which the result is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<i64>,
    /// Nesting depth (default 0).
    #[serde(default, skip_serializing_if = "defaults::is_zero_i64")]
    pub depth: i64,
    /// The job the task belongs to.
    pub job_id: String,
    /// Free-form extra data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JsonObject>,
    /// The skill's input, checked against its `input_schema`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<JsonObject>,
    /// Files referenced by params, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params_metadata: Option<BTreeMap<String, FileMetadata>>,
    /// Hash of the parent task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_hash: Option<String>,
    /// Free-form execution policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<JsonObject>,
    /// Scheduling priority (`None`: the default 0.0; higher runs first). See [`TaskPayload::priority`].
    #[serde(
        default,
        deserialize_with = "defaults::given",
        skip_serializing_if = "Option::is_none"
    )]
    pub priority: Option<f64>,
    /// Signature and identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<SecurityContext>,
    /// The orchestrator's HMAC over the task minus `sig`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
    /// The job's step (default 0).
    #[serde(default, skip_serializing_if = "defaults::is_zero_i64")]
    pub step: i64,
    /// The task's id (new for every dispatch).
    pub task_id: String,
    /// Unix seconds when the task was issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    /// Trace propagation headers (`traceparent`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracing_context: Option<BTreeMap<String, String>>,
    /// The skill to run.
    #[serde(rename = "type")]
    pub type_: String,
}

impl TaskPayload {
    /// The priority: the one given, else the default 0.0.
    pub fn priority(&self) -> f64 {
        defaults::float_or_zero(self.priority)
    }
}

/// Why a task failed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskError {
    /// One of the `ERROR_CODE_*` constants.
    pub code: String,
    /// Structured context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<JsonObject>,
    /// Human message.
    pub message: String,
}

impl TaskError {
    /// An error with `code` (one of the `ERROR_CODE_*` constants) and `message`, no details.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        TaskError {
            code: code.to_string(),
            message: message.into(),
            details: None,
        }
    }
}

/// A worker's answer to a task.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskResult {
    /// Free-form costs (GPU seconds, tokens, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<JsonObject>,
    /// The skill's output, checked against its `output_schema`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<JsonObject>,
    /// Files referenced by data, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_metadata: Option<BTreeMap<String, FileMetadata>>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<TaskError>,
    /// The task's job.
    pub job_id: String,
    /// Free-form extra data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JsonObject>,
    /// The worker that produced it, when relayed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_worker_id: Option<String>,
    /// Signature and identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<SecurityContext>,
    /// `success`, `failure` or `cancelled` (`None`: the default `success`). See [`TaskResult::status`].
    #[serde(
        default,
        deserialize_with = "defaults::given",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<String>,
    /// The task.
    pub task_id: String,
    /// Unix seconds when the result was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    /// The worker that ran it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_id: Option<String>,
}

impl TaskResult {
    /// The status: the one given, else the default `success`.
    pub fn status(&self) -> &str {
        self.status.as_deref().unwrap_or(defaults::TASK_STATUS)
    }
}
