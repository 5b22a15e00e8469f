//! An orchestrator in C: the core's listener (routes, decoding, statuses, TLS, WebSockets) with
//! a C handler. The handler is called on one of the library's threads, possibly several at
//! once, with an answer object; it answers now or later, from any thread (a long poll waits
//! for work by keeping the answer and answering when a task comes).

use crate::ffi::{Failure, RXON_ECLOSED, give, guard, json, optional_json, optional_text, rxon_result_t, text};
use crate::runtime::runtime;
use rxon_core::json::{Object, Value};
use rxon_core::listener::{Action, Context, Handler, HandlerError, Listener, ListenerOptions, Sessions};
use rxon_core::models::{Message, WorkerCommand};
use rxon_core::security::tls::{ClientAuth, ServerTlsOptions};
use std::ffi::{CString, c_char, c_void};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

/// The engine: `call` answers each request; `drop` (may be NULL) is called once with
/// `context` after the listener has stopped and no call is running or will run.
#[repr(C)]
pub struct rxon_handler_t {
    /// Handed to `call` and `drop` as it is.
    pub context: *mut c_void,
    /// Called on a library thread, possibly on several at once, for each request: `action` is
    /// `register`, `poll`, `result`, `heartbeat`, `event`, `sts_token`, `sts_refresh` or
    /// `websocket_auth`; `payload_json` the decoded message (a poll's is the worker id as a
    /// JSON string); `context_json` what else is known (`token`, `worker_id_hint`,
    /// `protocol_version`, `cert_identity`, `remote_addr`, `transport`, and for polls
    /// `poll_timeout`, `available_skills`, `hot_skills`). The strings are valid during the
    /// call only. `answer` must be answered exactly once (rxon_answer_json or
    /// rxon_answer_error), now or later from any thread; that frees it. Must not block for
    /// long (keep the answer instead) and must not call rxon_listener_shutdown.
    pub call: Option<
        unsafe extern "C" fn(
            context: *mut c_void,
            action: *const c_char,
            payload_json: *const c_char,
            context_json: *const c_char,
            answer: *mut rxon_answer_t,
        ),
    >,
    /// Releases `context` (NULL: nothing to release).
    pub drop: Option<unsafe extern "C" fn(context: *mut c_void)>,
}

/// The C handler, shared by the listener's threads.
struct CHandler {
    context: *mut c_void,
    call: unsafe extern "C" fn(*mut c_void, *const c_char, *const c_char, *const c_char, *mut rxon_answer_t),
    drop: Option<unsafe extern "C" fn(*mut c_void)>,
}

// SAFETY: the handler's contract says it may be called from any thread, at once.
unsafe impl Send for CHandler {}
// SAFETY: as above.
unsafe impl Sync for CHandler {}

impl Drop for CHandler {
    fn drop(&mut self) {
        if let Some(drop) = self.drop {
            // SAFETY: called once, after the last call (the handler is dropped with the listener).
            unsafe { drop(self.context) };
        }
    }
}

type Answer = Result<Option<Value>, HandlerError>;

/// The answer to one request, owned by C until answered.
pub struct rxon_answer_t {
    sender: oneshot::Sender<Answer>,
}

/// What C reads of a request's context.
fn context_text(context: &Context) -> String {
    let mut object = Object::new();
    let mut put = |name: &str, value: Option<Value>| {
        if let Some(value) = value {
            object.insert(name, value);
        }
    };
    put("token", context.token.clone().map(Value::from));
    put("worker_id_hint", context.worker_id_hint.clone().map(Value::from));
    put("protocol_version", context.protocol_version.clone().map(Value::from));
    put("cert_identity", context.cert_identity.clone().map(Value::from));
    put("remote_addr", context.remote_addr.map(|a| Value::from(a.to_string())));
    put("transport", Some(Value::from(context.transport)));
    put("poll_timeout", context.poll_timeout.map(Value::from));
    let names = |names: &Option<Vec<String>>| {
        names
            .as_ref()
            .map(|names| Value::Array(names.iter().map(|n| Value::from(n.as_str())).collect()))
    };
    put("available_skills", names(&context.available_skills));
    put("hot_skills", names(&context.hot_skills));
    rxon_core::json::to_text(&Value::Object(object))
}

