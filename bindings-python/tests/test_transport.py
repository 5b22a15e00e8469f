"""rxon_core's transports and listener, talking over real loopback sockets."""

import asyncio
from typing import Any

import pytest
import rxon_core as rxon
from conftest import Engine, run

TASK = {"job_id": "j1", "task_id": "t1", "type": "add", "params": {"a": 1, "b": 2}}


def transport_for(listener: rxon.Listener, worker_id: str = "w1", **options: Any) -> rxon.HttpTransport:
    return rxon.HttpTransport(f"http://127.0.0.1:{listener.port}", worker_id, "token-1", **options)


def test_every_action_over_loopback() -> None:
    async def scenario() -> None:
        engine = Engine()
        async with rxon.Listener("127.0.0.1", 0, engine) as listener, transport_for(listener) as transport:
            registration = rxon.WorkerRegistration(worker_id="w1", supported_skills=[rxon.SkillInfo(name="add")])
            assert await transport.register(registration) == {"status": "registered"}

            engine.tasks.put_nowait(TASK)
            task = await transport.poll_task(timeout=5, available_skills=["add"])
            assert task == rxon.from_dict(rxon.TaskPayload, TASK)
            assert await transport.poll_task(timeout=0.2) is None

            result = rxon.TaskResult(job_id="j1", task_id="t1", worker_id="w1", data={"sum": 3})
            assert await transport.send_result(result) is True
            assert await transport.send_heartbeat(rxon.Heartbeat(worker_id="w1", status="idle")) == {"status": "ok"}
            token = await transport.refresh_token()
            assert token == rxon.TokenResponse(access_token="sts-1", expires_in=60, worker_id="w1")

            commands = transport.listen_for_commands()
            receiving = asyncio.ensure_future(anext(commands))
            while "w1" not in listener.connected_workers:
                await asyncio.sleep(0.02)
            cancel = rxon.WorkerCommand(command="cancel_task", task_id="t1", job_id="j1")
            assert await listener.send_command("w1", cancel)
            assert await receiving == cancel
            event = rxon.WorkerEventPayload(
                event_id="e1", worker_id="w1", origin_worker_id="w1", event_type="progress", payload={"progress": 0.5}
            )
            assert await transport.emit_event(event) is True
            while "event" not in engine.actions():
                await asyncio.sleep(0.02)

        by_action = {action: (payload, context) for action, payload, context in reversed(engine.calls)}  # first call
        assert by_action["register"][0]["supported_skills"] == [{"name": "add"}]
        assert by_action["poll"][0] == "w1"
        assert by_action["poll"][1]["available_skills"] == ["add"]
        assert by_action["result"][0]["data"] == {"sum": 3}
        assert by_action["event"][0]["payload"] == {"progress": 0.5}
        assert by_action["event"][1]["transport"] == "websocket"  # up the open command socket
        assert by_action["register"][1]["token"] == "token-1"
        assert by_action["register"][1]["worker_id_hint"] == "w1"

    run(scenario())


@pytest.mark.parametrize(
    ("raised", "expected", "status"),
    [
        (PermissionError("not you"), rxon.RxonAuthError, 403),
        (rxon.RxonRateLimitError("slow down", {"code": "QUOTA", "retry_after": 1}), rxon.RxonRateLimitError, 429),
        (ValueError("bad registration"), rxon.RxonProtocolError, 400),
        (RuntimeError("engine bug"), rxon.RxonProtocolError, 500),
    ],
)
def test_handler_exceptions_become_the_references_statuses(
    raised: Exception, expected: type[rxon.RxonError], status: int
) -> None:
    async def handler(action: str, payload: Any, context: dict[str, Any]) -> Any:
        raise raised

    async def scenario() -> None:
        async with rxon.Listener("127.0.0.1", 0, handler) as listener, transport_for(listener) as transport:
            with pytest.raises(expected) as error:
                await transport.register(rxon.WorkerRegistration(worker_id="w1"))
            assert str(raised) in error.value.message
            if status != 403:
                assert error.value.details.get("status") == status
            if isinstance(raised, rxon.RxonRateLimitError):
                assert error.value.details["code"] == "QUOTA"

    run(scenario())


def test_a_cancelled_poll_closes_its_request() -> None:
    """Cancelling the asyncio task awaiting poll_task aborts the Rust future: the request's
    connection closes and the orchestrator's handler is cancelled (it must not hand the
    abandoned poll a task)."""
    polled, handler_cancelled = asyncio.Event(), asyncio.Event()

    async def handler(action: str, payload: Any, context: dict[str, Any]) -> Any:
        if action != "poll":
            return None
        polled.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            handler_cancelled.set()
            raise
        return None

    async def scenario() -> None:
        async with rxon.Listener("127.0.0.1", 0, handler) as listener, transport_for(listener) as transport:
            polling = asyncio.ensure_future(transport.poll_task(timeout=30))
            await asyncio.wait_for(polled.wait(), 5)
            polling.cancel()
            with pytest.raises(asyncio.CancelledError):
                await polling
            await asyncio.wait_for(handler_cancelled.wait(), 5)

    run(scenario())


