"""avtomatika's own worker SDK (avtomatika-worker 1.0b20), unchanged, on rxon_core through
`install_as_rxon()`: it registers with avtomatika 1.0b30, verifies every task's signature,
completes, retries, fails and quarantines jobs as on the reference. The same run on the
reference package is the control."""

import asyncio
import json
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import rxon_core
from conftest import ORCHESTRATOR_SECRET, WORKER_TOKEN, run
from test_avtomatika import listed, outcome, submit

SCRIPT = Path(__file__).resolve().parents[2] / "tests" / "interop" / "sdk_worker.py"


class SdkWorker:
    """The SDK worker process; its output lines are collected as they come."""

    def __init__(
        self, url: str, worker_id: str, rxon_core: bool, secret: str = ORCHESTRATOR_SECRET, token: str = WORKER_TOKEN
    ) -> None:
        python = os.environ.get("RXON_SDK_PYTHON")
        if not python:
            pytest.fail("RXON_SDK_PYTHON is not set: run ./scripts/test.sh (it creates that virtualenv)")
        args = [python, str(SCRIPT), "--url", url, "--worker-id", worker_id, "--token", token]
        args += ["--secret", secret, *(["--rxon-core"] if rxon_core else [])]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def handled(self) -> list[dict[str, Any]]:
        return [json.loads(line.split(" ", 1)[1]) for line in self.lines if line.startswith("HANDLED ")]

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture(params=["rxon_core", "reference"])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    yield str(request.param)


def test_the_sdk_completes_signed_jobs_on_avtomatika(avtomatika: str, backend: str) -> None:
    worker_id = f"sdk-{backend.replace('_', '-')}"
    worker = SdkWorker(avtomatika, worker_id, rxon_core=backend == "rxon_core")

    async def scenario() -> None:
        async with aiohttp.ClientSession() as client:
            await asyncio.wait_for(listed(client, avtomatika, worker_id), 30)
            expected = "rxon_core.models" if backend == "rxon_core" else "rxon.models"
            assert f"BACKEND {expected}" in worker.lines, worker.lines

            # Signed by avtomatika, verified by the SDK through rxon's verify_signature.
            for priority in ({}, {"priority": 2.5}, {"priority": 7}):
                job = await outcome(client, avtomatika, await submit(client, avtomatika, {"a": 40, "b": 2, **priority}))
                assert job["status"] == "finished" and job["result"] == 42, (priority, job)

            flaky = await submit(client, avtomatika, {"a": 1, "b": 1, "flaky": True, "name": "flaky"})
            assert (await outcome(client, avtomatika, flaky))["status"] == "finished"
            assert [p.get("name") for p in worker.handled()].count("flaky") == 2

            refused = await submit(client, avtomatika, {"a": 1, "b": 1, "refuse": True})
            assert (await outcome(client, avtomatika, refused))["status"] == "failed"
            permanent = await submit(client, avtomatika, {"a": 1, "b": 1, "permanent": True})
            assert (await outcome(client, avtomatika, permanent))["status"] == "quarantined"

            # Altered after signing: the SDK rejects it before its handler; a job after it runs.
            await submit(client, avtomatika, {"a": 1, "b": 1, "tamper": True})
            after = await outcome(client, avtomatika, await submit(client, avtomatika, {"a": 2, "b": 3}))
            assert after["status"] == "finished" and after["result"] == 5, after
            assert not any(p.get("tamper") for p in worker.handled()), worker.lines

    try:
        run(scenario(), within=150)
    finally:
        worker.stop()


def test_the_sdk_is_accepted_by_a_zero_trust_listener_and_a_stranger_is_not(backend: str) -> None:
    """rxon_core.Listener(auth=…) applies avtomatika's rules (token, stamped and signed
    messages, no replays): the SDK's own signing passes them — on the reference's transport
    and on rxon_core's — while a worker with another token never reaches the engine."""
    seen: list[tuple[str, Any]] = []
    handed_out = False

    async def engine(action: str, payload: Any, context: dict[str, Any]) -> Any:
        nonlocal handed_out
        seen.append((action, payload))
        if action == "poll":
            if not handed_out:
                handed_out = True
                return {"job_id": "j1", "task_id": "t1", "type": "add", "params": {"a": 2, "b": 3}}
            await asyncio.sleep(min(context.get("poll_timeout") or 0, 0.2))
        return None

    async def scenario() -> None:
        auth = {"workers": {"sdk-zt": WORKER_TOKEN, "stranger": "another-token"}}
        async with rxon_core.Listener("127.0.0.1", 0, engine, auth=auth) as listener:
            url = f"http://127.0.0.1:{listener.port}"
            worker = SdkWorker(url, "sdk-zt", rxon_core=backend == "rxon_core", secret="")
            stranger = SdkWorker(url, "stranger", rxon_core=backend == "rxon_core", secret="", token="not-its-token")
            try:
                while not any(action == "result" for action, _ in seen):
                    await asyncio.sleep(0.05)
                await asyncio.sleep(1.0)
            finally:
                worker.stop()
                stranger.stop()
        results = [payload for action, payload in seen if action == "result"]
        assert [(r["task_id"], r["data"]) for r in results] == [("t1", {"sum": 5})], results
        assert all(r["security"]["signature"] for r in results)
        assert not any(
            (isinstance(p, dict) and p.get("worker_id") == "stranger") or p == "stranger" for _, p in seen
        ), "the stranger never reached the engine"

    run(scenario(), within=60)
