"""The reference's exception classes: every error carries ``.message`` and ``.details``."""

from typing import Any

from rxon_core.constants import ERROR_CODE_LIMIT_EXCEEDED

__all__ = [
    "RxonError",
    "RxonNetworkError",
    "RxonAuthError",
    "RxonProtocolError",
    "RxonRateLimitError",
    "S3ConfigMismatchError",
    "IntegrityError",
    "ParamValidationError",
]


class RxonError(Exception):
    """Base of every rxon error."""

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}


class RxonNetworkError(RxonError):
    """A network operation failed (connection refused, reset, timed out)."""


class RxonAuthError(RxonError):
    """Authentication failed and could not be recovered."""


class RxonProtocolError(RxonError):
    """The peer's answer violates the protocol (unexpected status, bad JSON)."""


class RxonRateLimitError(RxonProtocolError):
    """The orchestrator rate-limits the worker (HTTP 429); ``details["code"]`` says why."""

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        details = dict(details or {})
        details.setdefault("code", ERROR_CODE_LIMIT_EXCEEDED)
        super().__init__(message, details)


class S3ConfigMismatchError(RxonProtocolError):
    """Worker and orchestrator do not share the same S3 configuration."""


class IntegrityError(RxonProtocolError):
    """A file's size or hash does not match."""


class ParamValidationError(RxonProtocolError):
    """Task parameters fail validation."""
