from typing import Any

PROTOCOL_VERSION: str

def json_dumps(obj: Any) -> str: ...
def to_dict(obj: Any) -> Any: ...
def loads(text: str | bytes) -> Any: ...
def calculate_dict_hash(obj: Any) -> str: ...
def sign_payload(payload: Any, secret: str, ignore_fields: list[str] | None = None) -> str: ...
def verify_signature(
    payload: Any, signature: str, secret: str, ignore_fields: list[str] | None = None
) -> bool: ...
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
def from_dict(cls: Any, data: Any) -> Any: ...

class FieldTable:
    def __init__(self, model: str, fields: list[tuple[str, bool, Any, str, type | None]]) -> None: ...
    def names(self) -> list[str]: ...

def model_init(obj: object, args: tuple[Any, ...], kwargs: dict[str, Any] | None = None) -> None: ...
def model_setattr(obj: object) -> None: ...
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
