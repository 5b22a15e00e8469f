"""The reference worker side (rxon 1.0b17 HttpTransport) driven against an RXON listener,
for interoperability tests of rxon's listener. Prints one JSON object describing what the
orchestrator answered; exits non-zero on any unexpected exception.

The listener is expected to: queue one task for the poll, answer heartbeats with
require_full_sync/cancel_task_ids, send one command over the WebSocket, and serve STS.
"""

import argparse
import asyncio
import json
import sys

from rxon.models import Heartbeat, SkillInfo, TaskResult, WorkerEventPayload, WorkerRegistration
from rxon.transports.http import HttpTransport
from rxon.utils import to_dict


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", default="secret")
    args = parser.parse_args()
    out = {}
    transport = HttpTransport(base_url=args.url, worker_id="w1", token=args.token, result_retries=1)
    await transport.connect()
    try:
        reg = WorkerRegistration(worker_id="w1", supported_skills=[SkillInfo(name="echo")])
        out["register"] = await transport.register(reg)
        task = await transport.poll_task(timeout=5, available_skills=["echo", "add"], hot_skills=["echo"])
        out["task"] = to_dict(task)
        out["empty_poll"] = to_dict(await transport.poll_task(timeout=0.3))
        result = TaskResult(job_id=task.job_id, task_id=task.task_id, worker_id="w1", data={"echo": task.params})
        out["result"] = await transport.send_result(result)
        out["late_result"] = await transport.send_result(TaskResult(job_id="late", task_id="t2", worker_id="w1"))
        out["heartbeat"] = await transport.send_heartbeat(Heartbeat(worker_id="w1", status="idle"))
        event = WorkerEventPayload(event_id="e-http", worker_id="w1", origin_worker_id="w1", event_type="progress", payload={"p": 0.5})
        out["event_http"] = await transport.emit_event(event)

        commands = transport.listen_for_commands(reconnect=False)
        command = await asyncio.wait_for(commands.__anext__(), timeout=10)
        out["command"] = to_dict(command)
        ws_event = WorkerEventPayload(event_id="e-ws", worker_id="w1", origin_worker_id="w1", event_type="progress", payload={"p": 1})
        out["event_ws"] = await transport.emit_event(ws_event)
        await asyncio.sleep(0.2)

        token = await transport.refresh_token()
        out["sts_token"] = to_dict(token)
        token = await transport.refresh_token()
        out["sts_refresh"] = to_dict(token)
        await commands.aclose()
    finally:
        await transport.close()
    print(json.dumps(out, sort_keys=True), flush=True)


if __name__ == "__main__":
    try:
        asyncio.run(asyncio.wait_for(main(), timeout=60))
    except Exception as exc:  # the test reads stderr
        print(f"reference worker failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        sys.exit(1)
