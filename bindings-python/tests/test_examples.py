"""The binding README's example: examples/worker.py completes the tasks of
examples/orchestrator.py (a rxon_core.Listener), each in its own process, then stops on SIGINT."""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_the_readme_worker_completes_the_orchestrators_tasks() -> None:
    orchestrator = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "orchestrator.py"), "--port", "0", "--tasks", "20"],
        stdout=subprocess.PIPE,
        text=True,
    )
    worker = None
    try:
        assert orchestrator.stdout is not None
        ready = re.match(r"READY (\d+)", orchestrator.stdout.readline())
        assert ready, "the orchestrator did not start"
        env = {**os.environ, "RXON_URL": f"http://127.0.0.1:{ready.group(1)}", "RXON_WORKER_ID": "adder-test"}
        worker = subprocess.Popen(
            [sys.executable, str(EXAMPLES / "worker.py")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        output, _ = orchestrator.communicate(timeout=60)
        assert orchestrator.returncode == 0
        assert "DONE 20 results" in output
        assert len(re.findall(r"task-\d+: success \{'sum': \d+\}", output)) == 20
        worker.send_signal(signal.SIGINT)
        worker_out, worker_err = worker.communicate(timeout=30)
        assert worker.returncode == 0, worker_err
        assert "worker adder-test stopped" in worker_out
    finally:
        for process in (orchestrator, worker):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