#[async_trait::async_trait]
impl Handler for CHandler {
    async fn handle(&self, action: Action, payload: Value, context: &Context) -> Answer {
        let (sender, answered) = oneshot::channel();
        let texts = (
            CString::new(action.name()),
            CString::new(rxon_core::json::to_text(&payload)),
            CString::new(context_text(context)),
        );
        let (Ok(action), Ok(payload), Ok(context)) = texts else {
            return Err(HandlerError::InvalidValue("the request holds a NUL character".into()));
        };
        let answer = Box::into_raw(Box::new(rxon_answer_t { sender }));
        // SAFETY: the handler's contract; the strings live until the call returns, and the
        // answer is C's until it answers it.
        unsafe {
            (self.call)(
                self.context,
                action.as_ptr(),
                payload.as_ptr(),
                context.as_ptr(),
                answer,
            )
        };
        answered
            .await
            .unwrap_or_else(|_| Err(HandlerError::Internal("the handler dropped the answer".into())))
    }
}

/// Takes the answer back from C (NULL: an error).
///
/// # Safety
/// `answer` is NULL or an answer not answered yet.
unsafe fn take(answer: *mut rxon_answer_t) -> Result<Box<rxon_answer_t>, Failure> {
    if answer.is_null() {
        return Err(Failure::invalid("the answer is NULL"));
    }
    // SAFETY: the caller's contract; it came from Box::into_raw.
    Ok(unsafe { Box::from_raw(answer) })
}

/// Answers with `json_text` (the answer's body; NULL or `null`: the action's default — 204 "no
/// task" for a poll, `{"status": "registered"}` for a registration, …) and frees the answer.
/// RXON_OK; RXON_ECLOSED if the worker hung up first (the answer is freed all the same — a
/// task answered to a poll then is not delivered); RXON_EINVAL for bad JSON (the request is
/// then answered 500). Thread-safe; call it exactly once per answer.
///
/// # Safety
/// `answer` is NULL or an answer not answered yet; `json_text` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_answer_json(answer: *mut rxon_answer_t, json_text: *const c_char) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let answer = unsafe { take(answer) }?;
        // SAFETY: the caller's contract.
        let body = match unsafe { optional_json(json_text, "json") } {
            Ok(None | Some(Value::Null)) => Ok(None),
            Ok(Some(value)) => rxon_core::canonical::to_dict(&value).map(Some).map_err(Failure::from),
            Err(failure) => Err(failure),
        };
        match body {
            Ok(body) => sent(answer.sender.send(Ok(body)).is_ok()),
            Err(failure) => {
                let _ = answer.sender.send(Err(HandlerError::Internal(failure.message.clone())));
                Err(failure)
            }
        }
    })
}

/// Refuses with an HTTP `status` — 403 (permission denied), 429 (rate limited: with `code`,
/// NULL for `LIMIT_EXCEEDED_ERROR`, and `retry_after_s` seconds, negative for none), 400, 500
/// or any other from 100 to 599 — with `message` (NULL: empty), and frees the answer. RXON_OK,
/// or RXON_ECLOSED if the worker hung up first. Thread-safe; call it exactly once per answer.
///
/// # Safety
/// `answer` is NULL or an answer not answered yet; the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_answer_error(
    answer: *mut rxon_answer_t,
    status: u16,
    message: *const c_char,
    code: *const c_char,
    retry_after_s: f64,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let answer = unsafe { take(answer) }?;
        // SAFETY: the caller's contract.
        let texts = unsafe { (optional_text(message, "message"), optional_text(code, "code")) };
        let (message, code) = match texts {
            (Ok(message), Ok(code)) => (message.unwrap_or("").to_string(), code.map(str::to_string)),
            (Err(failure), _) | (_, Err(failure)) => {
                let _ = answer.sender.send(Err(HandlerError::Internal(failure.message.clone())));
                return Err(failure);
            }
        };
        let retry_after = (retry_after_s.is_finite() && retry_after_s >= 0.0).then(|| retry_after_s.ceil() as u64);
        let Some(error) = HandlerError::with_status(status, message.clone(), code, retry_after) else {
            let _ = answer.sender.send(Err(HandlerError::Internal(message)));
            return Err(Failure::invalid(format!(
                "status must be from 100 to 599, not {status} (answered 500)"
            )));
        };
        sent(answer.sender.send(Err(error)).is_ok())
    })
}

