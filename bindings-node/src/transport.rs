//! Transports: the core's HTTP and mock transports as JavaScript classes whose methods return
//! Promises (the reference's methods, named as Node names them).

use crate::convert::{ClientTls, seconds, signing, to_js};
use crate::errors::{JsFailure, raising, rejecting, type_error};
use crate::protocol::tree;
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Unknown};
use napi_derive::napi;
use rxon_core::json::Value;
use rxon_core::models::{Heartbeat, Message, TaskResult, WorkerCommand, WorkerEventPayload, WorkerRegistration};
use rxon_core::transport::{self, MockTransport, ResultOutcome, Transport as CoreTransport, TransportOptions};
use rxon_core::worker::Signing;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// How the HTTP transport behaves; every member optional (the core's defaults).
#[napi(object)]
#[derive(Default)]
pub struct TransportOptionsInit {
    /// Tries of `sendResult` on network errors (default 3).
    pub result_retries: Option<u32>,
    /// First wait between those tries in seconds, doubled each time (default 0.1).
    pub result_retry_delay: Option<f64>,
    /// Timeout of every request but the long poll, in seconds (default 30).
    pub request_timeout: Option<f64>,
    /// Timeout of opening a connection, in seconds (default 10).
    pub connect_timeout: Option<f64>,
    /// Stamp and sign every registration, heartbeat, result and event: `'masterToken'` (HMAC
    /// with the token, what avtomatika demands), an Ed25519 private key (PEM), or `'off'`
    /// (default, like the reference transport).
    pub signing: Option<String>,
    /// A private CA to trust and a client certificate for mutual TLS.
    pub tls: Option<ClientTls>,
}

impl TransportOptionsInit {
    fn options(&self, worker_id: &str, token: &str) -> Result<TransportOptions, JsFailure> {
        // Off unless asked for, like the reference transport.
        let signing = signing(self.signing.as_deref(), Signing::Off)?.signer(token, worker_id)?;
        let mut options = TransportOptions {
            signing,
            ..TransportOptions::default()
        };
        if let Some(tries) = self.result_retries {
            options.result_retries = tries;
        }
        if let Some(delay) = self.result_retry_delay {
            options.result_retry_delay = seconds(delay, "resultRetryDelay")?;
        }
        if let Some(timeout) = self.request_timeout {
            options.request_timeout = seconds(timeout, "requestTimeout")?;
        }
        if let Some(timeout) = self.connect_timeout {
            options.connect_timeout = seconds(timeout, "connectTimeout")?;
        }
        if let Some(tls) = &self.tls {
            options.tls = tls.options()?;
        }
        Ok(options)
    }
}

/// A message given from JavaScript, decoded by the core (its error if it does not decode).
fn message<M: Message>(env: &Env, value: Unknown<'_>) -> Result<M, JsFailure> {
    Ok(M::from_value(&tree(env, value)?)?)
}

/// The worker's side of the protocol over one connection to an orchestrator.
#[napi]
pub struct Transport {
    inner: Arc<dyn CoreTransport>,
    /// The mock's own handle, for what a test pushes and reads.
    mock: Option<Arc<MockTransport>>,
    /// False after `close()` until `connect()`.
    open: Arc<AtomicBool>,
    worker_id: String,
}

impl Transport {
    /// The core transport (for a worker to run on).
    pub fn core(&self) -> Arc<dyn CoreTransport> {
        self.inner.clone()
    }

    /// The core transport if it may be used.
    fn usable(&self) -> Result<Arc<dyn CoreTransport>, JsFailure> {
        if self.open.load(Ordering::Acquire) {
            Ok(self.inner.clone())
        } else {
            Err(crate::errors::closed("Transport"))
        }
    }

    /// Runs `work` on the core's runtime; its tree answer as a JavaScript value.
    fn promise<'e, F>(&self, env: &'e Env, work: F) -> napi::Result<PromiseRaw<'e, Unknown<'e>>>
    where
        F: Future<Output = Result<Value, JsFailure>> + Send + 'static,
    {
        env.spawn_future_with_callback(async move { work.await.map_err(rejecting) }, |env, value| {
            to_js(env, &value)
        })
    }

    fn mock(&self) -> Result<&Arc<MockTransport>, JsFailure> {
        self.mock
            .as_ref()
            .ok_or_else(|| type_error("only a MockTransport holds what was sent"))
    }
}

#[napi]
impl Transport {
    /// The transport for `url` (`http(s)://`, `ws(s)://` or `mock://`).
    #[napi(factory)]
    pub fn create(
        url: String,
        worker_id: String,
        token: String,
        options: Option<TransportOptionsInit>,
    ) -> napi::Result<Self> {
        raising(|| {
            let options = options.unwrap_or_default().options(&worker_id, &token)?;
            if url.to_ascii_lowercase().starts_with("mock://") {
                return Ok(Self::mock_transport(worker_id, token));
            }
            let inner: Arc<dyn CoreTransport> =
                Arc::from(transport::create_transport(&url, &worker_id, &token, options)?);
            Ok(Transport {
                inner,
                mock: None,
                open: Arc::new(AtomicBool::new(true)),
                worker_id,
            })
        })
    }

