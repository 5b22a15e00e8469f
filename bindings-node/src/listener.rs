//! The orchestrator side for Node: the core's listener (routes, decoding, statuses, TLS,
//! WebSockets), whose requests JavaScript pulls in batches (`nextRequests`) and answers by id
//! (`respond` or `refuse`). `index.js` runs the user's `handler(action, payload, context)` on
//! them; the core never holds a JavaScript callback.
//!
//! A batch crosses as one JSON text, `[[id, action, payload, context], …]`, which V8's
//! `JSON.parse` turns into objects far faster than building them one property at a time
//! across N-API. A payload with an integer JavaScript cannot hold exactly goes as `null` plus
//! a fifth element `true`, and is fetched with `takePayload(id)` (as `BigInt`s).

use crate::convert::{seconds, tls_path, to_js};
use crate::errors::{JsFailure, raising, type_error};
use crate::protocol::{tree, tree_of};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Unknown};
use napi_derive::napi;
use rxon_core::json::{Object, Str, Value, write_value};
use rxon_core::listener::{
    Action, Context, Handler, HandlerError, Listener as CoreListener, ListenerOptions, Sessions,
};
use rxon_core::models::{Message, WorkerCommand};
use rxon_core::security::tls::{ClientAuth, ServerTlsOptions};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{Notify, mpsc, oneshot, watch};

type Answer = Result<Option<Value>, HandlerError>;

/// A request that arrived, on its way to JavaScript.
struct Arrived {
    id: u64,
    action: Action,
    payload: Value,
    context: Context,
}

/// A request JavaScript has not answered yet.
struct Waiting {
    answer: oneshot::Sender<Answer>,
    state: Arc<RequestState>,
    /// The payload, kept when it cannot travel as JSON text (see the module's comment).
    payload: Option<Value>,
}

/// The requests waiting for an answer, by id.
type WaitingRequests = Arc<Mutex<HashMap<u64, Waiting>>>;

fn lock(waiting: &WaitingRequests) -> std::sync::MutexGuard<'_, HashMap<u64, Waiting>> {
    waiting.lock().unwrap_or_else(|p| p.into_inner())
}

/// Whether a request's worker hung up before its answer (a dropped long poll).
#[derive(Default)]
struct RequestState {
    abandoned: AtomicBool,
    changed: Notify,
}

/// Forgets the request when the core drops it unanswered (the worker hung up): its waiter
/// learns it was abandoned, and nothing of it stays behind.
struct ForgetOnDrop {
    id: u64,
    waiting: WaitingRequests,
}

impl Drop for ForgetOnDrop {
    fn drop(&mut self) {
        if let Some(request) = lock(&self.waiting).remove(&self.id) {
            request.state.abandoned.store(true, Ordering::Release);
            request.state.changed.notify_waiters();
        }
    }
}

/// The core's handler: each request is queued for JavaScript to pull.
struct Queued {
    requests: mpsc::UnboundedSender<Arrived>,
    waiting: WaitingRequests,
    next_id: AtomicU64,
}

#[async_trait::async_trait]
impl Handler for Queued {
    async fn handle(&self, action: Action, payload: Value, context: &Context) -> Answer {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (answer, answered) = oneshot::channel();
        let state = Arc::new(RequestState::default());
        lock(&self.waiting).insert(
            id,
            Waiting {
                answer,
                state,
                payload: None,
            },
        );
        let _forget = ForgetOnDrop {
            id,
            waiting: self.waiting.clone(),
        };
        let arrived = Arrived {
            id,
            action,
            payload,
            context: context.clone(),
        };
        if self.requests.send(arrived).is_err() {
            return Err(HandlerError::Http {
                status: 503,
                message: "the listener is closing".into(),
            });
        }
        answered
            .await
            .unwrap_or_else(|_| Err(HandlerError::Internal("the request was dropped unanswered".into())))
    }
}

