//! Every constant of the reference protocol (`rxon.constants`, version 1.0b17): the protocol
//! version, endpoints, header names, error codes, statuses, ignored-result reasons and
//! heartbeat-response keys. Values are byte-identical to the reference.

/// The protocol version this crate speaks, sent in [`PROTOCOL_VERSION_HEADER`].
pub const PROTOCOL_VERSION: &str = "1.0b17";
/// Header carrying the protocol version on every request and response.
pub const PROTOCOL_VERSION_HEADER: &str = "X-RXON-Version";

/// The orchestrator's header for its own public (client) API; not used by workers.
pub const AUTH_HEADER_CLIENT: &str = "X-Client-Token";
/// Header carrying the worker's token on every worker request.
pub const AUTH_HEADER_WORKER: &str = "X-Worker-Token";
/// Header carrying the worker's id on every worker request.
pub const AUTH_HEADER_WORKER_ID: &str = "X-Worker-ID";

/// A failure worth retrying: the orchestrator re-dispatches the task.
pub const ERROR_CODE_TRANSIENT: &str = "TRANSIENT_ERROR";
/// A failure that retrying will not fix: the job is quarantined.
pub const ERROR_CODE_PERMANENT: &str = "PERMANENT_ERROR";
/// The task's params failed the skill's input contract.
pub const ERROR_CODE_INVALID_INPUT: &str = "INVALID_INPUT_ERROR";
/// A file's size or hash did not match its metadata.
pub const ERROR_CODE_INTEGRITY_MISMATCH: &str = "INTEGRITY_MISMATCH_ERROR";
/// The worker could not finish in time, or the deadline had passed.
pub const ERROR_CODE_TIMEOUT: &str = "TIMEOUT_ERROR";
/// (Response) the orchestrator refused a result that arrived after the deadline.
pub const ERROR_CODE_LATE_RESULT: &str = "LATE_RESULT";
/// Physical resources (RAM, VRAM, CPU) are exhausted.
pub const ERROR_CODE_RESOURCE_EXHAUSTED: &str = "RESOURCE_EXHAUSTED_ERROR";
/// Logical limits (quotas, rate limits, context windows) were exceeded.
pub const ERROR_CODE_LIMIT_EXCEEDED: &str = "LIMIT_EXCEEDED_ERROR";
/// The worker's output does not match its declared contract.
pub const ERROR_CODE_CONTRACT_VIOLATION: &str = "CONTRACT_VIOLATION_ERROR";
/// A required dependency (artifact, file, service) is missing.
pub const ERROR_CODE_DEPENDENCY_MISSING: &str = "DEPENDENCY_MISSING_ERROR";
/// A dependency failed.
pub const ERROR_CODE_DEPENDENCY: &str = "DEPENDENCY_ERROR";
/// A signature or identity check failed.
pub const ERROR_CODE_SECURITY: &str = "SECURITY_ERROR";
/// An unexpected error inside the worker.
pub const ERROR_CODE_INTERNAL: &str = "INTERNAL_ERROR";

/// Result reason: the deadline had passed.
pub const IGNORED_REASON_LATE: &str = "deadline_exceeded";
/// Result reason: the job was cancelled.
pub const IGNORED_REASON_CANCELLED: &str = "job_cancelled";
/// Result reason: the orchestrator does not know the job.
pub const IGNORED_REASON_NOT_FOUND: &str = "job_not_found";
/// Result reason: the task was assigned to another worker.
pub const IGNORED_REASON_MISMATCH: &str = "worker_mismatch";
/// Result reason: the task was superseded.
pub const IGNORED_REASON_STALE: &str = "stale_task";

/// Heartbeat answer key: `true` asks the worker to send its full registration again.
pub const HB_RESP_REQUIRE_FULL_SYNC: &str = "require_full_sync";
/// Heartbeat answer key: the list of task ids the worker must cancel.
pub const HB_RESP_CANCEL_TASKS: &str = "cancel_task_ids";

/// Task result status: success (the default, left out on the wire).
pub const TASK_STATUS_SUCCESS: &str = "success";
/// Task result status: failure (with an error).
pub const TASK_STATUS_FAILURE: &str = "failure";
/// Task result status: cancelled.
pub const TASK_STATUS_CANCELLED: &str = "cancelled";

/// WebSocket command that cancels a task.
pub const COMMAND_CANCEL_TASK: &str = "cancel_task";
/// Event type of progress events.
pub const EVENT_TYPE_PROGRESS: &str = "progress";

