"""The worker's HTTP transport (requests, the long poll and the command WebSocket in Rust)."""

from rxon_core._native import HttpTransport

__all__ = ["HttpTransport"]
