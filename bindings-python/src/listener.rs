//! `Listener`: the core's orchestrator-side listener serving a Python
//! `async def handler(action, payload, context)`, with the reference's error statuses
//! (`PermissionError` → 403, `RxonRateLimitError` → 429, `ValueError` → 400, others → 500).

use crate::bridge::Bridge;
use crate::convert::{to_python, to_value};
use crate::errors::to_pyerr;
use crate::models::from_py;
use crate::runtime::{awaitable, check_process};
use crate::transport::seconds;
use pyo3::exceptions::{PyPermissionError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyTuple};
use rxon_core::json::Value;
use rxon_core::listener::{Action, Context, Handler, HandlerError, Listener, ListenerOptions};
use rxon_core::security::tls::{ClientAuth, ServerTlsOptions};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// The Python handler, run as an asyncio task on the loop `start()` ran on. Everything that
/// touches Python happens on that loop's thread, handed over through its bridge.
struct PyHandler {
    handler: Arc<Py<PyAny>>,
    event_loop: Arc<Py<PyAny>>,
    bridge: Arc<Bridge>,
}

type Answer = Result<Option<Value>, HandlerError>;

#[async_trait::async_trait]
impl Handler for PyHandler {
    async fn handle(&self, action: Action, payload: Value, context: &Context) -> Answer {
        let (done, answer) = oneshot::channel::<Answer>();
        let running = Arc::new(Running::default());
        let (handler, event_loop, context, slot) = (
            self.handler.clone(),
            self.event_loop.clone(),
            context.clone(),
            running.clone(),
        );
        self.bridge.push(Box::new(move |py| {
            if slot.abandoned.load(Ordering::Acquire) {
                return;
            }
            match start_handler(py, &handler, &event_loop, action, payload, &context, done) {
                Ok(task) => *slot.task.lock().unwrap_or_else(|p| p.into_inner()) = Some(task),
                Err((err, done)) => {
                    let _ = done.send(Err(handler_error(py, action, err)));
                }
            }
        }));
        let mut guard = CancelOnDrop {
            running: Some(running),
            bridge: self.bridge.clone(),
        };
        let answer = answer.await;
        guard.running = None;
        answer.unwrap_or_else(|_| Err(HandlerError::Internal("the event loop dropped the handler".into())))
    }
}

/// Calls the handler and runs its coroutine as a task whose outcome goes to `done`.
fn start_handler(
    py: Python<'_>,
    handler: &Py<PyAny>,
    event_loop: &Py<PyAny>,
    action: Action,
    payload: Value,
    context: &Context,
    done: oneshot::Sender<Answer>,
) -> Result<Py<PyAny>, (PyErr, oneshot::Sender<Answer>)> {
    let started = (|| {
        let coroutine =
            handler
                .bind(py)
                .call1((action.name(), to_python(py, &payload)?, context_dict(py, context)?))?;
        event_loop.bind(py).call_method1("create_task", (coroutine,))
    })();
    let task = match started {
        Ok(task) => task,
        Err(err) => return Err((err, done)),
    };
    let done = Arc::new(Mutex::new(Some(done)));
    let callback_done = done.clone();
    let on_done = PyCFunction::new_closure(py, None, None, move |args, _| -> PyResult<()> {
        let task = args.get_item(0)?;
        let py = task.py();
        let answer = if task.call_method0("cancelled")?.is_truthy()? {
            Err(HandlerError::Internal("the handler was cancelled".into()))
        } else {
            match task.call_method0("result") {
                Ok(answer) => convert_answer(py, action, &answer),
                Err(err) => Err(handler_error(py, action, err)),
            }
        };
        if let Some(done) = callback_done.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = done.send(answer);
        }
        Ok(())
    });
    match on_done.and_then(|f| task.call_method1("add_done_callback", (f,))) {
        Ok(_) => Ok(task.unbind()),
        Err(err) => {
            let _ = task.call_method0("cancel");
            let done = done.lock().unwrap_or_else(|p| p.into_inner()).take();
            Err((err, done.unwrap_or_else(|| oneshot::channel().0)))
        }
    }
}

/// The handler's answer as JSON: falsy is the action's default.
fn convert_answer(py: Python<'_>, action: Action, answer: &Bound<'_, PyAny>) -> Answer {
    if !answer.is_truthy().unwrap_or(false) {
        return Ok(None);
    }
    let value = to_value(answer).map_err(|e| handler_error(py, action, e))?;
    rxon_core::canonical::to_dict(&value)
        .map(Some)
        .map_err(|e| HandlerError::Internal(e.to_string()))
}

/// A handler call in progress: its asyncio task once started, and whether the request was
/// dropped before.
#[derive(Default)]
struct Running {
    abandoned: AtomicBool,
    task: Mutex<Option<Py<PyAny>>>,
}