/// Prefix of every worker endpoint.
pub const WORKER_API_PREFIX: &str = "/_worker";
/// STS: exchange the master token for an access token.
pub const STS_TOKEN_ENDPOINT: &str = "/_worker/auth/token";
/// STS: refresh an access token.
pub const STS_REFRESH_ENDPOINT: &str = "/_worker/auth/token/refresh";
/// WebSocket endpoint prefix; the worker id follows (`/_worker/ws/{worker_id}`).
pub const WS_ENDPOINT: &str = "/_worker/ws";
/// Registration endpoint.
pub const ENDPOINT_WORKER_REGISTER: &str = "/_worker/workers/register";
/// Long-poll endpoint template; `{worker_id}` is replaced by the worker id.
pub const ENDPOINT_TASK_NEXT: &str = "/_worker/workers/{worker_id}/tasks/next";
/// Result endpoint.
pub const ENDPOINT_TASK_RESULT: &str = "/_worker/tasks/result";
/// Heartbeat endpoint template (`PATCH`); `{worker_id}` is replaced by the worker id.
pub const ENDPOINT_WORKER_HEARTBEAT: &str = "/_worker/workers/{worker_id}";
/// Event endpoint.
pub const ENDPOINT_WORKER_EVENTS: &str = "/_worker/events";

/// Job status: pending.
pub const JOB_STATUS_PENDING: &str = "pending";
/// Job status: waiting for a worker.
pub const JOB_STATUS_WAITING_FOR_WORKER: &str = "waiting_for_worker";
/// Job status: running.
pub const JOB_STATUS_RUNNING: &str = "running";
/// Job status: finished (terminal).
pub const JOB_STATUS_FINISHED: &str = "finished";
/// Job status: failed (terminal).
pub const JOB_STATUS_FAILED: &str = "failed";
/// Job status: error (terminal).
pub const JOB_STATUS_ERROR: &str = "error";
/// Job status: quarantined (terminal).
pub const JOB_STATUS_QUARANTINED: &str = "quarantined";
/// Job status: cancelled (terminal).
pub const JOB_STATUS_CANCELLED: &str = "cancelled";
/// Job status: waiting for a human.
pub const JOB_STATUS_WAITING_FOR_HUMAN: &str = "waiting_for_human";
/// Job status: waiting for parallel tasks.
pub const JOB_STATUS_WAITING_FOR_PARALLEL: &str = "waiting_for_parallel_tasks";

/// The job statuses after which nothing more happens to a job.
pub const TERMINAL_STATES: [&str; 5] = [
    JOB_STATUS_FINISHED,
    JOB_STATUS_FAILED,
    JOB_STATUS_ERROR,
    JOB_STATUS_QUARANTINED,
    JOB_STATUS_CANCELLED,
];

/// Worker status: active.
pub const WORKER_STATUS_ACTIVE: &str = "active";
/// Worker status: draining (finishing in-flight tasks, taking no new ones).
pub const WORKER_STATUS_DRAINING: &str = "draining";

/// Fills `{worker_id}` into an endpoint template such as [`ENDPOINT_TASK_NEXT`].
pub fn endpoint_for(template: &str, worker_id: &str) -> String {
    template.replace("{worker_id}", worker_id)
}

/// Whether a job status is terminal (see [`TERMINAL_STATES`]).
pub fn is_terminal_status(status: &str) -> bool {
    TERMINAL_STATES.contains(&status)
}

