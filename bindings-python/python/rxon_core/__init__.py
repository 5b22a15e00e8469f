"""rxon-core: the RXON (Reverse Axon) protocol on a Rust core, with the reference ``rxon``
package's names and meaning (``import rxon_core as rxon``).

This release covers the canonical form, JSON, HMAC and Ed25519 signatures (payloads and
bubbling chains), identifiers, blob locations and schema contracts; messages, transports, the
worker runtime and the listener follow.
"""

from rxon_core import constants
from rxon_core.constants import *  # noqa: F403 (every constant, as the reference exports them)
from rxon_core._native import (
    calculate_config_hash,
    calculate_dict_hash,
    is_valid_identifier,
    json_dumps,
    loads,
    parse_uri,
    sign_bubbling_chain,
    sign_bubbling_chain_hmac,
    sign_payload,
    sign_payload_ed25519,
    to_dict,
    validate_data,
    validate_identifier,
    verify_bubbling_chain_hmac,
    verify_bubbling_chain_signature,
    verify_signature,
    verify_signature_ed25519,
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
    *constants.__all__,
    "calculate_config_hash",
    "calculate_dict_hash",
    "is_valid_identifier",
    "json_dumps",
    "loads",
    "parse_uri",
    "sign_bubbling_chain",
    "sign_bubbling_chain_hmac",
    "sign_payload",
    "sign_payload_ed25519",
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
]
