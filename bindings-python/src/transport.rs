//! Transports: the core's HTTP and mock transports as Python classes with the reference's
//! async methods, `listen_for_commands()` as an async iterator, and `async with` support.

use crate::convert::{PyJson, to_value};
use crate::errors::to_pyerr;
use crate::models::{PyMessage, from_py, to_py};
use crate::runtime::{awaitable, check_process, closed_error, then_return};
use pyo3::exceptions::{PyStopAsyncIteration, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rxon_core::json::Value;
use rxon_core::models::{Heartbeat, TaskResult, WorkerCommand, WorkerEventPayload, WorkerRegistration};
use rxon_core::security::MessageSigner;
use rxon_core::transport::{
    CommandStream, HttpTransport, MockTransport, ResultOutcome, ResultRetry, Transport, TransportOptions,
};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::Mutex;

/// The worker's side of the protocol (base of `HttpTransport` and `MockTransport`).
#[pyclass(subclass, module = "rxon_core._native", name = "Transport")]
pub struct PyTransport {
    inner: Arc<dyn Transport>,
    /// False after `close()` until `connect()`.
    open: Arc<AtomicBool>,
    class_name: &'static str,
    #[pyo3(get)]
    worker_id: String,
    /// Options the transport does not know, kept as the reference keeps them.
    #[pyo3(get)]
    extra_config: Py<PyDict>,
    /// How `send_result` retries when the call does not say.
    result_retry: ResultRetry,
}

impl PyTransport {
    fn new(
        inner: Arc<dyn Transport>,
        class_name: &'static str,
        worker_id: &str,
        extra: Py<PyDict>,
        result_retry: ResultRetry,
    ) -> Self {
        PyTransport {
            inner,
            open: Arc::new(AtomicBool::new(true)),
            class_name,
            worker_id: worker_id.to_string(),
            extra_config: extra,
            result_retry,
        }
    }

    /// The core transport, if it may be used (a worker runs on it too).
    pub(crate) fn usable(&self) -> PyResult<Arc<dyn Transport>> {
        check_process()?;
        if self.open.load(Ordering::Acquire) {
            Ok(self.inner.clone())
        } else {
            Err(closed_error(self.class_name))
        }
    }
}

#[pymethods]
impl PyTransport {
    /// Tries of `send_result` on network errors.
    #[getter]
    fn result_retries(&self) -> u32 {
        self.result_retry.tries
    }

    /// First wait between those tries, in seconds (doubled each time).
    #[getter]
    fn result_retry_delay(&self) -> f64 {
        self.result_retry.delay.as_secs_f64()
    }

    /// Opens the connection (after `close()`, opens it again).
    fn connect<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        check_process()?;
        let (inner, open) = (self.inner.clone(), self.open.clone());
        awaitable(py, async move {
            inner.connect().await?;
            open.store(true, Ordering::Release);
            Ok(())
        })
    }

    /// Closes the connection; later calls raise until `connect()`.
    fn close<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        check_process()?;
        self.open.store(false, Ordering::Release);
        let inner = self.inner.clone();
        awaitable(py, async move {
            inner.close().await;
            Ok(())
        })
    }

    /// Registers the worker; the orchestrator's answer as a dict.
    fn register<'py>(&self, py: Python<'py>, registration: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let inner = self.usable()?;
        let registration: WorkerRegistration = from_py(registration)?;
        awaitable(py, async move { Ok(inner.register(&registration).await.map(PyJson)?) })
    }

    /// Long-polls for a task: a `TaskPayload`, or `None` when none came within `timeout` seconds.
    #[pyo3(signature = (timeout = 30.0, available_skills = None, hot_skills = None))]
    fn poll_task<'py>(
        &self,
        py: Python<'py>,
        timeout: f64,
        available_skills: Option<Vec<String>>,
        hot_skills: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let inner = self.usable()?;
        let timeout = seconds(timeout, "timeout")?;
        let (available, hot) = (available_skills, hot_skills);
        awaitable(py, async move {
            let task = inner.poll_task(timeout, available.as_deref(), hot.as_deref()).await?;
            Ok(task.map(|task| PyMessage(task.into_message())))
        })
    }

    /// Sends a result (retrying network errors: `max_retries` tries, the first wait `delay`
    /// seconds, doubled each time; the transport's own settings by default); `True` if
    /// accepted, `False` if the orchestrator ignored it (late, cancelled, unknown).
    #[pyo3(signature = (result, max_retries = None, delay = None))]
    fn send_result<'py>(
        &self,
        py: Python<'py>,
        result: &Bound<'py, PyAny>,
        max_retries: Option<u32>,
        delay: Option<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let inner = self.usable()?;
        let result: TaskResult = from_py(result)?;
        let retry = match (max_retries, delay) {
            (None, None) => None,
            (tries, delay) => Some(ResultRetry {
                tries: tries.unwrap_or(self.result_retry.tries),
                delay: delay.map_or(Ok(self.result_retry.delay), |d| seconds(d, "delay"))?,
            }),
        };
        awaitable(py, async move {
            let outcome = match retry {
                Some(retry) => inner.send_result_retrying(&result, retry).await?,
                None => inner.send_result(&result).await?,
            };
            Ok(outcome == ResultOutcome::Accepted)
        })
    }

    /// Sends a heartbeat; the orchestrator's answer as a dict (`None` when it sent none).
    fn send_heartbeat<'py>(&self, py: Python<'py>, heartbeat: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let inner = self.usable()?;
        let heartbeat: Heartbeat = from_py(heartbeat)?;
        awaitable(py, async move {
            let answer = inner.send_heartbeat(&heartbeat).await?;
            Ok((!matches!(answer.raw, Value::Null)).then_some(PyJson(answer.raw)))
        })
    }

    /// Emits an event (up the command WebSocket when open); `False` if it could not be delivered.
    fn emit_event<'py>(&self, py: Python<'py>, event: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let inner = self.usable()?;
        let event: WorkerEventPayload = from_py(event)?;
        awaitable(py, async move { Ok(inner.emit_event(&event).await) })
    }

    /// A new access token (`TokenResponse`), or `None` when the orchestrator gave none.
    fn refresh_token<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let inner = self.usable()?;
        awaitable(py, async move { Ok(inner.refresh_token().await.map(PyMessage)) })
    }

    /// The orchestrator's commands (`WorkerCommand`s), as an async iterator; with
    /// `reconnect`, a dropped WebSocket is reopened with backoff. Ends when the transport closes.
    #[pyo3(signature = (reconnect = true))]
    fn listen_for_commands(&self, reconnect: bool) -> PyResult<Commands> {
        let inner = self.usable()?;
        Ok(Commands {
            stream: Arc::new(Mutex::new(inner.commands(reconnect))),
        })
    }

    fn __aenter__<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let connected = {
            let this = slf.borrow();
            this.usable()?;
            this.connect(slf.py())?
        };
        then_return(connected, slf.into_any())
    }

    #[pyo3(signature = (*_exc))]
    fn __aexit__<'py>(&self, py: Python<'py>, _exc: &Bound<'py, pyo3::types::PyTuple>) -> PyResult<Bound<'py, PyAny>> {
        self.close(py)
    }
}

