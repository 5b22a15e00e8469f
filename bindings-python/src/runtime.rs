//! The one tokio runtime every awaitable runs on (pyo3-async-runtimes'), and the guards each
//! entry point passes: not in a forked child, not after `close()`.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use std::future::Future;
use std::sync::OnceLock;

/// The process that started the runtime: its threads do not exist in a forked child, where
/// any await would hang forever.
static RUNTIME_PID: OnceLock<u32> = OnceLock::new();

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

/// `fut` as a Python awaitable on the shared runtime. The GIL is not held while it runs, and
/// cancelling the awaiting asyncio task drops (aborts) the Rust future.
pub fn awaitable<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    check_process()?;
    pyo3_async_runtimes::tokio::future_into_py(py, fut)
}

/// The error for using an object after its `close()`.
pub fn closed_error(what: &str) -> PyErr {
    PyRuntimeError::new_err(format!(
        "{what} is closed; call connect() (or make a new one) before using it again"
    ))
}
