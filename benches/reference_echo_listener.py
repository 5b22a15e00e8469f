"""The reference listener (rxon 1.0b17 HttpListener on aiohttp) with the same echo engine as
rxon-core's `echo_listener` example: registrations accepted, each poll answered at once with an
`echo` task (or held until its timeout with --hold-polls), the rest acknowledged.

Prints `READY <port>`; runs until SIGINT/SIGTERM or --lifetime seconds.
"""

import argparse
import asyncio
import itertools
import signal

from aiohttp import web
from rxon.transports.http_server import HttpListener

COUNTER = itertools.count()


def make_engine(hold_polls):
    async def engine(action, payload, context):
        if action == "poll":
            if hold_polls:
                await asyncio.sleep(min(context.get("poll_timeout") or 0, 300))
                return None
            n = next(COUNTER)
            return {"job_id": f"job-{payload}-{n}", "task_id": f"task-{n}", "type": "echo", "params": {"n": n}}
        return None

    return engine


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--hold-polls", action="store_true")
    parser.add_argument("--lifetime", type=float, default=3600)
    args = parser.parse_args()
    app = web.Application(client_max_size=16 * 1024 * 1024)
    listener = HttpListener(app)
    listener.setup_routes()
    await listener.start(make_engine(args.hold_polls))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", args.port, backlog=16384)
    await site.start()
    print(f"READY {site._server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), timeout=args.lifetime)
    except TimeoutError:
        pass
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
