//! A task handed to the caller: its payload, its deadline, a cancellation signal, and the
//! ways to report progress and an outcome. Exactly one outcome is reported per task; a
//! handle dropped without one reports an `INTERNAL_ERROR` failure.

use super::returned;
use crate::constants::{
    ERROR_CODE_INTERNAL, ERROR_CODE_PERMANENT, ERROR_CODE_TRANSIENT, EVENT_TYPE_PROGRESS, TASK_STATUS_SUCCESS,
};
use crate::error::{Result, RxonError};
use crate::json::{Object, Value};
use crate::models::{TaskError, TaskPayload, WorkerEventPayload};
use crate::transport::Transport;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{OwnedSemaphorePermit, mpsc, watch};

/// How a task ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Done, with a result status (`success`, or one of the skill's `output_statuses`) and
    /// its data.
    Completed {
        /// The result status.
        status: String,
        /// The result data.
        data: Object,
    },
    /// Failed.
    Failed(TaskError),
    /// Past its deadline before it finished.
    TimedOut,
}

/// A task with its outcome, on its way to the orchestrator.
pub(crate) struct FinishedTask {
    pub(crate) task: TaskPayload,
    pub(crate) outcome: Outcome,
    pub(crate) cancelled: bool,
    /// The task's slot, freed once the outcome is queued.
    pub(crate) _permit: Option<OwnedSemaphorePermit>,
}

/// What the handle and the runtime share about one task.
pub(crate) struct TaskState {
    /// The task, for the runtime to report it when its code does not (its deadline passed,
    /// or it outlived a shutdown).
    pub(crate) task: TaskPayload,
    finished: AtomicBool,
    cancelled: watch::Sender<bool>,
}

impl TaskState {
    pub(crate) fn new(task: TaskPayload) -> Arc<Self> {
        Arc::new(TaskState {
            task,
            finished: AtomicBool::new(false),
            cancelled: watch::channel(false).0,
        })
    }

    /// Fires the cancellation signal.
    pub(crate) fn cancel(&self) {
        self.cancelled.send_replace(true);
    }

    /// Claims the right to report the outcome; false when it was already reported.
    pub(crate) fn claim(&self) -> bool {
        !self.finished.swap(true, Ordering::SeqCst)
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        *self.cancelled.borrow()
    }
}

/// A running task.
pub struct TaskHandle {
    payload: TaskPayload,
    state: Arc<TaskState>,
    reports: mpsc::UnboundedSender<FinishedTask>,
    transport: Arc<dyn Transport>,
    worker_id: String,
    /// The concurrency slot, given back with the outcome (a lock so that outcomes can be
    /// reported through a shared handle, as bindings hold it).
    permit: std::sync::Mutex<Option<OwnedSemaphorePermit>>,
}

static EVENT_COUNTER: AtomicU64 = AtomicU64::new(0);

fn event_id() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("evt-{nanos:x}-{}", EVENT_COUNTER.fetch_add(1, Ordering::Relaxed))
}

impl TaskHandle {
    pub(crate) fn new(
        payload: TaskPayload,
        state: Arc<TaskState>,
        reports: mpsc::UnboundedSender<FinishedTask>,
        transport: Arc<dyn Transport>,
        worker_id: String,
        permit: Option<OwnedSemaphorePermit>,
    ) -> Self {
        TaskHandle {
            payload,
            state,
            reports,
            transport,
            worker_id,
            permit: std::sync::Mutex::new(permit),
        }
    }

    /// The task.
    pub fn payload(&self) -> &TaskPayload {
        &self.payload
    }

    /// The task's params (`{}` when it has none).
    pub fn params(&self) -> Object {
        self.payload.params.clone().unwrap_or_default()
    }

    /// How long until the deadline (`None` without one; zero once it passed).
    pub fn time_left(&self) -> Option<Duration> {
        let deadline = self.payload.deadline?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Some(Duration::from_secs(deadline.saturating_sub(now).max(0) as u64))
    }

    /// Whether the orchestrator cancelled the task (or its deadline passed).
    pub fn is_cancelled(&self) -> bool {
        self.state.is_cancelled()
    }

    /// Whether an outcome was reported (by this handle, or by the runtime at the deadline).
    pub fn has_outcome(&self) -> bool {
        self.state.finished.load(Ordering::SeqCst)
    }

    /// Resolves once the task is cancelled.
    pub async fn cancelled(&self) {
        let mut receiver = self.state.cancelled.subscribe();
        let _ = receiver.wait_for(|cancelled| *cancelled).await.map(|_| ());
    }

