//! `WorkerCore.serve(handlers, fallback)`: runs every task the worker takes through its
//! skill's Python handler, as an asyncio task on the serving loop, and reports the outcome —
//! all from Rust, so that a task costs the loop thread only the handler's own work.

use crate::bridge::Bridge;
use crate::convert::to_value;
use crate::runtime::awaitable;
use crate::worker::{PyTask, object};
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyTuple};
use rxon_core::constants::ERROR_CODE_TRANSIENT;
use rxon_core::worker::{TaskHandle, Worker};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;
use tokio::task::AbortHandle;

/// The handlers and what the serving loop needs to run them.
struct Dispatch {
    handlers: Py<PyDict>,
    fallback: Option<Py<PyAny>>,
    event_loop: Py<PyAny>,
    /// `rxon_core.worker.failure(exception) -> (code, message, details)`.
    failure: Py<PyAny>,
    in_flight: AtomicUsize,
    idle: Notify,
}

/// The asyncio task running one handler, once started.
type Started = Arc<Mutex<Option<Py<PyAny>>>>;

/// Resolves once the worker hands out no more tasks and every handler started has finished.
pub fn serve<'py>(
    py: Python<'py>,
    worker: Arc<Worker>,
    handlers: Py<PyDict>,
    fallback: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let bridge = crate::bridge::for_loop(py, &event_loop)?;
    let dispatch = Arc::new(Dispatch {
        handlers,
        fallback,
        event_loop: event_loop.unbind(),
        failure: py.import("rxon_core.worker")?.getattr("failure")?.unbind(),
        in_flight: AtomicUsize::new(0),
        idle: Notify::new(),
    });
    awaitable(py, async move {
        while let Some(handle) = worker.next_task().await {
            let task = Arc::new(handle);
            dispatch.in_flight.fetch_add(1, Ordering::SeqCst);
            let started: Started = Arc::default();
            let watch = watch_cancellation(task.clone(), started.clone(), bridge.clone());
            let dispatch = dispatch.clone();
            bridge.push(Box::new(move |py| dispatch.start(py, task, started, watch)));
        }
        loop {
            let finished = dispatch.idle.notified();
            if dispatch.in_flight.load(Ordering::SeqCst) == 0 {
                return Ok(());
            }
            finished.await;
        }
    })
}

/// Cancels the handler's asyncio task when the task is cancelled (command, heartbeat answer
/// or deadline).
fn watch_cancellation(task: Arc<TaskHandle>, started: Started, bridge: Arc<Bridge>) -> AbortHandle {
    let watch = pyo3_async_runtimes::tokio::get_runtime().spawn(async move {
        task.cancelled().await;
        bridge.push(Box::new(move |py| {
            if let Some(running) = started.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
                let _ = running.bind(py).call_method0("cancel");
            }
        }));
    });
    watch.abort_handle()
}

impl Dispatch {
    /// Starts the task's handler (on the loop thread).
    fn start(self: Arc<Self>, py: Python<'_>, task: Arc<TaskHandle>, started: Started, watch: AbortHandle) {
        let skill = task.payload().type_.as_str();
        let handler = match self.handlers.bind(py).get_item(skill) {
            Ok(Some(handler)) => Some(handler),
            _ => self.fallback.as_ref().map(|f| f.bind(py).clone()),
        };
        let Some(handler) = handler else {
            let _ = task.fail_no_handler();
            return self.finished(&watch);
        };
        let running = Py::new(py, PyTask { handle: task.clone() }).and_then(|py_task| {
            let coroutine = handler.call1((py_task,))?;
            self.event_loop.bind(py).call_method1("create_task", (coroutine,))
        });
        let running = match running {
            Ok(running) => running,
            Err(err) => {
                self.report_exception(py, &task, err);
                return self.finished(&watch);
            }
        };
        *started.lock().unwrap_or_else(|p| p.into_inner()) = Some(running.clone().unbind());
        let me = self.clone();
        let on_done = PyCFunction::new_closure(py, None, None, move |args: &Bound<'_, PyTuple>, _| -> PyResult<()> {
            me.report(&args.get_item(0)?, &task);
            started.lock().unwrap_or_else(|p| p.into_inner()).take();
            me.finished(&watch);
            Ok(())
        });
        if let Err(err) = on_done.and_then(|f| running.call_method1("add_done_callback", (f,))) {
            err.write_unraisable(py, Some(&running));
        }
    }

    /// Reports the outcome of a finished handler, unless the handler (or the deadline) did.
    fn report(&self, done: &Bound<'_, PyAny>, task: &TaskHandle) {
        if task.has_outcome() {
            return;
        }
        let py = done.py();
        let reported = if done
            .call_method0("cancelled")
            .and_then(|c| c.is_truthy())
            .unwrap_or(false)
        {
            task.report_cancelled()
        } else {
            match done.call_method0("result") {
                Ok(returned) => match to_value(&returned) {
                    Ok(returned) => task.report_returned(returned),
                    Err(err) => task.fail_unusable_result(&format!("the handler's result: {}", err.value(py))),
                },
                Err(err) => return self.report_exception(py, task, err),
            }
        };
        if let Err(err) = reported {
            tracing::info!(task = %task.payload().task_id, %err, "outcome not reported");
        }
    }

    /// A handler's exception as a failure, coded by `rxon_core.worker.failure`.
    fn report_exception(&self, py: Python<'_>, task: &TaskHandle, err: PyErr) {
        let failure = self.failure.bind(py).call1((err.value(py),));
        let reported = match failure.and_then(|f| f.extract::<(String, String, Option<Bound<'_, PyAny>>)>()) {
            Ok((code, message, details)) => {
                let details = details.and_then(|d| object(Some(&d), "details").ok());
                task.fail(&code, &message, details)
            }
            Err(unexpected) => {
                unexpected.write_unraisable(py, None);
                task.fail(ERROR_CODE_TRANSIENT, &err.value(py).to_string(), None)
            }
        };
        if let Err(err) = reported {
            tracing::info!(task = %task.payload().task_id, %err, "outcome not reported");
        }
    }

    fn finished(&self, watch: &AbortHandle) {
        watch.abort();
        if self.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.idle.notify_waiters();
        }
    }
}
