//! `Listener`: the core's orchestrator-side listener (HTTP, WebSocket, TLS) for a Python
//! orchestrator; its handler is bridged by `py_handler`.

use crate::errors::to_pyerr;
use crate::models::from_py;
use crate::py_handler::PyHandler;
use crate::runtime::{awaitable, check_process, then_return};
use crate::transport::seconds;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use rxon_core::listener::{AuthOptions, Listener, ListenerOptions};
use rxon_core::security::tls::{ClientAuth, ServerTlsOptions};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The reference's orchestrator-side listener, on the core's HTTP/WebSocket server.
#[pyclass(subclass, module = "rxon_core._native", name = "Listener")]
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
    /// `body_limit`: the largest request body in bytes (`None`: the core's default, 16 MiB).
    /// `auth`: zero trust in front of the handler — `{"workers": {worker_id: token | {"token":
    /// …, "public_key": Ed25519 PEM}}, "timestamp_window": 60, "replay_window": 65,
    /// "replay_capacity": 100000, "access_token_ttl": seconds (issue STS tokens)}`.
    #[new]
    /// The limits (`header_read_timeout` seconds, `max_header_bytes`, `max_connections`,
    /// `max_polls_per_worker`) keep the core's defaults when `None`: see docs/reliability.md.
    #[pyo3(signature = (
        host = "127.0.0.1", port = 0, handler = None, *, tls = None, body_limit = None, auth = None,
        header_read_timeout = None, max_header_bytes = None, max_connections = None, max_polls_per_worker = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        host: &str,
        port: u16,
        handler: Option<Py<PyAny>>,
        tls: Option<&Bound<'_, PyAny>>,
        body_limit: Option<usize>,
        auth: Option<&Bound<'_, PyAny>>,
        header_read_timeout: Option<f64>,
        max_header_bytes: Option<usize>,
        max_connections: Option<usize>,
        max_polls_per_worker: Option<usize>,
    ) -> PyResult<Self> {
        let mut options = ListenerOptions {
            tls: tls.filter(|t| !t.is_none()).map(tls_options).transpose()?,
            auth: auth.filter(|a| !a.is_none()).map(auth_options).transpose()?,
            ..ListenerOptions::default()
        };
        if let Some(body_limit) = body_limit {
            options.body_limit = body_limit;
        }
        if let Some(timeout) = header_read_timeout {
            options.header_read_timeout = seconds(timeout, "header_read_timeout")?;
        }
        let at_least_one = |value: Option<usize>, name: &str| match value {
            Some(0) => Err(PyValueError::new_err(format!("{name} must be at least 1"))),
            other => Ok(other),
        };
        if let Some(bytes) = at_least_one(max_header_bytes, "max_header_bytes")? {
            options.max_header_bytes = bytes;
        }
        if let Some(connections) = at_least_one(max_connections, "max_connections")? {
            options.max_connections = connections;
        }
        if let Some(polls) = at_least_one(max_polls_per_worker, "max_polls_per_worker")? {
            options.max_polls_per_worker = polls;
        }
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
        let addr = rxon_core::listener::address(&self.host, self.port);
        let (options, running) = (self.options.clone(), self.running.clone());
        awaitable(py, async move {
            let listener = Listener::bind(&addr, options).await?;
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
        let started = slf.borrow().start(slf.py(), None)?;
        then_return(started, slf.into_any())
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

/// The `auth` option as the core's [`AuthOptions`] (see [`PyListener::new`]).
fn auth_options(auth: &Bound<'_, PyAny>) -> PyResult<AuthOptions> {
    AuthOptions::from_value(&crate::convert::to_value(auth)?).map_err(to_pyerr)
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
    let client_auth = match tls.get_item("client_auth")? {
        None => ClientAuth::None,
        Some(text) => text.extract::<String>()?.parse().map_err(to_pyerr)?,
    };
    Ok(ServerTlsOptions {
        cert_file: required("cert_file")?,
        key_file: required("key_file")?,
        client_ca: tls.get_item("client_ca")?.map(|v| v.extract()).transpose()?,
        client_auth,
    })
}
