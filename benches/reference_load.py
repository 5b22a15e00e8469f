"""Drives N workers (the reference rxon 1.0b17 HttpTransport, one asyncio task each, one
process) against an RXON listener for a bounded time; prints one JSON line like rxon-core's
`load` example: {"ops_per_s", "p50_ms", "p99_ms", "errors"}.
"""

import argparse
import asyncio
import json
import time

from rxon.models import Heartbeat, TaskResult
from rxon.transports.http import HttpTransport


async def worker(i, url, token, mode, deadline, latencies, errors):
    transport = HttpTransport(base_url=url, worker_id=f"ref-load-{i}", token=token, result_retries=1)
    await transport.connect()
    heartbeat = Heartbeat(worker_id=f"ref-load-{i}", status="idle")
    try:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                if mode == "cycle":
                    task = await transport.poll_task(timeout=5)
                    if task is not None:
                        await transport.send_result(TaskResult(job_id=task.job_id, task_id=task.task_id, worker_id=f"ref-load-{i}", data=task.params))
                else:
                    await transport.send_heartbeat(heartbeat)
                latencies.append(time.perf_counter() - started)
            except Exception:
                errors[0] += 1
                await asyncio.sleep(0.01)
    finally:
        await transport.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--mode", choices=["cycle", "heartbeat"], default="cycle")
    parser.add_argument("--token", default="token")
    args = parser.parse_args()
    latencies, errors = [], [0]
    started = time.monotonic()
    deadline = started + args.duration
    await asyncio.gather(*(worker(i, args.url, args.token, args.mode, deadline, latencies, errors) for i in range(args.workers)))
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p):
        return latencies[round((len(latencies) - 1) * p)] * 1000 if latencies else 0.0

    print(json.dumps({"ops_per_s": round(len(latencies) / elapsed, 1), "p50_ms": round(pct(0.5), 3), "p99_ms": round(pct(0.99), 3), "errors": errors[0], "ops": len(latencies), "workers": args.workers}))


if __name__ == "__main__":
    asyncio.run(main())
