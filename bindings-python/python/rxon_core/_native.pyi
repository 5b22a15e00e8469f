from collections.abc import AsyncIterator, Awaitable, Callable
from os import PathLike
from types import TracebackType
from typing import Any, Self

from rxon_core.models import TaskPayload, TokenResponse, WorkerCommand

PROTOCOL_VERSION: str
RXON_BLOB_SCHEME: str

def json_dumps(obj: Any) -> str: ...
def to_dict(obj: Any) -> Any: ...
def loads(obj: str | bytes | bytearray | memoryview, /) -> Any: ...
def calculate_dict_hash(obj: Any) -> str: ...
def sign_payload(payload: Any, secret: str, ignore_fields: list[str] | None = None) -> str: ...
def verify_signature(payload: Any, signature: str, secret: str, ignore_fields: list[str] | None = None) -> bool: ...
def sign_payload_ed25519(payload: Any, private_key_pem: str, ignore_fields: list[str] | None = None) -> str: ...
def verify_signature_ed25519(
    payload: Any, signature_hex: str, public_key_pem: str, ignore_fields: list[str] | None = None
) -> bool: ...
def sign_bubbling_chain(bubbling_chain: list[str], private_key_pem: str) -> str: ...
def verify_bubbling_chain_signature(bubbling_chain: list[str], signature_hex: str, public_key_pem: str) -> bool: ...
def sign_bubbling_chain_hmac(bubbling_chain: list[str], secret: str) -> str: ...
def verify_bubbling_chain_hmac(bubbling_chain: list[str], signature: str, secret: str) -> bool: ...
def is_valid_identifier(value: str) -> bool: ...
def validate_identifier(value: str, name: str = "identifier") -> None: ...
def calculate_config_hash(endpoint: str | None, access_key: str | None, bucket: str | None) -> str | None: ...
def parse_uri(uri: str, default_bucket: str | None = None, prefix: str = "") -> tuple[str, str, bool]: ...
def validate_data(data: Any, schema: dict[str, Any] | None) -> tuple[bool, str | None]: ...
def translate_error(msg: str, data: Any) -> str: ...

class CompiledValidator:
    def check(self, data: Any) -> str | None: ...

def compile_schema(schema: dict[str, Any] | None) -> CompiledValidator | None: ...
def from_dict(cls: Any, data: Any) -> Any: ...
def check_message(name: str, data: Any) -> None: ...
def sync_log_level() -> None: ...

class FieldTable:
    def __init__(self, cls: type, fields: list[tuple[str, bool, Any, str, type | None]]) -> None: ...

def matches(have: object, required: object) -> bool: ...
def validate_params(task: object, skill: object) -> tuple[bool, str | None]: ...

PROTOCOL_VERSION_HEADER: str
AUTH_HEADER_CLIENT: str
AUTH_HEADER_WORKER: str
AUTH_HEADER_WORKER_ID: str
ERROR_CODE_TRANSIENT: str
ERROR_CODE_PERMANENT: str
ERROR_CODE_INVALID_INPUT: str
ERROR_CODE_INTEGRITY_MISMATCH: str
ERROR_CODE_TIMEOUT: str
ERROR_CODE_LATE_RESULT: str
ERROR_CODE_RESOURCE_EXHAUSTED: str
ERROR_CODE_LIMIT_EXCEEDED: str
ERROR_CODE_CONTRACT_VIOLATION: str
ERROR_CODE_DEPENDENCY_MISSING: str
ERROR_CODE_DEPENDENCY: str
ERROR_CODE_SECURITY: str
ERROR_CODE_INTERNAL: str
IGNORED_REASON_LATE: str
IGNORED_REASON_CANCELLED: str
IGNORED_REASON_NOT_FOUND: str
IGNORED_REASON_MISMATCH: str
IGNORED_REASON_STALE: str
HB_RESP_REQUIRE_FULL_SYNC: str
HB_RESP_CANCEL_TASKS: str
TASK_STATUS_SUCCESS: str
TASK_STATUS_FAILURE: str
TASK_STATUS_CANCELLED: str
COMMAND_CANCEL_TASK: str
EVENT_TYPE_PROGRESS: str
WORKER_API_PREFIX: str
STS_TOKEN_ENDPOINT: str
STS_REFRESH_ENDPOINT: str
WS_ENDPOINT: str
ENDPOINT_WORKER_REGISTER: str
ENDPOINT_TASK_NEXT: str
ENDPOINT_TASK_RESULT: str
ENDPOINT_WORKER_HEARTBEAT: str
ENDPOINT_WORKER_EVENTS: str
JOB_STATUS_PENDING: str
JOB_STATUS_WAITING_FOR_WORKER: str
JOB_STATUS_RUNNING: str
JOB_STATUS_FINISHED: str
JOB_STATUS_FAILED: str
JOB_STATUS_ERROR: str
JOB_STATUS_QUARANTINED: str
JOB_STATUS_CANCELLED: str
JOB_STATUS_WAITING_FOR_HUMAN: str
JOB_STATUS_WAITING_FOR_PARALLEL: str
WORKER_STATUS_ACTIVE: str
WORKER_STATUS_DRAINING: str
TERMINAL_STATES: frozenset[str]

