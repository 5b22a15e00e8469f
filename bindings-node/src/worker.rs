//! The worker runtime of the core for Node: `Worker` hands out `Task`s; the JavaScript layer
//! (`index.js`) makes them async-iterable, gives each an `AbortSignal` and runs handlers.
//! Every decision — admission, contracts, signatures, deadlines, what a returned value
//! reports — is the core's.

use crate::convert::{ClientTls, seconds, signing, to_js};
use crate::errors::{JsFailure, raising, type_error};
use crate::protocol::{tree, tree_of};
use crate::transport::Transport;
use napi::bindgen_prelude::{PromiseRaw, within_runtime_if_available};
use napi::{Env, Unknown};
use napi_derive::napi;
use rxon_core::json::{Object, Value};
use rxon_core::models::{Message, SkillInfo};
use rxon_core::worker::{Signing, TaskHandle, Worker as CoreWorker, WorkerConfig, WorkerState};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// The configuration a JavaScript options object gives (`{ url, workerId, token, skills, … }`),
/// members named as Node names them; anything left out is the core's default.
fn config(options: &Value) -> Result<WorkerConfig, JsFailure> {
    let object = options
        .as_object()
        .ok_or_else(|| type_error("Worker options must be an object"))?;
    let text = |name: &str| -> Result<Option<String>, JsFailure> {
        match object.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.to_string())),
            Some(_) => Err(type_error(format!("Worker option {name} must be a string"))),
        }
    };
    let seconds = |name: &str| -> Result<Option<Duration>, JsFailure> {
        match object.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => seconds(n.as_f64(), name).map(Some),
            Some(_) => Err(type_error(format!("{name} must be a finite number of seconds ≥ 0"))),
        }
    };
    let count = |name: &str| -> Result<Option<usize>, JsFailure> {
        match object.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(n) => n
                .as_u64()
                .filter(|n| *n > 0)
                .and_then(|n| usize::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| type_error(format!("{name} must be a whole number ≥ 1"))),
        }
    };
    let skills = match object.get("skills") {
        None => Vec::new(),
        Some(skills) => SkillInfo::list_from_value(skills)?,
    };
    let mut config = WorkerConfig::new(
        text("url")?.unwrap_or_default(),
        text("workerId")?.ok_or_else(|| type_error("Worker option workerId is required"))?,
        text("token")?.unwrap_or_default(),
        skills,
    );
    if let Some(kind) = text("workerType")? {
        config.worker_type = kind;
    }
    if let Some(tasks) = count("concurrency")? {
        config.max_concurrent_tasks = tasks;
    }
    if let Some(polls) = count("concurrentPolls")? {
        config.concurrent_polls = polls;
    }
    if let Some(interval) = seconds("heartbeatInterval")? {
        config.heartbeat_interval = interval;
    }
    if let Some(timeout) = seconds("pollTimeout")? {
        config.poll_timeout = timeout;
    }
    if let Some(grace) = seconds("shutdownGrace")? {
        config.shutdown_grace = grace;
    }
    config.task_secret = text("taskSecret")?;
    // `true`/absent: the default folder; `false`: results in memory only; a string: a folder.
    match object.get("outbox") {
        None | Some(Value::Null) | Some(Value::Bool(true)) => {}
        Some(Value::Bool(false)) => config.outbox_dir = None,
        Some(Value::String(dir)) => config.outbox_dir = Some(std::path::PathBuf::from(dir.as_str())),
        Some(_) => {
            return Err(type_error(
                "Worker option outbox must be a folder (string) or a boolean",
            ));
        }
    }
    if let Some(tls) = object.get("tls").filter(|tls| !tls.is_null()) {
        config.tls = ClientTls::from_value(tls)?.options()?;
    }
    config.signing = signing(text("signing")?.as_deref(), Signing::MasterToken)?;
    Ok(config)
}

/// A worker: registered with its orchestrator, heartbeating, polling while it has room.
#[napi]
pub struct Worker {
    inner: Arc<CoreWorker>,
}

#[napi]
impl Worker {
    /// Starts a worker for `options` (connecting to `options.url`).
    #[napi(factory)]
    pub fn start(env: &Env, options: Unknown<'_>) -> napi::Result<Self> {
        raising(|| {
            let config = config(&tree(env, options)?)?;
            let inner = within_runtime_if_available(|| CoreWorker::start(config))?;
            Ok(Worker { inner: Arc::new(inner) })
        })
    }

