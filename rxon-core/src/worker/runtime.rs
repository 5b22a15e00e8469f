//! The worker runtime: registers, polls within capacity, checks contracts, signatures and
//! deadlines, hands tasks out by priority then deadline, reports every outcome until the
//! orchestrator accepts or ignores it, heartbeats, and obeys commands.

use super::config::{Signing, WorkerConfig};
use super::state::WorkerState;
use super::task::{Outcome, Report, TaskHandle, TaskState};
use super::usage::UsageSampler;
use crate::canonical::calculate_dict_hash;
use crate::constants::*;
use crate::error::{Result, RxonError};
use crate::json::{Object, Value};
use crate::models::{Heartbeat, Received, SkillInfo, TaskError, TaskPayload, TaskResult, WorkerRegistration};
use crate::security::MessageSigner;
use crate::transport::{CommandStream, ResultOutcome, Transport, TransportOptions, create_transport, server_delay};
use std::cmp::Ordering as CmpOrdering;
use std::collections::{BinaryHeap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, mpsc, watch};

/// Task members a task signature does not cover (as avtomatika signs and its worker SDK
/// verifies).
const TASK_SIGNATURE_UNSIGNED: [&str; 2] = ["sig", "orchestrator_signature"];

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A task waiting to be handed out: higher priority first, then earlier deadline.
struct Queued(TaskHandle);

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

struct Inner {
    config: WorkerConfig,
    transport: Arc<dyn Transport>,
    state: watch::Sender<WorkerState>,
    slots: Arc<Semaphore>,
    running: Mutex<HashMap<String, Arc<TaskState>>>,
    ready: Mutex<BinaryHeap<Queued>>,
    ready_changed: Notify,
    reports: mpsc::UnboundedSender<Report>,
    /// Re-register before polling again (the orchestrator asked for a full sync, or heartbeats
    /// were lost: it may have restarted and forgotten the worker).
    resync: AtomicBool,
    resync_requested: Notify,
    /// Whether a poll is under way, until the task it brings is queued (that task must still
    /// run, so drain and `next_task` wait for it).
    polling: watch::Sender<bool>,
    /// Ends a poll under way (shutdown, after its grace period).
    abort_poll: Notify,
    load_changed: Notify,
    usage: UsageSampler,
    /// Skills loaded and ready at once (announced in polls and heartbeats).
    hot: Mutex<Vec<String>>,
}

impl Inner {
    fn running(&self) -> MutexGuard<'_, HashMap<String, Arc<TaskState>>> {
        self.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn ready(&self) -> MutexGuard<'_, BinaryHeap<Queued>> {
        self.ready.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn state(&self) -> WorkerState {
        *self.state.borrow()
    }

    fn set_state(&self, next: WorkerState) {
        self.state.send_if_modified(|current| {
            if current.can_become(next) {
                tracing::info!(from = ?*current, to = ?next, "worker state");
                *current = next;
                true
            } else {
                false
            }
        });
    }

    /// Waits `delay` (with ±25 % jitter), cut short when the worker stops or drains.
    async fn backoff(&self, delay: Duration) {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let jitter = 0.75 + f64::from(nanos % 1000) / 2000.0;
        let mut state = self.state.subscribe();
        tokio::select! {
            _ = tokio::time::sleep(delay.mul_f64(jitter)) => {}
            _ = state.wait_for(|s| matches!(s, WorkerState::Draining | WorkerState::Stopped)) => {}
        }
    }

    fn next_delay(&self, delay: Duration) -> Duration {
        (delay * 2).min(self.config.max_backoff)
    }

    /// The hash of the worker's contract, as the reference worker SDK computes it.
    fn skills_hash(&self) -> Option<String> {
        let skills: Vec<Value> = self
            .config
            .skills
            .iter()
            .filter_map(|s| crate::canonical::to_dict(s).ok())
            .collect();
        let capabilities = self.config.capabilities.as_ref();
        let costs = capabilities
            .and_then(|c| c.cost_per_skill.as_ref())
            .and_then(|c| crate::canonical::to_dict(c).ok());
        let extra = capabilities.and_then(|c| c.extra.clone()).map(Value::Object);
        let mut contract = Object::new();
        contract.insert("skills", Value::Array(skills));
        contract.insert("capabilities", costs.unwrap_or_else(|| Value::Object(Object::new())));
        contract.insert("extra", extra.unwrap_or_else(|| Value::Object(Object::new())));
        calculate_dict_hash(&contract).ok()
    }

