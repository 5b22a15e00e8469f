//! The handle a caller holds on a running worker: start it, take tasks, drain or shut it down;
//! dropping it shuts the worker down.

use super::admission::Queued;
use super::config::WorkerConfig;
use super::loops::lifecycle;
use super::reporting::report_finished;
use super::runtime::Runtime;
use super::state::WorkerState;
use super::task::{FinishedTask, Outcome, TaskHandle, TaskState};
use crate::constants::ERROR_CODE_TRANSIENT;
use crate::error::Result;
use crate::models::TaskError;
use crate::transport::{Transport, TransportOptions, create_transport};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// A running worker. Pull tasks with [`Worker::next_task`]. Dropping it shuts it down in the
/// background: nothing more is polled, tasks already handed out have `shutdown_grace` to
/// report (then they are cancelled), tasks not handed out are reported `cancelled`.
pub struct Worker {
    runtime: Arc<Runtime>,
    /// The tokio runtime the worker runs on, for the shutdown started by `Drop`.
    tokio: tokio::runtime::Handle,
}

impl Worker {
    /// Connects to `config.url` (signing as configured) and starts the runtime on the current
    /// tokio runtime.
    pub fn start(config: WorkerConfig) -> Result<Worker> {
        config.check()?;
        let options = TransportOptions {
            signing: config.signing.signer(&config.token, &config.worker_id)?,
            tls: config.tls.clone(),
            ..TransportOptions::default()
        };
        let transport: Arc<dyn Transport> = Arc::from(create_transport(
            &config.url,
            &config.worker_id,
            &config.token,
            options,
        )?);
        Self::with_transport(config, transport)
    }

    /// Starts the runtime over a given transport (a [`crate::transport::MockTransport`] in tests).
    /// Fails, starting nothing, when the configuration is unusable ([`WorkerConfig::check`]).
    /// Must be called within a tokio runtime.
    pub fn with_transport(config: WorkerConfig, transport: Arc<dyn Transport>) -> Result<Worker> {
        config.check()?;
        let (runtime, finished) = Runtime::new(config, transport);
        tokio::spawn(report_finished(runtime.clone(), finished));
        tokio::spawn(lifecycle(runtime.clone()));
        Ok(Worker {
            runtime,
            tokio: tokio::runtime::Handle::current(),
        })
    }