    /// A transport that talks to nobody: tasks and commands are pushed by the test, what the
    /// worker sends is kept to be read.
    #[napi(factory)]
    pub fn mock_transport(worker_id: String, token: String) -> Self {
        let mock = Arc::new(MockTransport::new(&worker_id, &token));
        Transport {
            inner: mock.clone(),
            mock: Some(mock),
            open: Arc::new(AtomicBool::new(true)),
            worker_id,
        }
    }

    /// The worker this transport speaks for.
    #[napi(getter)]
    pub fn worker_id(&self) -> String {
        self.worker_id.clone()
    }

    /// Opens the connection (after `close()`, opens it again).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn connect<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, Unknown<'e>>> {
        let (inner, open) = (self.inner.clone(), self.open.clone());
        self.promise(env, async move {
            inner.connect().await?;
            open.store(true, Ordering::Release);
            Ok(Value::Null)
        })
    }

    /// Closes the connection; later calls reject until `connect()`.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, Unknown<'e>>> {
        self.open.store(false, Ordering::Release);
        let inner = self.inner.clone();
        self.promise(env, async move {
            inner.close().await;
            Ok(Value::Null)
        })
    }

    /// Registers the worker; the orchestrator's answer.
    #[napi(ts_return_type = "Promise<any>")]
    pub fn register<'e>(&self, env: &'e Env, registration: Unknown<'e>) -> napi::Result<PromiseRaw<'e, Unknown<'e>>> {
        let ready = raising(|| Ok((self.usable()?, message::<WorkerRegistration>(env, registration)?)))?;
        self.promise(env, async move { Ok(ready.0.register(&ready.1).await?) })
    }

    /// Long-polls for a task (`timeout` seconds, default 30): the task, or `null` when none came.
    /// `abort` ends the poll early, closing its request (the Promise then rejects).
    #[napi(ts_return_type = "Promise<any>")]
    pub fn poll_task<'e>(
        &self,
        env: &'e Env,
        timeout: Option<f64>,
        available_skills: Option<Vec<String>>,
        hot_skills: Option<Vec<String>>,
        abort: Option<&Abort>,
    ) -> napi::Result<PromiseRaw<'e, Unknown<'e>>> {
        let ready = raising(|| Ok((self.usable()?, seconds(timeout.unwrap_or(30.0), "timeout")?)))?;
        let abort = abort.map(|abort| abort.0.clone());
        self.promise(env, async move {
            let (inner, timeout) = ready;
            let poll = inner.poll_task(timeout, available_skills.as_deref(), hot_skills.as_deref());
            let task = match abort {
                None => poll.await?,
                Some(abort) => tokio::select! {
                    task = poll => task?,
                    () = abort.aborted() => return Err(crate::errors::stopped("the poll")),
                },
            };
            match task {
                Some(task) => Ok(task.into_message().to_dict()?),
                None => Ok(Value::Null),
            }
        })
    }

    /// Sends a result (retrying network errors): `true` if accepted, `false` if the
    /// orchestrator ignored it (late, cancelled, unknown).
    #[napi(ts_return_type = "Promise<boolean>")]
    pub fn send_result<'e>(&self, env: &'e Env, result: Unknown<'e>) -> napi::Result<PromiseRaw<'e, Unknown<'e>>> {
        let ready = raising(|| Ok((self.usable()?, message::<TaskResult>(env, result)?)))?;
        self.promise(env, async move {
            let outcome = ready.0.send_result(&ready.1).await?;
            Ok(Value::Bool(outcome == ResultOutcome::Accepted))
        })
    }

    /// Sends a heartbeat; the orchestrator's answer (`null` when it sent none).
    #[napi(ts_return_type = "Promise<any>")]
    pub fn send_heartbeat<'e>(
        &self,
        env: &'e Env,
        heartbeat: Unknown<'e>,
    ) -> napi::Result<PromiseRaw<'e, Unknown<'e>>> {
        let ready = raising(|| Ok((self.usable()?, message::<Heartbeat>(env, heartbeat)?)))?;
        self.promise(env, async move { Ok(ready.0.send_heartbeat(&ready.1).await?.raw) })
    }

    /// Emits an event: whether the orchestrator took it.
    #[napi(ts_return_type = "Promise<boolean>")]
    pub fn emit_event<'e>(&self, env: &'e Env, event: Unknown<'e>) -> napi::Result<PromiseRaw<'e, Unknown<'e>>> {
        let ready = raising(|| Ok((self.usable()?, message::<WorkerEventPayload>(env, event)?)))?;
        self.promise(env, async move { Ok(Value::Bool(ready.0.emit_event(&ready.1).await)) })
    }

    /// Asks for a new access token: the token response, or `null` when refused.
    #[napi(ts_return_type = "Promise<any>")]
    pub fn refresh_token<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, Unknown<'e>>> {
        let inner = raising(|| self.usable())?;
        self.promise(env, async move {
            match inner.refresh_token().await {
                Some(token) => Ok(token.to_dict()?),
                None => Ok(Value::Null),
            }
        })
    }

    /// The orchestrator's commands, one at a time (`CommandStream.next()`); with `reconnect`
    /// (default true) a dropped WebSocket is reopened with backoff. Ends when the transport
    /// closes.
    #[napi]
    pub fn commands(&self, reconnect: Option<bool>) -> napi::Result<CommandStream> {
        let inner = raising(|| self.usable())?;
        Ok(CommandStream {
            stream: Arc::new(tokio::sync::Mutex::new(inner.commands(reconnect.unwrap_or(true)))),
        })
    }

    /// MockTransport: sends a command down the command stream.
    #[napi]
    pub fn push_command(&self, env: &Env, command: Unknown<'_>) -> napi::Result<()> {
        raising(|| {
            let command = message::<WorkerCommand>(env, command)?;
            self.mock()?.push_command(command);
            Ok(())
        })
    }

    /// MockTransport: queues a task for the next poll.
    #[napi]
    pub fn push_task(&self, env: &Env, task: Unknown<'_>) -> napi::Result<()> {
        raising(|| Ok(self.mock()?.push_task_wire(tree(env, task)?)?))
    }

    /// MockTransport: the registrations sent so far.
    #[napi(ts_return_type = "any[]")]
    pub fn registered<'e>(&self, env: &'e Env) -> napi::Result<Unknown<'e>> {
        raising(|| sent(env, self.mock()?.registered()))
    }

    /// MockTransport: the results sent so far.
    #[napi(ts_return_type = "any[]")]
    pub fn results<'e>(&self, env: &'e Env) -> napi::Result<Unknown<'e>> {
        raising(|| sent(env, self.mock()?.results()))
    }

    /// MockTransport: the heartbeats sent so far.
    #[napi(ts_return_type = "any[]")]
    pub fn heartbeats<'e>(&self, env: &'e Env) -> napi::Result<Unknown<'e>> {
        raising(|| sent(env, self.mock()?.heartbeats()))
    }

    /// MockTransport: the events emitted so far.
    #[napi(ts_return_type = "any[]")]
    pub fn emitted_events<'e>(&self, env: &'e Env) -> napi::Result<Unknown<'e>> {
        raising(|| sent(env, self.mock()?.emitted_events()))
    }
}