def test_use_after_close_raises_until_connect() -> None:
    async def scenario() -> None:
        engine = Engine()
        async with rxon.Listener("127.0.0.1", 0, engine) as listener:
            transport = transport_for(listener)
            await transport.close()
            with pytest.raises(RuntimeError, match="HttpTransport is closed"):
                await transport.poll_task(timeout=0.1)
            with pytest.raises(RuntimeError, match="closed"):
                transport.listen_for_commands()
            await transport.connect()
            assert await transport.send_heartbeat(rxon.Heartbeat(worker_id="w1", status="idle")) == {"status": "ok"}
            await transport.close()

    run(scenario())


def test_a_dead_orchestrator_is_a_network_error() -> None:
    async def scenario() -> None:
        async with rxon.Listener("127.0.0.1", 0, Engine()) as listener:
            port = listener.port
        async with rxon.HttpTransport(f"http://127.0.0.1:{port}", "w1", "t", result_retries=1) as transport:
            with pytest.raises(rxon.RxonNetworkError):
                await transport.register(rxon.WorkerRegistration(worker_id="w1"))

    run(scenario())


def test_mock_transport_records_and_replays() -> None:
    async def scenario() -> None:
        async with rxon.MockTransport(worker_id="w1") as mock:
            mock.push_task(TASK)
            task = await mock.poll_task(timeout=1)
            assert isinstance(task, rxon.TaskPayload) and task.params == {"a": 1, "b": 2}
            assert await mock.poll_task(timeout=0.05) is None
            await mock.register(rxon.WorkerRegistration(worker_id="w1"))
            await mock.send_heartbeat(rxon.Heartbeat(worker_id="w1", status="idle"))
            assert await mock.send_result(rxon.TaskResult(job_id="j1", task_id="t1"))
            mock.push_command({"command": "drain"})
            assert await anext(mock.listen_for_commands()) == rxon.WorkerCommand(command="drain")
            assert [r.worker_id for r in mock.registered] == ["w1"]
            assert [h.status for h in mock.heartbeats] == ["idle"]
            assert mock.results == [rxon.TaskResult(job_id="j1", task_id="t1")]
            assert mock.connected

    run(scenario())


def test_create_transport_chooses_by_scheme() -> None:
    http = rxon.create_transport("ws://127.0.0.1:9/", "w1", "t", request_timeout=2, colour="blue")
    assert isinstance(http, rxon.HttpTransport) and http.base_url == "http://127.0.0.1:9"
    assert http.extra_config == {"colour": "blue"}
    assert isinstance(rxon.create_transport("mock://x", "w1", "t"), rxon.MockTransport)
    with pytest.raises(ValueError, match="Unsupported transport scheme in URL: ftp://x"):
        rxon.create_transport("ftp://x", "w1", "t")
    with pytest.raises(TypeError, match="ssl_context: rxon_core's TLS runs in Rust"):
        rxon.create_transport("https://x", "w1", "t", ssl_context=object())

    async def poll_backwards() -> None:
        await rxon.MockTransport().poll_task(timeout=-1)

    with pytest.raises(ValueError, match="timeout must be a finite number"):
        run(poll_backwards())


def test_a_plain_function_can_be_the_handler() -> None:
    def handler(action: str, payload: Any, context: dict[str, Any]) -> Any:
        if context["token"] != "token-1":
            raise PermissionError("who are you")
        return {"status": "ok", "seen": action} if action == "heartbeat" else None

    async def scenario() -> None:
        async with rxon.Listener("127.0.0.1", 0, handler) as listener, transport_for(listener) as transport:
            answer = await transport.send_heartbeat(rxon.Heartbeat(worker_id="w1", status="idle"))
            assert answer == {"status": "ok", "seen": "heartbeat"}
            assert await transport.register(rxon.WorkerRegistration(worker_id="w1")) == {"status": "registered"}
            async with rxon.HttpTransport(f"http://127.0.0.1:{listener.port}", "w1", "stolen") as intruder:
                with pytest.raises(rxon.RxonAuthError, match="who are you"):
                    await intruder.register(rxon.WorkerRegistration(worker_id="w1"))

    run(scenario())


def test_listener_limits_are_options_and_a_poll_flood_is_answered_429() -> None:
    """The listener's limits (docs/reliability.md) are keyword options; over the per-worker
    poll cap a worker gets 429 (RxonRateLimitError), never a queue."""
    with pytest.raises(ValueError, match="max_connections must be at least 1"):
        rxon.Listener(max_connections=0)

    async def slow_polls(action: str, payload: Any, context: dict[str, Any]) -> Any:
        if action == "poll":
            await asyncio.sleep(min(context.get("poll_timeout") or 0, 1.0))
        return None

    async def scenario() -> None:
        async with rxon.Listener(
            "127.0.0.1", 0, slow_polls, max_polls_per_worker=1, header_read_timeout=5, max_header_bytes=16384
        ) as listener:
            transport = rxon.HttpTransport(f"http://127.0.0.1:{listener.port}", "w1", "t")
            await transport.connect()
            try:
                first = asyncio.ensure_future(transport.poll_task(timeout=1))
                await asyncio.sleep(0.2)
                with pytest.raises(rxon.RxonRateLimitError):
                    await transport.poll_task(timeout=1)
                assert await first is None
            finally:
                await transport.close()

    run(scenario())