    /// Announces the skills that are loaded and ready at once (hot), in the next poll and
    /// an extra heartbeat.
    pub fn set_hot_skills(&self, skills: Vec<String>) {
        *self.runtime.hot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = skills;
        self.runtime.load_changed.notify_one();
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &WorkerConfig {
        &self.runtime.config
    }

    /// The current state.
    pub fn state(&self) -> WorkerState {
        self.runtime.state()
    }

    /// Watches the state.
    pub fn state_changes(&self) -> watch::Receiver<WorkerState> {
        self.runtime.state.subscribe()
    }

    /// Results handed to the transport whose delivery has not been collected yet (a gauge for
    /// monitoring: it stays small however many tasks a worker has run).
    pub async fn undelivered_results(&self) -> usize {
        self.runtime.deliveries.lock().await.len()
    }

    /// The next task to run; `None` once the worker stops, or drains with nothing queued and
    /// no poll under way.
    pub async fn next_task(&self) -> Option<TaskHandle> {
        let mut state = self.runtime.state.subscribe();
        let mut polling = self.runtime.polling.subscribe();
        loop {
            let notified = self.runtime.ready_changed.notified();
            if let Some(Queued(handle)) = self.runtime.ready().pop() {
                return Some(handle);
            }
            let draining = match self.state() {
                WorkerState::Stopped => return None,
                WorkerState::Draining if *polling.borrow_and_update() == 0 => return None,
                WorkerState::Draining => true,
                _ => false,
            };
            // Polls start and end all the time; only a drain waits for the one under way.
            tokio::select! {
                _ = notified => {}
                _ = state.changed() => {}
                _ = polling.changed(), if draining => {}
            }
        }
    }

    /// A task that is ready to run now, without waiting for one: how a binding takes, after
    /// [`Worker::next_task`], every task already in hand in one crossing into its language.
    pub fn try_next_task(&self) -> Option<TaskHandle> {
        self.runtime.ready().pop().map(|Queued(handle)| handle)
    }

    /// Stops polling, waits for the tasks in flight and their results, heartbeats `draining`,
    /// then stops. Once stopped, does nothing.
    pub async fn drain(&self) {
        self.stop(None).await;
    }

    /// Like [`Worker::drain`], but tasks still running after `grace` are cancelled (their
    /// results report `cancelled`).
    pub async fn shutdown(&self, grace: Duration) {
        self.stop(Some(grace)).await;
    }

    async fn stop(&self, grace: Option<Duration>) {
        if self.runtime.state() == WorkerState::Stopped {
            return;
        }
        self.runtime.set_state(WorkerState::Draining);
        finish(&self.runtime, grace).await;
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if matches!(self.runtime.state(), WorkerState::Stopped) {
            return;
        }
        // Nobody can take tasks any more: those not handed out are cancelled now; those in hand
        // get the grace period.
        self.runtime.set_state(WorkerState::Draining);
        self.runtime.cancel_queued();
        let (runtime, grace) = (self.runtime.clone(), self.runtime.config.shutdown_grace);
        tracing::info!(?grace, "worker dropped while running: shutting it down");
        self.tokio.spawn(async move { finish(&runtime, Some(grace)).await });
    }
}

/// What a stop gives the last results and the last heartbeat however late they come.
const LAST_MOMENT: Duration = Duration::from_millis(500);

/// Waits for the poll under way (abandoned after `grace`) and the tasks in flight (cancelled
/// after `grace`; reported cancelled by the runtime itself when their code has not reported
/// them `grace` later — a handler that never ends cannot hold the worker), then for their
/// results; heartbeats a last time, stops and closes.
async fn finish(runtime: &Arc<Runtime>, grace: Option<Duration>) {
    let deadline = grace.map(|grace| tokio::time::Instant::now() + grace);
    let mut polling = runtime.polling.subscribe();
    let poll_done = polling.wait_for(|polls| *polls == 0);
    match deadline {
        None => drop(poll_done.await),
        Some(deadline) => {
            if tokio::time::timeout_at(deadline, poll_done).await.is_err() {
                runtime.abort_poll.notify_waiters();
            }
        }
    }
    let mut cancelled = false;
    let mut abandoned = false;
    loop {
        let task_done = runtime.tasks_done.notified();
        if runtime.running().is_empty() {
            break;
        }
        match (deadline, grace) {
            (Some(deadline), _) if !cancelled => {
                if tokio::time::timeout_at(deadline, task_done).await.is_err() {
                    let states: Vec<Arc<TaskState>> = runtime.running().values().cloned().collect();
                    states.iter().for_each(|s| s.cancel());
                    runtime.cancel_queued();
                    cancelled = true;
                }
            }
            (Some(deadline), Some(grace)) if !abandoned => {
                if tokio::time::timeout_at(deadline + grace, task_done).await.is_err() {
                    report_abandoned(runtime);
                    abandoned = true;
                }
            }
            _ => task_done.await,
        }
    }
    // Results go out until the grace runs out (twice the grace when tasks ran past the first),
    // and for a last moment at least, so a result reported as the grace ran out (a task the
    // stop reported cancelled itself) still goes out: whatever the network does, the stop
    // ends then, and what is undelivered stays in the outbox for the next start.
    let delivered_by = match (deadline, grace) {
        (Some(deadline), Some(grace)) if cancelled => Some(deadline + grace),
        (Some(deadline), _) => Some(deadline),
        _ => None,
    }
    .map(|by| by.max(tokio::time::Instant::now() + LAST_MOMENT));
    let mut deliveries = runtime.deliveries.lock().await;
    let all_delivered = async { while deliveries.join_next().await.is_some() {} };
    let in_time = match delivered_by {
        Some(by) => tokio::time::timeout_at(by, all_delivered).await.is_ok(),
        None => {
            all_delivered.await;
            true
        }
    };
    if !in_time {
        let undelivered = deliveries.len();
        deliveries.abort_all();
        match &runtime.outbox {
            Some(outbox) => tracing::warn!(
                results = undelivered,
                outbox = %outbox.path().display(),
                "stopping with results undelivered: they stay in the outbox and go out at the next start"
            ),
            None => tracing::error!(
                results = undelivered,
                "stopping with results undelivered, and no outbox: they are lost"
            ),
        }
    }
    drop(deliveries);
    // The last heartbeat gets what is left of the grace (a last moment at least).
    let left = delivered_by.map_or(Duration::from_secs(5), |by| {
        by.saturating_duration_since(tokio::time::Instant::now())
            .max(LAST_MOMENT)
    });
    let _ = tokio::time::timeout(left, runtime.transport.send_heartbeat(&runtime.heartbeat())).await;
    if let Some(outbox) = &runtime.outbox {
        outbox.close();
    }
    runtime.set_state(WorkerState::Stopped);
    runtime.transport.close().await;
}

/// Reports, as cancelled, each task whose code has not reported it after being cancelled.
fn report_abandoned(runtime: &Runtime) {
    let states: Vec<Arc<TaskState>> = runtime.running().values().cloned().collect();
    for state in states.iter().filter(|state| state.claim()) {
        tracing::warn!(task = %state.task.task_id, "the task's code did not stop after it was cancelled: reported cancelled");
        let error = TaskError::new(
            ERROR_CODE_TRANSIENT,
            "cancelled: the worker stopped and the task's code did not",
        );
        let _ = runtime.reports.send(FinishedTask {
            task: state.task.clone(),
            outcome: Outcome::Failed(error),
            cancelled: true,
            _permit: None,
        });
    }
}
