import asyncio
import json
import os
import re
import subprocess
import threading
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

T = TypeVar("T")
CLIENT_TOKEN = "client-token"
WORKER_TOKEN = "worker-token"
# avtomatika's ORCHESTRATOR_SECRET_KEY (the orchestrator script's default --secret).
ORCHESTRATOR_SECRET = "orchestrator-secret"

Vectors = Callable[[str], list[dict[str, Any]]]

VECTORS = Path(os.environ.get("RXON_VECTORS_DIR", Path(__file__).resolve().parents[2] / ".." / "shared" / "vectors"))


@pytest.fixture(scope="session")
def vectors() -> Vectors:
    """Loads `<name>.json` from the shared vectors; a missing or empty file fails the test."""

    def load(name: str) -> list[dict[str, Any]]:
        path = VECTORS / f"{name}.json"
        cases: list[dict[str, Any]] = json.loads(path.read_text())["cases"]
        assert cases, f"{path} has no cases"
        return cases

    return load


def run(scenario: Coroutine[Any, Any, T], within: float = 60.0) -> T:
    """Runs an async test scenario on a fresh event loop, bounded in time."""
    return asyncio.run(asyncio.wait_for(scenario, within))


class Engine:
    """A small orchestrator for `rxon_core.Listener`: queued tasks go to polls; every call is
    recorded as `(action, payload, context)`."""

    def __init__(self) -> None:
        self.tasks: asyncio.Queue[Any] = asyncio.Queue()
        self.calls: list[tuple[str, Any, dict[str, Any]]] = []
        self.results: list[dict[str, Any]] = []
        self.result_arrived = asyncio.Event()

    async def __call__(self, action: str, payload: Any, context: dict[str, Any]) -> Any:
        self.calls.append((action, payload, context))
        if action == "poll":
            try:
                return await asyncio.wait_for(self.tasks.get(), min(context.get("poll_timeout") or 0, 2.0))
            except TimeoutError:
                return None
        if action == "result":
            self.results.append(payload)
            self.result_arrived.set()
        if action == "heartbeat":
            return {"status": "ok"}
        if action in ("sts_token", "sts_refresh"):
            return {"access_token": "sts-1", "expires_in": 60, "worker_id": context["worker_id_hint"]}
        return None

    def actions(self) -> list[str]:
        return [action for action, _, _ in self.calls]

    async def wait_results(self, count: int) -> list[dict[str, Any]]:
        while len(self.results) < count:
            self.result_arrived.clear()
            await self.result_arrived.wait()
        return self.results


@pytest.fixture(scope="session", params=["reference", "rxon_core"])
def avtomatika(request: pytest.FixtureRequest) -> Iterator[str]:
    """The real orchestrator (avtomatika 1.0b30, in its own virtualenv) on loopback: its URL.
    Every test that uses it runs twice: avtomatika as released (on the reference package), and
    avtomatika unchanged on rxon_core through ``install_as_rxon()``."""
    python = os.environ.get("RXON_AVTOMATIKA_PYTHON")
    if not python:
        pytest.fail("RXON_AVTOMATIKA_PYTHON is not set: run ./scripts/test.sh (it creates that virtualenv)")
    script = Path(__file__).resolve().parents[2] / "tests" / "interop" / "avtomatika_orchestrator.py"
    args = [python, str(script), "--client-token", CLIENT_TOKEN, "--worker-token", WORKER_TOKEN, "--lifetime", "300"]
    if request.param == "rxon_core":
        args.append("--rxon-core")
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        port = None
        for line in process.stdout:  # avtomatika logs to stdout too: the marker may be mid-line
            if (found := re.search(r"READY (\d+) (\S+)", line)) is not None:
                port = int(found.group(1))
                # The module avtomatika's HttpListener came from: which package serves it.
                assert found.group(2).split(".")[0] == ("rxon_core" if request.param == "rxon_core" else "rxon"), line
                break
        assert port is not None, "avtomatika never became ready"
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield f"http://127.0.0.1:{port}"
    finally:
        process.kill()
        process.wait()
