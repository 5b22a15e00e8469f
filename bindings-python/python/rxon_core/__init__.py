"""rxon-core: the RXON (Reverse Axon) protocol on a Rust core, with the reference ``rxon``
package's names and meaning (``import rxon_core as rxon``).

Messages, the canonical form, signatures, schema contracts, transports, the worker runtime
and the orchestrator-side listener all run in Rust; this package only translates.
"""

from typing import Any

# Every module of the reference's layout, as attributes too (``rxon_core.utils.to_dict``).
from rxon_core import (  # noqa: F401 (imported to be attributes)
    blob,
    constants,
    exceptions,
    models,
    schema,
    security,
    testing,
    transports,
    utils,
    validators,
)
from rxon_core._drop_in import install_as_rxon
from rxon_core._native import (
    RXON_BLOB_SCHEME,
    calculate_config_hash,
    calculate_dict_hash,
    from_dict,
    is_valid_identifier,
    json_dumps,
    loads,
    parse_uri,
    sign_bubbling_chain,
    sign_bubbling_chain_hmac,
    sign_payload,
    sign_payload_ed25519,
    sync_log_level,
    to_dict,
    validate_data,
    validate_identifier,
    verify_bubbling_chain_hmac,
    verify_bubbling_chain_signature,
    verify_signature,
    verify_signature_ed25519,
)
from rxon_core.constants import *  # noqa: F403 (every constant, as the reference exports them)
from rxon_core.exceptions import (
    IntegrityError,
    ParamValidationError,
    RxonAuthError,
    RxonError,
    RxonNetworkError,
    RxonProtocolError,
    RxonRateLimitError,
    S3ConfigMismatchError,
)
from rxon_core.listener import Listener
from rxon_core.models import (
    DeviceUsage,
    FileMetadata,
    HardwareDevice,
    Heartbeat,
    InstalledArtifact,
    Resources,
    ResourcesUsage,
    SecurityContext,
    SkillInfo,
    TaskError,
    TaskPayload,
    TaskResult,
    TokenResponse,
    WorkerCapabilities,
    WorkerCommand,
    WorkerEventPayload,
    WorkerRegistration,
)
from rxon_core.security import create_client_ssl_context, create_server_ssl_context, extract_cert_identity
from rxon_core.transports import HttpTransport, MockTransport, Transport, create_transport
from rxon_core.worker import Task, TaskFailed, Worker


def __getattr__(name: str) -> Any:
    # HttpListener needs aiohttp: imported when first asked for, not with the package.
    if name == "HttpListener":
        from rxon_core.transports.http_server import HttpListener

        return HttpListener
    raise AttributeError(f"module 'rxon_core' has no attribute {name!r}")


# As the reference: the protocol version (the package's own is importlib.metadata.version("rxon-core")).
__version__ = constants.PROTOCOL_VERSION

__all__ = [
    "RXON_BLOB_SCHEME",
    *constants.__all__,
    "calculate_config_hash",
    "create_client_ssl_context",
    "create_server_ssl_context",
    "extract_cert_identity",
    "install_as_rxon",
    "HttpListener",  # noqa: F405 (made on first use by __getattr__)
    "calculate_dict_hash",
    "from_dict",
    "is_valid_identifier",
    "json_dumps",
    "loads",
    "parse_uri",
    "sign_bubbling_chain",
    "sign_bubbling_chain_hmac",
    "sign_payload",
    "sign_payload_ed25519",
    "sync_log_level",
    "to_dict",
    "validate_data",
    "validate_identifier",
    "verify_bubbling_chain_hmac",
    "verify_bubbling_chain_signature",
    "verify_signature",
    "verify_signature_ed25519",
    "IntegrityError",
    "ParamValidationError",
    "RxonAuthError",
    "RxonError",
    "RxonNetworkError",
    "RxonProtocolError",
    "RxonRateLimitError",
    "S3ConfigMismatchError",
    "DeviceUsage",
    "FileMetadata",
    "HardwareDevice",
    "Heartbeat",
    "InstalledArtifact",
    "Resources",
    "ResourcesUsage",
    "SecurityContext",
    "SkillInfo",
    "TaskError",
    "TaskPayload",
    "TaskResult",
    "TokenResponse",
    "WorkerCapabilities",
    "WorkerCommand",
    "WorkerEventPayload",
    "WorkerRegistration",
    "Transport",
    "HttpTransport",
    "MockTransport",
    "create_transport",
    "Listener",
    "Worker",
    "Task",
    "TaskFailed",
]