/// The listener's settings from a JavaScript options object (`{ host, port, tls, bodyLimit,
/// handshakeTimeout, auth }`).
fn listener_options(options: &Value) -> Result<(String, ListenerOptions), JsFailure> {
    let empty = Object::new();
    let object = match options {
        Value::Null => &empty,
        Value::Object(object) => object,
        _ => return Err(type_error("Listener options must be an object")),
    };
    let host = match object.get("host") {
        None | Some(Value::Null) => "127.0.0.1",
        Some(Value::String(host)) => host.as_str(),
        Some(_) => return Err(type_error("Listener option host must be a string")),
    };
    let port = match object.get("port") {
        None | Some(Value::Null) => 0,
        Some(port) => port
            .as_u64()
            .and_then(|p| u16::try_from(p).ok())
            .ok_or_else(|| type_error("Listener option port must be a whole number from 0 to 65535"))?,
    };
    let mut listener = ListenerOptions::default();
    match object.get("bodyLimit") {
        None | Some(Value::Null) => {}
        Some(limit) => {
            listener.body_limit = limit
                .as_u64()
                .filter(|n| *n > 0)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| type_error("Listener option bodyLimit must be a whole number of bytes ≥ 1"))?;
        }
    }
    if let Some(timeout) = object.get("headerReadTimeout").filter(|v| !v.is_null()) {
        let timeout = timeout
            .as_f64()
            .ok_or_else(|| type_error("headerReadTimeout must be a number of seconds"))?;
        listener.header_read_timeout = seconds(timeout, "headerReadTimeout")?;
    }
    for (name, limit) in [
        ("maxHeaderBytes", &mut listener.max_header_bytes),
        ("maxConnections", &mut listener.max_connections),
        ("maxPollsPerWorker", &mut listener.max_polls_per_worker),
    ] {
        if let Some(value) = object.get(name).filter(|v| !v.is_null()) {
            *limit = value
                .as_u64()
                .filter(|n| *n > 0)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| type_error(format!("Listener option {name} must be a whole number ≥ 1")))?;
        }
    }
    match object.get("handshakeTimeout") {
        None | Some(Value::Null) => {}
        Some(Value::Number(timeout)) => listener.handshake_timeout = seconds(timeout.as_f64(), "handshakeTimeout")?,
        Some(_) => return Err(type_error("handshakeTimeout must be a finite number of seconds ≥ 0")),
    }
    listener.auth = match object.get("auth") {
        None | Some(Value::Null) => None,
        Some(auth) => Some(rxon_core::listener::AuthOptions::from_value(auth)?),
    };
    listener.tls = match object.get("tls") {
        None | Some(Value::Null) => None,
        Some(Value::Object(tls)) => Some(tls_options(tls)?),
        Some(_) => return Err(type_error("Listener option tls must be an object")),
    };
    Ok((rxon_core::listener::address(host, port), listener))
}

/// `{ certFile, keyFile, clientCa, clientAuth: 'none' | 'optional' | 'required' }`.
fn tls_options(tls: &Object) -> Result<ServerTlsOptions, JsFailure> {
    let required = |name: &str| tls_path(tls, name)?.ok_or_else(|| type_error(format!("tls needs {name}")));
    let client_auth = match tls.get("clientAuth") {
        None | Some(Value::Null) => ClientAuth::None,
        Some(Value::String(text)) => text.parse()?,
        Some(_) => return Err(type_error("tls.clientAuth must be 'none', 'optional' or 'required'")),
    };
    Ok(ServerTlsOptions {
        cert_file: required("certFile")?.into(),
        key_file: required("keyFile")?.into(),
        client_ca: tls_path(tls, "clientCa")?.map(Into::into),
        client_auth,
    })
}

/// What JavaScript sees of the request's context (camelCase; absent facts left out).
fn context_object(context: &Context) -> Value {
    let mut object = Object::new();
    let mut text = |name: &str, value: &Option<String>| {
        if let Some(value) = value {
            object.insert(Str::from(name), Value::String(Str::from(value.as_str())));
        }
    };
    text("token", &context.token);
    text("workerIdHint", &context.worker_id_hint);
    text("protocolVersion", &context.protocol_version);
    text("certIdentity", &context.cert_identity);
    text("remoteAddr", &context.remote_addr.map(|a| a.to_string()));
    object.insert(Str::from("transport"), Value::String(Str::from(context.transport)));
    if let Some(timeout) = context.poll_timeout {
        object.insert(Str::from("pollTimeout"), Value::from(timeout));
    }
    let mut names = |name: &str, value: &Option<Vec<String>>| {
        if let Some(names) = value {
            let names = names.iter().map(|n| Value::String(Str::from(n.as_str()))).collect();
            object.insert(Str::from(name), Value::Array(names));
        }
    };
    names("availableSkills", &context.available_skills);
    names("hotSkills", &context.hot_skills);
    Value::Object(object)
}