    /// The skills as the orchestrator sees them (without schemas unless advertised).
    fn advertised_skills(&self) -> Vec<SkillInfo> {
        let mut skills = self.config.skills.clone();
        if !self.config.advertise_contracts {
            for skill in &mut skills {
                skill.input_schema = None;
                skill.output_schema = None;
            }
        }
        skills
    }

    fn hot_skills(&self) -> Option<Vec<String>> {
        let hot = self.hot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        (!hot.is_empty()).then_some(hot)
    }

    fn registration(&self) -> WorkerRegistration {
        let names: Vec<String> = self.config.skills.iter().map(|s| s.name.clone()).collect();
        WorkerRegistration {
            worker_id: self.config.worker_id.clone(),
            worker_type: Some(self.config.worker_type.clone()).filter(|t| t != crate::models::defaults::WORKER_TYPE),
            supported_skills: Some(self.advertised_skills()),
            hot_skills: self.hot_skills(),
            available_skills: (!names.is_empty()).then_some(names),
            resources: self.config.resources.clone(),
            installed_artifacts: (!self.config.installed_artifacts.is_empty())
                .then(|| self.config.installed_artifacts.clone()),
            capabilities: self.config.capabilities.clone(),
            skills_hash: self.skills_hash(),
            ..Default::default()
        }
    }

    fn heartbeat(&self) -> Heartbeat {
        let current: Vec<String> = self.running().keys().cloned().collect();
        let status = self
            .state()
            .heartbeat_status(current.len(), self.config.max_concurrent_tasks);
        let names: Vec<String> = self.config.skills.iter().map(|s| s.name.clone()).collect();
        Heartbeat {
            worker_id: self.config.worker_id.clone(),
            status: status.to_string(),
            usage: Some(self.usage.sample()),
            current_tasks: Some(current),
            available_skills: (!names.is_empty()).then_some(names),
            hot_skills: self.hot_skills(),
            skills_hash: self.skills_hash(),
            ..Default::default()
        }
    }

    fn request_resync(&self) {
        self.resync.store(true, Ordering::SeqCst);
        self.resync_requested.notify_one();
    }

    fn cancel(&self, task_id: &str) {
        if let Some(state) = self.running().get(task_id) {
            tracing::info!(task = task_id, "task cancelled by the orchestrator");
            state.cancel();
        }
    }

    /// A task that fails before it is handed out.
    fn refuse(&self, task: TaskPayload, code: &str, message: String, permit: OwnedSemaphorePermit) {
        tracing::warn!(task = %task.task_id, code, %message, "task refused");
        let error = TaskError {
            code: code.to_string(),
            message,
            details: None,
        };
        let _ = self.reports.send(Report {
            task,
            outcome: Outcome::Failed(error),
            cancelled: false,
            _permit: Some(permit),
        });
    }

