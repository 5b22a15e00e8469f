"""A worker written with avtomatika's own SDK (avtomatika-worker 1.0b20), unchanged: skill
`add` as the end-to-end tests use it. With --rxon-core, `rxon_core.install_as_rxon()` runs
first, and the SDK — which imports `rxon` — runs on the Rust core.

`add` returns `{"sum": a + b}`; params `flaky` raise a transient error the first time (the
orchestrator retries), `refuse` a `ParamValidationError` (the job fails), `permanent` return
a PERMANENT_ERROR failure (the job is quarantined). Every call prints `HANDLED <params json>`.

Prints `BACKEND <module of rxon's message classes>` at start; ends itself after --lifetime s.
"""

import argparse
import json
import os
import signal
import sys
import tempfile


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--worker-id", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--rxon-core", action="store_true")
    parser.add_argument("--lifetime", type=int, default=300)
    args = parser.parse_args()
    if args.rxon_core:
        import rxon_core

        rxon_core.install_as_rxon()
    os.environ.update(
        {
            "ORCHESTRATOR_URL": args.url,
            "WORKER_ID": args.worker_id,
            "WORKER_TOKEN": args.token,
            "ORCHESTRATOR_SECRET_KEY": args.secret,
            "HEARTBEAT_INTERVAL": "2",
            "TASK_POLL_TIMEOUT": "2",
            "IDLE_POLL_DELAY": "0.05",
            "RESULT_RETRY_INITIAL_DELAY": "0.2",
            "WORKER_SKILLS_DIR": tempfile.mkdtemp(),  # no skill modules to load
            "LOG_LEVEL": "WARNING",
        }
    )
    signal.alarm(args.lifetime)  # bounded: SIGALRM ends the process

    import rxon.models
    from avtomatika_worker import Worker
    from avtomatika_worker.types import ParamValidationError

    print(f"BACKEND {rxon.models.TaskPayload.__module__}", flush=True)
    attempts: dict[str, int] = {}
    worker = Worker(worker_type="sdk-e2e", max_concurrent_tasks=4)

    @worker.skill("add")
    async def add(params: dict, **kwargs: object) -> dict:
        print(f"HANDLED {json.dumps(params, sort_keys=True)}", flush=True)
        name = params.get("name", "")
        attempts[name] = attempts.get(name, 0) + 1
        if params.get("flaky") and attempts[name] == 1:
            raise ConnectionError("the GPU went away")
        if params.get("refuse"):
            raise ParamValidationError("b must be positive")
        if params.get("permanent"):
            return {"status": "failure", "error": {"code": "PERMANENT_ERROR", "message": "will never work"}}
        return {"status": "success", "data": {"sum": params["a"] + params["b"]}}

    worker.run()


if __name__ == "__main__":
    sys.exit(main())
