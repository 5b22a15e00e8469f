"""Transports: the worker's side of the protocol (``HttpTransport``), an in-memory one for
tests (``MockTransport``), ``create_transport`` choosing by URL scheme, and the interfaces
(``Transport``, ``Listener``) in ``rxon_core.transports.base``."""

from rxon_core._native import HttpTransport, MockTransport
from rxon_core.transports.base import Listener, Transport
from rxon_core.transports.factory import create_transport

__all__ = ["Transport", "Listener", "HttpTransport", "MockTransport", "create_transport"]
