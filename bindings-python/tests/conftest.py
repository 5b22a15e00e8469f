import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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