/// A listening orchestrator endpoint.
#[napi]
pub struct Listener {
    port: u16,
    sessions: Sessions,
    core: Mutex<Option<CoreListener>>,
    requests: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Arrived>>>,
    waiting: WaitingRequests,
    /// True once the core listener has shut down: no request can come any more.
    stopped: watch::Sender<bool>,
}

impl Listener {
    fn sessions(&self) -> Result<&Sessions, JsFailure> {
        // close() takes the core first: no core, no sessions.
        if self.core.lock().unwrap_or_else(|p| p.into_inner()).is_none() {
            return Err(crate::errors::stopped("Listener"));
        }
        Ok(&self.sessions)
    }

    /// Sends the answer to request `id`: whether its worker was still there to receive it.
    fn send(&self, id: u64, answer: Answer) -> bool {
        let request = lock(&self.waiting).remove(&id);
        request.is_some_and(|request| request.answer.send(answer).is_ok())
    }
}

/// Appends `[id, action, payload, context]` to a batch's text; a payload JavaScript cannot
/// hold exactly stays with its request (`null`, and `true` after the context).
fn write_request(text: &mut Vec<u8>, arrived: Arrived, waiting: &WaitingRequests) {
    text.extend_from_slice(format!("[{},\"{}\",", arrived.id, arrived.action.name()).as_bytes());
    let exact = exact_in_javascript(&arrived.payload);
    if exact {
        write_value(text, &arrived.payload);
    } else {
        text.extend_from_slice(b"null");
    }
    text.push(b',');
    write_value(text, &context_object(&arrived.context));
    if !exact {
        if let Some(request) = lock(waiting).get_mut(&arrived.id) {
            request.payload = Some(arrived.payload);
        }
        text.extend_from_slice(b",true");
    }
    text.push(b']');
}

/// Whether every number of `value` reads back from JSON text as the same JavaScript number
/// (integers beyond 2^53 would not).
fn exact_in_javascript(value: &Value) -> bool {
    match value {
        Value::Number(number) => !number.is_integer() || number.as_i64().is_some_and(|i| i.unsigned_abs() < 1 << 53),
        Value::Array(items) => items.iter().all(exact_in_javascript),
        Value::Object(members) => members.values().all(exact_in_javascript),
        _ => true,
    }
}

#[napi]
impl Listener {
    /// Binds `{ host, port, tls, bodyLimit, handshakeTimeout }` and starts serving; requests
    /// wait for `nextRequests`.
    #[napi(ts_return_type = "Promise<Listener>")]
    pub fn bind<'e>(env: &'e Env, options: Unknown<'_>) -> napi::Result<PromiseRaw<'e, Listener>> {
        let (addr, listener_options) = raising(|| listener_options(&tree(env, options)?))?;
        env.spawn_future(async move {
            let core = CoreListener::bind(&addr, listener_options)
                .await
                .map_err(|e| crate::errors::rejecting(e.into()))?;
            let (requests, queue) = mpsc::unbounded_channel();
            let waiting = WaitingRequests::default();
            core.set_handler(Arc::new(Queued {
                requests,
                waiting: waiting.clone(),
                next_id: AtomicU64::new(1),
            }));
            Ok(Listener {
                port: core.local_addr().port(),
                sessions: core.sessions(),
                core: Mutex::new(Some(core)),
                requests: Arc::new(tokio::sync::Mutex::new(queue)),
                waiting,
                stopped: watch::channel(false).0,
            })
        })
    }

