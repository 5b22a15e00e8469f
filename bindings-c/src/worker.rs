//! A worker for C: the core's runtime (registration, heartbeats, polls, contracts, signatures,
//! deadlines, results) with its tasks handed out by a blocking `rxon_worker_next_task`, a
//! non-blocking `rxon_worker_try_next_task`, and a file descriptor for poll/epoll loops.
//!
//! Tasks the core hands out are moved into this worker's own queue as they come; the queue's
//! length is mirrored by an eventfd (a semaphore), so the descriptor is readable exactly while
//! a task is waiting — and for good once the worker hands out no more.

use crate::ffi::{
    Failure, RXON_ECLOSED, RXON_ENETWORK, RXON_ETIMEDOUT, give, guard, optional_json, optional_text, rxon_result_t,
    text,
};
use crate::runtime::runtime;
use rxon_core::json::{Object, Value};
use rxon_core::models::{Message, SkillInfo};
use rxon_core::worker::{TaskHandle, Worker, WorkerConfig};
use std::collections::VecDeque;
use std::ffi::{CString, c_char};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How a worker is made: fill it with rxon_worker_options_default, then set what you need.
/// Strings are read during rxon_worker_new only.
#[repr(C)]
pub struct rxon_worker_options_t {
    /// The orchestrator (`http(s)://…` or `ws(s)://…`). Required.
    pub url: *const c_char,
    /// This worker's id (an identifier). Required.
    pub worker_id: *const c_char,
    /// The worker token (`X-Worker-Token`).
    pub token: *const c_char,
    /// The orchestrator's secret (avtomatika's ORCHESTRATOR_SECRET_KEY): each task's `sig` is
    /// verified and tasks without a valid one fail with SECURITY_ERROR. NULL: not checked.
    pub task_secret: *const c_char,
    /// The skills: a JSON array of skill names or SkillInfo objects (`{"name": …,
    /// "input_schema": …}`). NULL: none.
    pub skills_json: *const c_char,
    /// Tasks run at once (default 1).
    pub concurrency: u32,
    /// Long polls kept open at once, each for a free slot (default 1, as avtomatika's SDK
    /// polls); more let a worker with many slots take tasks without waiting one poll's round
    /// trip for each.
    pub concurrent_polls: u32,
    /// Milliseconds between heartbeats (default 15000).
    pub heartbeat_interval_ms: u32,
    /// Long-poll timeout in milliseconds (default 30000).
    pub poll_timeout_ms: u32,
    /// Milliseconds tasks in hand may still run when the worker is freed without shutdown
    /// (default 10000). A stop ends within it (twice it when tasks must be cancelled),
    /// whatever the network does.
    pub shutdown_grace_ms: u32,
    /// How messages are signed: NULL or `"masterToken"` (HMAC with the token, what avtomatika
    /// demands), `"off"`, or an Ed25519 private key (PEM).
    pub signing: *const c_char,
    /// The worker's type (default `"generic"`).
    pub worker_type: *const c_char,
    /// A private CA (PEM file) to trust beside the system's roots. NULL: none.
    pub tls_ca_file: *const c_char,
    /// A client certificate (PEM file) for mutual TLS, with `tls_key_file`. NULL: none.
    pub tls_cert_file: *const c_char,
    /// The private key (PEM file) of `tls_cert_file`.
    pub tls_key_file: *const c_char,
    /// Where results wait on disk until the orchestrator has them; what a stopped or killed
    /// worker could not deliver goes out first at its next start. NULL: the default folder
    /// (`$XDG_STATE_HOME/rxon/outbox` or `~/.local/state/rxon/outbox`); `""`: none, results in
    /// memory only (a diskless device).
    pub outbox_dir: *const c_char,
}