    /// Starts a worker for `options` over `transport` (a MockTransport in tests).
    #[napi(factory)]
    pub fn with_transport(env: &Env, options: Unknown<'_>, transport: &Transport) -> napi::Result<Self> {
        raising(|| {
            let config = config(&tree(env, options)?)?;
            let inner = within_runtime_if_available(|| CoreWorker::with_transport(config, transport.core()))?;
            Ok(Worker { inner: Arc::new(inner) })
        })
    }

    /// `connecting`, `running`, `draining` or `stopped`.
    #[napi(getter)]
    pub fn state(&self) -> &'static str {
        match self.inner.state() {
            WorkerState::Connecting => "connecting",
            WorkerState::Running => "running",
            WorkerState::Draining => "draining",
            WorkerState::Stopped => "stopped",
        }
    }

    /// The next task, once there is one and room for it; `null` once the worker stops
    /// handing out tasks (drained or closed).
    #[napi(ts_return_type = "Promise<Task | null>")]
    pub fn next_task<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, Option<Task>>> {
        let inner = self.inner.clone();
        env.spawn_future(async move { Ok(inner.next_task().await.map(Task::new)) })
    }

    /// The next task and, with it, up to `max - 1` more already waiting: one hop onto the
    /// JavaScript thread for all of them, where one per task held the worker to the rate of
    /// those hops. Empty once the worker stops handing out tasks.
    #[napi(ts_return_type = "Promise<Task[]>")]
    pub fn next_tasks<'e>(&self, env: &'e Env, max: u32) -> napi::Result<PromiseRaw<'e, Vec<Task>>> {
        let inner = self.inner.clone();
        env.spawn_future(async move {
            let Some(first) = inner.next_task().await else {
                return Ok(Vec::new());
            };
            let more = std::iter::from_fn(|| inner.try_next_task()).take((max as usize).saturating_sub(1));
            Ok(std::iter::once(first).chain(more).map(Task::new).collect())
        })
    }

    /// Takes no new tasks; resolves when the tasks in hand have finished.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn drain<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, ()>> {
        let inner = self.inner.clone();
        env.spawn_future(async move {
            inner.drain().await;
            Ok(())
        })
    }

    /// Stops: tasks in hand get `grace` seconds (default: the worker's `shutdownGrace`), then
    /// are cancelled; resolves once stopped.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'e>(&self, env: &'e Env, grace: Option<f64>) -> napi::Result<PromiseRaw<'e, ()>> {
        let inner = self.inner.clone();
        let grace = match grace {
            Some(s) => raising(|| seconds(s, "grace"))?,
            None => inner.config().shutdown_grace,
        };
        env.spawn_future(async move {
            inner.shutdown(grace).await;
            Ok(())
        })
    }
}

/// One task handed to this worker, and how it ends.
#[napi]
pub struct Task {
    handle: Arc<TaskHandle>,
    /// Told when an outcome is reported from here, so `whenCancelled` stops waiting.
    settled: Arc<Notify>,
}

impl Task {
    fn new(handle: TaskHandle) -> Self {
        Task {
            handle: Arc::new(handle),
            settled: Arc::new(Notify::new()),
        }
    }

    fn reported(&self, result: rxon_core::Result<()>) -> Result<(), JsFailure> {
        self.settled.notify_one();
        Ok(result?)
    }
}

#[napi]
impl Task {
    /// The task's id.
    #[napi(getter)]
    pub fn id(&self) -> String {
        self.handle.payload().task_id.clone()
    }

    /// The job it belongs to.
    #[napi(getter)]
    pub fn job_id(&self) -> String {
        self.handle.payload().job_id.clone()
    }

    /// The skill it asks for.
    #[napi(getter, js_name = "type")]
    pub fn skill(&self) -> String {
        self.handle.payload().type_.clone()
    }