    /// The bound port.
    #[napi(getter)]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The requests that arrived (at least one, at most `max`) as the JSON text of
    /// `[[id, action, payload, context], …]`, once there is one; `null` once the listener has
    /// closed and every request was handed out.
    #[napi(ts_return_type = "Promise<string | null>")]
    pub fn next_requests<'e>(&self, env: &'e Env, max: u32) -> napi::Result<PromiseRaw<'e, Option<String>>> {
        let (requests, waiting, mut stopped) = (self.requests.clone(), self.waiting.clone(), self.stopped.subscribe());
        let max = max.max(1) as usize;
        env.spawn_future(async move {
            let mut queue = requests.lock().await;
            let first = tokio::select! {
                biased;
                Some(first) = queue.recv() => first,
                _ = stopped.wait_for(|stopped| *stopped) => match queue.try_recv() {
                    Ok(first) => first,
                    Err(_) => return Ok(None),
                },
            };
            let mut text = Vec::with_capacity(512);
            text.push(b'[');
            write_request(&mut text, first, &waiting);
            for _ in 1..max {
                let Ok(next) = queue.try_recv() else { break };
                text.push(b',');
                write_request(&mut text, next, &waiting);
            }
            text.push(b']');
            // Only `&str`s and ASCII were written.
            Ok(Some(String::from_utf8_lossy(&text).into_owned()))
        })
    }

    /// The payload of request `id` that could not travel as text (integers as `BigInt`s).
    #[napi(ts_return_type = "any")]
    pub fn take_payload<'e>(&self, env: &'e Env, id: i64) -> napi::Result<Unknown<'e>> {
        let payload = lock(&self.waiting)
            .get_mut(&(id as u64))
            .and_then(|request| request.payload.take());
        to_js(env, &payload.unwrap_or(Value::Null))
    }

    /// Answers request `id` with `value` (`undefined`/`null`: the action's default — 204 for a
    /// poll): whether its worker was still there.
    /// (`text`: the value as JSON text, when the JavaScript layer wrote it; see `protocol::written`.)
    #[napi]
    pub fn respond(&self, env: &Env, id: i64, value: Option<Unknown<'_>>, text: Option<String>) -> napi::Result<bool> {
        raising(|| {
            let answer = match value.map(|value| tree_of(env, value, text.as_deref())).transpose()? {
                None | Some(Value::Null) => None,
                Some(value) => Some(rxon_core::canonical::to_dict(&value)?),
            };
            Ok(self.send(id as u64, Ok(answer)))
        })
    }

    /// Refuses request `id` with an HTTP `status` (403, 429 with `retryAfter` seconds and
    /// `code`, 400, or any other; 500 for a failure of the handler): whether its worker was
    /// still there.
    #[napi]
    pub fn refuse(
        &self,
        id: i64,
        status: u16,
        message: String,
        code: Option<String>,
        retry_after: Option<f64>,
    ) -> bool {
        let retry_after = retry_after.filter(|s| s.is_finite()).map(|s| s.ceil().max(0.0) as u64);
        let error = HandlerError::with_status(status, message.clone(), code, retry_after)
            .unwrap_or(HandlerError::Internal(message));
        self.send(id as u64, Err(error))
    }

    /// Resolves `true` once request `id`'s worker hangs up before the answer (at once if it
    /// already has), `false` once it is answered.
    #[napi(ts_return_type = "Promise<boolean>")]
    pub fn when_abandoned<'e>(&self, env: &'e Env, id: i64) -> napi::Result<PromiseRaw<'e, bool>> {
        let state = lock(&self.waiting)
            .get(&(id as u64))
            .map(|request| request.state.clone());
        let waiting = self.waiting.clone();
        env.spawn_future(async move {
            let Some(state) = state else { return Ok(true) };
            loop {
                let changed = state.changed.notified();
                tokio::pin!(changed);
                changed.as_mut().enable();
                if state.abandoned.load(Ordering::Acquire) {
                    return Ok(true);
                }
                if !lock(&waiting).contains_key(&(id as u64)) {
                    return Ok(false);
                }
                changed.await;
            }
        })
    }

    /// Sends `command` down the worker's WebSocket: whether it had one open.
    #[napi(ts_return_type = "Promise<boolean>")]
    pub fn send_command<'e>(
        &self,
        env: &'e Env,
        worker_id: String,
        command: Unknown<'_>,
    ) -> napi::Result<PromiseRaw<'e, bool>> {
        let (sessions, command) = raising(|| {
            let command = WorkerCommand::from_value(&tree(env, command)?)?;
            Ok((self.sessions()?.clone(), command))
        })?;
        env.spawn_future(async move { Ok(sessions.send_command(&worker_id, command).await) })
    }

    /// The workers whose command WebSocket is open.
    #[napi]
    pub fn connected_workers(&self) -> napi::Result<Vec<String>> {
        raising(|| Ok(self.sessions()?.connected_workers()))
    }

    /// Stops accepting, answers long polls 204, closes WebSockets, gives requests in flight
    /// `grace` seconds; then `nextRequests` ends with `null`. A second call does nothing.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'e>(&self, env: &'e Env, grace: f64) -> napi::Result<PromiseRaw<'e, ()>> {
        let grace = raising(|| seconds(grace, "grace"))?;
        let core = self.core.lock().unwrap_or_else(|p| p.into_inner()).take();
        let stopped = self.stopped.clone();
        env.spawn_future(async move {
            if let Some(core) = core {
                core.shutdown(grace).await;
            }
            stopped.send_replace(true);
            Ok(())
        })
    }
}
