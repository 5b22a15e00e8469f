import json
import os
from pathlib import Path

import pytest

VECTORS = Path(os.environ.get("RXON_VECTORS_DIR", Path(__file__).resolve().parents[2] / ".." / "shared" / "vectors"))


@pytest.fixture(scope="session")
def vectors():
    """Loads `<name>.json` from the shared vectors; a missing or empty file fails the test."""

    def load(name: str) -> list[dict]:
        path = VECTORS / f"{name}.json"
        cases = json.loads(path.read_text())["cases"]
        assert cases, f"{path} has no cases"
        return cases

    return load
