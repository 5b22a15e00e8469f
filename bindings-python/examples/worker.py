"""An RXON worker written with rxon_core: one skill, `add`, with an input contract.

    RXON_URL=http://127.0.0.1:8080 RXON_WORKER_ID=adder-1 RXON_TOKEN=worker-token python worker.py

Ctrl-C (or SIGTERM) drains it: no new tasks; running ones finish and their results are sent.
"""

import asyncio
import logging
import os
import signal
from typing import Any

import rxon_core as rxon

worker = rxon.Worker(
    url=os.environ.get("RXON_URL", "http://127.0.0.1:8080"),
    worker_id=os.environ.get("RXON_WORKER_ID", "adder-1"),
    token=os.environ.get("RXON_TOKEN", "worker-token"),
    max_concurrent_tasks=8,
)


@worker.skill(
    "add",
    input_schema={
        "type": "object",
        "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
        "required": ["a", "b"],
    },
)
async def add(task: rxon.Task) -> dict[str, Any]:
    await task.progress(0.5, "adding")
    return {"sum": task.params["a"] + task.params["b"]}


async def main() -> None:
    loop = asyncio.get_running_loop()
    async with worker:
        for stop in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(stop, lambda: asyncio.ensure_future(worker.drain()))
        await worker.run()
    print(f"worker {worker.worker_id} stopped", flush=True)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(main())