/// Fills `opts` with the defaults (strings NULL). Does nothing for NULL. Thread-safe.
///
/// # Safety
/// `opts` is NULL or points to writable storage for the struct.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_worker_options_default(opts: *mut rxon_worker_options_t) {
    if opts.is_null() {
        return;
    }
    let null = std::ptr::null();
    let defaults = rxon_worker_options_t {
        url: null,
        worker_id: null,
        token: null,
        task_secret: null,
        skills_json: null,
        concurrency: WorkerConfig::DEFAULT_MAX_CONCURRENT_TASKS as u32,
        concurrent_polls: 1,
        heartbeat_interval_ms: WorkerConfig::DEFAULT_HEARTBEAT_INTERVAL.as_millis() as u32,
        poll_timeout_ms: WorkerConfig::DEFAULT_POLL_TIMEOUT.as_millis() as u32,
        shutdown_grace_ms: WorkerConfig::DEFAULT_SHUTDOWN_GRACE.as_millis() as u32,
        signing: null,
        worker_type: null,
        tls_ca_file: null,
        tls_cert_file: null,
        tls_key_file: null,
        outbox_dir: null,
    };
    // SAFETY: not NULL, writable by the caller's contract.
    unsafe { opts.write(defaults) };
}

/// The core's configuration from C options.
///
/// # Safety
/// The strings in `opts` are NULL or NUL-terminated.
unsafe fn config(opts: &rxon_worker_options_t) -> Result<WorkerConfig, Failure> {
    // SAFETY (every block below): the caller's contract on `opts`' strings.
    let skills = match unsafe { optional_json(opts.skills_json, "skills_json") }? {
        None => Vec::new(),
        Some(skills) => SkillInfo::list_from_value(&skills)?,
    };
    let (url, worker_id, token) = unsafe {
        (
            text(opts.url, "url")?,
            text(opts.worker_id, "worker_id")?,
            optional_text(opts.token, "token")?.unwrap_or(""),
        )
    };
    let mut config = WorkerConfig::new(url, worker_id, token, skills);
    if opts.concurrency == 0 {
        return Err(Failure::invalid("concurrency must be at least 1"));
    }
    config.max_concurrent_tasks = opts.concurrency as usize;
    if opts.concurrent_polls == 0 {
        return Err(Failure::invalid("concurrent_polls must be at least 1"));
    }
    config.concurrent_polls = opts.concurrent_polls as usize;
    config.heartbeat_interval = Duration::from_millis(opts.heartbeat_interval_ms.max(1).into());
    config.poll_timeout = Duration::from_millis(opts.poll_timeout_ms.into());
    config.shutdown_grace = Duration::from_millis(opts.shutdown_grace_ms.into());
    config.task_secret = unsafe { optional_text(opts.task_secret, "task_secret") }?.map(str::to_string);
    if let Some(kind) = unsafe { optional_text(opts.worker_type, "worker_type") }? {
        config.worker_type = kind.to_string();
    }
    if let Some(signing) = unsafe { optional_text(opts.signing, "signing") }? {
        config.signing = signing.parse()?;
    }
    let (ca, cert, key) = unsafe {
        (
            optional_text(opts.tls_ca_file, "tls_ca_file")?,
            optional_text(opts.tls_cert_file, "tls_cert_file")?,
            optional_text(opts.tls_key_file, "tls_key_file")?,
        )
    };
    match unsafe { optional_text(opts.outbox_dir, "outbox_dir") }? {
        None => {}
        Some("") => config.outbox_dir = None,
        Some(dir) => config.outbox_dir = Some(dir.into()),
    }
    config.tls.ca_file = ca.map(Into::into);
    config.tls.client_cert = match (cert, key) {
        (None, None) => None,
        (Some(cert), Some(key)) => Some((cert.into(), key.into())),
        _ => return Err(Failure::invalid("tls_cert_file and tls_key_file go together")),
    };
    Ok(config)
}

/// Tasks handed out by the core and not yet taken by C.
struct Ready {
    queue: Mutex<Queue>,
    changed: Condvar,
    /// Readable while the queue holds a task (a semaphore eventfd), or once it is closed.
    fd: OwnedFd,
}

