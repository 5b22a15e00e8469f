"""Transports: the worker's side of the protocol (``HttpTransport``), an in-memory one for
tests (``MockTransport``), and ``create_transport`` choosing by URL scheme."""

from typing import Any

from rxon_core._native import HttpTransport, MockTransport, Transport

__all__ = ["Transport", "HttpTransport", "MockTransport", "create_transport"]


def create_transport(url: str, worker_id: str, token: str, ssl_context: Any = None, **kwargs: Any) -> Transport:
    """The transport for ``url``: ``http://``, ``https://``, ``ws://``, ``wss://`` (the last two
    mapped to HTTP(S), as the reference does) or ``mock://``; any other scheme is a ``ValueError``."""
    if url.startswith(("http://", "https://", "ws://", "wss://")):
        base_url = url.replace("ws", "http", 1) if url.startswith("ws") else url
        return HttpTransport(base_url, worker_id, token, ssl_context, **kwargs)
    if url.startswith("mock://"):
        return MockTransport(worker_id=worker_id, token=token, **kwargs)
    raise ValueError(f"Unsupported transport scheme in URL: {url}")