/// Cancels the handler's asyncio task when the request is dropped (the worker hung up, e.g.
/// a cancelled long poll), so an abandoned poll does not go on to take a task.
struct CancelOnDrop {
    running: Option<Arc<Running>>,
    bridge: Arc<Bridge>,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            running.abandoned.store(true, Ordering::Release);
            self.bridge.push(Box::new(move |py| {
                if let Some(task) = running.task.lock().unwrap_or_else(|p| p.into_inner()).take() {
                    let _ = task.bind(py).call_method0("cancel");
                }
            }));
        }
    }
}

fn context_dict<'py>(py: Python<'py>, context: &Context) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("token", &context.token)?;
    dict.set_item("worker_id_hint", &context.worker_id_hint)?;
    dict.set_item("protocol_version", &context.protocol_version)?;
    dict.set_item("cert_identity", &context.cert_identity)?;
    dict.set_item("transport", context.transport)?;
    dict.set_item("remote_addr", context.remote_addr.map(|a| a.to_string()))?;
    if let Some(timeout) = context.poll_timeout {
        dict.set_item("poll_timeout", timeout)?;
    }
    if let Some(skills) = &context.available_skills {
        dict.set_item("available_skills", skills)?;
    }
    if let Some(skills) = &context.hot_skills {
        dict.set_item("hot_skills", skills)?;
    }
    Ok(dict)
}

/// The HTTP answer to an exception the handler raised, as the reference maps them.
fn handler_error(py: Python<'_>, action: Action, err: PyErr) -> HandlerError {
    let message = err.value(py).str().map(|s| s.to_string()).unwrap_or_default();
    if err.is_instance_of::<PyPermissionError>(py) {
        return HandlerError::PermissionDenied(message);
    }
    if let Some(details) = rate_limit_details(py, &err) {
        let code = details
            .get_item("code")
            .ok()
            .flatten()
            .and_then(|c| c.extract::<String>().ok());
        let retry_after = details
            .get_item("retry_after")
            .ok()
            .flatten()
            .and_then(|r| r.extract::<f64>().ok())
            .map(|r| r.ceil().max(0.0) as u64);
        return HandlerError::RateLimited {
            message,
            code,
            retry_after,
        };
    }
    if err.is_instance_of::<PyValueError>(py) {
        return HandlerError::InvalidValue(message);
    }
    log_exception(py, action, &err);
    HandlerError::Internal(message)
}

/// `details` of an `RxonRateLimitError`, if `err` is one.
fn rate_limit_details<'py>(py: Python<'py>, err: &PyErr) -> Option<Bound<'py, PyDict>> {
    let class = py
        .import("rxon_core.exceptions")
        .ok()?
        .getattr("RxonRateLimitError")
        .ok()?;
    let value = err.value(py);
    if !value.is_instance(&class).ok()? {
        return None;
    }
    value.getattr("details").ok()?.cast_into::<PyDict>().ok()
}

/// An unexpected exception goes to the `rxon_core` logger with its traceback.
fn log_exception(py: Python<'_>, action: Action, err: &PyErr) {
    let logged = py.import("logging").and_then(|logging| {
        let logger = logging.call_method1("getLogger", ("rxon_core",))?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("exc_info", err.value(py))?;
        logger.call_method(
            "error",
            ("listener handler for %r raised", action.name()),
            Some(&kwargs),
        )
    });
    if logged.is_err() {
        err.display(py);
    }
}

/// The reference's orchestrator-side listener, on the core's HTTP/WebSocket server.
#[pyclass(module = "rxon_core._native", name = "Listener")]
pub struct PyListener {
    host: String,
    port: u16,
    handler: Mutex<Option<Py<PyAny>>>,
    options: ListenerOptions,
    running: Arc<Mutex<Option<Arc<RunningListener>>>>,
}

/// A started listener and its bound port.
struct RunningListener {
    listener: Mutex<Option<Listener>>,
    port: u16,
}

#[pymethods]
impl PyListener {
    /// `tls`: `{"cert_file": …, "key_file": …, "client_ca": …, "client_auth": "none" | "optional" | "required"}`
    /// (or a `(cert_file, key_file)` tuple).
    #[new]
    #[pyo3(signature = (host = "127.0.0.1", port = 0, handler = None, *, tls = None, body_limit = 16 * 1024 * 1024))]
    fn new(
        host: &str,
        port: u16,
        handler: Option<Py<PyAny>>,
        tls: Option<&Bound<'_, PyAny>>,
        body_limit: usize,
    ) -> PyResult<Self> {
        let options = ListenerOptions {
            body_limit,
            tls: tls.filter(|t| !t.is_none()).map(tls_options).transpose()?,
            ..ListenerOptions::default()
        };
        Ok(PyListener {
            host: host.to_string(),
            port,
            handler: Mutex::new(handler),
            options,
            running: Arc::new(Mutex::new(None)),
        })
    }

