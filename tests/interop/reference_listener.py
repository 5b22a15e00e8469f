"""The reference orchestrator side (rxon 1.0b17 HttpListener on aiohttp) with a small
engine, for interoperability tests of rxon's transport.

Prints `READY <port>` once serving on 127.0.0.1. Test-only control routes:
  POST /_test/task   queue a task for the next poll (JSON body)
  GET  /_test/calls  every (action, payload, context) the engine saw, as JSON
It stops by itself after --lifetime seconds (default 120).
"""

import argparse
import asyncio
import json
import sys

from aiohttp import WSMsgType, web
from rxon.exceptions import RxonRateLimitError
from rxon.transports.http_server import HttpListener

CALLS = []
TASKS = []


def record(action, payload, context):
    ctx = {k: v for k, v in context.items() if k != "raw_request"}
    CALLS.append({"action": action, "payload": payload if action != "websocket" else None, "context": ctx})


async def engine(action, payload, context):
    record(action, payload, context)
    token = context.get("token")
    if token == "expired" and action not in ("sts_token", "sts_refresh"):
        raise web.HTTPUnauthorized(text="token expired")
    if action == "websocket_auth" and token == "denied":
        raise PermissionError("no socket for you")
    if action == "poll":
        if TASKS:
            return TASKS.pop(0)
        await asyncio.sleep(min(context.get("poll_timeout") or 0, 1.0))
        return None
    if action == "result":
        if payload.get("job_id") == "busy":
            raise RxonRateLimitError("slow down", details={"code": "QUOTA"})
        if payload.get("job_id") == "late":
            return {"status": "ignored", "reason": "deadline_exceeded"}
        return None
    if action == "heartbeat":
        return {"status": "ok", "require_full_sync": True, "cancel_task_ids": ["t9"]}
    if action == "sts_token":
        return {"access_token": "sts-1", "expires_in": 60, "worker_id": "w1", "refresh_token": "r1"}
    if action == "sts_refresh":
        return {"access_token": "sts-2", "expires_in": 60, "worker_id": "w1"}
    if action == "websocket":
        ws = payload
        # A frame that is no command (the worker must skip it), then a real command.
        await ws.send_str("this is not json")
        await ws.send_str(json.dumps({"unexpected": True}))
        await ws.send_str(json.dumps({"command": "cancel_task", "task_id": "t1", "job_id": "j1"}))
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                record("ws_event", json.loads(msg.data), context)
            else:
                break
        return None
    return None


async def queue_task(request):
    TASKS.append(await request.json())
    return web.json_response({"queued": len(TASKS)})


async def calls(request):
    return web.json_response(CALLS)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lifetime", type=float, default=120.0)
    args = parser.parse_args()
    app = web.Application()
    listener = HttpListener(app)
    listener.setup_routes()
    app.router.add_post("/_test/task", queue_task)
    app.router.add_get("/_test/calls", calls)
    await listener.start(engine)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    try:
        await asyncio.sleep(args.lifetime)
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
