"""The interfaces of the reference: ``Transport`` (a worker's side) and ``Listener`` (an
orchestrator's side). rxon_core's own classes implement them in Rust and are registered, so
``isinstance(HttpTransport(...), Transport)`` holds; subclass these to write your own."""

from __future__ import annotations

from abc import ABC, ABCMeta, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from rxon_core import _native
from rxon_core.models import (
    Heartbeat,
    TaskPayload,
    TaskResult,
    TokenResponse,
    WorkerCommand,
    WorkerEventPayload,
    WorkerRegistration,
)

__all__ = ["Transport", "Listener"]


class Transport(ABC):
    """A worker's connection to its orchestrator."""

    @abstractmethod
    async def connect(self) -> None:
        """Opens the connection."""

    @abstractmethod
    async def close(self) -> None:
        """Closes the connection and releases its resources."""

    @abstractmethod
    async def register(self, registration: WorkerRegistration) -> Any:
        """Registers the worker; returns the orchestrator's answer."""

    @abstractmethod
    async def poll_task(
        self,
        timeout: float = 30.0,
        available_skills: list[str] | None = None,
        hot_skills: list[str] | None = None,
    ) -> TaskPayload | None:
        """Waits up to ``timeout`` seconds for the next task."""

    @abstractmethod
    async def send_result(self, result: TaskResult) -> bool:
        """Delivers a task's result."""

    @abstractmethod
    async def send_heartbeat(self, heartbeat: Heartbeat) -> Any | None:
        """Reports health and usage; returns the orchestrator's answer."""

    @abstractmethod
    async def emit_event(self, event: WorkerEventPayload) -> bool:
        """Sends an event (progress, telemetry)."""

    @abstractmethod
    def listen_for_commands(self, reconnect: bool = True) -> AsyncIterator[WorkerCommand]:
        """The orchestrator's commands, as they arrive."""

    @abstractmethod
    async def refresh_token(self) -> TokenResponse | None:
        """Exchanges the credentials for a fresh access token (STS)."""


class Listener(ABC):
    """An orchestrator's endpoint for workers: ``handler(action, payload, context)`` answers
    every request."""

    @abstractmethod
    async def start(self, handler: Callable[[str, Any, dict[str, Any]], Awaitable[Any]]) -> None:
        """Starts serving workers with ``handler``."""

    @abstractmethod
    async def stop(self) -> None:
        """Stops serving and releases the port."""


# Through ABCMeta: the interface's own abstract `register` (a worker registering) hides the
# class method.
ABCMeta.register(Transport, _native.Transport)
ABCMeta.register(Listener, _native.Listener)