    /// Emits an event about this task; false when it could not be delivered.
    pub async fn emit(&self, event_type: &str, payload: Object) -> bool {
        let event = WorkerEventPayload {
            event_id: event_id(),
            worker_id: self.worker_id.clone(),
            origin_worker_id: self.worker_id.clone(),
            event_type: event_type.to_string(),
            payload,
            origin_task_id: Some(self.payload.task_id.clone()),
            target_job_id: Some(self.payload.job_id.clone()),
            target_task_id: Some(self.payload.task_id.clone()),
            ..Default::default()
        };
        self.transport.emit_event(&event).await
    }

    /// Reports progress (`fraction` from 0 to 1) as a `progress` event.
    pub async fn progress(&self, fraction: f64, message: &str) -> bool {
        let mut payload = Object::new();
        payload.insert("progress", Value::from(fraction));
        if !message.is_empty() {
            payload.insert("message", message);
        }
        self.emit(EVENT_TYPE_PROGRESS, payload).await
    }

    fn report(&self, outcome: Outcome) -> Result<()> {
        if !self.state.claim() {
            return Err(RxonError::invalid_value(format!(
                "task {} already has an outcome (reported before, or its deadline passed)",
                self.payload.task_id
            )));
        }
        let permit = self.permit.lock().unwrap_or_else(|p| p.into_inner()).take();
        let report = FinishedTask {
            task: self.payload.clone(),
            outcome,
            cancelled: self.state.is_cancelled(),
            _permit: permit,
        };
        self.reports
            .send(report)
            .map_err(|_| RxonError::invalid_value("the worker has stopped"))
    }

    /// Reports success with `data`.
    pub fn complete(&self, data: Object) -> Result<()> {
        self.complete_with_status(TASK_STATUS_SUCCESS, data)
    }

    /// Reports an outcome with a status of the skill's `output_statuses` (e.g.
    /// `needs_review`, which the orchestrator's blueprint maps to its next state); a status
    /// the skill does not declare is reported as a `CONTRACT_VIOLATION_ERROR`.
    pub fn complete_with_status(&self, status: &str, data: Object) -> Result<()> {
        self.report(Outcome::Completed {
            status: status.to_string(),
            data,
        })
    }

    /// Reports what the task's code gave back — a handler's return value, a command's stdout:
    /// an object is the result data (`null` is `{}`), unless it has the avtomatika worker SDK's
    /// result shape — a string `status` and no members but `status`, `data` and `error` (both
    /// objects) — which reports that outcome (`{"status": "failure", "error": {"code", "message",
    /// "details"}}` fails the task with that error). Anything else cannot be a result:
    /// `PERMANENT_ERROR`.
    pub fn report_returned(&self, returned: Value) -> Result<()> {
        self.report(returned::outcome_of(returned))
    }

    /// Reports that the task's code gave back something that cannot be a result (`reason`
    /// says what): `PERMANENT_ERROR`, since running it again gives the same.
    pub fn fail_unusable_result(&self, reason: &str) -> Result<()> {
        self.report(returned::unusable(reason))
    }

    /// Reports that the task's code stopped because the task was cancelled (the result says
    /// `cancelled`; were it reported as a failure, `TRANSIENT_ERROR` would let it run again).
    pub fn report_cancelled(&self) -> Result<()> {
        self.fail(ERROR_CODE_TRANSIENT, "cancelled", None)
    }

    /// Reports that the worker has no code for this task's skill: `PERMANENT_ERROR`.
    pub fn fail_no_handler(&self) -> Result<()> {
        let message = format!("the worker has no handler for skill {:?}", self.payload.type_);
        self.fail(ERROR_CODE_PERMANENT, &message, None)
    }

    /// Reports a failure (`code` one of the `ERROR_CODE_*` constants).
    pub fn fail(&self, code: &str, message: &str, details: Option<Object>) -> Result<()> {
        let error = TaskError {
            details,
            ..TaskError::new(code, message)
        };
        self.report(Outcome::Failed(error))
    }
}

impl Drop for TaskHandle {
    fn drop(&mut self) {
        let unreported = self.permit.get_mut().map_or(true, |permit| permit.is_some());
        if unreported {
            let error = TaskError::new(ERROR_CODE_INTERNAL, "the task handle was dropped without an outcome");
            let _ = self.report(Outcome::Failed(error));
        }
    }
}
