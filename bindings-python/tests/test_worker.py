"""rxon_core.Worker on the core's runtime: handlers, failure codes, cancellation, draining,
use after stop and in a forked child."""

import asyncio
import gc
import os
import socket
import time
from pathlib import Path
from typing import Any

import pytest
import rxon_core as rxon
from conftest import Engine, run

ADD_SCHEMA = {
    "type": "object",
    "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
    "required": ["a", "b"],
}


def task(task_id: str, skill: str = "add", **params: Any) -> dict[str, Any]:
    return {"job_id": f"job-{task_id}", "task_id": task_id, "type": skill, "params": params}


async def results_of(mock: rxon.MockTransport, count: int) -> dict[str, rxon.TaskResult]:
    while len(mock.results) < count:
        await asyncio.sleep(0.01)
    return {result.task_id: result for result in mock.results}


def mock_worker(mock: rxon.MockTransport, **options: Any) -> rxon.Worker:
    options.setdefault("signing", "off")
    return rxon.Worker("mock://", mock.worker_id, "token", transport=mock, poll_timeout=0.2, **options)


def test_handlers_run_and_exceptions_become_failure_codes() -> None:
    async def scenario() -> None:
        mock = rxon.MockTransport(worker_id="w1")
        worker = mock_worker(mock, max_concurrent_tasks=4)

        @worker.skill("add", input_schema=ADD_SCHEMA)
        async def add(task: rxon.Task) -> dict[str, Any]:
            if task.params["a"] < 0:
                raise ValueError("a must not be negative")
            if task.params["a"] == 13:
                raise rxon.TaskFailed(rxon.ERROR_CODE_DEPENDENCY, "no luck", {"why": "13"})
            if task.params["a"] == 99:
                raise RuntimeError("flaky")
            await task.progress(0.5, "halfway")
            return {"sum": task.params["a"] + task.params["b"]}

        for item in [task("ok", a=1, b=2), task("neg", a=-1, b=0), task("dep", a=13, b=0), task("flaky", a=99, b=0)]:
            mock.push_task(item)
        mock.push_task(task("schema", a="one", b=2))  # refused by the core before the handler
        mock.push_task(task("unknown", skill="mul"))
        async with worker:
            running = asyncio.create_task(worker.run())
            results = await results_of(mock, 6)
            await worker.drain()
            await running
        assert results["ok"].status == rxon.TASK_STATUS_SUCCESS and results["ok"].data == {"sum": 3}
        codes = {task_id: result.error.code for task_id, result in results.items() if result.error}
        assert codes == {
            "neg": rxon.ERROR_CODE_INVALID_INPUT,
            "dep": rxon.ERROR_CODE_DEPENDENCY,
            "flaky": rxon.ERROR_CODE_TRANSIENT,
            "schema": rxon.ERROR_CODE_INVALID_INPUT,
            "unknown": rxon.ERROR_CODE_PERMANENT,  # the core refuses skills it does not have
        }, codes
        assert results["dep"].error is not None and results["dep"].error.details == {"why": "13"}
        assert [e.payload for e in mock.emitted_events] == [{"progress": 0.5, "message": "halfway"}]
        assert mock.registered[0].supported_skills is not None
        assert mock.registered[0].supported_skills[0].input_schema == ADD_SCHEMA
        assert worker.state == "stopped"

    run(scenario())


def test_a_cancel_command_cancels_the_handler() -> None:
    async def scenario() -> None:
        mock = rxon.MockTransport(worker_id="w1")
        worker = mock_worker(mock)
        started, handler_cancelled = asyncio.Event(), asyncio.Event()

        @worker.skill("sleep")
        async def sleep(task: rxon.Task) -> dict[str, Any]:
            started.set()
            try:
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                handler_cancelled.set()
                raise
            return {}

        mock.push_task(task("long", skill="sleep"))
        async with worker:
            running = asyncio.create_task(worker.run())
            await asyncio.wait_for(started.wait(), 5)
            mock.push_command({"command": "cancel_task", "task_id": "long", "job_id": "job-long"})
            await asyncio.wait_for(handler_cancelled.wait(), 5)
            results = await results_of(mock, 1)
            await worker.drain()
            await running
        assert results["long"].status == rxon.TASK_STATUS_CANCELLED

    run(scenario())


