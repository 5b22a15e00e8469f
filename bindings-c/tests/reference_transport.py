"""The reference (Python rxon 1.0b17) transport served by the C listener (examples/orchestrator.c):
every action, STS, a command down the WebSocket past the worker's own frames, events over HTTP
and up the socket; the orchestrator's log of requests shows what reached its handler. Run by
ctest:

    python3 reference_transport.py path/to/c_orchestrator

RXON_REFERENCE_PYTHON names the reference's interpreter (./scripts/test.sh sets it up); without
it the test is skipped (exit 77).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TASK = {"job_id": "j1", "task_id": "t1", "type": "echo", "params": {"x": 1}}


def main():
    python = os.environ.get("RXON_REFERENCE_PYTHON")
    if not python:
        print("RXON_REFERENCE_PYTHON is not set (./scripts/test.sh sets it up): skipped")
        sys.exit(77)
    orchestrator = subprocess.Popen([sys.argv[1], json.dumps(TASK)], stdout=subprocess.PIPE, text=True)
    try:
        ready = orchestrator.stdout.readline().split()
        assert ready[:1] == ["READY"], ready
        url = f"http://127.0.0.1:{ready[1]}"
        run = subprocess.run([python, str(ROOT / "tests/interop/reference_worker.py"), "--url", url],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        out = json.loads(run.stdout)
    finally:
        orchestrator.terminate()
        calls, _ = orchestrator.communicate(timeout=20)
    assert orchestrator.returncode == 0, "the orchestrator stopped cleanly on SIGTERM"

    assert out["register"] == {"status": "registered"}, out
    assert out["task"] == TASK, out
    assert out["empty_poll"] is None
    assert out["result"] is True and out["late_result"] is False
    assert out["heartbeat"] == {"status": "ok", "require_full_sync": True, "cancel_task_ids": ["t9"]}
    assert out["event_http"] is True and out["event_ws"] is True
    assert out["command"] == {"command": "cancel_task", "task_id": "t1", "job_id": "j1"}
    assert out["sts_token"]["access_token"] == "sts-1" and out["sts_refresh"]["access_token"] == "sts-2"

    seen = []
    for line in calls.splitlines():
        action, rest = line.split(" ", 1)
        payload, end = json.JSONDecoder().raw_decode(rest)
        seen.append((action, payload, json.loads(rest[end:])))
    register = next(s for s in seen if s[0] == "register")
    assert register[1] == {"worker_id": "w1", "supported_skills": [{"name": "echo"}]}, register
    assert register[2]["token"] == "secret" and register[2]["worker_id_hint"] == "w1", register
    assert register[2]["protocol_version"] == "1.0b17", register
    poll = next(s for s in seen if s[0] == "poll")
    assert poll[1] == "w1" and poll[2]["poll_timeout"] == 5 and poll[2]["available_skills"] == ["echo", "add"], poll
    events = sorted((s[1]["event_id"], s[2]["transport"]) for s in seen if s[0] == "event")
    assert events == [("e-http", "http"), ("e-ws", "websocket")], events
    assert next(s for s in seen if s[0] == "sts_refresh")[1] == {"refresh_token": "r1"}
    print(f"reference transport: every action answered; {len(seen)} requests reached the C handler")


if __name__ == "__main__":
    main()
