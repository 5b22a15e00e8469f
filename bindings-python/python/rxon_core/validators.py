"""Identifiers (worker ids, job ids, skill names): letters, digits, ``_`` and ``-``, at most
128 characters — checked by the core."""

import re

from rxon_core._native import is_valid_identifier, validate_identifier

__all__ = ["is_valid_identifier", "validate_identifier"]

# The rule the core applies, as a pattern for code that wants one (as the reference has it).
ID_PATTERN = re.compile(r"^[a-zA-Z0-9_-]+$")