/// Whether the worker behind `answer` has hung up (an abandoned long poll: put its task back);
/// false for NULL. Thread-safe.
///
/// # Safety
/// `answer` is NULL or an answer not answered yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_answer_is_abandoned(answer: *const rxon_answer_t) -> bool {
    // SAFETY: the caller's contract.
    unsafe { answer.as_ref() }.is_some_and(|answer| answer.sender.is_closed())
}

fn sent(delivered: bool) -> Result<(), Failure> {
    if delivered {
        Ok(())
    } else {
        Err(Failure::new(RXON_ECLOSED, "the worker hung up before the answer"))
    }
}

/// How a listener is made: fill it with rxon_listener_options_default, then set what you need.
#[repr(C)]
pub struct rxon_listener_options_t {
    /// The address to bind (default `"127.0.0.1"`; `"::1"`, `"0.0.0.0"`, …). NULL: the default.
    pub host: *const c_char,
    /// The port (0: any free one, see rxon_listener_port).
    pub port: u16,
    /// The largest request body in bytes (default 16 MiB); larger ones are answered 413.
    pub body_limit: usize,
    /// Serve HTTPS with this certificate chain (PEM file) and `tls_key_file`. NULL: plain HTTP.
    pub tls_cert_file: *const c_char,
    /// The private key (PEM file) of `tls_cert_file`.
    pub tls_key_file: *const c_char,
    /// The CA (PEM file) that signs worker certificates, for mutual TLS.
    pub tls_client_ca: *const c_char,
    /// `"none"` (NULL), `"optional"` or `"required"`: whether workers present certificates.
    pub tls_client_auth: *const c_char,
    /// Zero trust in front of the handler, as JSON: `{"workers": {"gpu-1": "token", …},
    /// "timestamp_window": 60, "replay_window": 65, "replay_capacity": 100000,
    /// "access_token_ttl": 3600}` (avtomatika's rules: token, stamped and signed messages, no
    /// replays; each refusal a 403 the handler never sees). NULL: off.
    pub auth_json: *const c_char,
    /// Longest a client may take to send a request's headers, or stay idle between requests,
    /// in milliseconds (default 30000).
    pub header_read_timeout_ms: u32,
    /// Largest request head in bytes (default 65536); larger ones are answered 431.
    pub max_header_bytes: usize,
    /// Most connections at once (default 50000); one more is answered 503 with Retry-After.
    pub max_connections: usize,
    /// Most long polls one worker id may hold at once (default 16); one more is answered 429.
    pub max_polls_per_worker: usize,
}

/// Fills `opts` with the defaults. Does nothing for NULL. Thread-safe.
///
/// # Safety
/// `opts` is NULL or points to writable storage for the struct.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_listener_options_default(opts: *mut rxon_listener_options_t) {
    if opts.is_null() {
        return;
    }
    let null = std::ptr::null();
    let defaults = rxon_listener_options_t {
        host: null,
        port: 0,
        body_limit: ListenerOptions::default().body_limit,
        tls_cert_file: null,
        tls_key_file: null,
        tls_client_ca: null,
        tls_client_auth: null,
        auth_json: null,
        header_read_timeout_ms: ListenerOptions::default().header_read_timeout.as_millis() as u32,
        max_header_bytes: ListenerOptions::default().max_header_bytes,
        max_connections: ListenerOptions::default().max_connections,
        max_polls_per_worker: ListenerOptions::default().max_polls_per_worker,
    };
    // SAFETY: not NULL, writable by the caller's contract.
    unsafe { opts.write(defaults) };
}

