//! The core's worker runtime for Python: `WorkerCore` (started by `rxon_core.Worker`) hands out
//! `Task`s; the idiomatic surface (`async with`, `async for`, `run`, `@skill`) is Python's.

use crate::convert::{to_python, to_value};
use crate::errors::to_pyerr;
use crate::models::{from_py, to_py};
use crate::runtime::{awaitable, check_process, handle};
use crate::transport::{PyTransport, seconds};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use rxon_core::json::{Object, Value};
use rxon_core::models::{Resources, SkillInfo, WorkerCapabilities};
use rxon_core::worker::{Signing, TaskHandle, Worker, WorkerConfig};
use std::sync::Arc;

/// A started worker: registered, heartbeating, polling while it has free slots.
#[pyclass(module = "rxon_core._native", name = "WorkerCore")]
pub struct PyWorkerCore {
    worker: Arc<Worker>,
}

#[pymethods]
impl PyWorkerCore {
    /// Starts the runtime for `skills` (`SkillInfo`s or dicts). `signing`: `"master_token"`
    /// (HMAC with `token`, avtomatika's rule), `"off"`, or an Ed25519 PKCS#8 PEM private key.
    #[new]
    #[pyo3(signature = (
        url, worker_id, token, skills, *, max_concurrent_tasks = None, concurrent_polls = None, worker_type = None,
        heartbeat_interval = None, poll_timeout = None, signing = "master_token", task_secret = None,
        resources = None, capabilities = None, advertise_contracts = true, shutdown_grace = None,
        transport = None, outbox = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        url: &str,
        worker_id: &str,
        token: &str,
        skills: Vec<Bound<'_, PyAny>>,
        max_concurrent_tasks: Option<usize>,
        concurrent_polls: Option<usize>,
        worker_type: Option<String>,
        heartbeat_interval: Option<f64>,
        poll_timeout: Option<f64>,
        signing: &str,
        task_secret: Option<String>,
        resources: Option<&Bound<'_, PyAny>>,
        capabilities: Option<&Bound<'_, PyAny>>,
        advertise_contracts: bool,
        shutdown_grace: Option<f64>,
        transport: Option<PyRef<'_, PyTransport>>,
        outbox: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        if max_concurrent_tasks == Some(0) {
            return Err(PyValueError::new_err("max_concurrent_tasks must be at least 1"));
        }
        if concurrent_polls == Some(0) {
            return Err(PyValueError::new_err("concurrent_polls must be at least 1"));
        }
        let skills = skills.iter().map(from_py::<SkillInfo>).collect::<PyResult<Vec<_>>>()?;
        // Options not given keep the core's defaults.
        let mut config = WorkerConfig::new(url, worker_id, token, skills);
        if let Some(tasks) = max_concurrent_tasks {
            config.max_concurrent_tasks = tasks;
        }
        if let Some(polls) = concurrent_polls {
            config.concurrent_polls = polls;
        }
        if let Some(worker_type) = worker_type {
            config.worker_type = worker_type;
        }
        if let Some(interval) = heartbeat_interval {
            config.heartbeat_interval = seconds(interval, "heartbeat_interval")?;
        }
        if let Some(timeout) = poll_timeout {
            config.poll_timeout = seconds(timeout, "poll_timeout")?;
        }
        if let Some(grace) = shutdown_grace {
            config.shutdown_grace = seconds(grace, "shutdown_grace")?;
        }
        config.signing = match signing {
            "master_token" => Signing::MasterToken,
            "off" => Signing::Off,
            pem if pem.contains("PRIVATE KEY") => Signing::Ed25519(pem.to_string()),
            other => {
                return Err(PyValueError::new_err(format!(
                    "signing must be 'master_token', 'off' or an Ed25519 private key (PEM), not {other:?}"
                )));
            }
        };
        config.task_secret = task_secret;
        config.resources = resources
            .filter(|r| !r.is_none())
            .map(from_py::<Resources>)
            .transpose()?;
        config.capabilities = capabilities
            .filter(|c| !c.is_none())
            .map(from_py::<WorkerCapabilities>)
            .transpose()?;
        config.advertise_contracts = advertise_contracts;
        // `True`/`None`: the default folder; `False`: none (results in memory only); a path.
        match outbox.filter(|o| !o.is_none()) {
            Some(flag) if flag.is_instance_of::<pyo3::types::PyBool>() && !flag.is_truthy()? => {
                config.outbox_dir = None;
            }
            Some(flag) if flag.is_instance_of::<pyo3::types::PyBool>() => {}
            Some(dir) => config.outbox_dir = Some(dir.extract::<std::path::PathBuf>()?),
            None => {}
        }
        crate::logging::sync_level(py)?;
        let _runtime = handle()?.enter();
        let worker = match transport {
            Some(transport) => Worker::with_transport(config, transport.usable()?).map_err(to_pyerr)?,
            None => Worker::start(config).map_err(to_pyerr)?,
        };
        Ok(PyWorkerCore {
            worker: Arc::new(worker),
        })
    }

    /// The next task to run (`Task`), or `None` once the worker drains or stops.
    fn next_task<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let worker = self.usable()?;
        awaitable(py, async move {
            Ok(worker.next_task().await.map(|handle| PyTask {
                handle: Arc::new(handle),
            }))
        })
    }

    /// Runs every task through `handlers[task.type]` (or `fallback`), each an `async def
    /// handler(task)` returning the result data; resolves once the worker drains or stops
    /// and every handler has finished.
    #[pyo3(signature = (handlers, fallback = None))]
    fn serve<'py>(
        &self,
        py: Python<'py>,
        handlers: Py<pyo3::types::PyDict>,
        fallback: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        crate::dispatch::serve(py, self.usable()?, handlers, fallback)
    }

    /// Stops taking tasks, waits for those running to report and their results to be sent.
    fn drain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let worker = self.usable()?;
        awaitable(py, async move {
            worker.drain().await;
            Ok(())
        })
    }

    /// Drains for at most `grace` seconds (`None`: the worker's `shutdown_grace`); tasks still
    /// running then are cancelled.
    #[pyo3(signature = (grace = None))]
    fn shutdown<'py>(&self, py: Python<'py>, grace: Option<f64>) -> PyResult<Bound<'py, PyAny>> {
        let worker = self.usable()?;
        let grace = match grace {
            Some(grace) => seconds(grace, "grace")?,
            None => worker.config().shutdown_grace,
        };
        awaitable(py, async move {
            worker.shutdown(grace).await;
            Ok(())
        })
    }

    /// `"connecting"`, `"running"`, `"draining"` or `"stopped"`.
    #[getter]
    fn state(&self) -> String {
        format!("{:?}", self.worker.state()).to_lowercase()
    }

    /// Skills the worker has warm (models loaded, …), advertised to the scheduler.
    fn set_hot_skills(&self, skills: Vec<String>) -> PyResult<()> {
        self.usable()?.set_hot_skills(skills);
        Ok(())
    }
}