#[derive(Default)]
struct Queue {
    tasks: VecDeque<TaskHandle>,
    /// The core hands out no more tasks.
    closed: bool,
}

impl Ready {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn signal(&self, count: u64) {
        // SAFETY: the eventfd is open as long as `self`; 8 bytes are written from a u64.
        let _ = unsafe { libc::write(self.fd.as_raw_fd(), (&count as *const u64).cast(), 8) };
    }

    fn unsignal(&self) {
        let mut count = 0u64;
        // SAFETY: as in `signal`; a semaphore eventfd gives back 1 per read.
        let _ = unsafe { libc::read(self.fd.as_raw_fd(), (&mut count as *mut u64).cast(), 8) };
    }

    /// Takes the next task, waiting at most `timeout` (`None`: as long as it takes).
    fn take(&self, timeout: Option<Duration>) -> Result<TaskHandle, Failure> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut queue = self.lock();
        loop {
            if let Some(task) = queue.tasks.pop_front() {
                self.unsignal();
                return Ok(task);
            }
            if queue.closed {
                return Err(Failure::new(RXON_ECLOSED, "the worker hands out no more tasks"));
            }
            queue = match deadline {
                None => self.changed.wait(queue).unwrap_or_else(|p| p.into_inner()),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(Failure::new(RXON_ETIMEDOUT, "no task is ready"));
                    }
                    self.changed
                        .wait_timeout(queue, left)
                        .unwrap_or_else(|p| p.into_inner())
                        .0
                }
            };
        }
    }
}

/// A running worker. Thread-safe: any thread may take tasks, drain or shut it down.
pub struct rxon_worker_t {
    core: Arc<Worker>,
    ready: Arc<Ready>,
}

/// Starts a worker for `opts` (it connects, registers and polls in the background) into
/// `*out`; free it with rxon_worker_free. RXON_OK, or RXON_EINVAL for bad options.
///
/// # Safety
/// `opts` is NULL or a valid options struct; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_worker_new(
    opts: *const rxon_worker_options_t,
    out: *mut *mut rxon_worker_t,
) -> rxon_result_t {
    guard(|| {
        if opts.is_null() || out.is_null() {
            return Err(Failure::invalid("opts and out must not be NULL"));
        }
        // SAFETY: not NULL, valid by the caller's contract.
        let config = unsafe { config(&*opts) }?;
        let runtime = runtime()?;
        let core = {
            let _entered = runtime.enter();
            Arc::new(Worker::start(config)?)
        };
        // SAFETY: eventfd takes no pointers; the descriptor is owned from here on.
        let fd = unsafe { libc::eventfd(0, libc::EFD_SEMAPHORE | libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(Failure::invalid(format!(
                "eventfd failed: {}",
                std::io::Error::last_os_error()
            )));
        }
        let ready = Arc::new(Ready {
            queue: Mutex::new(Queue::default()),
            changed: Condvar::new(),
            // SAFETY: a fresh descriptor nobody else owns.
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
        });
        let (pump_core, pump_ready) = (core.clone(), ready.clone());
        runtime.spawn(async move {
            while let Some(task) = pump_core.next_task().await {
                // Queue and descriptor change under the lock, so the count always matches.
                let mut queue = pump_ready.lock();
                queue.tasks.push_back(task);
                pump_ready.signal(1);
                drop(queue);
                pump_ready.changed.notify_one();
            }
            let mut queue = pump_ready.lock();
            queue.closed = true;
            // Readable for good: loops wake and learn RXON_ECLOSED.
            pump_ready.signal(1 << 32);
            drop(queue);
            pump_ready.changed.notify_all();
        });
        // SAFETY: `out` is not NULL and writable by the caller's contract.
        unsafe { *out = Box::into_raw(Box::new(rxon_worker_t { core, ready })) };
        Ok(())
    })
}

/// Borrows the worker behind `w`.
///
/// # Safety
/// `w` is NULL or a live worker.
unsafe fn worker<'a>(w: *const rxon_worker_t) -> Result<&'a rxon_worker_t, Failure> {
    // SAFETY: the caller's contract.
    unsafe { w.as_ref() }.ok_or_else(|| Failure::invalid("the worker is NULL"))
}

/// Takes the next task into `*out`, waiting at most `timeout_ms` (negative: as long as it
/// takes). RXON_OK; RXON_ETIMEDOUT when none came in time; RXON_ECLOSED once the worker hands
/// out no more (drained or shut down). Thread-safe: several threads may wait at once (each
/// task goes to one). Blocks the calling thread; do not call it from a log or listener callback.
///
/// # Safety
/// `w` is NULL or a live worker; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_worker_next_task(
    w: *mut rxon_worker_t,
    timeout_ms: i64,
    out: *mut *mut rxon_task_t,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let worker = unsafe { worker(w) }?;
        if out.is_null() {
            return Err(Failure::invalid("out is NULL"));
        }
        let timeout = u64::try_from(timeout_ms).ok().map(Duration::from_millis);
        let task = rxon_task_t::new(worker.ready.take(timeout)?)?;
        // SAFETY: not NULL, writable by the caller's contract.
        unsafe { *out = Box::into_raw(Box::new(task)) };
        Ok(())
    })
}