    /// Binds and starts serving; `handler` replaces the one given to the constructor. The
    /// handler runs on the event loop this is awaited on.
    #[pyo3(signature = (handler = None))]
    fn start<'py>(&self, py: Python<'py>, handler: Option<Py<PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        check_process()?;
        let handler = {
            let mut slot = self.handler.lock().unwrap_or_else(|p| p.into_inner());
            if handler.is_some() {
                *slot = handler;
            }
            slot.as_ref().map(|h| h.clone_ref(py))
        };
        let handler = handler.ok_or_else(|| PyValueError::new_err("Listener.start() needs a handler"))?;
        if self.running.lock().unwrap_or_else(|p| p.into_inner()).is_some() {
            return Err(PyRuntimeError::new_err("Listener is already started"));
        }
        crate::logging::sync_level(py)?;
        let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
        let bridge = crate::bridge::for_loop(py, &event_loop)?;
        let (handler, event_loop) = (Arc::new(handler), Arc::new(event_loop.unbind()));
        let addr = if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        };
        let (options, running) = (self.options.clone(), self.running.clone());
        awaitable(py, async move {
            let listener = Listener::bind(&addr, options).await.map_err(to_pyerr)?;
            listener.set_handler(Arc::new(PyHandler {
                handler,
                event_loop,
                bridge,
            }));
            let port = listener.local_addr().port();
            let started = Arc::new(RunningListener {
                listener: Mutex::new(Some(listener)),
                port,
            });
            *running.lock().unwrap_or_else(|p| p.into_inner()) = Some(started);
            Ok(port)
        })
    }

    /// Stops accepting, answers long polls 204, closes WebSockets and waits up to `grace`
    /// seconds for requests in flight.
    #[pyo3(signature = (grace = 5.0))]
    fn stop<'py>(&self, py: Python<'py>, grace: f64) -> PyResult<Bound<'py, PyAny>> {
        let grace = seconds(grace, "grace")?;
        let running = self.running.lock().unwrap_or_else(|p| p.into_inner()).take();
        awaitable(py, async move {
            let listener = running.and_then(|r| r.listener.lock().unwrap_or_else(|p| p.into_inner()).take());
            if let Some(listener) = listener {
                listener.shutdown(grace).await;
            }
            Ok(())
        })
    }

    /// The port it listens on (the bound one when constructed with port 0); `None` before `start()`.
    #[getter]
    fn port(&self) -> Option<u16> {
        self.started().ok().map(|r| r.port)
    }

    #[getter]
    fn host(&self) -> &str {
        &self.host
    }

    /// Sends `command` (a `WorkerCommand` or dict) down the worker's WebSocket; `False` if
    /// the worker has none open.
    fn send_command<'py>(
        &self,
        py: Python<'py>,
        worker_id: String,
        command: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let sessions = self.sessions()?;
        let command = from_py(command)?;
        awaitable(py, async move { Ok(sessions.send_command(&worker_id, command).await) })
    }

    /// The workers whose command WebSocket is open.
    #[getter]
    fn connected_workers(&self) -> PyResult<Vec<String>> {
        Ok(self.sessions()?.connected_workers())
    }

    fn __aenter__<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let started = slf.borrow().start(py, None)?;
        let me = slf.into_any().unbind();
        let finish = py.import("rxon_core._aio")?.getattr("then_return")?;
        finish.call1((started, me))
    }

    #[pyo3(signature = (*_exc))]
    fn __aexit__<'py>(&self, py: Python<'py>, _exc: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyAny>> {
        self.stop(py, 5.0)
    }
}

impl PyListener {
    fn started(&self) -> PyResult<Arc<RunningListener>> {
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| PyRuntimeError::new_err("Listener is not started (or was stopped)"))
    }

    fn sessions(&self) -> PyResult<rxon_core::listener::Sessions> {
        check_process()?;
        let running = self.started()?;
        let listener = running.listener.lock().unwrap_or_else(|p| p.into_inner());
        listener
            .as_ref()
            .map(Listener::sessions)
            .ok_or_else(|| PyRuntimeError::new_err("Listener is stopping"))
    }
}

fn tls_options(tls: &Bound<'_, PyAny>) -> PyResult<ServerTlsOptions> {
    if let Ok((cert_file, key_file)) = tls.extract::<(PathBuf, PathBuf)>() {
        return Ok(ServerTlsOptions {
            cert_file,
            key_file,
            client_ca: None,
            client_auth: ClientAuth::None,
        });
    }
    let tls = tls.cast::<PyDict>()?;
    let required = |key: &str| -> PyResult<PathBuf> {
        tls.get_item(key)?
            .ok_or_else(|| PyValueError::new_err(format!("tls needs {key:?}")))?
            .extract()
    };
    let client_auth = match tls
        .get_item("client_auth")?
        .map(|v| v.extract::<String>())
        .transpose()?
        .as_deref()
    {
        None | Some("none") => ClientAuth::None,
        Some("optional") => ClientAuth::Optional,
        Some("required") => ClientAuth::Required,
        Some(other) => {
            return Err(PyValueError::new_err(format!(
                "tls client_auth must be 'none', 'optional' or 'required', not {other:?}"
            )));
        }
    };
    Ok(ServerTlsOptions {
        cert_file: required("cert_file")?,
        key_file: required("key_file")?,
        client_ca: tls.get_item("client_ca")?.map(|v| v.extract()).transpose()?,
        client_auth,
    })
}
