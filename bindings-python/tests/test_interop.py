"""Both directions against the reference package (rxon 1.0b17), over loopback: the reference's
HttpTransport against rxon_core.Listener, and rxon_core's HttpTransport against the
reference's HttpListener (aiohttp)."""

import asyncio
import json
from typing import Any

import rxon
import rxon_core
from aiohttp import web
from conftest import Engine, run
from rxon.transports.http_server import HttpListener

TASK = {"job_id": "j1", "task_id": "t1", "type": "add", "params": {"a": 1, "b": 2}, "priority": 2.5}


def test_the_reference_transport_against_our_listener() -> None:
    async def scenario() -> None:
        engine = Engine()
        async with rxon_core.Listener("127.0.0.1", 0, engine) as listener:
            transport = rxon.HttpTransport(f"http://127.0.0.1:{listener.port}", "w1", "token-1")
            await transport.connect()
            try:
                registration = rxon.WorkerRegistration(worker_id="w1", supported_skills=[rxon.SkillInfo(name="add")])
                assert await transport.register(registration) == {"status": "registered"}
                engine.tasks.put_nowait(rxon_core.from_dict(rxon_core.TaskPayload, TASK))
                task = await transport.poll_task(timeout=5)
                assert task == rxon.from_dict(rxon.TaskPayload, TASK)
                assert await transport.send_result(rxon.TaskResult(job_id="j1", task_id="t1", data={"sum": 3}))
                answer = await transport.send_heartbeat(rxon.Heartbeat(worker_id="w1", status="busy"))
                assert answer == {"status": "ok"}

                commands = transport.listen_for_commands(reconnect=False)
                receiving = asyncio.ensure_future(anext(commands))
                while "w1" not in listener.connected_workers:
                    await asyncio.sleep(0.02)
                drain = rxon_core.WorkerCommand(command="drain")
                assert await listener.send_command("w1", drain)
                assert await receiving == rxon.WorkerCommand(command="drain")
                receiving.cancel()
            finally:
                await transport.close()
        results = [payload for action, payload, _ in engine.calls if action == "result"]
        assert results == [{"data": {"sum": 3}, "job_id": "j1", "task_id": "t1"}]
        heartbeats = [payload for action, payload, _ in engine.calls if action == "heartbeat"]
        assert heartbeats == [{"status": "busy", "worker_id": "w1"}]

    run(scenario())


class ReferenceOrchestrator:
    """The reference listener on aiohttp, with a handler recording calls and sending one
    command down each WebSocket."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.tasks: list[dict[str, Any]] = [TASK]

    async def handler(self, action: str, payload: Any, context: dict[str, Any]) -> Any:
        if action == "websocket":
            await payload.send_str(json.dumps({"command": "cancel_task", "task_id": "t1", "job_id": "j1"}))
            async for message in payload:
                self.calls.append(("ws_frame", json.loads(message.data)))
            return None
        self.calls.append((action, payload))
        if action == "poll":
            return self.tasks.pop() if self.tasks else None
        if action == "heartbeat":
            return {"status": "ok", "cancel_task_ids": ["t9"]}
        return None


def test_our_transport_against_the_reference_listener() -> None:
    async def scenario() -> None:
        orchestrator, app = ReferenceOrchestrator(), web.Application()
        listener = HttpListener(app)
        listener.setup_routes()
        await listener.start(orchestrator.handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        try:
            async with rxon_core.HttpTransport(f"http://127.0.0.1:{port}", "w1", "token-1") as transport:
                registration = rxon_core.WorkerRegistration(
                    worker_id="w1", supported_skills=[rxon_core.SkillInfo(name="add")]
                )
                assert (await transport.register(registration))["status"] == "registered"
                task = await transport.poll_task(timeout=2)
                assert task == rxon_core.from_dict(rxon_core.TaskPayload, TASK)
                assert task is not None and task.priority == 2.5
                assert await transport.send_result(rxon_core.TaskResult(job_id="j1", task_id="t1", data={"sum": 3}))
                answer = await transport.send_heartbeat(rxon_core.Heartbeat(worker_id="w1", status="busy"))
                assert answer == {"status": "ok", "cancel_task_ids": ["t9"]}
                command = await anext(transport.listen_for_commands(reconnect=False))
                assert command == rxon_core.WorkerCommand(command="cancel_task", task_id="t1", job_id="j1")
                event = rxon_core.WorkerEventPayload(
                    event_id="e1", worker_id="w1", origin_worker_id="w1", event_type="progress", payload={"p": 1}
                )
                assert await transport.emit_event(event)
                for _ in range(100):
                    if any(kind in ("event", "ws_frame") for kind, _ in orchestrator.calls):
                        break
                    await asyncio.sleep(0.02)
        finally:
            await listener.stop()
            await runner.cleanup()
        kinds = [kind for kind, _ in orchestrator.calls]
        assert kinds[:4] == ["register", "poll", "result", "heartbeat"]
        assert dict(orchestrator.calls)["result"] == {"data": {"sum": 3}, "job_id": "j1", "task_id": "t1"}
        assert "event" in kinds or "ws_frame" in kinds

    run(scenario())
