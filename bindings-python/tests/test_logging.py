"""The core's tracing events reach Python's logging, on the `rxon_core` logger."""

import asyncio
import logging
import socket

import pytest
import rxon_core as rxon
from conftest import run


def test_core_events_reach_the_rxon_core_logger(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]

    async def scenario() -> None:
        async with rxon.Worker(f"http://127.0.0.1:{dead}", "w-log", "t", ["add"]):
            for _ in range(100):
                if any("registration failed" in r.getMessage() for r in caplog.records):
                    return
                await asyncio.sleep(0.05)

    with caplog.at_level(logging.INFO, logger="rxon_core"):
        run(scenario())
    records = [r for r in caplog.records if r.name == "rxon_core" and hasattr(r, "rust_target")]
    failed = [r for r in records if "registration failed" in r.getMessage()]
    assert failed and failed[0].levelno == logging.WARNING, [r.getMessage() for r in records]
    assert "retry_in=" in failed[0].getMessage()
    assert any("worker state" in r.getMessage() and r.levelno == logging.INFO for r in records)


def test_levels_below_the_loggers_are_not_forwarded(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> None:
        quiet = rxon.Worker("mock://", "w-quiet", "t", ["add"], transport=rxon.MockTransport(), poll_timeout=0.1)
        async with quiet:
            await asyncio.sleep(0.1)

    with caplog.at_level(logging.WARNING, logger="rxon_core"):
        run(scenario())
    assert not [r for r in caplog.records if hasattr(r, "rust_target") and r.levelno < logging.WARNING]
