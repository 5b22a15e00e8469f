//! Admission: a polled task is checked (skill, signature, deadline, input contract) and
//! queued by priority then deadline, or refused with the reason reported.

use super::runtime::Runtime;
use super::task::{FinishedTask, Outcome, TaskHandle, TaskState};
use crate::constants::*;
use crate::models::{Received, TaskError, TaskPayload};
use crate::security::verify_received;
use std::cmp::Ordering as CmpOrdering;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::OwnedSemaphorePermit;

/// Task members a task signature does not cover (as avtomatika signs and its worker SDK
/// verifies).
const TASK_SIGNATURE_UNSIGNED: [&str; 2] = ["sig", "orchestrator_signature"];

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A task waiting to be handed out: higher priority first, then earlier deadline.
pub(super) struct Queued(pub(super) TaskHandle);

impl Queued {
    fn key(&self) -> (f64, i64) {
        let task = self.0.payload();
        (task.priority(), -task.deadline.unwrap_or(i64::MAX))
    }
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == CmpOrdering::Equal
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> CmpOrdering {
        let (a, b) = (self.key(), other.key());
        a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
    }
}

impl Runtime {
    /// A task that fails before it is handed out.
    pub(super) fn refuse(&self, task: TaskPayload, code: &str, message: String, permit: OwnedSemaphorePermit) {
        tracing::warn!(task = %task.task_id, code, %message, "task refused");
        let _ = self.reports.send(FinishedTask {
            task,
            outcome: Outcome::Failed(TaskError::new(code, message)),
            cancelled: false,
            _permit: Some(permit),
        });
    }

    /// Checks a polled task and queues it, or reports why it cannot run.
    pub(super) fn admit(self: &Arc<Self>, received: Received<TaskPayload>, permit: OwnedSemaphorePermit) {
        let Some(skill) = self.config.skill(&received.type_) else {
            let message = format!("Unknown skill: '{}'", received.type_);
            return self.refuse(received.into_message(), ERROR_CODE_PERMANENT, message, permit);
        };
        // The orchestrator's `sig` covers the task as it sent it.
        let forged = self.config.task_secret.as_deref().is_some_and(|secret| {
            !received
                .sig
                .as_deref()
                .is_some_and(|sig| verify_received(&received, sig, secret, &TASK_SIGNATURE_UNSIGNED).unwrap_or(false))
        });
        let task = received.into_message();
        if forged {
            return self.refuse(
                task,
                ERROR_CODE_SECURITY,
                "Task signature is missing or invalid".into(),
                permit,
            );
        }
        if task.deadline.is_some_and(|deadline| deadline <= unix_now()) {
            return self.refuse(
                task,
                ERROR_CODE_TIMEOUT,
                "The task's deadline passed before it started".into(),
                permit,
            );
        }
        if let Err(err) = crate::schema::validate_params(&task, skill) {
            return self.refuse(task, ERROR_CODE_INVALID_INPUT, err.message().to_string(), permit);
        }
        let state = TaskState::new(task.clone());
        self.running().insert(task.task_id.clone(), state.clone());
        if let Some(deadline) = task.deadline {
            let inner = self.clone();
            let state = state.clone();
            tokio::spawn(async move {
                let wait = Duration::from_secs(deadline.saturating_sub(unix_now()).max(0) as u64);
                tokio::time::sleep(wait).await;
                if state.claim() {
                    state.cancel();
                    let _ = inner.reports.send(FinishedTask {
                        task: state.task.clone(),
                        outcome: Outcome::TimedOut,
                        cancelled: false,
                        _permit: None,
                    });
                }
            });
        }
        let handle = TaskHandle::new(
            task,
            state,
            self.reports.clone(),
            self.transport.clone(),
            self.config.worker_id.clone(),
            Some(permit),
        );
        self.ready().push(Queued(handle));
        self.ready_changed.notify_waiters();
        self.load_changed.notify_one();
    }
}