/// Every string constant above by its name, as the reference's `rxon.constants` has them: what
/// a binding exports (`TERMINAL_STATES`, a set, apart).
pub const EVERY: &[(&str, &str)] = &[
    ("PROTOCOL_VERSION", PROTOCOL_VERSION),
    ("PROTOCOL_VERSION_HEADER", PROTOCOL_VERSION_HEADER),
    ("AUTH_HEADER_CLIENT", AUTH_HEADER_CLIENT),
    ("AUTH_HEADER_WORKER", AUTH_HEADER_WORKER),
    ("AUTH_HEADER_WORKER_ID", AUTH_HEADER_WORKER_ID),
    ("ERROR_CODE_TRANSIENT", ERROR_CODE_TRANSIENT),
    ("ERROR_CODE_PERMANENT", ERROR_CODE_PERMANENT),
    ("ERROR_CODE_INVALID_INPUT", ERROR_CODE_INVALID_INPUT),
    ("ERROR_CODE_INTEGRITY_MISMATCH", ERROR_CODE_INTEGRITY_MISMATCH),
    ("ERROR_CODE_TIMEOUT", ERROR_CODE_TIMEOUT),
    ("ERROR_CODE_LATE_RESULT", ERROR_CODE_LATE_RESULT),
    ("ERROR_CODE_RESOURCE_EXHAUSTED", ERROR_CODE_RESOURCE_EXHAUSTED),
    ("ERROR_CODE_LIMIT_EXCEEDED", ERROR_CODE_LIMIT_EXCEEDED),
    ("ERROR_CODE_CONTRACT_VIOLATION", ERROR_CODE_CONTRACT_VIOLATION),
    ("ERROR_CODE_DEPENDENCY_MISSING", ERROR_CODE_DEPENDENCY_MISSING),
    ("ERROR_CODE_DEPENDENCY", ERROR_CODE_DEPENDENCY),
    ("ERROR_CODE_SECURITY", ERROR_CODE_SECURITY),
    ("ERROR_CODE_INTERNAL", ERROR_CODE_INTERNAL),
    ("IGNORED_REASON_LATE", IGNORED_REASON_LATE),
    ("IGNORED_REASON_CANCELLED", IGNORED_REASON_CANCELLED),
    ("IGNORED_REASON_NOT_FOUND", IGNORED_REASON_NOT_FOUND),
    ("IGNORED_REASON_MISMATCH", IGNORED_REASON_MISMATCH),
    ("IGNORED_REASON_STALE", IGNORED_REASON_STALE),
    ("HB_RESP_REQUIRE_FULL_SYNC", HB_RESP_REQUIRE_FULL_SYNC),
    ("HB_RESP_CANCEL_TASKS", HB_RESP_CANCEL_TASKS),
    ("TASK_STATUS_SUCCESS", TASK_STATUS_SUCCESS),
    ("TASK_STATUS_FAILURE", TASK_STATUS_FAILURE),
    ("TASK_STATUS_CANCELLED", TASK_STATUS_CANCELLED),
    ("COMMAND_CANCEL_TASK", COMMAND_CANCEL_TASK),
    ("EVENT_TYPE_PROGRESS", EVENT_TYPE_PROGRESS),
    ("WORKER_API_PREFIX", WORKER_API_PREFIX),
    ("STS_TOKEN_ENDPOINT", STS_TOKEN_ENDPOINT),
    ("STS_REFRESH_ENDPOINT", STS_REFRESH_ENDPOINT),
    ("WS_ENDPOINT", WS_ENDPOINT),
    ("ENDPOINT_WORKER_REGISTER", ENDPOINT_WORKER_REGISTER),
    ("ENDPOINT_TASK_NEXT", ENDPOINT_TASK_NEXT),
    ("ENDPOINT_TASK_RESULT", ENDPOINT_TASK_RESULT),
    ("ENDPOINT_WORKER_HEARTBEAT", ENDPOINT_WORKER_HEARTBEAT),
    ("ENDPOINT_WORKER_EVENTS", ENDPOINT_WORKER_EVENTS),
    ("JOB_STATUS_PENDING", JOB_STATUS_PENDING),
    ("JOB_STATUS_WAITING_FOR_WORKER", JOB_STATUS_WAITING_FOR_WORKER),
    ("JOB_STATUS_RUNNING", JOB_STATUS_RUNNING),
    ("JOB_STATUS_FINISHED", JOB_STATUS_FINISHED),
    ("JOB_STATUS_FAILED", JOB_STATUS_FAILED),
    ("JOB_STATUS_ERROR", JOB_STATUS_ERROR),
    ("JOB_STATUS_QUARANTINED", JOB_STATUS_QUARANTINED),
    ("JOB_STATUS_CANCELLED", JOB_STATUS_CANCELLED),
    ("JOB_STATUS_WAITING_FOR_HUMAN", JOB_STATUS_WAITING_FOR_HUMAN),
    ("JOB_STATUS_WAITING_FOR_PARALLEL", JOB_STATUS_WAITING_FOR_PARALLEL),
    ("WORKER_STATUS_ACTIVE", WORKER_STATUS_ACTIVE),
    ("WORKER_STATUS_DRAINING", WORKER_STATUS_DRAINING),
];
