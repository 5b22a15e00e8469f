"""The worker runtime: register, heartbeat, poll while there are free slots, run handlers,
send results — the core's runtime (Rust) with an asyncio surface.

    worker = Worker(url="http://127.0.0.1:8080", worker_id="w1", token="secret")

    @worker.skill("add", input_schema={"type": "object", "required": ["a", "b"]})
    async def add(task: Task) -> dict[str, Any]:
        return {"sum": task.params["a"] + task.params["b"]}

    await worker.run()
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeAlias

from rxon_core import _native
from rxon_core._native import Transport
from rxon_core.constants import (
    ERROR_CODE_INTEGRITY_MISMATCH,
    ERROR_CODE_INVALID_INPUT,
    ERROR_CODE_PERMANENT,
    ERROR_CODE_RESOURCE_EXHAUSTED,
    ERROR_CODE_SECURITY,
    ERROR_CODE_TIMEOUT,
    ERROR_CODE_TRANSIENT,
)
from rxon_core.exceptions import IntegrityError, ParamValidationError
from rxon_core.models import Resources, SkillInfo, WorkerCapabilities

__all__ = ["Task", "TaskFailed", "Handler", "Worker", "failure_code", "failure"]

logger = logging.getLogger("rxon_core")

Task = _native.Task
Handler: TypeAlias = Callable[[Task], Awaitable[Mapping[str, Any] | None] | Mapping[str, Any] | None]


def _off_the_loop(handler: Handler) -> Callable[[Task], Awaitable[Any]]:
    """``handler`` as an ``async`` function: a plain ``def`` runs in a worker thread (as the
    reference SDK runs it), so a blocking handler does not stall the event loop."""
    # An object whose __call__ is ``async def`` is a coroutine function too.
    call = handler if inspect.isfunction(handler) or inspect.ismethod(handler) else type(handler).__call__
    if inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(call):
        return handler  # type: ignore[return-value]

    @functools.wraps(handler)
    async def in_thread(task: Task) -> Any:
        returned = await asyncio.to_thread(handler, task)
        return await returned if inspect.isawaitable(returned) else returned

    return in_thread


class TaskFailed(Exception):
    """Raise from a handler to fail the task with a chosen ``code`` (an ``ERROR_CODE_*``)."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.details = code, message, details


def failure_code(error: BaseException) -> str:
    """The error code a handler's exception reports (first match wins):

    ``TaskFailed`` its own code; ``ParamValidationError`` and ``ValueError``
    ``INVALID_INPUT_ERROR``; ``IntegrityError`` ``INTEGRITY_MISMATCH_ERROR``; ``PermissionError``
    ``SECURITY_ERROR``; ``TimeoutError`` ``TIMEOUT_ERROR``; ``MemoryError``
    ``RESOURCE_EXHAUSTED_ERROR``; ``NotImplementedError`` ``PERMANENT_ERROR``; anything else
    ``TRANSIENT_ERROR`` (the orchestrator may retry it elsewhere).
    """
    if isinstance(error, TaskFailed):
        return error.code
    if isinstance(error, IntegrityError):
        return ERROR_CODE_INTEGRITY_MISMATCH
    if isinstance(error, (ParamValidationError, ValueError)):
        return ERROR_CODE_INVALID_INPUT
    if isinstance(error, PermissionError):
        return ERROR_CODE_SECURITY
    if isinstance(error, TimeoutError):
        return ERROR_CODE_TIMEOUT
    if isinstance(error, MemoryError):
        return ERROR_CODE_RESOURCE_EXHAUSTED
    if isinstance(error, NotImplementedError):
        return ERROR_CODE_PERMANENT
    return ERROR_CODE_TRANSIENT


def failure(error: BaseException) -> tuple[str, str, dict[str, Any] | None]:
    """``(code, message, details)`` a handler's exception is reported with (called by the runtime)."""
    logger.warning("task failed: %r", error)
    details = error.details if isinstance(error, TaskFailed) else None
    return failure_code(error), str(error) or type(error).__name__, details