/// Takes a task that is ready, without waiting: RXON_OK, RXON_ETIMEDOUT when none is ready,
/// RXON_ECLOSED once the worker hands out no more. Thread-safe.
///
/// # Safety
/// As rxon_worker_next_task.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_worker_try_next_task(w: *mut rxon_worker_t, out: *mut *mut rxon_task_t) -> rxon_result_t {
    // SAFETY: the caller's contract.
    unsafe { rxon_worker_next_task(w, 0, out) }
}

/// A file descriptor that is readable while a task is ready (and, once the worker hands out no
/// more, for good), for poll/epoll/select loops: then call rxon_worker_try_next_task. Owned by
/// the worker (do not close it); -1 for NULL. Thread-safe.
///
/// # Safety
/// `w` is NULL or a live worker.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_worker_fd(w: *const rxon_worker_t) -> i32 {
    // SAFETY: the caller's contract.
    unsafe { w.as_ref() }.map_or(-1, |worker| worker.ready.fd.as_raw_fd())
}

/// Takes no new tasks and waits until the tasks in hand are reported; blocks the calling
/// thread. RXON_OK. Thread-safe; not from a callback.
///
/// # Safety
/// `w` is NULL or a live worker.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_worker_drain(w: *mut rxon_worker_t) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let worker = unsafe { worker(w) }?;
        runtime()?.block_on(worker.core.drain());
        Ok(())
    })
}

/// Stops: tasks in hand get `grace_ms` to be reported, are then cancelled, and are reported
/// `cancelled` by the runtime if their code still has not reported them `grace_ms` later.
/// Blocks until stopped. RXON_OK. Thread-safe; not from a callback.
///
/// # Safety
/// `w` is NULL or a live worker.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_worker_shutdown(w: *mut rxon_worker_t, grace_ms: i64) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let worker = unsafe { worker(w) }?;
        let grace = Duration::from_millis(grace_ms.max(0) as u64);
        runtime()?.block_on(worker.core.shutdown(grace));
        Ok(())
    })
}

/// Frees the worker and sets `*w` to NULL (NULL is fine). A worker still running shuts down
/// in the background (tasks in hand get `shutdown_grace_ms`); this does not wait. Tasks taken
/// from it stay valid until freed.
///
/// # Safety
/// `w` is NULL or points to NULL or to a live worker no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_worker_free(w: *mut *mut rxon_worker_t) {
    if w.is_null() {
        return;
    }
    // SAFETY: the caller's contract; the worker came from Box::into_raw.
    let owned = unsafe { std::mem::replace(&mut *w, std::ptr::null_mut()) };
    if !owned.is_null() {
        let _ = guard(|| {
            // SAFETY: the caller's contract; it came from Box::into_raw.
            let worker = unsafe { Box::from_raw(owned) };
            // The pump holds the core's worker until it hands out no more tasks: shut it down
            // (a no-op once stopped), in the background.
            let grace = worker.core.config().shutdown_grace;
            let core = worker.core.clone();
            runtime()?.spawn(async move { core.shutdown(grace).await });
            Ok(())
        });
    }
}

