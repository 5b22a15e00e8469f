//! Events: what a worker signals up (progress, alerts, metrics), possibly relayed through a
//! chain of workers.

use super::JsonObject;
use super::common::SecurityContext;
use super::defaults;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An event sent by a worker, up the WebSocket or by `POST /_worker/events`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkerEventPayload {
    /// The workers it passed through, origin first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bubbling_chain: Option<Vec<String>>,
    /// Unique id of the event (replay protection).
    pub event_id: String,
    /// e.g. `progress`.
    pub event_type: String,
    /// Free-form extra data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<JsonObject>,
    /// The task it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_task_id: Option<String>,
    /// The worker where it started.
    pub origin_worker_id: String,
    /// The event's data.
    pub payload: JsonObject,
    /// Priority (`None`: the default 0.0).
    #[serde(
        default,
        deserialize_with = "defaults::given",
        skip_serializing_if = "Option::is_none"
    )]
    pub priority: Option<f64>,
    /// Signature and identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<SecurityContext>,
    /// The job it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_job_id: Option<String>,
    /// The task it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_task_id: Option<String>,
    /// Unix seconds when it was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    /// Trace propagation headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_context: Option<BTreeMap<String, String>>,
    /// The worker sending it.
    pub worker_id: String,
}

impl WorkerEventPayload {
    /// The priority: the one given, else the default 0.0.
    pub fn priority(&self) -> f64 {
        defaults::float_or_zero(self.priority)
    }
}
