"""Small asyncio helpers the native module uses."""

import asyncio
import weakref
from collections.abc import Awaitable
from typing import TypeVar

from rxon_core import _native

T = TypeVar("T")


async def then_return(awaitable: Awaitable[object], value: T) -> T:
    """Awaits ``awaitable``, then returns ``value`` (``async with`` returning ``self``)."""
    await awaitable
    return value


_bridges: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _native.LoopBridge]" = weakref.WeakKeyDictionary()


def bridge(loop: asyncio.AbstractEventLoop) -> _native.LoopBridge:
    """The queue through which the runtime's threads hand results to ``loop`` (made and
    registered as a reader of ``loop`` on first use)."""
    found = _bridges.get(loop)
    if found is None:
        found = _native.LoopBridge()
        loop.add_reader(found.fileno(), found.drain)
        _bridges[loop] = found
    return found
