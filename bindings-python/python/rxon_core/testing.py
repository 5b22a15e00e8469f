"""An in-memory transport for testing workers without an orchestrator."""

from rxon_core._native import MockTransport

__all__ = ["MockTransport"]
