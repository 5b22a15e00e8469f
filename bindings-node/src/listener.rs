//! The orchestrator side for Node: the core's listener (routes, decoding, statuses, TLS,
//! WebSockets), whose requests JavaScript pulls in batches (`nextRequests`) and answers
//! (`respond` or `refuse`). `index.js` runs the user's `handler(action, payload, context)` on
//! them; the core never holds a JavaScript callback.

use crate::convert::{seconds, tls_path, to_js};
use crate::errors::{JsFailure, raising, type_error};
use crate::protocol::tree;
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Unknown};
use napi_derive::napi;
use rxon_core::json::{Object, Str, Value};
use rxon_core::listener::{
    Action, Context, Handler, HandlerError, Listener as CoreListener, ListenerOptions, Sessions,
};
use rxon_core::models::{Message, WorkerCommand};
use rxon_core::security::tls::{ClientAuth, ServerTlsOptions};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{Notify, mpsc, oneshot, watch};

type Answer = Result<Option<Value>, HandlerError>;

/// A request waiting for JavaScript's answer.
struct Pending {
    action: Action,
    payload: Value,
    context: Context,
    answer: oneshot::Sender<Answer>,
    state: Arc<RequestState>,
}

/// Whether a request was answered or its worker hung up first (a dropped long poll).
#[derive(Default)]
struct RequestState {
    answered: AtomicBool,
    abandoned: AtomicBool,
    changed: Notify,
}

impl RequestState {
    fn mark(&self, flag: &AtomicBool) {
        flag.store(true, Ordering::Release);
        self.changed.notify_waiters();
    }
}

/// Marks the request abandoned when the core drops it unanswered (the worker hung up).
struct AbandonOnDrop(Arc<RequestState>);

impl Drop for AbandonOnDrop {
    fn drop(&mut self) {
        if !self.0.answered.load(Ordering::Acquire) {
            self.0.mark(&self.0.abandoned);
        }
    }
}

/// The core's handler: each request is queued for JavaScript to pull.
struct Queued {
    requests: mpsc::UnboundedSender<Pending>,
}

