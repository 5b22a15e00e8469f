"""What the reference does with Python objects that are not rxon messages or JSON values.

The core reads JSON values and rxon's messages itself; for anything else it asks here, and
the answer is exactly what the reference's orjson + msgspec path would produce.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import uuid
from typing import Any

import msgspec


def from_dict(cls: Any, data: Any) -> Any:
    """The reference's ``from_dict`` for a class that is not an rxon message: ``msgspec.convert``
    (user structs, dataclasses, ``list[TaskPayload]``, datetimes, UUIDs, …)."""
    try:
        if isinstance(data, cls):
            return data
    except TypeError:
        pass
    if isinstance(cls, type) and issubclass(cls, msgspec.Struct) and not isinstance(data, dict):
        return data
    try:
        return msgspec.convert(data, cls)
    except (msgspec.ValidationError, msgspec.DecodeError, TypeError, KeyError, ValueError) as e:
        name = cls.__name__ if hasattr(cls, "__name__") else str(cls)
        raise ValueError(f"Failed to instantiate {name}: {e}") from e


def plain(obj: Any) -> Any:
    """A value the core does not know as JSON, as the reference writes it: orjson's own forms
    (an enum's value, ISO 8601 dates and times, a UUID's text, a dataclass's public members),
    a struct's ``msgspec.to_builtins`` form without private fields, and ``str(obj)`` for the
    rest (a set, a Decimal, a Path, a float or tuple subclass, …)."""
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (datetime.datetime, datetime.date, datetime.time)):
        return obj.isoformat()
    if isinstance(obj, uuid.UUID):
        return str(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        # orjson reads the instance's __dict__ when it has one (a field left at its class
        # default by msgspec.convert is absent there), its fields otherwise (slots).
        members = (
            vars(obj) if hasattr(obj, "__dict__") else {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
        )
        return {k: v for k, v in members.items() if not k.startswith("_")}
    if isinstance(obj, msgspec.Struct):
        try:
            return {k: v for k, v in msgspec.to_builtins(obj).items() if not k.startswith("_")}
        except Exception:  # an array-like struct has no items: the reference falls back to str
            return str(obj)
    return str(obj)


def key(obj: Any) -> str | None:
    """The text a mapping key that is not a ``str`` is written as (orjson's ``OPT_NON_STR_KEYS``,
    which the reference uses); ``None`` for a key that has none (a tuple, …)."""
    if isinstance(obj, bool):
        return "true" if obj else "false"
    if isinstance(obj, str):
        return str(obj)
    if isinstance(obj, int):
        return str(int(obj))
    if isinstance(obj, float):
        return repr(float(obj))
    if obj is None:
        return "null"
    if isinstance(obj, enum.Enum):
        return key(obj.value)
    if isinstance(obj, (datetime.datetime, datetime.date, datetime.time)):
        return obj.isoformat()
    if isinstance(obj, uuid.UUID):
        return str(obj)
    return None