/// One task handed to this worker. Its accessors are valid until it is freed. Use it from one
/// thread at a time.
pub struct rxon_task_t {
    handle: TaskHandle,
    id: CString,
    kind: CString,
    params: CString,
}

impl rxon_task_t {
    fn new(handle: TaskHandle) -> Result<Self, Failure> {
        let c = |s: String| CString::new(s).map_err(|_| Failure::invalid("a task member holds a NUL character"));
        let payload = handle.payload();
        Ok(rxon_task_t {
            id: c(payload.task_id.clone())?,
            kind: c(payload.type_.clone())?,
            params: c(rxon_core::json::to_text(&Value::Object(handle.params())))?,
            handle,
        })
    }
}

/// Borrows the task behind `t`.
///
/// # Safety
/// `t` is NULL or a live task.
unsafe fn task<'a>(t: *const rxon_task_t) -> Result<&'a rxon_task_t, Failure> {
    // SAFETY: the caller's contract.
    unsafe { t.as_ref() }.ok_or_else(|| Failure::invalid("the task is NULL"))
}

/// The task's id; NULL for NULL. Valid until the task is freed.
/// Use a task from one thread at a time.
///
/// # Safety
/// `t` is NULL or a live task.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_task_id(t: *const rxon_task_t) -> *const c_char {
    // SAFETY: the caller's contract.
    unsafe { t.as_ref() }.map_or(std::ptr::null(), |t| t.id.as_ptr())
}

/// The skill the task asks for; NULL for NULL. Valid until the task is freed.
/// Use a task from one thread at a time.
///
/// # Safety
/// `t` is NULL or a live task.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_task_type(t: *const rxon_task_t) -> *const c_char {
    // SAFETY: the caller's contract.
    unsafe { t.as_ref() }.map_or(std::ptr::null(), |t| t.kind.as_ptr())
}

/// The task's params as JSON text (`{}` when none), checked against the skill's input schema;
/// NULL for NULL. Valid until the task is freed.
/// Use a task from one thread at a time.
///
/// # Safety
/// `t` is NULL or a live task.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_task_params_json(t: *const rxon_task_t) -> *const c_char {
    // SAFETY: the caller's contract.
    unsafe { t.as_ref() }.map_or(std::ptr::null(), |t| t.params.as_ptr())
}

/// The whole task as it was decoded (JSON text), into `*out`. RXON_OK or RXON_EINVAL.
/// Use a task from one thread at a time.
///
/// # Safety
/// `t` is NULL or a live task; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_task_payload_json(t: *const rxon_task_t, out: *mut *mut c_char) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let task = unsafe { task(t) }?;
        let text = rxon_core::canonical::json_dumps(&task.handle.payload().to_dict()?)?;
        // SAFETY: the caller's contract.
        unsafe { give(out, text) }
    })
}

/// Whether the task was cancelled (a cancel command, a heartbeat answer, its deadline, a
/// shutdown); false for NULL. Thread-safe.
///
/// # Safety
/// `t` is NULL or a live task.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_task_is_cancelled(t: *const rxon_task_t) -> bool {
    // SAFETY: the caller's contract.
    unsafe { t.as_ref() }.is_some_and(|t| t.handle.is_cancelled())
}