#[async_trait::async_trait]
impl Handler for Queued {
    async fn handle(&self, action: Action, payload: Value, context: &Context) -> Answer {
        let (answer, answered) = oneshot::channel();
        let state = Arc::new(RequestState::default());
        let _abandon = AbandonOnDrop(state.clone());
        let pending = Pending {
            action,
            payload,
            context: context.clone(),
            answer,
            state,
        };
        if self.requests.send(pending).is_err() {
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

/// The listener's settings from a JavaScript options object (`{ host, port, tls, bodyLimit }`).
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
    if let Some(grace) = object.get("handshakeTimeout").and_then(Value::as_f64) {
        listener.handshake_timeout = seconds(grace, "handshakeTimeout")?;
    }
    listener.tls = match object.get("tls") {
        None | Some(Value::Null) => None,
        Some(Value::Object(tls)) => Some(tls_options(tls)?),
        Some(_) => return Err(type_error("Listener option tls must be an object")),
    };
    let addr = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    Ok((addr, listener))
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
    requests: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Pending>>>,
    /// True once the core listener has shut down: no request can come any more.
    stopped: watch::Sender<bool>,
}

impl Listener {
    fn sessions(&self) -> Result<&Sessions, JsFailure> {
        if *self.stopped.borrow() || self.core.lock().unwrap_or_else(|p| p.into_inner()).is_none() {
            return Err(crate::errors::stopped("Listener"));
        }
        Ok(&self.sessions)
    }
}

#[napi]
impl Listener {
    /// Binds `{ host, port, tls, bodyLimit }` and starts serving; requests wait for
    /// `nextRequests`.
    #[napi(ts_return_type = "Promise<Listener>")]
    pub fn bind<'e>(env: &'e Env, options: Unknown<'_>) -> napi::Result<PromiseRaw<'e, Listener>> {
        let (addr, listener_options) = raising(|| listener_options(&tree(env, options)?))?;
        env.spawn_future(async move {
            let core = CoreListener::bind(&addr, listener_options)
                .await
                .map_err(|e| crate::errors::rejecting(e.into()))?;
            let (requests, queue) = mpsc::unbounded_channel();
            core.set_handler(Arc::new(Queued { requests }));
            Ok(Listener {
                port: core.local_addr().port(),
                sessions: core.sessions(),
                core: Mutex::new(Some(core)),
                requests: Arc::new(tokio::sync::Mutex::new(queue)),
                stopped: watch::channel(false).0,
            })
        })
    }

    /// The bound port.
    #[napi(getter)]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The requests waiting (at least one, at most `max`), once there is one; `null` once the
    /// listener has closed and every request was handed out.
    #[napi(ts_return_type = "Promise<Request[] | null>")]
    pub fn next_requests<'e>(&self, env: &'e Env, max: u32) -> napi::Result<PromiseRaw<'e, Option<Vec<Request>>>> {
        let (requests, mut stopped) = (self.requests.clone(), self.stopped.subscribe());
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
            let mut batch = vec![Request::from(first)];
            while batch.len() < max {
                match queue.try_recv() {
                    Ok(next) => batch.push(Request::from(next)),
                    Err(_) => break,
                }
            }
            Ok(Some(batch))
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

/// One request from a worker, waiting for its answer.
#[napi]
pub struct Request {
    action: Action,
    payload: Option<Value>,
    context: Context,
    answer: Mutex<Option<oneshot::Sender<Answer>>>,
    state: Arc<RequestState>,
}

impl From<Pending> for Request {
    fn from(pending: Pending) -> Self {
        Request {
            action: pending.action,
            payload: Some(pending.payload),
            context: pending.context,
            answer: Mutex::new(Some(pending.answer)),
            state: pending.state,
        }
    }
}

impl Request {
    /// Sends the answer: whether the worker was still there to receive it.
    fn send(&self, answer: Answer) -> bool {
        let sender = self.answer.lock().unwrap_or_else(|p| p.into_inner()).take();
        let delivered = sender.is_some_and(|sender| sender.send(answer).is_ok());
        if delivered {
            self.state.mark(&self.state.answered);
        }
        delivered
    }
}

#[napi]
impl Request {
    /// `register`, `poll`, `result`, `heartbeat`, `event`, `sts_token`, `sts_refresh` or
    /// `websocket_auth`.
    #[napi(getter)]
    pub fn action(&self) -> &'static str {
        self.action.name()
    }

    /// The decoded message (a poll's is the worker id; an empty heartbeat's is `null`). It is
    /// handed over once: a second read is `null`.
    #[napi(ts_return_type = "any")]
    pub fn take_payload<'e>(&mut self, env: &'e Env) -> napi::Result<Unknown<'e>> {
        to_js(env, &self.payload.take().unwrap_or(Value::Null))
    }

    /// What the listener knows besides the payload: `{ token, workerIdHint, protocolVersion,
    /// certIdentity, remoteAddr, transport, pollTimeout, availableSkills, hotSkills }`.
    #[napi(getter, ts_return_type = "Record<string, any>")]
    pub fn context<'e>(&self, env: &'e Env) -> napi::Result<Unknown<'e>> {
        to_js(env, &context_object(&self.context))
    }

    /// Answers with `value` (`null`/`undefined`: the action's default — 204 for a poll):
    /// whether the worker was still there.
    #[napi]
    pub fn respond(&self, env: &Env, value: Unknown<'_>) -> napi::Result<bool> {
        raising(|| {
            let answer = match tree(env, value)? {
                Value::Null => None,
                value => Some(rxon_core::canonical::to_dict(&value)?),
            };
            Ok(self.send(Ok(answer)))
        })
    }

    /// Refuses with an HTTP `status` (403, 429 with `retryAfter` seconds and `code`, 400, or
    /// any other; 500 for a failure of the handler): whether the worker was still there.
    #[napi]
    pub fn refuse(&self, status: u16, message: String, code: Option<String>, retry_after: Option<f64>) -> bool {
        let error = match status {
            403 => HandlerError::PermissionDenied(message),
            429 => HandlerError::RateLimited {
                message,
                code,
                retry_after: retry_after.filter(|s| s.is_finite()).map(|s| s.ceil().max(0.0) as u64),
            },
            400 => HandlerError::InvalidValue(message),
            500 => HandlerError::Internal(message),
            100..=599 => HandlerError::Http { status, message },
            _ => HandlerError::Internal(message),
        };
        self.send(Err(error))
    }

    /// Resolves `true` if the worker hangs up before the answer (a poll it abandoned), `false`
    /// once answered.
    #[napi(ts_return_type = "Promise<boolean>")]
    pub fn when_abandoned<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, bool>> {
        let state = self.state.clone();
        env.spawn_future(async move {
            loop {
                let changed = state.changed.notified();
                tokio::pin!(changed);
                changed.as_mut().enable();
                if state.abandoned.load(Ordering::Acquire) {
                    return Ok(true);
                }
                if state.answered.load(Ordering::Acquire) {
                    return Ok(false);
                }
                changed.await;
            }
        })
    }
}