/// The orchestrator's commands as they arrive.
#[napi]
pub struct CommandStream {
    stream: Arc<tokio::sync::Mutex<Box<dyn rxon_core::transport::CommandStream>>>,
}

#[napi]
impl CommandStream {
    /// The next command, or `null` once the stream has ended.
    #[napi(ts_return_type = "Promise<any>")]
    pub fn next<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, Unknown<'e>>> {
        let stream = self.stream.clone();
        env.spawn_future_with_callback(
            async move {
                let command = stream.lock().await.next().await;
                command
                    .map(|c| c.to_dict())
                    .transpose()
                    .map_err(|e| rejecting(e.into()))
            },
            |env, command| to_js(env, &command.unwrap_or(Value::Null)),
        )
    }
}

/// Messages a mock kept, as plain objects.
fn sent<'e, M: Message>(env: &'e Env, messages: Vec<M>) -> Result<Unknown<'e>, JsFailure> {
    let trees = messages
        .iter()
        .map(Message::to_dict)
        .collect::<rxon_core::Result<Vec<_>>>()?;
    Ok(to_js(env, &Value::Array(trees))?)
}

/// Ends a call early from JavaScript (an `AbortSignal` fired): dropping the call's future
/// closes its request.
#[napi]
pub struct Abort(Arc<AbortState>);

#[derive(Default)]
pub struct AbortState {
    fired: AtomicBool,
    notify: tokio::sync::Notify,
}

impl AbortState {
    async fn aborted(&self) {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.fired.load(Ordering::Acquire) {
                return;
            }
            notified.await;
        }
    }
}

#[napi]
impl Abort {
    #[napi(constructor)]
    pub fn new() -> Self {
        Abort(Arc::default())
    }

    /// Ends the calls given this.
    #[napi]
    pub fn fire(&self) {
        self.0.fired.store(true, Ordering::Release);
        self.0.notify.notify_waiters();
    }
}