/// The address and the core's options from C options.
///
/// # Safety
/// The strings in `opts` are NULL or NUL-terminated.
unsafe fn listener_options(opts: &rxon_listener_options_t) -> Result<(String, ListenerOptions), Failure> {
    // SAFETY (every block below): the caller's contract on `opts`' strings.
    let host = unsafe { optional_text(opts.host, "host") }?.unwrap_or("127.0.0.1");
    let addr = rxon_core::listener::address(host, opts.port);
    let mut options = ListenerOptions::default();
    if opts.body_limit == 0 {
        return Err(Failure::invalid("body_limit must be at least 1"));
    }
    options.body_limit = opts.body_limit;
    if opts.max_header_bytes == 0 || opts.max_connections == 0 || opts.max_polls_per_worker == 0 {
        return Err(Failure::invalid(
            "max_header_bytes, max_connections and max_polls_per_worker must be at least 1",
        ));
    }
    options.header_read_timeout = Duration::from_millis(opts.header_read_timeout_ms.into());
    options.max_header_bytes = opts.max_header_bytes;
    options.max_connections = opts.max_connections;
    options.max_polls_per_worker = opts.max_polls_per_worker;
    if let Some(auth) = unsafe { optional_json(opts.auth_json, "auth_json") }? {
        options.auth = Some(rxon_core::listener::AuthOptions::from_value(&auth)?);
    }
    let (cert, key, ca, auth) = unsafe {
        (
            optional_text(opts.tls_cert_file, "tls_cert_file")?,
            optional_text(opts.tls_key_file, "tls_key_file")?,
            optional_text(opts.tls_client_ca, "tls_client_ca")?,
            optional_text(opts.tls_client_auth, "tls_client_auth")?,
        )
    };
    options.tls = match (cert, key) {
        (None, None) => None,
        (Some(cert), Some(key)) => Some(ServerTlsOptions {
            cert_file: cert.into(),
            key_file: key.into(),
            client_ca: ca.map(Into::into),
            client_auth: auth.map_or(Ok(ClientAuth::None), str::parse)?,
        }),
        _ => return Err(Failure::invalid("tls_cert_file and tls_key_file go together")),
    };
    Ok((addr, options))
}

/// A listening orchestrator endpoint. Thread-safe.
pub struct rxon_listener_t {
    core: Mutex<Option<Listener>>,
    sessions: Sessions,
    port: u16,
}

/// Binds and starts serving with `handler` into `*out` (free it with rxon_listener_free). The
/// listener owns `handler` from here on, even when this fails (then `drop` is called at once).
/// RXON_OK; RXON_ENETWORK when the address cannot be bound; RXON_EINVAL for bad options.
///
/// # Safety
/// `opts` is NULL or a valid options struct; `out` is NULL or writable; `handler`'s functions
/// follow its contract.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_listener_new(
    opts: *const rxon_listener_options_t,
    handler: rxon_handler_t,
    out: *mut *mut rxon_listener_t,
) -> rxon_result_t {
    let owned = handler.call.map(|call| {
        Arc::new(CHandler {
            context: handler.context,
            call,
            drop: handler.drop,
        })
    });
    guard(|| {
        let Some(handler) = owned else {
            if let Some(drop) = handler.drop {
                // SAFETY: the handler's contract; it is released once.
                unsafe { drop(handler.context) };
            }
            return Err(Failure::invalid("handler.call is NULL"));
        };
        if opts.is_null() || out.is_null() {
            return Err(Failure::invalid("opts and out must not be NULL"));
        }
        // SAFETY: not NULL, valid by the caller's contract.
        let (addr, options) = unsafe { listener_options(&*opts) }?;
        let core = runtime()?.block_on(Listener::bind(&addr, options))?;
        core.set_handler(handler);
        let listener = rxon_listener_t {
            port: core.local_addr().port(),
            sessions: core.sessions(),
            core: Mutex::new(Some(core)),
        };
        // SAFETY: not NULL, writable by the caller's contract.
        unsafe { *out = Box::into_raw(Box::new(listener)) };
        Ok(())
    })
}

