//! Every constant of the reference's `rxon.constants`, taken from rxon-core.

use pyo3::prelude::*;
use pyo3::types::PyFrozenSet;

macro_rules! add_str_constants {
    ($module:expr, $($name:ident),* $(,)?) => {
        $( $module.add(stringify!($name), rxon_core::constants::$name)?; )*
    };
}

/// Adds the constants to `module`; `TERMINAL_STATES` is a frozenset (a set in the reference).
pub fn add(module: &Bound<'_, PyModule>) -> PyResult<()> {
    add_str_constants!(
        module,
        PROTOCOL_VERSION,
        PROTOCOL_VERSION_HEADER,
        AUTH_HEADER_CLIENT,
        AUTH_HEADER_WORKER,
        AUTH_HEADER_WORKER_ID,
        ERROR_CODE_TRANSIENT,
        ERROR_CODE_PERMANENT,
        ERROR_CODE_INVALID_INPUT,
        ERROR_CODE_INTEGRITY_MISMATCH,
        ERROR_CODE_TIMEOUT,
        ERROR_CODE_LATE_RESULT,
        ERROR_CODE_RESOURCE_EXHAUSTED,
        ERROR_CODE_LIMIT_EXCEEDED,
        ERROR_CODE_CONTRACT_VIOLATION,
        ERROR_CODE_DEPENDENCY_MISSING,
        ERROR_CODE_DEPENDENCY,
        ERROR_CODE_SECURITY,
        ERROR_CODE_INTERNAL,
        IGNORED_REASON_LATE,
        IGNORED_REASON_CANCELLED,
        IGNORED_REASON_NOT_FOUND,
        IGNORED_REASON_MISMATCH,
        IGNORED_REASON_STALE,
        HB_RESP_REQUIRE_FULL_SYNC,
        HB_RESP_CANCEL_TASKS,
        TASK_STATUS_SUCCESS,
        TASK_STATUS_FAILURE,
        TASK_STATUS_CANCELLED,
        COMMAND_CANCEL_TASK,
        EVENT_TYPE_PROGRESS,
        WORKER_API_PREFIX,
        STS_TOKEN_ENDPOINT,
        STS_REFRESH_ENDPOINT,
        WS_ENDPOINT,
        ENDPOINT_WORKER_REGISTER,
        ENDPOINT_TASK_NEXT,
        ENDPOINT_TASK_RESULT,
        ENDPOINT_WORKER_HEARTBEAT,
        ENDPOINT_WORKER_EVENTS,
        JOB_STATUS_PENDING,
        JOB_STATUS_WAITING_FOR_WORKER,
        JOB_STATUS_RUNNING,
        JOB_STATUS_FINISHED,
        JOB_STATUS_FAILED,
        JOB_STATUS_ERROR,
        JOB_STATUS_QUARANTINED,
        JOB_STATUS_CANCELLED,
        JOB_STATUS_WAITING_FOR_HUMAN,
        JOB_STATUS_WAITING_FOR_PARALLEL,
        WORKER_STATUS_ACTIVE,
        WORKER_STATUS_DRAINING,
    );
    let terminal = PyFrozenSet::new(module.py(), rxon_core::constants::TERMINAL_STATES)?;
    module.add("TERMINAL_STATES", terminal)
}
