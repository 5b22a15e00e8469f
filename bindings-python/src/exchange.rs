//! Serving workers from a Python HTTP server (aiohttp, in `rxon_core.transports.http_server`):
//! the core's `listener::exchange` routes and decodes each request and makes each response;
//! Python only moves bytes between aiohttp and these functions and calls the handler.

use crate::convert::to_python;
use crate::py_handler::{context_dict, convert_answer, handler_error};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};
use rxon_core::listener::exchange::{self, Reply, Routed, WorkerRequest};
use rxon_core::listener::{Action, HandlerError};

/// A response for Python: `(status, [(header, value)], body)`.
type PyReply<'py> = (u16, Vec<(&'static str, String)>, Bound<'py, PyBytes>);

fn py_reply(py: Python<'_>, reply: Reply) -> PyReply<'_> {
    (reply.status, reply.headers, PyBytes::new(py, &reply.body))
}

fn action_named(name: &str) -> PyResult<Action> {
    Action::from_name(name).ok_or_else(|| PyValueError::new_err(format!("no action named {name:?}")))
}

/// What a worker request stands for: `("reply", (status, headers, body))` to answer at once,
/// `("call", action, payload, context)` to ask the handler, or `("upgrade", worker_id,
/// context)` for the command WebSocket.
#[pyfunction]
#[pyo3(signature = (method, path, query, headers, body, cert_identity = None, body_limit = 16 * 1024 * 1024))]
#[allow(clippy::too_many_arguments)]
pub fn route_request<'py>(
    py: Python<'py>,
    method: &str,
    path: &str,
    query: Option<&str>,
    headers: Vec<(String, String)>,
    body: &[u8],
    cert_identity: Option<String>,
    body_limit: usize,
) -> PyResult<Bound<'py, PyTuple>> {
    let request = WorkerRequest {
        method,
        path,
        query: query.filter(|q| !q.is_empty()),
        headers: &headers[..],
        body,
        cert_identity,
        remote_addr: None,
    };
    let items: Vec<Bound<'py, PyAny>> = match exchange::route(&request, body_limit) {
        Routed::Reply(reply) => vec![
            "reply".into_pyobject(py)?.into_any(),
            py_reply(py, reply).into_pyobject(py)?.into_any(),
        ],
        Routed::Call {
            action,
            payload,
            context,
        } => vec![
            "call".into_pyobject(py)?.into_any(),
            action.name().into_pyobject(py)?.into_any(),
            to_python(py, &payload)?,
            context_dict(py, &context)?.into_any(),
        ],
        Routed::Upgrade { worker_id, context } => vec![
            "upgrade".into_pyobject(py)?.into_any(),
            worker_id.into_pyobject(py)?.into_any(),
            context_dict(py, &context)?.into_any(),
        ],
    };
    PyTuple::new(py, items)
}

/// The response to `action` once the handler returned `answer` (falsy: the action's default).
#[pyfunction]
pub fn reply_answer<'py>(py: Python<'py>, action: &str, answer: &Bound<'py, PyAny>) -> PyResult<PyReply<'py>> {
    let action = action_named(action)?;
    Ok(py_reply(
        py,
        exchange::reply(action, convert_answer(py, action, answer)),
    ))
}

/// The response to `action` once the handler raised `error` (mapped as the native listener
/// maps it: `PermissionError` 403, `RxonRateLimitError` 429, `ValueError` 400, else 500).
#[pyfunction]
pub fn reply_exception<'py>(py: Python<'py>, action: &str, error: &Bound<'py, PyAny>) -> PyResult<PyReply<'py>> {
    let action = action_named(action)?;
    let error = handler_error(py, action, PyErr::from_value(error.clone()));
    Ok(py_reply(py, exchange::reply(action, Err(error))))
}

/// The response to `action` refused with HTTP `status` and `message` (an aiohttp
/// `HTTPException` the handler raised).
#[pyfunction]
pub fn reply_status<'py>(py: Python<'py>, action: &str, status: u16, message: String) -> PyResult<PyReply<'py>> {
    let action = action_named(action)?;
    let error = HandlerError::with_status(status, message, None, None)
        .ok_or_else(|| PyValueError::new_err(format!("{status} is no HTTP status")))?;
    Ok(py_reply(py, exchange::reply(action, Err(error))))
}

/// The response while no handler is set (503).
#[pyfunction]
pub fn reply_unavailable(py: Python<'_>) -> PyReply<'_> {
    py_reply(py, exchange::unavailable())
}
