"""End to end with the real orchestrator, avtomatika 1.0b30, deployed as usual (every task
signed with ORCHESTRATOR_SECRET_KEY, which the worker is given): a worker written with
rxon_core.Worker completes jobs at any priority, refuses a task altered after signing, and
a job cancelled on avtomatika cancels the running handler; an `rxon worker` CLI completes
jobs. Each test runs against avtomatika on the reference package and, unchanged, on
rxon_core (``install_as_rxon()``: see conftest's ``avtomatika`` fixture)."""

import asyncio
import os
import subprocess
import sys
from typing import Any

import aiohttp
import pytest
import rxon_core as rxon
from conftest import CLIENT_TOKEN, ORCHESTRATOR_SECRET, WORKER_TOKEN, run

HEADERS = {"X-Client-Token": CLIENT_TOKEN}
TERMINAL = {"finished", "failed", "error", "quarantined", "cancelled"}


async def submit(client: aiohttp.ClientSession, url: str, data: dict[str, Any]) -> str:
    async with client.post(f"{url}/api/v1/jobs/e2e", json={"initial_data": data}, headers=HEADERS) as response:
        job_id: str = (await response.json())["job_id"]
        return job_id


async def outcome(client: aiohttp.ClientSession, url: str, job_id: str) -> dict[str, Any]:
    while True:
        async with client.get(f"{url}/api/v1/jobs/{job_id}", headers=HEADERS) as response:
            job: dict[str, Any] = await response.json()
        if job.get("status") in TERMINAL:
            return job
        await asyncio.sleep(0.2)


async def listed(client: aiohttp.ClientSession, url: str, worker_id: str, commands: bool = False) -> None:
    """Until the worker is registered (and, with ``commands``, its command socket advertised)."""
    while True:
        async with client.get(f"{url}/api/v1/workers", headers=HEADERS) as response:
            records = [w for w in await response.json() if w.get("worker_id") == worker_id]
        if records and (not commands or records[0].get("capabilities", {}).get("websockets")):
            return
        await asyncio.sleep(0.1)


def test_a_python_worker_completes_jobs_on_avtomatika(avtomatika: str) -> None:
    attempts: dict[str, int] = {}

    async def scenario() -> None:
        worker = rxon.Worker(
            avtomatika,
            "py-e2e-worker",
            WORKER_TOKEN,
            max_concurrent_tasks=2,
            # Two polls open at once: avtomatika hands each its own task.
            concurrent_polls=2,
            heartbeat_interval=2,
            task_secret=ORCHESTRATOR_SECRET,
        )

        @worker.skill("add")
        async def add(task: rxon.Task) -> dict[str, Any]:
            params = task.params
            attempts[params.get("name", "")] = attempts.get(params.get("name", ""), 0) + 1
            if params.get("flaky") and attempts[params["name"]] == 1:
                raise ConnectionError("the GPU went away")  # TRANSIENT_ERROR: dispatched again
            if params.get("refuse"):
                raise ValueError("b must be positive")  # INVALID_INPUT_ERROR: the job fails
            if params.get("permanent"):
                raise rxon.TaskFailed(rxon.ERROR_CODE_PERMANENT, "will never work")
            await task.progress(0.5)
            return {"sum": params["a"] + params["b"]}

        async with aiohttp.ClientSession() as client, worker:
            running = asyncio.create_task(worker.run())
            await asyncio.wait_for(listed(client, avtomatika, "py-e2e-worker"), 30)

            job = await outcome(client, avtomatika, await submit(client, avtomatika, {"a": 40, "b": 2}))
            assert job["status"] == "finished", job
            assert job["result"] == 42, job  # avtomatika keeps the task's data as the job's result

            flaky = await submit(client, avtomatika, {"a": 1, "b": 1, "flaky": True, "name": "flaky"})
            job = await outcome(client, avtomatika, flaky)
            assert job["status"] == "finished", job
            assert attempts["flaky"] == 2

            refused = await submit(client, avtomatika, {"a": 1, "b": 1, "refuse": True})
            assert (await outcome(client, avtomatika, refused))["status"] == "failed"
            permanent = await submit(client, avtomatika, {"a": 1, "b": 1, "permanent": True})
            assert (await outcome(client, avtomatika, permanent))["status"] == "quarantined"

            await worker.drain()
            await running

    run(scenario(), within=120)


