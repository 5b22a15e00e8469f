"""A minimal orchestrator on rxon_core.Listener: hands out `--tasks` tasks of skill `add`,
prints each result, and exits once all are in.

    python orchestrator.py --port 8080 --tasks 10

Prints `READY <port>` once listening (`--port 0` picks a free one).
"""

import argparse
import asyncio
from typing import Any

import rxon_core as rxon


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--tasks", type=int, default=10)
    parser.add_argument("--token", default="worker-token")
    args = parser.parse_args()

    pending: asyncio.Queue[rxon.TaskPayload] = asyncio.Queue()
    for i in range(args.tasks):
        pending.put_nowait(
            rxon.TaskPayload(job_id=f"job-{i}", task_id=f"task-{i}", type="add", params={"a": i, "b": 1})
        )
    results: dict[str, Any] = {}
    all_in = asyncio.Event()

    async def handler(action: str, payload: Any, context: dict[str, Any]) -> Any:
        if context.get("token") != args.token:
            raise PermissionError("unknown worker token")  # → 403
        if action == "poll":
            try:
                return await asyncio.wait_for(pending.get(), timeout=context.get("poll_timeout") or 1)
            except TimeoutError:
                return None  # → 204, the worker polls again
        if action == "result":
            result = rxon.from_dict(rxon.TaskResult, payload)  # ValueError → 400
            results[result.task_id] = result.data if result.status == rxon.TASK_STATUS_SUCCESS else result.error
            print(f"{result.task_id}: {result.status} {results[result.task_id]}", flush=True)
            if len(results) == args.tasks:
                all_in.set()
        return None  # the action's default answer

    async with rxon.Listener(args.host, args.port, handler) as listener:
        print(f"READY {listener.port}", flush=True)
        await all_in.wait()
    print(f"DONE {len(results)} results", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