class Transport:
    worker_id: str
    extra_config: dict[str, Any]
    result_retries: int
    result_retry_delay: float
    async def connect(self) -> None: ...
    async def close(self) -> None: ...
    async def register(self, registration: Any) -> Any: ...
    async def poll_task(
        self, timeout: float = 30.0, available_skills: list[str] | None = None, hot_skills: list[str] | None = None
    ) -> TaskPayload | None: ...
    async def send_result(self, result: Any, max_retries: int | None = None, delay: float | None = None) -> bool: ...
    async def send_heartbeat(self, heartbeat: Any) -> dict[str, Any] | None: ...
    async def emit_event(self, event: Any) -> bool: ...
    async def refresh_token(self) -> TokenResponse | None: ...
    def listen_for_commands(self, reconnect: bool = True) -> AsyncIterator[WorkerCommand]: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

class HttpTransport(Transport):
    base_url: str
    def __init__(
        self,
        base_url: str,
        worker_id: str,
        token: str,
        ssl_context: Any = None,
        session: Any = None,
        verify_ssl: bool = True,
        result_retries: int = 3,
        result_retry_delay: float = 0.1,
        *,
        request_timeout: float = 30.0,
        connect_timeout: float = 10.0,
        ca_file: str | PathLike[str] | None = None,
        client_cert: tuple[str | PathLike[str], str | PathLike[str]] | None = None,
        signing_token: str | None = None,
        **kwargs: Any,
    ) -> None: ...

class MockTransport(Transport):
    connected: bool
    token: str
    registered: list[Any]
    heartbeats: list[Any]
    results: list[Any]
    emitted_events: list[Any]
    def __init__(self, worker_id: str = "mock-worker", token: str = "mock-token", **kwargs: Any) -> None: ...
    def push_task(self, task: Any) -> None: ...
    def push_command(self, command: Any) -> None: ...
    def push_heartbeat_answer(self, answer: Any) -> None: ...

class Listener:
    port: int | None
    host: str
    connected_workers: list[str]
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        handler: Callable[[str, Any, dict[str, Any]], Any] | None = None,
        *,
        tls: dict[str, Any] | tuple[str, str] | None = None,
        body_limit: int | None = None,
        auth: dict[str, Any] | None = None,
        header_read_timeout: float | None = None,
        max_header_bytes: int | None = None,
        max_connections: int | None = None,
        max_polls_per_worker: int | None = None,
    ) -> None: ...
    async def start(self, handler: Callable[[str, Any, dict[str, Any]], Any] | None = None) -> int: ...
    async def stop(self, grace: float = 5.0) -> None: ...
    async def send_command(self, worker_id: str, command: Any) -> bool: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

class Task:
    payload: TaskPayload
    params: dict[str, Any]
    task_id: str
    job_id: str
    type: str
    time_left: float | None
    cancelled: bool
    async def wait_cancelled(self) -> None: ...
    async def progress(self, fraction: float, message: str = "") -> bool: ...
    async def emit(self, event_type: str, payload: dict[str, Any]) -> bool: ...
    def complete(self, data: Any = None, status: str = "success") -> None: ...
    def fail(self, code: str, message: str, details: dict[str, Any] | None = None) -> None: ...

SHUTDOWN_GRACE: float  # the core's default grace, in seconds

class WorkerCore:
    state: str
    def __init__(
        self,
        url: str,
        worker_id: str,
        token: str,
        skills: list[Any],
        *,
        max_concurrent_tasks: int | None = None,
        concurrent_polls: int | None = None,
        worker_type: str | None = None,
        heartbeat_interval: float | None = None,
        poll_timeout: float | None = None,
        signing: str = "master_token",
        task_secret: str | None = None,
        resources: Any = None,
        capabilities: Any = None,
        advertise_contracts: bool = True,
        shutdown_grace: float | None = None,
        transport: Transport | None = None,
        outbox: str | PathLike[str] | bool | None = None,
    ) -> None: ...
    async def next_task(self) -> Task | None: ...
    async def serve(
        self,
        handlers: dict[str, Callable[[Task], Awaitable[Any]]],
        fallback: Callable[[Task], Awaitable[Any]] | None = None,
    ) -> None: ...
    async def drain(self) -> None: ...
    async def shutdown(self, grace: float | None = None) -> None: ...
    def set_hot_skills(self, skills: list[str]) -> None: ...

class LoopBridge:
    def __init__(self) -> None: ...
    def fileno(self) -> int: ...
    def drain(self) -> None: ...

def route_request(
    method: str,
    path: str,
    query: str | None,
    headers: list[tuple[str, str]],
    body: bytes,
    cert_identity: str | None = None,
    body_limit: int = ...,
) -> tuple[Any, ...]: ...
def reply_answer(action: str, answer: Any) -> tuple[int, list[tuple[str, str]], bytes]: ...
def reply_exception(action: str, error: BaseException) -> tuple[int, list[tuple[str, str]], bytes]: ...
def reply_status(action: str, status: int, message: str) -> tuple[int, list[tuple[str, str]], bytes]: ...
def reply_unavailable() -> tuple[int, list[tuple[str, str]], bytes]: ...
