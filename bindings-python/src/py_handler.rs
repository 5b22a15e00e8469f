//! The orchestration engine in Python: a Python `async def handler(action, payload, context)`
//! as the core listener's `Handler`, with the reference's error statuses (`PermissionError` →
//! 403, `RxonRateLimitError` → 429, `ValueError` → 400, others → 500).

use crate::bridge::Bridge;
use crate::convert::{to_python, to_value};
use pyo3::exceptions::{PyPermissionError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict};
use rxon_core::json::Value;
use rxon_core::listener::{Action, Context, Handler, HandlerError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// The Python handler, run as an asyncio task on the loop `start()` ran on. Everything that
/// touches Python happens on that loop's thread, handed over through its bridge.
pub struct PyHandler {
    pub handler: Arc<Py<PyAny>>,
    pub event_loop: Arc<Py<PyAny>>,
    pub bridge: Arc<Bridge>,
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
                Ok(task) => *slot.task.lock().unwrap_or_else(|p| p.into_inner()) = task,
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

/// Calls the handler and runs its coroutine as a task whose outcome goes to `done` (a plain
/// function's answer goes there at once).
fn start_handler(
    py: Python<'_>,
    handler: &Py<PyAny>,
    event_loop: &Py<PyAny>,
    action: Action,
    payload: Value,
    context: &Context,
    done: oneshot::Sender<Answer>,
) -> Result<Option<Py<PyAny>>, (PyErr, oneshot::Sender<Answer>)> {
    let called = (|| {
        let context = context_dict(py, context)?;
        handler
            .bind(py)
            .call1((action.name(), to_python(py, &payload)?, context))
    })();
    let answer = match called {
        Ok(answer) => answer,
        Err(err) => return Err((err, done)),
    };
    // A plain function's answer is used as it is; a coroutine runs as a task.
    if !answer.hasattr("__await__").unwrap_or(false) {
        let _ = done.send(convert_answer(py, action, &answer));
        return Ok(None);
    }
    let task = match event_loop.bind(py).call_method1("create_task", (answer,)) {
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
        Ok(_) => Ok(Some(task.unbind())),
        Err(err) => {
            let _ = task.call_method0("cancel");
            let done = done.lock().unwrap_or_else(|p| p.into_inner()).take();
            Err((err, done.unwrap_or_else(|| oneshot::channel().0)))
        }
    }
}

/// The handler's answer as JSON (`None` is no answer); which falsy answers stand for the
/// action's default is the core's rule (`exchange::reply`).
pub(crate) fn convert_answer(py: Python<'_>, action: Action, answer: &Bound<'_, PyAny>) -> Answer {
    if answer.is_none() {
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

pub(crate) fn context_dict<'py>(py: Python<'py>, context: &Context) -> PyResult<Bound<'py, PyDict>> {
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
pub(crate) fn handler_error(py: Python<'_>, action: Action, err: PyErr) -> HandlerError {
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
