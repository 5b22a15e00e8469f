"""``create_transport``: the transport for an orchestrator URL."""

from typing import Any

from rxon_core._native import HttpTransport, MockTransport
from rxon_core.transports.base import Transport

__all__ = ["create_transport"]


def create_transport(url: str, worker_id: str, token: str, ssl_context: Any = None, **kwargs: Any) -> Transport:
    """The transport for ``url``: ``http://``, ``https://``, ``ws://``, ``wss://`` (the last two
    mapped to HTTP(S), as the reference does) or ``mock://``; any other scheme is a ``ValueError``."""
    if url.startswith(("http://", "https://", "ws://", "wss://")):
        base_url = url.replace("ws", "http", 1) if url.startswith("ws") else url
        transport: Transport = HttpTransport(base_url, worker_id, token, ssl_context, **kwargs)
        return transport
    if url.startswith("mock://"):
        mock: Transport = MockTransport(worker_id=worker_id, token=token, **kwargs)
        return mock
    raise ValueError(f"Unsupported transport scheme in URL: {url}")