class Worker:
    """A worker: ``async with worker:`` starts and registers it and drains it on exit;
    ``async for task in worker`` hands out tasks; ``await worker.run()`` runs the handlers
    registered with ``@worker.skill(...)`` (or one ``handler`` for every skill).

    ``signing`` is ``"master_token"`` (HMAC with ``token``, as avtomatika demands), ``"off"``
    or an Ed25519 private key (PEM). ``task_secret`` is the orchestrator's key (avtomatika's
    ``ORCHESTRATOR_SECRET_KEY``): tasks whose ``sig`` does not verify fail with
    ``SECURITY_ERROR`` before a handler runs; an empty one is refused at start with
    ``ValueError``. ``transport`` runs the worker on a given transport (a ``MockTransport`` in
    tests) instead of one made from ``url``.

    A job cancelled on the orchestrator cancels its running handler (its asyncio task gets
    ``CancelledError``): the worker holds the command WebSocket and advertises it where
    avtomatika looks.

    ``concurrent_polls``: long polls kept open at once, each for a free slot (default 1, as
    avtomatika's worker SDK polls); with many slots, more let the worker take tasks as fast as
    the orchestrator hands them out rather than one poll's round trip at a time.

    ``outbox``: each result waits in a file on local disk until the orchestrator has it, and
    what a stopped or killed worker could not deliver goes out first at its next start
    (``True``: ``$XDG_STATE_HOME/rxon/outbox`` or ``~/.local/state/rxon/outbox``; a folder;
    ``False``: in memory only, for diskless devices). A shutdown ends within ``shutdown_grace``
    (twice it when tasks must be cancelled) whatever the network does.
    """

    def __init__(
        self,
        url: str,
        worker_id: str,
        token: str,
        skills: Iterable[SkillInfo | str | Mapping[str, Any]] = (),
        *,
        max_concurrent_tasks: int | None = None,
        concurrent_polls: int | None = None,
        worker_type: str | None = None,
        heartbeat_interval: float | None = None,
        poll_timeout: float | None = None,
        signing: str = "master_token",
        task_secret: str | None = None,
        resources: Resources | None = None,
        capabilities: WorkerCapabilities | None = None,
        advertise_contracts: bool = True,
        shutdown_grace: float | None = None,
        transport: Transport | None = None,
        outbox: str | os.PathLike[str] | bool = True,
    ) -> None:
        self.url, self.worker_id, self._token = url, worker_id, token
        self._skills: dict[str, SkillInfo] = {}
        for skill in skills:
            self._add_skill(skill)
        self._handlers: dict[str, Callable[[Task], Awaitable[Any]]] = {}
        self._options: dict[str, Any] = {
            "max_concurrent_tasks": max_concurrent_tasks,
            "concurrent_polls": concurrent_polls,
            "worker_type": worker_type,
            "heartbeat_interval": heartbeat_interval,
            "poll_timeout": poll_timeout,
            "signing": signing,
            "task_secret": task_secret,
            "resources": resources,
            "capabilities": capabilities,
            "advertise_contracts": advertise_contracts,
            "transport": transport,
            "outbox": outbox,
        }
        # Seconds a shutdown without a grace of its own (or a dropped worker) leaves tasks.
        self.shutdown_grace = _native.SHUTDOWN_GRACE if shutdown_grace is None else shutdown_grace
        self._core: _native.WorkerCore | None = None

    def _add_skill(self, skill: SkillInfo | str | Mapping[str, Any]) -> SkillInfo:
        if isinstance(skill, str):
            skill = SkillInfo(name=skill)
        elif not isinstance(skill, SkillInfo):
            skill = SkillInfo(**skill)
        self._skills[skill.name] = skill
        return skill

    @property
    def skills(self) -> list[SkillInfo]:
        return list(self._skills.values())

    def skill(
        self,
        name: str,
        *,
        input_schema: dict[str, Any] | None = None,
        output_schema: dict[str, Any] | None = None,
        output_statuses: list[str] | None = None,
        description: str | None = None,
        version: str | None = None,
        type: str | None = None,
    ) -> Callable[[Handler], Handler]:
        """Registers the decorated ``async def handler(task) -> dict`` for skill ``name``."""
        if self._core is not None:
            raise RuntimeError("skills must be registered before the worker starts")
        info = SkillInfo(
            name=name,
            type=type,
            description=description,
            version=version,
            input_schema=input_schema,
            output_schema=output_schema,
            output_statuses=output_statuses,
        )

        def register(handler: Handler) -> Handler:
            self._add_skill(info)
            self._handlers[name] = _off_the_loop(handler)
            return handler

        return register

    @property
    def state(self) -> str:
        """``"new"`` before ``start()``, then ``"connecting"``, ``"running"``, ``"draining"``, ``"stopped"``."""
        return "new" if self._core is None else self._core.state

    async def start(self) -> None:
        """Starts the runtime: it registers, then heartbeats and polls in the background."""
        if self._core is not None:
            raise RuntimeError(f"worker {self.worker_id} is already started")
        if not self._skills:
            raise ValueError("a worker needs at least one skill")
        self._core = _native.WorkerCore(
            self.url, self.worker_id, self._token, self.skills, shutdown_grace=self.shutdown_grace, **self._options
        )

    def _started(self) -> _native.WorkerCore:
        if self._core is None:
            raise RuntimeError(f"worker {self.worker_id} is not started (use `async with worker:` or start())")
        return self._core

    async def next_task(self) -> Task | None:
        """The next task, or ``None`` once the worker drains or stops."""
        return await self._started().next_task()

    def __aiter__(self) -> AsyncIterator[Task]:
        return self._tasks()

    async def _tasks(self) -> AsyncIterator[Task]:
        while (task := await self.next_task()) is not None:
            yield task

    async def drain(self) -> None:
        """Takes no new tasks; waits for running ones to finish and their results to be sent."""
        await self._started().drain()

    async def shutdown(self, grace: float | None = None) -> None:
        """Drains for at most ``grace`` seconds (default ``shutdown_grace``), then cancels what runs."""
        await self._started().shutdown(self.shutdown_grace if grace is None else grace)

    async def __aenter__(self) -> Worker:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._core is not None and self._core.state != "stopped":
            await self.shutdown()

    async def run(self, handler: Handler | None = None) -> None:
        """Runs tasks until the worker drains or stops (starting it if needed): each task goes
        to its skill's handler (or ``handler``) in its own asyncio task; a plain ``def`` handler
        runs in a thread. A handler returns the result data (a dict, or ``None`` for ``{}``), or
        the avtomatika worker SDK's result — a dict of only ``status``, ``data`` and ``error``,
        e.g. ``{"status": "failure", "error": {"code": …, "message": …}}``, which fails the task
        with that error. An exception fails the task with :func:`failure_code`; a cancelled
        task's handler is cancelled (a thread handler's result is then ignored)."""
        fallback = None if handler is None else _off_the_loop(handler)
        if self._core is None:
            async with self:
                await self._started().serve(self._handlers, fallback)
        else:
            await self._started().serve(self._handlers, fallback)
