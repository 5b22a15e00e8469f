"""The soak's worker on the Python binding: `square` tasks taking 0-20 ms each, rxon_core's
defaults (signing with its token, backoff) and an outbox in the given folder. SIGTERM stops
it within its grace (twice it when tasks must be cancelled).

    python python_worker.py --url URL --id ID --token TOKEN --outbox DIR --slots N --grace S
"""

import argparse
import asyncio
import logging
import random
import signal
from typing import Any

import rxon_core as rxon


async def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("--url", "--id", "--token", "--outbox"):
        parser.add_argument(name, required=True)
    parser.add_argument("--slots", type=int, required=True)
    parser.add_argument("--grace", type=float, required=True)
    args = parser.parse_args()
    worker = rxon.Worker(
        url=args.url,
        worker_id=args.id,
        token=args.token,
        max_concurrent_tasks=args.slots,
        shutdown_grace=args.grace,
        outbox=args.outbox,
    )

    @worker.skill("square")
    async def square(task: rxon.Task) -> dict[str, Any]:
        await asyncio.sleep(random.uniform(0.0, 0.02))
        n = task.params["n"]
        return {"n": n, "square": n * n}

    loop = asyncio.get_running_loop()
    async with worker:
        for stop in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(stop, lambda: asyncio.ensure_future(worker.shutdown()))
        await worker.run()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(main())