impl PyWorkerCore {
    fn usable(&self) -> PyResult<Arc<Worker>> {
        check_process()?;
        Ok(self.worker.clone())
    }
}

/// One task handed to the worker's code. Exactly one outcome (`complete` or `fail`) is
/// reported; a task dropped without one reports an `INTERNAL_ERROR` failure.
#[pyclass(frozen, module = "rxon_core._native", name = "Task")]
pub struct PyTask {
    /// Shared: the dispatcher (`WorkerCore.serve`) holds it too.
    pub(crate) handle: Arc<TaskHandle>,
}

#[pymethods]
impl PyTask {
    /// The task as the orchestrator sent it (`TaskPayload`).
    #[getter]
    fn payload<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.handle.payload())
    }

    /// The skill's input (`{}` when the task has none).
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &Value::Object(self.handle.params()))
    }

    #[getter]
    fn task_id(&self) -> &str {
        &self.handle.payload().task_id
    }

    #[getter]
    fn job_id(&self) -> &str {
        &self.handle.payload().job_id
    }

    /// The skill to run.
    #[getter]
    fn r#type(&self) -> &str {
        &self.handle.payload().type_
    }

    /// Seconds until the deadline (`None` without one; `0.0` once it passed).
    #[getter]
    fn time_left(&self) -> Option<f64> {
        self.handle.time_left().map(|d| d.as_secs_f64())
    }

    /// Whether the orchestrator cancelled the task (or its deadline passed).
    #[getter]
    fn cancelled(&self) -> bool {
        self.handle.is_cancelled()
    }

    /// Resolves once the task is cancelled.
    fn wait_cancelled<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let handle = self.handle.clone();
        awaitable(py, async move {
            handle.cancelled().await;
            Ok(())
        })
    }

    /// Reports progress (`fraction` from 0 to 1) as a `progress` event; `False` if it could
    /// not be delivered.
    #[pyo3(signature = (fraction, message = ""))]
    fn progress<'py>(&self, py: Python<'py>, fraction: f64, message: &str) -> PyResult<Bound<'py, PyAny>> {
        let (handle, message) = (self.handle.clone(), message.to_string());
        awaitable(py, async move { Ok(handle.progress(fraction, &message).await) })
    }

    /// Emits an event of `event_type` about this task.
    fn emit<'py>(
        &self,
        py: Python<'py>,
        event_type: String,
        payload: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let payload = object(Some(payload), "payload")?;
        let handle = self.handle.clone();
        awaitable(py, async move { Ok(handle.emit(&event_type, payload).await) })
    }

    /// Reports success with `data` (a dict), or another of the skill's `output_statuses`.
    #[pyo3(signature = (data = None, status = "success"))]
    fn complete(&self, data: Option<&Bound<'_, PyAny>>, status: &str) -> PyResult<()> {
        self.handle
            .complete_with_status(status, object(data, "data")?)
            .map_err(outcome_error)
    }

    /// Reports a failure; `code` is one of the `ERROR_CODE_*` constants.
    #[pyo3(signature = (code, message, details = None))]
    fn fail(&self, code: &str, message: &str, details: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let details = details
            .filter(|d| !d.is_none())
            .map(|d| object(Some(d), "details"))
            .transpose()?;
        self.handle.fail(code, message, details).map_err(outcome_error)
    }

    fn __repr__(&self) -> String {
        let payload = self.handle.payload();
        format!(
            "Task(task_id={:?}, job_id={:?}, type={:?})",
            payload.task_id, payload.job_id, payload.type_
        )
    }
}

/// A task reported twice (or after its deadline) is a `RuntimeError`, not a lost result.
fn outcome_error(err: rxon_core::RxonError) -> PyErr {
    PyRuntimeError::new_err(err.message().to_string())
}

/// A JSON object from a dict (or a message); `None` is `{}`.
pub(crate) fn object(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Object> {
    match value.filter(|v| !v.is_none()) {
        None => Ok(Object::new()),
        Some(value) => match to_value(value)? {
            Value::Object(object) => Ok(object),
            _ => Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "{name} must be a dict, not {}",
                value.get_type().name()?
            ))),
        },
    }
}