def test_signed_tasks_tampering_and_cancellation_on_avtomatika(avtomatika: str) -> None:
    ran: list[dict[str, Any]] = []
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def scenario() -> None:
        worker = rxon.Worker(
            avtomatika, "py-e2e-signed", WORKER_TOKEN, heartbeat_interval=1, task_secret=ORCHESTRATOR_SECRET
        )

        @worker.skill("add")
        async def add(task: rxon.Task) -> dict[str, Any]:
            params = task.params
            ran.append(params)
            if params.get("sleep"):
                started.set()
                try:
                    await asyncio.sleep(params["sleep"])
                except asyncio.CancelledError:
                    cancelled.set()
                    raise
            return {"sum": params["a"] + params["b"]}

        async with aiohttp.ClientSession() as client, worker:
            running = asyncio.create_task(worker.run())
            await asyncio.wait_for(listed(client, avtomatika, "py-e2e-signed", commands=True), 30)

            # avtomatika's default priority goes out as `"priority": 0`, covered by `sig`.
            for priority in ({}, {"priority": 2.5}, {"priority": 7}):
                job = await outcome(client, avtomatika, await submit(client, avtomatika, {"a": 1, "b": 2, **priority}))
                assert job["status"] == "finished", (priority, job)

            tampered = await outcome(
                client, avtomatika, await submit(client, avtomatika, {"a": 1, "b": 1, "tamper": True})
            )
            assert tampered["status"] == "quarantined", tampered
            assert "SECURITY_ERROR" in tampered["error_message"], tampered
            assert not any(params.get("tamper") for params in ran), "the tampered task never reached the handler"

            long_job = await submit(client, avtomatika, {"a": 1, "b": 1, "sleep": 25})
            await asyncio.wait_for(started.wait(), 20)
            asked = asyncio.get_running_loop().time()
            async with client.post(f"{avtomatika}/api/v1/jobs/{long_job}/cancel", headers=HEADERS) as response:
                assert response.status == 200, await response.text()
            await asyncio.wait_for(cancelled.wait(), 3)
            took = asyncio.get_running_loop().time() - asked
            print(f"the handler was cancelled {took:.3f} s after the cancel request")
            assert (await outcome(client, avtomatika, long_job))["status"] == "cancelled"

            await worker.drain()
            await running

    run(scenario(), within=120)


def test_an_empty_task_secret_is_refused() -> None:
    async def scenario() -> None:
        worker = rxon.Worker("http://127.0.0.1:9", "w", WORKER_TOKEN, ["add"], task_secret="")
        with pytest.raises(ValueError, match="task_secret is empty"):
            await worker.start()

    run(scenario())


# The skill of the `rxon worker` below: params on stdin, result data on stdout.
ADD_PROGRAM = "import json, sys; p = json.load(sys.stdin); print(json.dumps({'sum': p['a'] + p['b']}))"


def test_an_rxon_cli_worker_completes_jobs_on_avtomatika(avtomatika: str) -> None:
    """`rxon worker -- CMD` (the CLI, built by the Rust tests) against avtomatika: on the
    reference and on rxon_core, the same signed jobs finish with the command's result."""
    cli = os.environ.get("RXON_CLI")
    if not cli or not os.path.exists(cli):
        pytest.fail("RXON_CLI does not name the rxon binary: run ./scripts/test.sh (it builds it)")
    args = [cli, "worker", "--url", avtomatika, "--id", "cli-e2e", "--token", WORKER_TOKEN, "--skill", "add"]
    args += ["--task-secret", ORCHESTRATOR_SECRET, "--heartbeat-seconds", "2", "--", sys.executable, "-c", ADD_PROGRAM]
    worker = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    async def scenario() -> None:
        async with aiohttp.ClientSession() as client:
            await asyncio.wait_for(listed(client, avtomatika, "cli-e2e"), 30)
            for a, b in ((40, 2), (7, 8)):
                job = await outcome(client, avtomatika, await submit(client, avtomatika, {"a": a, "b": b}))
                assert job["status"] == "finished" and job["result"] == a + b, job

    try:
        run(scenario(), within=90)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