def test_tasks_by_async_for_report_exactly_one_outcome() -> None:
    async def scenario() -> None:
        mock = rxon.MockTransport(worker_id="w1")
        mock.push_task(task("t1", a=1, b=1))
        async with mock_worker(mock, skills=["add"]) as worker:
            async for handle in worker:
                assert (handle.task_id, handle.type, handle.params) == ("t1", "add", {"a": 1, "b": 1})
                assert handle.payload.job_id == "job-t1" and not handle.cancelled
                handle.complete({"sum": 2})
                with pytest.raises(RuntimeError, match="already has an outcome"):
                    handle.fail(rxon.ERROR_CODE_INTERNAL, "twice")
                break
            await results_of(mock, 1)
        assert mock.results[0].data == {"sum": 2}
        assert worker.state == "stopped"
        with pytest.raises(RuntimeError, match="already started"):
            await worker.start()

    run(scenario())


@pytest.mark.parametrize("concurrent_polls", [1, 3])
def test_a_worker_against_the_listener(concurrent_polls: int) -> None:
    async def scenario() -> None:
        engine = Engine()
        async with rxon.Listener("127.0.0.1", 0, engine) as listener:
            url = f"http://127.0.0.1:{listener.port}"
            worker = rxon.Worker(url, "w1", "secret", max_concurrent_tasks=3, concurrent_polls=concurrent_polls)

            @worker.skill("add")
            async def add(task: rxon.Task) -> dict[str, Any]:
                return {"sum": task.params["a"] + task.params["b"]}

            for i in range(10):
                engine.tasks.put_nowait(task(f"t{i}", a=i, b=1))
            async with worker:
                running = asyncio.create_task(worker.run())
                results = await engine.wait_results(10)
                await worker.drain()
                await running
        assert sorted(r["data"]["sum"] for r in results) == list(range(1, 11))
        assert all(r["security"]["signer_id"] == "w1" for r in results)  # signed with the token
        assert "register" in engine.actions() and "heartbeat" in engine.actions()

    run(scenario())


def test_a_forked_child_gets_a_clear_error_instead_of_a_hang() -> None:
    mock = rxon.MockTransport()

    async def poll() -> rxon.TaskPayload | None:
        return await mock.poll_task(timeout=0.01)

    run(poll())  # the runtime is running in this process now
    pid = os.fork()
    if pid == 0:  # the child: every await would hang on the parent's (absent) runtime threads
        try:
            run(poll(), within=5)
        except RuntimeError as error:
            os._exit(0 if "forked child" in str(error) else 2)
        except BaseException:
            os._exit(3)
        os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_bad_configuration_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one skill"):
        run(rxon.Worker("http://127.0.0.1:9", "w1", "t").start())
    with pytest.raises(ValueError, match="max_concurrent_tasks"):
        run(rxon.Worker("http://127.0.0.1:9", "w1", "t", ["add"], max_concurrent_tasks=0).start())
    with pytest.raises(ValueError, match="concurrent_polls must be at least 1"):
        run(rxon.Worker("http://127.0.0.1:9", "w1", "t", ["add"], concurrent_polls=0).start())
    with pytest.raises(ValueError, match="signing must be"):
        run(rxon.Worker("http://127.0.0.1:9", "w1", "t", ["add"], signing="rot13").start())
    with pytest.raises(RuntimeError, match="not started"):
        run(rxon.Worker("http://127.0.0.1:9", "w1", "t", ["add"]).drain())


def test_a_forgotten_worker_is_shut_down() -> None:
    """A worker left running (no `async with`, no shutdown) would go on taking tasks nobody
    runs; once it is garbage, the core shuts it down."""
    mock = rxon.MockTransport(worker_id="w1")

    async def start_and_forget() -> None:
        worker = mock_worker(mock, skills=["add"])
        await worker.start()
        while not mock.registered:
            await asyncio.sleep(0.01)

    run(start_and_forget())
    gc.collect()
    deadline = time.monotonic() + 10
    while mock.connected and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not mock.connected, "the worker still runs"


def test_a_forgotten_listener_is_stopped() -> None:
    """Dropping the core's listener stops its server (its shutdown signal's sender goes)."""

    async def start_and_forget() -> int:
        listener = rxon.Listener("127.0.0.1", 0, Engine())
        port = await listener.start()
        return port

    port = run(start_and_forget())
    gc.collect()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except ConnectionRefusedError:
            return
        time.sleep(0.05)
    raise AssertionError(f"port {port} still accepts connections")