/// `listen_for_commands()`: an async iterator of `WorkerCommand`s.
#[pyclass(module = "rxon_core._native")]
pub struct Commands {
    stream: Arc<Mutex<Box<dyn CommandStream>>>,
}

#[pymethods]
impl Commands {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let stream = self.stream.clone();
        awaitable(py, async move {
            match stream.lock().await.next().await {
                Some(command) => Ok(PyMessage::<WorkerCommand>(command)),
                None => Err(PyStopAsyncIteration::new_err(()).into()),
            }
        })
    }
}

/// A duration in seconds from Python, refusing negative and non-finite values.
pub fn seconds(value: f64, name: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| PyValueError::new_err(format!("{name} must be a finite number of seconds ≥ 0, not {value}")))
}

/// The reference's HTTP transport, on the core's client.
/// A CA file and a client certificate `(cert_file, key_file)`, each optional.
type ContextFiles = (Option<PathBuf>, Option<(PathBuf, PathBuf)>);

/// The CA file and client certificate an `SSLContext` made by rxon_core's
/// `create_client_ssl_context` loaded (it records them as `_rxon_files`).
fn context_files(context: &Bound<'_, PyAny>) -> PyResult<ContextFiles> {
    let files = context.getattr(pyo3::intern!(context.py(), "_rxon_files")).map_err(|_| {
        PyTypeError::new_err(
            "ssl_context: rxon_core's TLS runs in Rust and can only use an SSLContext made by rxon_core.security.create_client_ssl_context (or pass ca_file=… and client_cert=(cert_file, key_file))",
        )
    })?;
    let (ca, cert, key): (Option<PathBuf>, Option<PathBuf>, Option<PathBuf>) = files.extract()?;
    Ok((ca, cert.zip(key)))
}

#[pyclass(extends = PyTransport, module = "rxon_core._native", name = "HttpTransport")]
pub struct PyHttpTransport {
    #[pyo3(get)]
    base_url: String,
}

