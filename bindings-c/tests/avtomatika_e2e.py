"""End to end with the real orchestrator: the C worker (examples/worker.c, linked against
librxon) completes avtomatika 1.0b30 jobs with task signatures verified, failures map to their
codes (transient retried, invalid input failed, permanent quarantined), a task altered after
signing never runs, and a cancelled job stops its task. Run by ctest:

    python3 avtomatika_e2e.py path/to/c_worker

RXON_AVTOMATIKA_PYTHON names the orchestrator's interpreter (./scripts/test.sh sets it up);
without it the test is skipped (exit 77).
"""

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIENT = {"X-Client-Token": "client-token", "Content-Type": "application/json"}
TERMINAL = {"finished", "failed", "error", "quarantined", "cancelled"}


def request(url, body=None):
    data = None if body is None else json.dumps(body).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=CLIENT), timeout=10) as answer:
        return answer.status, json.loads(answer.read() or b"null")


def until(condition, what, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def main():
    python = os.environ.get("RXON_AVTOMATIKA_PYTHON")
    if not python:
        print("RXON_AVTOMATIKA_PYTHON is not set (./scripts/test.sh sets it up): skipped")
        sys.exit(77)
    orchestrator = subprocess.Popen(
        [python, str(ROOT / "tests/interop/avtomatika_orchestrator.py"), "--client-token", "client-token",
         "--worker-token", "worker-token", "--secret", "orchestrator-secret", "--lifetime", "300"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    worker = None
    try:
        port = None
        for line in orchestrator.stdout:  # avtomatika logs to stdout too: the marker may be mid-line
            if found := re.search(r"READY (\d+)", line):
                port = found.group(1)
                break
        assert port, "avtomatika never became ready"
        threading.Thread(target=orchestrator.stdout.read, daemon=True).start()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "RXON_URL": base, "RXON_WORKER_ID": "c-e2e", "RXON_TOKEN": "worker-token",
               "RXON_TASK_SECRET": "orchestrator-secret"}
        worker = subprocess.Popen([sys.argv[1]], env=env, stdout=subprocess.PIPE, text=True)
        said = []
        threading.Thread(target=lambda: said.extend(worker.stdout), daemon=True).start()

        def registered():
            records = [w for w in request(f"{base}/api/v1/workers")[1] if w.get("worker_id") == "c-e2e"]
            return records and records[0].get("capabilities", {}).get("websockets")

        until(registered, "the worker registered with its command socket")

        def outcome(data):
            status, job = request(f"{base}/api/v1/jobs/e2e", {"initial_data": data})
            assert status < 300, job
            job_id = job["job_id"]
            found = {}

            def ended():
                found.update(request(f"{base}/api/v1/jobs/{job_id}")[1])
                return found.get("status") in TERMINAL

            until(ended, f"job {data}", 60)
            return job_id, found

        for priority in ({}, {"priority": 2.5}, {"priority": 7}):
            _, job = outcome({"a": 40, "b": 2, **priority})
            assert job["status"] == "finished" and job["result"] == 42, job  # avtomatika keeps the sum
        assert outcome({"a": 1, "b": 1, "flaky": True})[1]["status"] == "finished", "retried after TRANSIENT_ERROR"
        assert outcome({"a": 1, "b": 1, "refuse": True})[1]["status"] == "failed"
        assert outcome({"a": 1, "b": 1, "permanent": True})[1]["status"] == "quarantined"
        tampered = outcome({"a": 1, "b": 1, "tamper": True})[1]
        assert tampered["status"] == "quarantined" and "SECURITY_ERROR" in tampered["error_message"], tampered

        # A long task, cancelled while it runs: the worker's task learns it and stops.
        status, job = request(f"{base}/api/v1/jobs/e2e", {"initial_data": {"a": 1, "b": 1, "sleep": 25}})
        job_id = job["job_id"]
        until(lambda: request(f"{base}/api/v1/jobs/{job_id}")[1].get("status") not in ("pending", None), "the job to start")
        time.sleep(1)
        asked = time.monotonic()
        status, _ = request(f"{base}/api/v1/jobs/{job_id}/cancel", {})
        assert status == 200
        until(lambda: any(line.endswith("cancelled\n") for line in said), "the task to stop", 20)
        took = time.monotonic() - asked
        until(lambda: request(f"{base}/api/v1/jobs/{job_id}")[1].get("status") == "cancelled", "the job cancelled", 20)
        print(f"avtomatika: 7 jobs ended as expected; the running task stopped {took:.2f} s after the cancel")

        worker.terminate()
        assert worker.wait(timeout=20) == 0, "the worker shut down cleanly on SIGTERM"
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
        orchestrator.kill()
        orchestrator.wait()


if __name__ == "__main__":
    main()