/// Reports progress (`fraction` from 0 to 1, `message` NULL for none) as a `progress` event;
/// blocks until sent. RXON_OK, or RXON_ENETWORK when it could not be delivered.
/// Use a task from one thread at a time.
///
/// # Safety
/// `t` is NULL or a live task; `message` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_task_progress(
    t: *mut rxon_task_t,
    fraction: f64,
    message: *const c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (task, message) = unsafe { (task(t)?, optional_text(message, "message")?.unwrap_or("")) };
        if runtime()?.block_on(task.handle.progress(fraction, message)) {
            Ok(())
        } else {
            Err(Failure::new(RXON_ENETWORK, "the progress event was not delivered"))
        }
    })
}

/// The data object of `data_json` (NULL or `null`: `{}`).
unsafe fn data_object(data_json: *const c_char) -> Result<Object, Failure> {
    // SAFETY: the caller's contract.
    match unsafe { optional_json(data_json, "data_json") }? {
        None | Some(Value::Null) => Ok(Object::new()),
        Some(Value::Object(data)) => Ok(data),
        Some(_) => Err(Failure::invalid("data_json must be a JSON object")),
    }
}

/// Reports success with `data_json` (a JSON object; NULL for `{}`), checked against the
/// skill's output schema. RXON_OK; RXON_ECLOSED if it was reported already (or its deadline
/// passed); RXON_EINVAL for bad data.
/// Use a task from one thread at a time.
///
/// # Safety
/// `t` is NULL or a live task; `data_json` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_task_complete(t: *mut rxon_task_t, data_json: *const c_char) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (task, data) = unsafe { (task(t)?, data_object(data_json)?) };
        reported(task.handle.complete(data))
    })
}

/// Reports an outcome with one of the skill's `output_statuses` and `data_json` (NULL: `{}`).
/// Results as rxon_task_complete.
/// Use a task from one thread at a time.
///
/// # Safety
/// As rxon_task_complete; `status` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_task_complete_with_status(
    t: *mut rxon_task_t,
    status: *const c_char,
    data_json: *const c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (task, status, data) = unsafe { (task(t)?, text(status, "status")?, data_object(data_json)?) };
        reported(task.handle.complete_with_status(status, data))
    })
}

/// Reports a failure: `code` one of the protocol's error codes (`"TRANSIENT_ERROR"` lets the
/// orchestrator retry it, `"INVALID_INPUT_ERROR"`, `"PERMANENT_ERROR"`, …). RXON_OK or
/// RXON_ECLOSED if it was reported already.
/// Use a task from one thread at a time.
///
/// # Safety
/// `t` is NULL or a live task; the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_task_fail(
    t: *mut rxon_task_t,
    code: *const c_char,
    message: *const c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (task, code, message) = unsafe { (task(t)?, text(code, "code")?, optional_text(message, "message")?) };
        reported(task.handle.fail(code, message.unwrap_or(""), None))
    })
}

/// Reports that the task's code stopped because the task was cancelled (the result says
/// `cancelled`). RXON_OK or RXON_ECLOSED if it was reported already.
/// Use a task from one thread at a time.
///
/// # Safety
/// `t` is NULL or a live task.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_task_report_cancelled(t: *mut rxon_task_t) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        reported(unsafe { task(t) }?.handle.report_cancelled())
    })
}

/// A report's result: the only failure the core has for it is an outcome already reported.
fn reported(result: rxon_core::Result<()>) -> Result<(), Failure> {
    result.map_err(|err| Failure::new(RXON_ECLOSED, err.message()))
}

/// Frees the task and sets `*t` to NULL (NULL is fine). A task freed without an outcome is
/// reported as INTERNAL_ERROR, as in Rust. Does not block.
///
/// # Safety
/// `t` is NULL or points to NULL or to a live task no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_task_free(t: *mut *mut rxon_task_t) {
    if t.is_null() {
        return;
    }
    // SAFETY: the caller's contract; the task came from Box::into_raw.
    let owned = unsafe { std::mem::replace(&mut *t, std::ptr::null_mut()) };
    if !owned.is_null() {
        let _ = guard(|| {
            drop(unsafe { Box::from_raw(owned) });
            Ok(())
        });
    }
}
