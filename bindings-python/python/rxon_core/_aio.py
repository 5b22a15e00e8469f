"""Small asyncio helpers the native module uses."""

from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def then_return(awaitable: Awaitable[object], value: T) -> T:
    """Awaits ``awaitable``, then returns ``value`` (``async with`` returning ``self``)."""
    await awaitable
    return value
