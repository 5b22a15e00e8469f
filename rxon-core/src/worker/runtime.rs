//! What a running worker's loops, its tasks and its handle share: configuration, transport,
//! state, the tasks in flight and the queue of tasks not yet handed out; and what the
//! orchestrator is told about them (registration, heartbeat).

use super::admission::Queued;
use super::config::WorkerConfig;
use super::outbox::Outbox;
use super::state::WorkerState;
use super::task::{FinishedTask, TaskState};
use super::usage::UsageSampler;
use crate::canonical::calculate_dict_hash;
use crate::json::{Object, Value};
use crate::models::{Heartbeat, SkillInfo, TaskResult, WorkerRegistration};
use crate::transport::Transport;
use std::collections::{BinaryHeap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{Notify, Semaphore, mpsc, watch};

/// The state of one running worker.
pub(super) struct Runtime {
    pub(super) config: WorkerConfig,
    pub(super) transport: Arc<dyn Transport>,
    pub(super) state: watch::Sender<WorkerState>,
    pub(super) slots: Arc<Semaphore>,
    pub(super) running: Mutex<HashMap<String, Arc<TaskState>>>,
    pub(super) ready: Mutex<BinaryHeap<Queued>>,
    pub(super) ready_changed: Notify,
    /// Where finished tasks go to be reported ([`super::reporting::report_finished`]).
    pub(super) reports: mpsc::UnboundedSender<FinishedTask>,
    /// Fires whenever a task leaves `running` (its result is on its way).
    pub(super) tasks_done: Notify,
    /// Results being delivered.
    pub(super) deliveries: tokio::sync::Mutex<tokio::task::JoinSet<()>>,
    /// Re-register before polling again (the orchestrator asked for a full sync, or heartbeats
    /// were lost: it may have restarted and forgotten the worker).
    pub(super) resync: AtomicBool,
    pub(super) resync_requested: Notify,
    /// How many polls are under way, each until the task it brings is queued (that task must
    /// still run, so drain and `next_task` wait for them).
    pub(super) polling: watch::Sender<usize>,
    /// Ends a poll under way (shutdown, after its grace period).
    pub(super) abort_poll: Notify,
    pub(super) load_changed: Notify,
    pub(super) usage: UsageSampler,
    /// Skills loaded and ready at once (announced in polls and heartbeats).
    pub(super) hot: Mutex<Vec<String>>,
    /// Where results wait on disk until delivered (none: configured off, or not openable).
    pub(super) outbox: Option<Outbox>,
    /// Results a previous run left in the outbox, delivered before the first poll.
    pub(super) left_over: Mutex<Vec<TaskResult>>,
}

/// The worker's outbox and what a previous run left in it; none (logged) when it is off or
/// cannot be opened: the worker runs without one rather than not at all.
fn open_outbox(config: &WorkerConfig) -> (Option<Outbox>, Vec<TaskResult>) {
    let Some(path) = config.outbox_path() else {
        return (None, Vec::new());
    };
    match Outbox::open(&path) {
        Ok((outbox, left_over)) => {
            if !left_over.is_empty() {
                tracing::info!(results = left_over.len(), path = %path.display(), "outbox: results of a previous run to deliver");
            }
            (Some(outbox), left_over)
        }
        Err(err) => {
            tracing::warn!(%err, "running without an outbox: results not delivered when the worker stops are lost");
            (None, Vec::new())
        }
    }
}

impl Runtime {
    /// A runtime for `config` over `transport`, and the queue its finished tasks arrive on.
    pub(super) fn new(
        config: WorkerConfig,
        transport: Arc<dyn Transport>,
    ) -> (Arc<Runtime>, mpsc::UnboundedReceiver<FinishedTask>) {
        let (reports, finished) = mpsc::unbounded_channel();
        let capacity = config.max_concurrent_tasks.max(1);
        let usage = UsageSampler::new(config.device_providers.clone());
        let (outbox, left_over) = open_outbox(&config);
        let runtime = Runtime {
            config,
            transport,
            state: watch::channel(WorkerState::Connecting).0,
            slots: Arc::new(Semaphore::new(capacity)),
            running: Mutex::new(HashMap::new()),
            ready: Mutex::new(BinaryHeap::new()),
            ready_changed: Notify::new(),
            reports,
            tasks_done: Notify::new(),
            deliveries: tokio::sync::Mutex::new(tokio::task::JoinSet::new()),
            resync: AtomicBool::new(false),
            resync_requested: Notify::new(),
            polling: watch::channel(0).0,
            abort_poll: Notify::new(),
            load_changed: Notify::new(),
            usage,
            hot: Mutex::new(Vec::new()),
            outbox,
            left_over: Mutex::new(left_over),
        };
        (Arc::new(runtime), finished)
    }

    pub(super) fn running(&self) -> MutexGuard<'_, HashMap<String, Arc<TaskState>>> {
        self.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn ready(&self) -> MutexGuard<'_, BinaryHeap<Queued>> {
        self.ready.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn state(&self) -> WorkerState {
        *self.state.borrow()
    }

    pub(super) fn set_state(&self, next: WorkerState) {
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
    pub(super) async fn backoff(&self, delay: Duration) {
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

    pub(super) fn next_delay(&self, delay: Duration) -> Duration {
        (delay * 2).min(self.config.max_backoff)
    }

    /// The hash of the worker's contract, as the reference worker SDK computes it.
    pub(super) fn skills_hash(&self) -> Option<String> {
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
    pub(super) fn advertised_skills(&self) -> Vec<SkillInfo> {
        let mut skills = self.config.skills.clone();
        if !self.config.advertise_contracts {
            for skill in &mut skills {
                skill.input_schema = None;
                skill.output_schema = None;
            }
        }
        skills
    }

    pub(super) fn hot_skills(&self) -> Option<Vec<String>> {
        let hot = self.hot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        (!hot.is_empty()).then_some(hot)
    }

    pub(super) fn registration(&self) -> WorkerRegistration {
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

    pub(super) fn heartbeat(&self) -> Heartbeat {
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

    pub(super) fn request_resync(&self) {
        self.resync.store(true, Ordering::SeqCst);
        self.resync_requested.notify_one();
    }

    /// Cancels the tasks not handed out yet (they are reported `cancelled`).
    pub(super) fn cancel_queued(&self) {
        let queued: Vec<Queued> = self.ready().drain().collect();
        for Queued(handle) in queued {
            if let Some(state) = self.running().get(&handle.payload().task_id) {
                state.cancel();
            }
        }
    }

    pub(super) fn cancel(&self, task_id: &str) {
        if let Some(state) = self.running().get(task_id) {
            tracing::info!(task = task_id, "task cancelled by the orchestrator");
            state.cancel();
        }
    }
}
