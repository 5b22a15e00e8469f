"""rxon-core: the RXON (Reverse Axon) protocol on a Rust core, with the reference ``rxon``
package's names and meaning (``import rxon_core as rxon``).

This release covers the canonical form, JSON and HMAC signatures; messages, transports, the
worker runtime and the listener follow.
"""

from rxon_core._native import (
    PROTOCOL_VERSION,
    calculate_dict_hash,
    json_dumps,
    loads,
    sign_payload,
    to_dict,
    verify_signature,
)
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

__all__ = [
    "PROTOCOL_VERSION",
    "calculate_dict_hash",
    "json_dumps",
    "loads",
    "sign_payload",
    "to_dict",
    "verify_signature",
    "IntegrityError",
    "ParamValidationError",
    "RxonAuthError",
    "RxonError",
    "RxonNetworkError",
    "RxonProtocolError",
    "RxonRateLimitError",
    "S3ConfigMismatchError",
]
