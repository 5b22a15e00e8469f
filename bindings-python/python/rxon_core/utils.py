"""Conversions between messages, plain data and JSON text, as the reference's ``rxon.utils``:
the canonical form (sorted keys, nulls dropped, integral floats as integers) is the core's."""

from rxon_core._native import calculate_dict_hash, from_dict, json_dumps, loads, to_dict

__all__ = ["to_dict", "from_dict", "json_dumps", "loads", "calculate_dict_hash"]
