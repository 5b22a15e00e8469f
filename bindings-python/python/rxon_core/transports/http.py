"""The worker's HTTP transport (requests, the long poll and the command WebSocket in Rust)."""

import logging

from rxon_core._native import HttpTransport

__all__ = ["HttpTransport"]

# The transport logs through the core (logger "rxon_core"); this module's logger is kept
# for code that configures it by the reference's name.
logger = logging.getLogger(__name__)
