//! The one tokio runtime every awaitable runs on (pyo3-async-runtimes'), Rust futures as
//! asyncio awaitables, and the guards each entry point passes: not in a forked child, not
//! after `close()`.

use pyo3::BoundObject;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyCFunction;
use std::future::Future;
use std::sync::OnceLock;

/// The process that started the runtime: its threads do not exist in a forked child, where
/// any await would hang forever.
static RUNTIME_PID: OnceLock<u32> = OnceLock::new();

/// Sets up the shared runtime before its first use: one worker thread per core, named
/// `rxon-runtime` (as `top -H` and debuggers show them).
pub fn configure() {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all().thread_name("rxon-runtime");
    pyo3_async_runtimes::tokio::init(builder);
}

/// Fails in a child forked after the runtime started.
pub fn check_process() -> PyResult<()> {
    let pid = std::process::id();
    let owner = *RUNTIME_PID.get_or_init(|| pid);
    if owner == pid {
        Ok(())
    } else {
        Err(PyRuntimeError::new_err(format!(
            "rxon_core was started in process {owner} and cannot be used in its forked child {pid}: \
             its I/O threads do not survive fork(). Create transports, workers and listeners in the \
             child (or use the 'spawn' multiprocessing start method)."
        )))
    }
}

/// The runtime, for work that must start outside an awaitable (binding a listener's socket).
pub fn handle() -> PyResult<tokio::runtime::Handle> {
    check_process()?;
    Ok(pyo3_async_runtimes::tokio::get_runtime().handle().clone())
}

/// `fut` as a Python awaitable (an asyncio future of the running loop), run on the shared
/// runtime without the GIL; its result is set on the loop's thread (see `bridge`).
/// Cancelling the future aborts the Rust task, which drops what it was doing (a cancelled
/// poll closes its connection).
///
/// This replaces pyo3-async-runtimes' `future_into_py`, which sets results from a
/// blocking-pool thread that takes the GIL: under load that thread waits up to a switch
/// interval for the busy loop, and at interpreter exit it crashed the process.
pub fn awaitable<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<T, Failure>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    check_process()?;
    let event_loop = running_loop(py)?;
    let bridge = crate::bridge::for_loop(py, &event_loop)?;
    let future = event_loop.call_method0(pyo3::intern!(py, "create_future"))?;
    let target = future.clone().unbind();
    let task = pyo3_async_runtimes::tokio::get_runtime().spawn(async move {
        let output = fut.await;
        bridge.push(Box::new(move |py| resolve(py, target.bind(py), output)));
    });
    let abort = task.abort_handle();
    let on_done = PyCFunction::new_closure(py, None, None, move |args, _| -> PyResult<()> {
        if args.get_item(0)?.call_method0("cancelled")?.is_truthy()? {
            abort.abort();
        }
        Ok(())
    })?;
    future.call_method1(pyo3::intern!(py, "add_done_callback"), (on_done,))?;
    Ok(future)
}

/// Makes the running loop (if any) the one that receives the core's log records, so that
/// they arrive while the caller waits on something else.
pub fn adopt_running_loop(py: Python<'_>) {
    if let Ok(event_loop) = running_loop(py) {
        let _ = crate::bridge::for_loop(py, &event_loop);
    }
}

fn running_loop(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    GET_RUNNING_LOOP
        .get_or_try_init(py, || {
            py.import("asyncio")?.getattr("get_running_loop").map(Bound::unbind)
        })?
        .bind(py)
        .call0()
}

/// Why an awaitable's Rust future failed. A core error becomes its Python exception only on
/// the loop's thread (that takes the GIL, which runtime threads never do).
pub enum Failure {
    Core(rxon_core::RxonError),
    Python(PyErr),
}

impl From<rxon_core::RxonError> for Failure {
    fn from(err: rxon_core::RxonError) -> Self {
        Failure::Core(err)
    }
}

impl From<PyErr> for Failure {
    fn from(err: PyErr) -> Self {
        Failure::Python(err)
    }
}

/// Completes `future` with `output`, unless it is done (cancelled) already.
fn resolve<T: for<'a> IntoPyObject<'a>>(py: Python<'_>, future: &Bound<'_, PyAny>, output: Result<T, Failure>) {
    if future
        .call_method0(pyo3::intern!(py, "done"))
        .and_then(|d| d.is_truthy())
        .unwrap_or(true)
    {
        return;
    }
    let outcome = match output {
        Ok(value) => value
            .into_pyobject(py)
            .map(|o| o.into_any().into_bound())
            .map_err(Into::into),
        Err(Failure::Core(err)) => Err(crate::errors::to_pyerr(err)),
        Err(Failure::Python(err)) => Err(err),
    };
    let set = match outcome {
        Ok(value) => future.call_method1(pyo3::intern!(py, "set_result"), (value,)),
        Err(err) => future.call_method1(pyo3::intern!(py, "set_exception"), (err.into_value(py),)),
    };
    if let Err(err) = set {
        err.write_unraisable(py, Some(future));
    }
}

/// An awaitable of `value` once `awaitable` is done (`async with` returning `self`).
pub fn then_return<'py>(awaitable: Bound<'py, PyAny>, value: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = awaitable.py();
    py.import("rxon_core._aio")?
        .getattr("then_return")?
        .call1((awaitable, value))
}

/// The error for using an object after its `close()`.
pub fn closed_error(what: &str) -> PyErr {
    PyRuntimeError::new_err(format!(
        "{what} is closed; call connect() (or make a new one) before using it again"
    ))
}