#[pymethods]
impl PyHttpTransport {
    /// TLS runs in Rust: `ssl_context` must be one made by `rxon_core.security.create_client_ssl_context`
    /// (it records the files it loaded), or pass `ca_file` and `client_cert=(cert_file, key_file)`.
    /// `session` and `verify_ssl` are taken as the reference takes them and have no effect
    /// (requests do not go through aiohttp; certificates are always verified). `signing_token`
    /// stamps and signs every message with HMAC as avtomatika demands.
    #[new]
    #[pyo3(signature = (
        base_url, worker_id, token, ssl_context = None, session = None, verify_ssl = true, result_retries = 3,
        result_retry_delay = 0.1, *, request_timeout = 30.0, connect_timeout = 10.0, ca_file = None,
        client_cert = None, signing_token = None, **kwargs
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        base_url: &str,
        worker_id: &str,
        token: &str,
        ssl_context: Option<&Bound<'_, PyAny>>,
        session: Option<&Bound<'_, PyAny>>,
        verify_ssl: bool,
        result_retries: u32,
        result_retry_delay: f64,
        request_timeout: f64,
        connect_timeout: f64,
        ca_file: Option<PathBuf>,
        client_cert: Option<(PathBuf, PathBuf)>,
        signing_token: Option<&str>,
        kwargs: Option<Bound<'_, PyDict>>,
    ) -> PyResult<PyClassInitializer<Self>> {
        if session.is_some_and(|s| !s.is_none()) {
            tracing::warn!(
                "HttpTransport: the aiohttp session given is not used (rxon_core's HTTP client runs in Rust)"
            );
        }
        if !verify_ssl {
            tracing::warn!(
                "HttpTransport: verify_ssl=False has no effect, as in the reference (certificates are always verified; pass ca_file=… to trust a private CA)"
            );
        }
        let (context_ca, context_cert) = match ssl_context.filter(|c| !c.is_none()) {
            Some(context) => context_files(context)?,
            None => (None, None),
        };
        let mut options = TransportOptions {
            result_retries,
            result_retry_delay: seconds(result_retry_delay, "result_retry_delay")?,
            request_timeout: seconds(request_timeout, "request_timeout")?,
            connect_timeout: seconds(connect_timeout, "connect_timeout")?,
            ..TransportOptions::default()
        };
        options.tls.ca_file = ca_file.or(context_ca);
        options.tls.client_cert = client_cert.or(context_cert);
        if let Some(secret) = signing_token {
            options.signing = Some(MessageSigner::new(secret, worker_id).map_err(to_pyerr)?);
        }
        crate::logging::sync_level(py)?;
        let _runtime = crate::runtime::handle()?.enter();
        let retry = ResultRetry {
            tries: options.result_retries,
            delay: options.result_retry_delay,
        };
        let transport = HttpTransport::new(base_url, worker_id, token, options).map_err(to_pyerr)?;
        let extra = kwargs.unwrap_or_else(|| PyDict::new(py)).unbind();
        let base = PyTransport::new(Arc::new(transport), "HttpTransport", worker_id, extra, retry);
        Ok(PyClassInitializer::from(base).add_subclass(PyHttpTransport {
            base_url: base_url.trim_end_matches('/').to_string(),
        }))
    }
}

/// An in-memory transport for testing workers without an orchestrator: push tasks and
/// commands in, read what the worker sent.
#[pyclass(extends = PyTransport, module = "rxon_core._native", name = "MockTransport")]
pub struct PyMockTransport {
    mock: Arc<MockTransport>,
}

#[pymethods]
impl PyMockTransport {
    #[new]
    #[pyo3(signature = (worker_id = "mock-worker", token = "mock-token", **kwargs))]
    fn new(
        py: Python<'_>,
        worker_id: &str,
        token: &str,
        kwargs: Option<Bound<'_, PyDict>>,
    ) -> PyClassInitializer<Self> {
        let mock = Arc::new(MockTransport::new(worker_id, token));
        let extra = kwargs.unwrap_or_else(|| PyDict::new(py)).unbind();
        let defaults = TransportOptions::default();
        let retry = ResultRetry {
            tries: defaults.result_retries,
            delay: defaults.result_retry_delay,
        };
        let base = PyTransport::new(mock.clone(), "MockTransport", worker_id, extra, retry);
        PyClassInitializer::from(base).add_subclass(PyMockTransport { mock })
    }

    /// Queues a task (a `TaskPayload` or a dict) for the next `poll_task`.
    fn push_task(&self, task: &Bound<'_, PyAny>) -> PyResult<()> {
        self.mock.push_task(from_py(task)?);
        Ok(())
    }

    /// Queues a command (a `WorkerCommand` or a dict) for `listen_for_commands`.
    fn push_command(&self, command: &Bound<'_, PyAny>) -> PyResult<()> {
        self.mock.push_command(from_py(command)?);
        Ok(())
    }

    /// Queues the answer the next heartbeat gets (default `{"status": "ok"}`).
    fn push_heartbeat_answer(&self, answer: &Bound<'_, PyAny>) -> PyResult<()> {
        self.mock.push_heartbeat_answer(to_value(answer)?);
        Ok(())
    }

    #[getter]
    fn connected(&self) -> bool {
        self.mock.is_connected()
    }

    #[getter]
    fn token(&self) -> String {
        self.mock.token()
    }

    #[getter]
    fn registered<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        messages(py, &self.mock.registered())
    }

    #[getter]
    fn heartbeats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        messages(py, &self.mock.heartbeats())
    }

    #[getter]
    fn results<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        messages(py, &self.mock.results())
    }

    #[getter]
    fn emitted_events<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        messages(py, &self.mock.emitted_events())
    }
}

fn messages<'py, M: rxon_core::models::Message>(py: Python<'py>, items: &[M]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for item in items {
        list.append(to_py(py, item)?)?;
    }
    Ok(list)
}
