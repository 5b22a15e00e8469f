"""rxon_core's orchestrator-side listener: the reference's ``Listener`` interface, served by the
core's HTTP and WebSocket server (routing, decoding, statuses and command sockets in Rust)."""

from rxon_core import _native
from rxon_core.transports import base

__all__ = ["Listener"]


# (mypy: the native start(handler=None) -> port takes every call the interface's start(handler) does.)
class Listener(_native.Listener, base.Listener):  # type: ignore[misc]
    """Serves workers on ``host:port``: ``handler(action, payload, context)`` answers each
    request (``register``, ``poll``, ``result``, ``heartbeat``, ``event``, ``sts_token``,
    ``sts_refresh``, ``websocket_auth``). ``await start(handler)`` binds and returns the port;
    ``await stop(grace)`` closes; ``await send_command(worker_id, command)`` pushes a command
    down a worker's WebSocket. Subclass it to add behaviour; it is a ``transports.base.Listener``.
    """
