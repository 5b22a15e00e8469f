//! Reporting: every finished task becomes a result, delivered until the orchestrator accepts
//! or ignores it.

use super::outbox;
use super::runtime::Runtime;
use super::task::{FinishedTask, Outcome};
use crate::constants::*;
use crate::error::RxonError;
use crate::models::{TaskError, TaskResult};
use crate::schema;
use crate::transport::{ResultOutcome, server_delay};
use std::sync::Arc;
use tokio::sync::mpsc;

impl Runtime {
    /// The result an outcome reports.
    pub(super) fn result(&self, report: &FinishedTask) -> TaskResult {
        let task = &report.task;
        let mut result = TaskResult {
            job_id: task.job_id.clone(),
            task_id: task.task_id.clone(),
            worker_id: Some(self.config.worker_id.clone()),
            ..Default::default()
        };
        if report.cancelled {
            result.status = Some(TASK_STATUS_CANCELLED.to_string());
            return result;
        }
        match &report.outcome {
            Outcome::Completed { status, data } => {
                let skill = self.config.skill(&task.type_);
                let violation = match skill {
                    Some(skill) if !schema::allows_status(skill, status) => {
                        Some(format!("Status '{status}' is not one of the skill's output statuses"))
                    }
                    Some(skill) => schema::validate_output(skill, Some(data))
                        .err()
                        .map(|e| e.message().to_string()),
                    None => None,
                };
                match violation {
                    Some(message) => {
                        result.status = Some(TASK_STATUS_FAILURE.to_string());
                        result.error = Some(TaskError::new(ERROR_CODE_CONTRACT_VIOLATION, message));
                    }
                    None => {
                        result.status = Some(status.clone()).filter(|s| s != TASK_STATUS_SUCCESS);
                        result.data = Some(data.clone());
                    }
                }
            }
            Outcome::Failed(error) => {
                result.status = Some(TASK_STATUS_FAILURE.to_string());
                result.error = Some(error.clone());
            }
            Outcome::TimedOut => {
                result.status = Some(TASK_STATUS_FAILURE.to_string());
                result.error = Some(TaskError::new(
                    ERROR_CODE_TIMEOUT,
                    "The task did not finish before its deadline",
                ));
            }
        }
        result
    }

    /// Sends a result until the orchestrator accepts, ignores or refuses it; then it leaves
    /// the outbox. (Stopping may abort this: the result then stays in the outbox.)
    pub(super) async fn deliver(self: Arc<Self>, result: TaskResult) {
        self.send_until_taken(&result).await;
        if let Some(outbox) = &self.outbox
            && let Err(err) = outbox.done(&outbox::key(&result))
        {
            tracing::warn!(%err, task = %result.task_id, "outbox: cannot mark the result delivered");
        }
    }

    async fn send_until_taken(&self, result: &TaskResult) {
        let mut delay = self.config.initial_backoff;
        loop {
            match self.transport.send_result(result).await {
                Ok(ResultOutcome::Accepted) => return,
                Ok(ResultOutcome::Ignored { reason }) => {
                    tracing::warn!(task = %result.task_id, ?reason, "result ignored by the orchestrator");
                    return;
                }
                Err(RxonError::Protocol {
                    status: Some(status),
                    ref message,
                    ..
                }) if (400..500).contains(&status) && status != 429 => {
                    tracing::error!(task = %result.task_id, status, %message, "result refused; not retried");
                    return;
                }
                Err(err) => {
                    tracing::warn!(task = %result.task_id, %err, retry_in = ?delay, "result not delivered");
                    let wait = match err {
                        RxonError::RateLimit {
                            retry_after: Some(seconds),
                            ..
                        } => server_delay(seconds),
                        _ => delay,
                    };
                    tokio::time::sleep(wait).await;
                    delay = self.next_delay(delay);
                }
            }
        }
    }
}

/// Turns every finished task into a result, each delivered on its own.
pub(super) async fn report_finished(runtime: Arc<Runtime>, mut finished: mpsc::UnboundedReceiver<FinishedTask>) {
    while let Some(task) = finished.recv().await {
        let result = runtime.result(&task);
        // On disk before it is first sent: a worker killed from now on still has it.
        if let Some(outbox) = &runtime.outbox
            && let Err(err) = outbox.put(&result)
        {
            tracing::warn!(%err, task = %result.task_id, "outbox: cannot keep the result");
        }
        // Its delivery under way before the task stops counting as running: a stop waits for
        // the running tasks, then for the deliveries, and must find this one among them.
        runtime.spawn_delivery(result).await;
        runtime.running().remove(&task.task.task_id);
        drop(task);
        runtime.load_changed.notify_one();
        runtime.tasks_done.notify_waiters();
    }
}

impl Runtime {
    /// Delivers `result` in the background (collected by stopping).
    pub(super) async fn spawn_delivery(self: &Arc<Self>, result: TaskResult) {
        let mut deliveries = self.deliveries.lock().await;
        // Reap deliveries that are done, or a long-running worker's set would grow by one
        // entry per task.
        while deliveries.try_join_next().is_some() {}
        deliveries.spawn(self.clone().deliver(result));
    }

    /// Delivers what a previous run left in the outbox (once per start).
    pub(super) async fn deliver_left_over(self: &Arc<Self>) {
        let left_over = std::mem::take(&mut *self.left_over.lock().unwrap_or_else(|p| p.into_inner()));
        for result in left_over {
            tracing::info!(task = %result.task_id, job = %result.job_id, "delivering a result of a previous run");
            self.spawn_delivery(result).await;
        }
    }
}