    /// Its params (`{}` when none), checked against the skill's input schema.
    #[napi(getter, ts_return_type = "Record<string, any>")]
    pub fn params<'e>(&self, env: &'e Env) -> napi::Result<Unknown<'e>> {
        to_js(env, &Value::Object(self.handle.params()))
    }

    /// The whole task as it was decoded.
    #[napi(getter, ts_return_type = "Record<string, any>")]
    pub fn payload<'e>(&self, env: &'e Env) -> napi::Result<Unknown<'e>> {
        raising(|| Ok(to_js(env, &self.handle.payload().to_dict()?)?))
    }

    /// Seconds until its deadline (`null` without one, 0 once passed).
    #[napi(getter)]
    pub fn time_left(&self) -> Option<f64> {
        self.handle.time_left().map(|left| left.as_secs_f64())
    }

    /// Whether it was cancelled (by a command, a heartbeat answer or its deadline).
    #[napi(getter)]
    pub fn is_cancelled(&self) -> bool {
        self.handle.is_cancelled()
    }

    /// Resolves `true` when the task is cancelled, `false` once its outcome is reported.
    #[napi(ts_return_type = "Promise<boolean>")]
    pub fn when_cancelled<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, bool>> {
        let (handle, settled) = (self.handle.clone(), self.settled.clone());
        env.spawn_future(async move {
            if handle.has_outcome() {
                return Ok(handle.is_cancelled());
            }
            tokio::select! {
                () = handle.cancelled() => Ok(true),
                () = settled.notified() => Ok(false),
            }
        })
    }

    /// Reports what the handler gave back: an object is the result data (`null` is `{}`); the
    /// avtomatika SDK's `{ status, data, error }` shape reports that outcome; anything else
    /// fails the task (`PERMANENT_ERROR`).
    /// (`text`: the value as JSON text, when the JavaScript layer wrote it; see `protocol::written`.)
    #[napi]
    pub fn complete(&self, env: &Env, returned: Unknown<'_>, text: Option<String>) -> napi::Result<()> {
        raising(|| {
            let value = tree_of(env, returned, text.as_deref())?;
            self.reported(self.handle.report_returned(value))
        })
    }

    /// Reports an outcome with one of the skill's `output_statuses`.
    #[napi]
    pub fn complete_with_status(&self, env: &Env, status: String, data: Option<Unknown<'_>>) -> napi::Result<()> {
        raising(|| {
            let data = match data.map(|d| tree(env, d)).transpose()? {
                None | Some(Value::Null) => Object::new(),
                Some(Value::Object(object)) => object,
                Some(_) => return Err(type_error("data must be an object")),
            };
            self.reported(self.handle.complete_with_status(&status, data))
        })
    }

    /// Reports a failure (`code` one of the `ERROR_CODE_*` constants).
    #[napi]
    pub fn fail(&self, env: &Env, code: String, message: String, details: Option<Unknown<'_>>) -> napi::Result<()> {
        raising(|| {
            let details = match details.map(|d| tree(env, d)).transpose()? {
                None | Some(Value::Null) => None,
                Some(Value::Object(object)) => Some(object),
                Some(_) => return Err(type_error("details must be an object")),
            };
            self.reported(self.handle.fail(&code, &message, details))
        })
    }

    /// Reports that the handler gave back something that cannot be a result.
    #[napi]
    pub fn fail_unusable_result(&self, reason: String) -> napi::Result<()> {
        raising(|| self.reported(self.handle.fail_unusable_result(&reason)))
    }

    /// Reports that the handler stopped because the task was cancelled.
    #[napi]
    pub fn report_cancelled(&self) -> napi::Result<()> {
        raising(|| self.reported(self.handle.report_cancelled()))
    }

    /// Reports progress (`fraction` 0 to 1) as a `progress` event: whether it was delivered.
    #[napi(ts_return_type = "Promise<boolean>")]
    pub fn progress<'e>(
        &self,
        env: &'e Env,
        fraction: f64,
        message: Option<String>,
    ) -> napi::Result<PromiseRaw<'e, bool>> {
        let handle = self.handle.clone();
        env.spawn_future(async move { Ok(handle.progress(fraction, message.as_deref().unwrap_or("")).await) })
    }

    /// Emits an event about this task: whether it was delivered.
    #[napi(ts_return_type = "Promise<boolean>")]
    pub fn emit<'e>(
        &self,
        env: &'e Env,
        event_type: String,
        payload: Option<Unknown<'e>>,
    ) -> napi::Result<PromiseRaw<'e, bool>> {
        let payload = raising(|| match payload.map(|p| tree(env, p)).transpose()? {
            None | Some(Value::Null) => Ok(Object::new()),
            Some(Value::Object(object)) => Ok(object),
            Some(_) => Err(type_error("an event payload must be an object")),
        })?;
        let handle = self.handle.clone();
        env.spawn_future(async move { Ok(handle.emit(&event_type, payload).await) })
    }
}
