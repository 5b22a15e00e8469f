"""End to end with the real orchestrator, avtomatika 1.0b30: a worker written with
rxon_core.Worker completes jobs, and the avtomatika client API shows them finished."""

import asyncio
from typing import Any

import aiohttp
import rxon_core as rxon
from conftest import CLIENT_TOKEN, WORKER_TOKEN, run

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


async def listed(client: aiohttp.ClientSession, url: str, worker_id: str) -> None:
    while True:
        async with client.get(f"{url}/api/v1/workers", headers=HEADERS) as response:
            if worker_id in await response.text():
                return
        await asyncio.sleep(0.1)


def test_a_python_worker_completes_jobs_on_avtomatika(avtomatika: str) -> None:
    attempts: dict[str, int] = {}

    async def scenario() -> None:
        worker = rxon.Worker(avtomatika, "py-e2e-worker", WORKER_TOKEN, max_concurrent_tasks=2, heartbeat_interval=2)

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
