"""``create_transport``: the transport for an orchestrator URL."""

from typing import Any, cast

from rxon_core._native import HttpTransport, MockTransport
from rxon_core.transports.base import Transport

__all__ = ["create_transport"]


def create_transport(url: str, worker_id: str, token: str, ssl_context: Any = None, **kwargs: Any) -> Transport:
    """The transport for ``url``: ``http://``, ``https://``, ``ws://``, ``wss://`` (the last two
    mapped to HTTP(S), as the reference does) or ``mock://``; any other scheme is a ``ValueError``."""
    if url.startswith(("http://", "https://", "ws://", "wss://")):
        base_url = url.replace("ws", "http", 1) if url.startswith("ws") else url
        # (The native classes are registered as Transport at run time: invisible to mypy.)
        return cast(Transport, HttpTransport(base_url, worker_id, token, ssl_context, **kwargs))
    if url.startswith("mock://"):
        return cast(Transport, MockTransport(worker_id=worker_id, token=token, **kwargs))
    raise ValueError(f"Unsupported transport scheme in URL: {url}")