def test_plain_def_handlers_run_in_a_thread_and_sdk_results_keep_their_outcome() -> None:
    """A plain ``def`` handler runs off the event loop (as the reference SDK runs it); the SDK's
    ``{"status": …, "data"/"error": …}`` result keeps its meaning; a non-dict result fails."""
    threads: list[bool] = []

    async def scenario() -> None:
        mock = rxon.MockTransport(worker_id="w1")
        worker = mock_worker(mock, max_concurrent_tasks=4)
        loop_thread = asyncio.get_running_loop()

        @worker.skill("add")
        def add(task: rxon.Task) -> Any:
            try:
                asyncio.get_running_loop()
                threads.append(False)
            except RuntimeError:
                threads.append(True)  # no loop here: a worker thread
            time.sleep(0.05)  # blocking is fine off the loop
            kind = task.params["kind"]
            if kind == "failure":
                return {"status": "failure", "error": {"code": rxon.ERROR_CODE_PERMANENT, "message": "bad input"}}
            if kind == "wrapped":
                return {"status": "success", "data": {"sum": 3}}
            if kind == "list":
                return [1, 2]
            return {"sum": 3}

        assert loop_thread is not None
        for kind in ["plain", "failure", "wrapped", "list"]:
            mock.push_task(task(kind, kind=kind))
        async with worker:
            running = asyncio.create_task(worker.run())
            results = await results_of(mock, 4)
            await worker.drain()
            await running
        assert results["plain"].data == {"sum": 3} and results["wrapped"].data == {"sum": 3}
        failure = results["failure"]
        assert failure.status == rxon.TASK_STATUS_FAILURE and failure.error is not None
        assert (failure.error.code, failure.error.message) == (rxon.ERROR_CODE_PERMANENT, "bad input")
        listed = results["list"]
        assert listed.error is not None and listed.error.code == rxon.ERROR_CODE_PERMANENT, listed

    run(scenario())
    assert threads == [True] * 4


def test_shutdown_grace_defaults_to_the_cores() -> None:
    assert rxon.Worker("mock://", "w", "t").shutdown_grace == 10.0
    assert rxon.Worker("mock://", "w", "t", shutdown_grace=2.5).shutdown_grace == 2.5


def test_a_result_the_orchestrator_never_took_waits_in_the_outbox_for_the_next_start(tmp_path: Path) -> None:
    """A shutdown ends within its grace while the orchestrator holds the result unanswered;
    the result stays in the outbox (a folder given here), and the next worker with the same
    id and orchestrator delivers it once before polling."""
    accepted: list[Any] = []
    hold = asyncio.Event()
    handed_out = False

    async def engine(action: str, payload: Any, context: dict[str, Any]) -> Any:
        nonlocal handed_out
        if action == "poll":
            if not handed_out:
                handed_out = True
                return {"job_id": "j1", "task_id": "t1", "type": "echo", "params": {"n": 1}}
            await asyncio.sleep(min(context.get("poll_timeout") or 0, 0.2))
            return None
        if action == "result":
            if not hold.is_set():
                await asyncio.Event().wait()  # held, never answered
            accepted.append(payload)
        return None

    async def scenario() -> None:
        async with rxon.Listener("127.0.0.1", 0, engine) as listener:
            url = f"http://127.0.0.1:{listener.port}"
            first = rxon.Worker(url, "outbox-w", "t", ["echo"], poll_timeout=1, outbox=tmp_path)

            @first.skill("echo")
            async def echo(task: rxon.Task) -> dict[str, Any]:
                return {"echo": task.params}

            async with first:
                running = asyncio.create_task(first.run())
                while not any(tmp_path.iterdir()) or not (next(tmp_path.iterdir())).stat().st_size:
                    await asyncio.sleep(0.02)
                started = asyncio.get_running_loop().time()
                await first.shutdown(1.0)
                took = asyncio.get_running_loop().time() - started
                await running
            assert took < 2.0, f"the shutdown took {took:.2f} s with a 1 s grace"
            kept = [line for f in tmp_path.iterdir() for line in f.read_text().splitlines()]
            assert any('"task_id":"t1"' in line for line in kept), kept

            hold.set()
            second = rxon.Worker(url, "outbox-w", "t", ["echo"], poll_timeout=1, outbox=tmp_path)
            async with second:
                while not accepted:
                    await asyncio.sleep(0.02)
                await asyncio.sleep(0.3)
        assert [(r["job_id"], r["task_id"], r["data"]) for r in accepted] == [("j1", "t1", {"echo": {"n": 1}})]
        assert not any(tmp_path.iterdir()), "delivered: the outbox file is gone"

    run(scenario(), within=60)