/// Borrows the listener behind `l`.
///
/// # Safety
/// `l` is NULL or a live listener.
unsafe fn listener<'a>(l: *const rxon_listener_t) -> Result<&'a rxon_listener_t, Failure> {
    // SAFETY: the caller's contract.
    unsafe { l.as_ref() }.ok_or_else(|| Failure::invalid("the listener is NULL"))
}

/// The bound port; 0 for NULL. Thread-safe.
///
/// # Safety
/// `l` is NULL or a live listener.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_listener_port(l: *const rxon_listener_t) -> u16 {
    // SAFETY: the caller's contract.
    unsafe { l.as_ref() }.map_or(0, |l| l.port)
}

/// Sends `command_json` (a WorkerCommand: `{"command": "cancel_task", "task_id": …}`) down the
/// worker's WebSocket; blocks until written. RXON_OK; RXON_ECLOSED when the worker has no
/// socket open; RXON_EINVAL for a bad command. Thread-safe; may be called from the handler.
///
/// # Safety
/// `l` is NULL or a live listener; the strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_listener_send_command(
    l: *mut rxon_listener_t,
    worker_id: *const c_char,
    command_json: *const c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let (listener, worker_id, command) = unsafe {
            (
                listener(l)?,
                text(worker_id, "worker_id")?,
                WorkerCommand::from_value(&json(command_json, "command_json")?)?,
            )
        };
        let sessions = listener.sessions.clone();
        let worker_id = worker_id.to_string();
        // From a handler (a library thread) the send runs on its own thread: no blocking there.
        let sent = if tokio::runtime::Handle::try_current().is_ok() {
            let runtime = runtime()?.handle().clone();
            std::thread::spawn(move || runtime.block_on(sessions.send_command(&worker_id, command)))
                .join()
                .unwrap_or(false)
        } else {
            runtime()?.block_on(sessions.send_command(&worker_id, command))
        };
        if sent {
            Ok(())
        } else {
            Err(Failure::new(RXON_ECLOSED, "the worker has no command WebSocket open"))
        }
    })
}

/// The workers whose command WebSocket is open, as a JSON array of ids into `*out`. RXON_OK.
/// Thread-safe.
///
/// # Safety
/// `l` is NULL or a live listener; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_listener_connected_workers(
    l: *const rxon_listener_t,
    out: *mut *mut c_char,
) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let listener = unsafe { listener(l) }?;
        let ids = listener
            .sessions
            .connected_workers()
            .into_iter()
            .map(Value::from)
            .collect();
        // SAFETY: the caller's contract.
        unsafe { give(out, rxon_core::json::to_text(&Value::Array(ids))) }
    })
}

/// Stops accepting, answers waiting polls 204, closes WebSockets and gives requests in flight
/// `grace_ms`; blocks until stopped. A second call does nothing. RXON_OK. Thread-safe; not
/// from the handler.
///
/// # Safety
/// `l` is NULL or a live listener.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_listener_shutdown(l: *mut rxon_listener_t, grace_ms: i64) -> rxon_result_t {
    guard(|| {
        // SAFETY: the caller's contract.
        let listener = unsafe { listener(l) }?;
        let core = listener.core.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(core) = core {
            runtime()?.block_on(core.shutdown(Duration::from_millis(grace_ms.max(0) as u64)));
        }
        Ok(())
    })
}

/// Frees the listener and sets `*l` to NULL (NULL is fine). One still serving stops in the
/// background (5 s for requests in flight) — this does not wait, so it may be called from the
/// handler; the handler's `drop` runs once the last call has returned.
///
/// # Safety
/// `l` is NULL or points to NULL or to a live listener no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rxon_listener_free(l: *mut *mut rxon_listener_t) {
    if l.is_null() {
        return;
    }
    // SAFETY: the caller's contract; the listener came from Box::into_raw.
    let owned = unsafe { std::mem::replace(&mut *l, std::ptr::null_mut()) };
    if !owned.is_null() {
        let _ = guard(|| {
            let listener = unsafe { Box::from_raw(owned) };
            let core = listener.core.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(core) = core {
                runtime()?.spawn(core.shutdown(Duration::from_secs(5)));
            }
            Ok(())
        });
    }
}
