"""What the reference does with Python objects that are not rxon messages or JSON values.

The core reads JSON values and rxon's messages itself; for anything else it asks here, and
the answer is exactly what the reference's orjson + msgspec path would produce.
"""

from __future__ import annotations

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
