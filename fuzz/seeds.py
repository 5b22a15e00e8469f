"""Writes the fuzz targets' seed corpora (fuzz/corpus/<target>/) from the shared test vectors:
a few dozen small inputs per target, committed; libFuzzer grows its own corpus beside them.

    python3 fuzz/seeds.py [VECTORS_DIR]     (default ../shared/vectors)
"""

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VECTORS = Path(sys.argv[1] if len(sys.argv) > 1 else HERE.parent.parent / "shared" / "vectors")
PER_TARGET = 40


def load(name: str) -> list[dict]:
    return json.loads((VECTORS / f"{name}.json").read_text())["cases"]


def write(target: str, seeds: list[bytes]) -> None:
    folder = HERE / "corpus" / target
    folder.mkdir(parents=True, exist_ok=True)
    for seed in seeds[:PER_TARGET]:
        (folder / hashlib.sha1(seed).hexdigest()).write_bytes(seed)


def text(value: object) -> bytes:
    return json.dumps(value).encode()


wires = [text(case["wire"]) for case in load("models")] + [text(case["wire"]) for case in load("roundtrip")[:20]]
trees = [text(case["input"]) for case in load("canonical") if len(text(case["input"])) < 2000]
schemas = [text(case["schema"]) + b"\0" + text(case["data"]) for case in load("schema")]
requests = [
    b"POST\n/_worker/workers/register\n\nx-worker-token: t\n\n" + wires[0],
    b"GET\n/_worker/workers/w-1/tasks/next\ntimeout=2.5&available_skills=a,b\n\n",
    b"PATCH\n/_worker/workers/w%2D1\n\ncontent-type: application/json\n\n{}",
    b"POST\n/_worker/tasks/result\n\n\n\n" + wires[-1],
    b"POST\n/_worker/auth/token/refresh\n\n\n\n{\"refresh_token\": \"r\"}",
    b"GET\n/_worker/ws/w1\n\nupgrade: websocket\n\n",
]
frames = [text({"command": "cancel_task", "task_id": "t1"})] + wires[:20]

write("json_reader", wires + trees)
write("messages", wires)
write("canonical", trees)
write("schema", schemas)
write("request", requests)
write("ws_frame", frames)
