"""Measures the reference package (rxon 1.0b17) on the fixtures the Rust benchmark uses.

Prints one JSON object: benchmark name -> mean nanoseconds per operation. The names match
rxon-core/benches/core.rs so compare_core.py can put them side by side.
"""

import json
import statistics
import sys
import timeit
from pathlib import Path

import orjson
from rxon.models import Heartbeat, TaskPayload, TaskResult
from rxon.security import sign_payload, sign_payload_ed25519
from rxon.utils import from_dict, json_dumps

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SECRET = "worker-master-token-0123456789"


def load(name):
    return orjson.loads((FIXTURES / name).read_bytes())


def per_op_ns(fn, seconds=3.0):
    """Mean ns/op over ~`seconds` of 0.1 s samples, like criterion's estimate."""
    number = 1
    while timeit.timeit(fn, number=number) < 0.1:
        number *= 2
    samples = timeit.repeat(fn, number=number, repeat=max(5, int(seconds / 0.1)))
    return statistics.mean(samples) / number * 1e9


def main():
    task = from_dict(TaskPayload, load("task_payload.json"))
    task_wire = json_dumps(task).encode()
    heartbeat = from_dict(Heartbeat, load("heartbeat.json"))
    heartbeat_wire = json_dumps(heartbeat).encode()
    result = from_dict(TaskResult, load("task_result.json"))
    pem = (FIXTURES / "bench_ed25519_private.pem").read_text()
    results = {
        "task_payload_encode": per_op_ns(lambda: json_dumps(task)),
        "task_payload_decode": per_op_ns(lambda: from_dict(TaskPayload, orjson.loads(task_wire))),
        "heartbeat_encode": per_op_ns(lambda: json_dumps(heartbeat)),
        "heartbeat_decode": per_op_ns(lambda: from_dict(Heartbeat, orjson.loads(heartbeat_wire))),
        "task_result_hmac_sign": per_op_ns(lambda: sign_payload(result, SECRET)),
        "task_result_ed25519_sign": per_op_ns(lambda: sign_payload_ed25519(result, pem)),
    }
    json.dump({k: round(v, 1) for k, v in results.items()}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
