"""The real orchestrator, avtomatika 1.0b30, with in-memory storage and one blueprint, for
end-to-end tests of rxon workers.

Blueprint `e2e` (POST /api/v1/jobs/e2e): dispatches task type `add` with the job's initial
data as params (and its `priority` member, when given, as the task's priority; else
avtomatika's default); `success` → `finished`, `failure` → `failed` (avtomatika calls a job
`finished` only when it ends in the state of that name).

Tasks are signed with ORCHESTRATOR_SECRET_KEY (--secret), as avtomatika is deployed. A task
whose params hold `"tamper": true` is altered after signing, in the task queue (as a
compromised store would), so its `sig` no longer matches.

With --rxon-core, `rxon_core.install_as_rxon()` runs before avtomatika is imported: the
orchestrator, unchanged, then serves workers through rxon_core (its `HttpListener`, messages,
signatures and schema checks run on the Rust core).

Prints `READY <port>` once serving on 127.0.0.1; stops by itself after --lifetime seconds.
"""

import argparse
import asyncio
import logging
import os
import socket
import sys


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--client-token", default="client-token")
    parser.add_argument("--worker-token", default="worker-token")
    parser.add_argument("--secret", default="orchestrator-secret")
    parser.add_argument("--lifetime", type=float, default=300)
    parser.add_argument("--rxon-core", action="store_true")
    args = parser.parse_args()
    if args.rxon_core:
        import rxon_core

        rxon_core.install_as_rxon()
    port = free_port()
    os.environ.update(
        {
            "API_HOST": "127.0.0.1",
            "API_PORT": str(port),
            "CLIENT_TOKEN": args.client_token,
            "GLOBAL_WORKER_TOKEN": args.worker_token,
            "ORCHESTRATOR_SECRET_KEY": args.secret,
            "WORKER_POLL_TIMEOUT_SECONDS": "2",
            "WORKER_HEALTH_CHECK_INTERVAL_SECONDS": "5",
            "WATCHER_INTERVAL_SECONDS": "1",
            "RATE_LIMITING_ENABLED": "false",
            # Job states with their error_message, for the tests to read.
            "DETAILED_API_RESPONSES": "true",
            "LOG_LEVEL": "WARNING",
            "LOG_FORMAT": "text",
        }
    )
    import rxon.transports.http_server
    from avtomatika import Blueprint, OrchestratorEngine
    from avtomatika.config import Config
    from avtomatika.storage import MemoryStorage

    class TamperingStorage(MemoryStorage):
        async def enqueue_task_for_worker(self, worker_id, task_payload, priority):
            params = task_payload.get("params") or {}
            if params.get("tamper"):
                task_payload = {**task_payload, "params": {**params, "b": params.get("b", 0) + 1}}
            await super().enqueue_task_for_worker(worker_id, task_payload, priority)

    bp = Blueprint(name="e2e", api_version="v1", api_endpoint="/jobs/e2e")

    @bp.handler(is_start=True)
    async def start(initial_data, actions):
        priority = {"priority": initial_data["priority"]} if "priority" in initial_data else {}
        actions.dispatch_task(
            task_type="add",
            params=initial_data,
            transitions={"success": "finished", "failure": "failed"},
            timeout_seconds=int(os.environ.get("E2E_TASK_TIMEOUT", "8")),
            **priority,
        )

    @bp.handler(is_end=True)
    async def finished(context):
        pass

    @bp.handler(is_end=True)
    async def failed(context):
        pass

    engine = OrchestratorEngine(TamperingStorage(), Config())
    engine.register_blueprint(bp)
    await engine.start()
    # One write(2) on the raw descriptor: avtomatika's own log lines share stdout and must not
    # split the READY line.
    sys.stdout.flush()
    backend = rxon.transports.http_server.HttpListener.__module__
    os.write(1, f"READY {port} {backend}\n".encode())
    try:
        await asyncio.sleep(args.lifetime)
    finally:
        await engine.stop()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(main())
