//! The loops of a running worker: connect and register (again when needed), poll within
//! capacity, heartbeat, and obey the orchestrator's commands.

use super::runtime::Runtime;
use super::state::WorkerState;
use crate::constants::*;
use crate::error::RxonError;
use crate::transport::{CommandStream, server_delay};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::watch;

/// Connecting ⇄ Running until drained or stopped.
pub(super) async fn lifecycle(inner: Arc<Runtime>) {
    if let Err(err) = inner.transport.connect().await {
        tracing::error!(%err, "transport connect failed");
    }
    // Asked for before registering, so the registration advertises the command socket.
    let command_stream = inner.transport.commands(true);
    let commands = tokio::spawn(command_loop(inner.clone(), command_stream));
    let heartbeats = tokio::spawn(heartbeat_loop(inner.clone()));
    let mut delay = inner.config.initial_backoff;
    loop {
        if matches!(inner.state(), WorkerState::Draining | WorkerState::Stopped) {
            break;
        }
        match inner.transport.register(&inner.registration()).await {
            Ok(_) => {
                delay = inner.config.initial_backoff;
                inner.resync.store(false, Ordering::SeqCst);
                // A previous run's results go out before the first poll.
                inner.deliver_left_over().await;
                inner.set_state(WorkerState::Running);
                poll_loop(&inner).await;
                inner.set_state(WorkerState::Connecting);
            }
            Err(err) => {
                tracing::warn!(%err, retry_in = ?delay, "registration failed");
                inner.backoff(delay).await;
                delay = inner.next_delay(delay);
            }
        }
    }
    let mut state = inner.state.subscribe();
    let _ = state.wait_for(|s| *s == WorkerState::Stopped).await.map(|_| ());
    commands.abort();
    heartbeats.abort();
}

/// Polls while running and a slot is free, with up to `concurrent_polls` polls open at once;
/// returns (to re-register) once every poller has left.
async fn poll_loop(inner: &Arc<Runtime>) {
    let (leave, _) = watch::channel(false);
    let pollers = (0..inner.config.concurrent_polls.max(1)).map(|_| poller(inner, &leave));
    futures_util::future::join_all(pollers).await;
}

/// One of the poll loops. The first to leave (the worker drains, must re-register, or the
/// orchestrator is unreachable) makes the others leave too, each once its poll under way has
/// ended: a poll once started is not abandoned, the task it brings runs.
async fn poller(inner: &Arc<Runtime>, leave: &watch::Sender<bool>) {
    let _leaving = Leaving(leave);
    let mut delay = inner.config.initial_backoff;
    let skills: Vec<String> = inner.config.skills.iter().map(|s| s.name.clone()).collect();
    let mut state = inner.state.subscribe();
    let mut others_left = leave.subscribe();
    loop {
        let permit = tokio::select! {
            permit = inner.slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return,
            },
            _ = state.wait_for(|s| *s != WorkerState::Running) => return,
            // Waiting for a slot does not delay re-registering.
            _ = inner.resync_requested.notified() => return,
            _ = others_left.wait_for(|left| *left) => return,
        };
        if inner.state() != WorkerState::Running || inner.resync.swap(false, Ordering::SeqCst) || *leave.borrow() {
            return;
        }
        let in_flight = PollInFlight::start(&inner.polling);
        let hot = inner.hot_skills();
        let polled = tokio::select! {
            polled = inner.transport.poll_task(inner.config.poll_timeout, Some(&skills), hot.as_deref()) => Some(polled),
            _ = inner.abort_poll.notified() => None,
        };
        let Some(polled) = polled else { return };
        match polled {
            Ok(Some(task)) => {
                delay = inner.config.initial_backoff;
                inner.admit(task, permit);
            }
            Ok(None) => delay = inner.config.initial_backoff,
            Err(err) => {
                drop((permit, in_flight));
                tracing::warn!(%err, retry_in = ?delay, "poll failed");
                let wait = match err {
                    RxonError::RateLimit {
                        retry_after: Some(seconds),
                        ..
                    } => server_delay(seconds),
                    _ => delay,
                };
                inner.backoff(wait).await;
                delay = inner.next_delay(delay);
                if matches!(err, RxonError::Network { .. } | RxonError::Auth { .. }) {
                    // The orchestrator may have restarted and forgotten us.
                    return;
                }
            }
        }
    }
}

/// Tells the other pollers to leave when dropped (however this one left).
struct Leaving<'a>(&'a watch::Sender<bool>);

impl Drop for Leaving<'_> {
    fn drop(&mut self) {
        self.0.send_replace(true);
    }
}

/// Counts a poll under way until dropped.
struct PollInFlight<'a>(&'a watch::Sender<usize>);

impl<'a> PollInFlight<'a> {
    fn start(polling: &'a watch::Sender<usize>) -> Self {
        polling.send_modify(|polls| *polls += 1);
        PollInFlight(polling)
    }
}

impl Drop for PollInFlight<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|polls| *polls -= 1);
    }
}

async fn heartbeat_loop(inner: Arc<Runtime>) {
    let mut state = inner.state.subscribe();
    let _ = state.wait_for(|s| *s == WorkerState::Running).await.map(|_| ());
    let mut ticker = tokio::time::interval(inner.config.heartbeat_interval);
    let mut last_sent: Option<tokio::time::Instant> = None;
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = inner.load_changed.notified() => {}
        }
        // One heartbeat for a burst of load changes, never two within the cooldown.
        let cooldown = inner.config.heartbeat_cooldown.max(Duration::from_millis(200));
        let due = last_sent.map_or_else(tokio::time::Instant::now, |at| at + cooldown);
        tokio::time::sleep_until(due.max(tokio::time::Instant::now() + Duration::from_millis(50))).await;
        last_sent = Some(tokio::time::Instant::now());
        if inner.state() == WorkerState::Stopped {
            return;
        }
        if inner.state() != WorkerState::Running {
            continue;
        }
        match inner.transport.send_heartbeat(&inner.heartbeat()).await {
            Ok(answer) => {
                answer.cancel_task_ids.iter().for_each(|id| inner.cancel(id));
                if answer.require_full_sync {
                    tracing::info!("orchestrator asked for a full sync; registering again");
                    inner.request_resync();
                }
            }
            Err(err) => {
                tracing::warn!(%err, "heartbeat failed");
                if matches!(err, RxonError::Network { .. } | RxonError::Auth { .. }) {
                    inner.request_resync();
                }
            }
        }
    }
}

async fn command_loop(inner: Arc<Runtime>, mut commands: Box<dyn CommandStream>) {
    while let Some(command) = commands.next().await {
        match command.command.as_str() {
            COMMAND_CANCEL_TASK => {
                if let Some(task_id) = &command.task_id {
                    inner.cancel(task_id);
                }
            }
            "drain" => inner.set_state(WorkerState::Draining),
            other => tracing::info!(command = other, "command ignored"),
        }
    }
}