    /// Checks a polled task and queues it, or reports why it cannot run.
    fn admit(self: &Arc<Self>, received: Received<TaskPayload>, permit: OwnedSemaphorePermit) {
        // The orchestrator's `sig` covers the task as it sent it.
        let signed = self.config.task_secret.as_deref().map(|secret| {
            received.sig.as_deref().is_some_and(|sig| {
                received
                    .verify_signature(sig, secret, &TASK_SIGNATURE_UNSIGNED)
                    .unwrap_or(false)
            })
        });
        let task = received.into_message();
        let Some(skill) = self.config.skill(&task.type_) else {
            let message = format!("Unknown skill: '{}'", task.type_);
            return self.refuse(task, ERROR_CODE_PERMANENT, message, permit);
        };
        if let Some(valid) = signed {
            if !valid {
                return self.refuse(
                    task,
                    ERROR_CODE_SECURITY,
                    "Task signature is missing or invalid".into(),
                    permit,
                );
            }
        }
        if task.deadline.is_some_and(|deadline| deadline <= unix_now()) {
            return self.refuse(
                task,
                ERROR_CODE_TIMEOUT,
                "The task's deadline passed before it started".into(),
                permit,
            );
        }
        if let Err(err) = task.validate_params(skill) {
            return self.refuse(task, ERROR_CODE_INVALID_INPUT, err.message().to_string(), permit);
        }
        let state = TaskState::new();
        self.running().insert(task.task_id.clone(), state.clone());
        if let Some(deadline) = task.deadline {
            let inner = self.clone();
            let (state, task) = (state.clone(), task.clone());
            tokio::spawn(async move {
                let wait = Duration::from_secs(deadline.saturating_sub(unix_now()).max(0) as u64);
                tokio::time::sleep(wait).await;
                if state.claim() {
                    state.cancel();
                    let _ = inner.reports.send(Report {
                        task,
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

    /// The result an outcome reports.
    fn result(&self, report: &Report) -> TaskResult {
        let task = &report.task;
        let mut result = TaskResult {
            job_id: task.job_id.clone(),
            task_id: task.task_id.clone(),
            worker_id: Some(self.config.worker_id.clone()),
            ..Default::default()
        };
        let failure = |code: &str, message: String| TaskError {
            code: code.to_string(),
            message,
            details: None,
        };
        if report.cancelled {
            result.status = Some(TASK_STATUS_CANCELLED.to_string());
            return result;
        }
        match &report.outcome {
            Outcome::Completed { status, data } => {
                let skill = self.config.skill(&task.type_);
                let violation = match skill {
                    Some(skill) if !skill.allows_status(status) => {
                        Some(format!("Status '{status}' is not one of the skill's output statuses"))
                    }
                    Some(skill) => skill.validate_output(Some(data)).err().map(|e| e.message().to_string()),
                    None => None,
                };
                match violation {
                    Some(message) => {
                        result.status = Some(TASK_STATUS_FAILURE.to_string());
                        result.error = Some(failure(ERROR_CODE_CONTRACT_VIOLATION, message));
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
                result.error = Some(failure(
                    ERROR_CODE_TIMEOUT,
                    "The task did not finish before its deadline".into(),
                ));
            }
        }
        result
    }

    /// Sends a result until the orchestrator accepts or ignores it.
    async fn deliver(self: Arc<Self>, result: TaskResult) {
        let mut delay = self.config.initial_backoff;
        loop {
            match self.transport.send_result(&result).await {
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

/// A running worker. Pull tasks with [`Worker::next_task`].
pub struct Worker {
    inner: Arc<Inner>,
    delivering: Arc<tokio::sync::Mutex<tokio::task::JoinSet<()>>>,
}

impl Worker {
    /// Connects to `config.url` (signing as configured) and starts the runtime on the current
    /// tokio runtime.
    pub fn start(config: WorkerConfig) -> Result<Worker> {
        config.check()?;
        let signing = match &config.signing {
            Signing::MasterToken => Some(MessageSigner::new(&config.token, config.worker_id.clone())?),
            Signing::Ed25519(pem) => Some(MessageSigner::ed25519(pem, config.worker_id.clone())?),
            Signing::Off => None,
        };
        let options = TransportOptions {
            signing,
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
    pub fn with_transport(config: WorkerConfig, transport: Arc<dyn Transport>) -> Result<Worker> {
        config.check()?;
        let (reports, mut report_queue) = mpsc::unbounded_channel::<Report>();
        let capacity = config.max_concurrent_tasks.max(1);
        let usage = UsageSampler::new(config.device_providers.clone());
        let inner = Arc::new(Inner {
            config,
            transport,
            state: watch::channel(WorkerState::Connecting).0,
            slots: Arc::new(Semaphore::new(capacity)),
            running: Mutex::new(HashMap::new()),
            ready: Mutex::new(BinaryHeap::new()),
            ready_changed: Notify::new(),
            reports,
            resync: AtomicBool::new(false),
            resync_requested: Notify::new(),
            polling: watch::channel(false).0,
            abort_poll: Notify::new(),
            load_changed: Notify::new(),
            usage,
            hot: Mutex::new(Vec::new()),
        });
        let delivering = Arc::new(tokio::sync::Mutex::new(tokio::task::JoinSet::new()));
        // Reporter: every outcome becomes a result, delivered on its own.
        let (reporter, pending) = (inner.clone(), delivering.clone());
        tokio::spawn(async move {
            while let Some(report) = report_queue.recv().await {
                let result = reporter.result(&report);
                reporter.running().remove(&report.task.task_id);
                drop(report);
                reporter.load_changed.notify_one();
                let mut pending = pending.lock().await;
                // Reap deliveries that are done, or a long-running worker's set would grow
                // by one entry per task.
                while pending.try_join_next().is_some() {}
                pending.spawn(reporter.clone().deliver(result));
            }
        });
        tokio::spawn(lifecycle(inner.clone()));
        Ok(Worker { inner, delivering })
    }

    /// Announces the skills that are loaded and ready at once (hot), in the next poll and
    /// an extra heartbeat.
    pub fn set_hot_skills(&self, skills: Vec<String>) {
        *self.inner.hot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = skills;
        self.inner.load_changed.notify_one();
    }

    /// The current state.
    pub fn state(&self) -> WorkerState {
        self.inner.state()
    }

    /// Watches the state.
    pub fn state_changes(&self) -> watch::Receiver<WorkerState> {
        self.inner.state.subscribe()
    }

    /// Results handed to the transport whose delivery has not been collected yet (a gauge for
    /// monitoring: it stays small however many tasks a worker has run).
    pub async fn undelivered_results(&self) -> usize {
        self.delivering.lock().await.len()
    }

    /// The next task to run; `None` once the worker stops, or drains with nothing queued and
    /// no poll under way.
    pub async fn next_task(&self) -> Option<TaskHandle> {
        let mut state = self.inner.state.subscribe();
        let mut polling = self.inner.polling.subscribe();
        loop {
            let notified = self.inner.ready_changed.notified();
            if let Some(Queued(handle)) = self.inner.ready().pop() {
                return Some(handle);
            }
            let draining = match self.state() {
                WorkerState::Stopped => return None,
                WorkerState::Draining if !*polling.borrow_and_update() => return None,
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

    /// Stops polling, waits for the tasks in flight and their results, heartbeats `draining`,
    /// then stops.
    pub async fn drain(&self) {
        self.inner.set_state(WorkerState::Draining);
        self.finish(None).await;
    }

    /// Like [`Worker::drain`], but tasks still running after `grace` are cancelled (their
    /// results report `cancelled`).
    pub async fn shutdown(&self, grace: Duration) {
        self.inner.set_state(WorkerState::Draining);
        self.finish(Some(grace)).await;
    }

    async fn finish(&self, grace: Option<Duration>) {
        let started = tokio::time::Instant::now();
        let mut polling = self.inner.polling.subscribe();
        let poll_done = polling.wait_for(|busy| !*busy);
        match grace {
            None => {
                let _ = poll_done.await;
            }
            Some(grace) => {
                if tokio::time::timeout(grace, poll_done).await.is_err() {
                    self.inner.abort_poll.notify_waiters();
                }
            }
        }
        let mut cancelled = false;
        while !self.inner.running().is_empty() || !self.inner.ready().is_empty() {
            if let Some(grace) = grace {
                if !cancelled && started.elapsed() >= grace {
                    let states: Vec<Arc<TaskState>> = self.inner.running().values().cloned().collect();
                    states.iter().for_each(|s| s.cancel());
                    // Tasks never handed out are cancelled by dropping them.
                    self.inner.ready().clear();
                    cancelled = true;
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let mut delivering = self.delivering.lock().await;
        while delivering.join_next().await.is_some() {}
        drop(delivering);
        let _ = self.inner.transport.send_heartbeat(&self.inner.heartbeat()).await;
        self.inner.set_state(WorkerState::Stopped);
        self.inner.transport.close().await;
    }
}

/// Connecting ⇄ Running until drained or stopped.
async fn lifecycle(inner: Arc<Inner>) {
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

/// Polls while running and a slot is free; returns to re-register.
async fn poll_loop(inner: &Arc<Inner>) {
    let mut delay = inner.config.initial_backoff;
    let skills: Vec<String> = inner.config.skills.iter().map(|s| s.name.clone()).collect();
    let mut state = inner.state.subscribe();
    loop {
        let permit = tokio::select! {
            permit = inner.slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return,
            },
            _ = state.wait_for(|s| *s != WorkerState::Running) => return,
            // Waiting for a slot does not delay re-registering.
            _ = inner.resync_requested.notified() => return,
        };
        // A poll once started is not abandoned on drain: the task it brings runs.
        if inner.state() != WorkerState::Running || inner.resync.swap(false, Ordering::SeqCst) {
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

/// Marks a poll under way until dropped.
struct PollInFlight<'a>(&'a watch::Sender<bool>);

impl<'a> PollInFlight<'a> {
    fn start(polling: &'a watch::Sender<bool>) -> Self {
        polling.send_replace(true);
        PollInFlight(polling)
    }
}

impl Drop for PollInFlight<'_> {
    fn drop(&mut self) {
        self.0.send_replace(false);
    }
}

async fn heartbeat_loop(inner: Arc<Inner>) {
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

async fn command_loop(inner: Arc<Inner>, mut commands: Box<dyn CommandStream>) {
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
