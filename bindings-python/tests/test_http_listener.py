"""``HttpListener(app)`` on aiohttp, side by side with the reference's: the same requests to
an app with each listener and the same handler get the same statuses, headers and answers;
both transports and the command WebSocket work through it."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import rxon
import rxon.transports.http_server
import rxon_core
import rxon_core.transports.http_server
from aiohttp import web
from conftest import run

TASK = {"job_id": "j1", "task_id": "t1", "type": "add", "params": {"a": 1, "b": 2}}


async def handler(action: str, payload: Any, context: dict[str, Any]) -> Any:
    """Behaviour chosen by the request: the `X-Case` header (or the worker id) names it."""
    case = context["raw_request"].headers.get("X-Case", "")
    if case == "forbidden":
        raise PermissionError("bad token")
    if case == "limited":
        raise (
            rxon_core.RxonRateLimitError("slow down")
            if context.get("_ours")
            else rxon.exceptions.RxonRateLimitError("slow down")
        )
    if case == "invalid":
        raise ValueError("b must be positive")
    if case == "conflict":
        raise web.HTTPConflict(text="already taken")
    if case == "broken":
        raise RuntimeError("engine fault")
    if case == "response":
        return web.json_response({"own": True}, status=202)
    if case == "falsy":
        return {}
    if action == "poll":
        return TASK if payload == "busy" else None
    if action in ("heartbeat", "sts_token", "sts_refresh"):
        return {"status": "ok", "seen": payload, "timeout": context.get("poll_timeout")}
    if action in ("register", "result", "event"):
        return {"echo": payload, "hint": context["worker_id_hint"], "token": context["token"]}
    return None


REQUESTS: list[tuple[str, str, dict[str, str], bytes | None]] = [
    ("POST", "/_worker/workers/register", {"X-Worker-ID": "w1"}, b'{"worker_id": "w1", "x": null}'),
    ("POST", "/_worker/workers/register", {"X-Case": "falsy"}, b"{}"),
    ("POST", "/_worker/tasks/result", {}, b'{"job_id": "j", "task_id": "t", "data": {"f": 2.0}}'),
    ("POST", "/_worker/tasks/result", {"X-Case": "falsy"}, b"{}"),
    ("POST", "/_worker/events", {"X-Case": "falsy"}, b"{}"),
    ("GET", "/_worker/workers/busy/tasks/next", {}, None),
    ("GET", "/_worker/workers/idle/tasks/next?timeout=1.5", {}, None),
    ("PATCH", "/_worker/workers/w1", {}, b'{"worker_id": "w1", "status": "idle"}'),
    ("PATCH", "/_worker/workers/w1", {}, None),
    ("PATCH", "/_worker/workers/w1", {"X-Case": "falsy"}, b'{"worker_id": "w1"}'),
    ("POST", "/_worker/auth/token", {"X-Case": "falsy"}, None),
    ("POST", "/_worker/auth/token", {}, None),
    ("POST", "/_worker/auth/token/refresh", {}, b'{"refresh_token": "r"}'),
    *(
        ("POST", "/_worker/tasks/result", {"X-Case": case}, b"{}")
        for case in ("forbidden", "invalid", "conflict", "broken")
    ),
    ("GET", "/_worker/workers/w1/tasks/next", {"X-Case": "limited"}, None),
    ("POST", "/_worker/tasks/result", {"X-Case": "response"}, b"{}"),
    ("POST", "/_worker/tasks/result", {}, b'{"job_id": '),
    ("GET", "/api/own", {}, None),
]


LISTENER = web.AppKey("listener", object)
HANDLER = web.AppKey("handler", object)


def make_app(listener_class: Any, ours: bool) -> web.Application:
    app = web.Application()

    async def own(request: web.Request) -> web.Response:
        return web.json_response({"app": "own route"})

    app.router.add_get("/api/own", own)
    listener = listener_class(app)
    listener.setup_routes()

    async def wrapped(action: str, payload: Any, context: dict[str, Any]) -> Any:
        return await handler(action, payload, {**context, "_ours": ours})

    app[LISTENER] = listener
    app[HANDLER] = wrapped
    return app


async def serving(app: web.Application) -> tuple[web.AppRunner, str]:
    listener: Any = app[LISTENER]
    await listener.start(app[HANDLER])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


async def answer(
    client: aiohttp.ClientSession, url: str, request: tuple[str, str, dict[str, str], bytes | None]
) -> Any:
    method, path, headers, body = request
    async with client.request(method, url + path, headers={"X-Worker-Token": "tok", **headers}, data=body) as r:
        text = await r.text()
        try:
            parsed: Any = json.loads(text)
        except ValueError:
            parsed = text
        return r.status, r.headers.get("X-RXON-Version"), r.headers.get("Retry-After"), parsed


def with_both(scenario: Callable[[str, str], Awaitable[None]]) -> None:
    async def main() -> None:
        theirs = await serving(make_app(rxon.transports.http_server.HttpListener, ours=False))
        ours = await serving(make_app(rxon_core.transports.http_server.HttpListener, ours=True))
        try:
            await scenario(theirs[1], ours[1])
        finally:
            await theirs[0].cleanup()
            await ours[0].cleanup()

    run(main())


def test_every_request_is_answered_as_the_reference_answers_it() -> None:
    async def scenario(theirs: str, ours: str) -> None:
        async with aiohttp.ClientSession() as client:
            for request in REQUESTS:
                expected, got = await answer(client, theirs, request), await answer(client, ours, request)
                if request[3] == b'{"job_id": ':
                    # Both 400; the messages name the JSON problem each in its parser's words.
                    assert (got[0], expected[0]) == (400, 400) and "Invalid JSON" in got[3]["error"], got
                    continue
                assert got == expected, request

    with_both(scenario)


def test_unknown_routes_and_methods() -> None:
    async def scenario(theirs: str, ours: str) -> None:
        async with aiohttp.ClientSession() as client:
            unknown: list[tuple[str, str, dict[str, str], bytes | None]] = [
                ("GET", "/_worker/nothing", {}, None),
                ("GET", "/_worker/tasks/result", {}, None),
            ]
            for request in unknown:
                expected, got = await answer(client, theirs, request), await answer(client, ours, request)
                # The same statuses (404, 405); the core answers them as JSON, with the
                # version header, where aiohttp's own error page has neither.
                assert got[0] == expected[0] and got[1] == rxon_core.PROTOCOL_VERSION, (request, got, expected)
                assert "error" in got[3], got

    with_both(scenario)


def test_transports_and_the_command_websocket_through_it() -> None:
    """The reference's HttpTransport and rxon_core's, against an aiohttp app serving workers
    with rxon_core's HttpListener: a task, its result, and a command down the WebSocket."""

    async def main() -> None:
        app = web.Application()
        listener = rxon_core.transports.http_server.HttpListener(app)
        listener.setup_routes()
        results: list[Any] = []
        sockets: dict[str, web.WebSocketResponse] = {}

        async def engine(action: str, payload: Any, context: dict[str, Any]) -> Any:
            if action == "poll":
                return TASK
            if action == "result":
                results.append(payload)
            if action == "websocket":
                sockets[context["worker_id_hint"]] = payload
                await payload.send_str(json.dumps({"command": "cancel_task", "task_id": "t1"}))
                async for _ in payload:
                    pass
            return None

        await listener.start(engine)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
        try:
            for transport in (rxon.HttpTransport(url, "ref-w", "t"), rxon_core.HttpTransport(url, "our-w", "t")):
                await transport.connect()
                try:
                    task = await transport.poll_task(timeout=2)
                    assert task is not None and task.task_id == "t1"
                    result = type(task).__module__.split(".")[0]
                    models = rxon_core if result == "rxon_core" else rxon
                    sent = models.TaskResult(job_id="j1", task_id="t1", data={"by": result})
                    assert await transport.send_result(sent)
                    commands = transport.listen_for_commands(reconnect=False)
                    command: Any = await asyncio.wait_for(anext(commands), 10)
                    assert (command.command, command.task_id) == ("cancel_task", "t1")
                finally:
                    await transport.close()
            assert [r["data"]["by"] for r in results] == ["rxon", "rxon_core"]
            assert set(sockets) == {"ref-w", "our-w"}
        finally:
            await runner.cleanup()

    run(main())
