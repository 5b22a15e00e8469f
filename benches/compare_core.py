"""Runs the rxon-core criterion benchmarks and the reference on the same fixtures, one after
the other on this machine, and writes the side-by-side table into docs/benchmarks.md.

The core is measured twice: built as the Python wheel and the C library ship it (cargo
profile `dist`: fat LTO, one codegen unit), which the ratios and targets are judged on, and
with cargo's default release profile (what a Rust program depending on rxon-core gets unless
it turns LTO on).

    python3 benches/compare_core.py          # needs cargo; creates the reference venv itself
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- core-table:start -->", "<!-- core-table:end -->"

# name, what it measures, reference counterpart, target ratio
ROWS = [
    ("task_payload_encode", "TaskPayload encode (831 B)", "task_payload_encode", 10),
    ("task_payload_decode", "TaskPayload decode (831 B)", "task_payload_decode", 3),
    ("heartbeat_encode", "Heartbeat with 4 devices encode", "heartbeat_encode", None),
    ("heartbeat_decode", "Heartbeat with 4 devices decode", "heartbeat_decode", 3),
    ("task_result_hmac_sign", "TaskResult canonical + HMAC sign", "task_result_hmac_sign", 10),
    ("task_result_hmac_sign_prepared_key", "TaskResult canonical + HMAC sign (key prepared once)", "task_result_hmac_sign", None),
    ("task_result_ed25519_sign", "TaskResult Ed25519 sign (key parsed once)", "task_result_ed25519_sign", 5),
    ("task_result_ed25519_sign_parsing_pem", "TaskResult Ed25519 sign (PEM parsed each call)", "task_result_ed25519_sign", None),
]


def target_dir():
    return Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


def run_rust(profile):
    subprocess.run(["cargo", "bench", "--profile", profile, "-p", "rxon-core", "--bench", "core"], cwd=ROOT, check=True)
    results = {}
    for name, *_ in ROWS:
        estimates = target_dir() / "criterion" / name / "new" / "estimates.json"
        results[name] = json.loads(estimates.read_text())["mean"]["point_estimate"]
    return results


def run_reference():
    venv_script = str(ROOT / "scripts" / "python-venv.sh")
    python = subprocess.run(
        [venv_script, "reference", "rxon==1.0b17"], check=True, capture_output=True, text=True
    ).stdout.strip()
    out = subprocess.run([python, str(ROOT / "benches" / "reference_core.py")], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def fmt_us(ns):
    return f"{ns / 1000:.2f} µs"


def table(shipped, release, reference):
    lines = [
        "| benchmark | rxon-core as shipped | rxon-core, cargo release | reference rxon 1.0b17 | ratio (ops/s) | target |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, label, ref_name, target in ROWS:
        ratio = reference[ref_name] / shipped[name]
        release_ratio = reference[ref_name] / release[name]
        met = "" if target is None else (f"≥ {target}× {'✅' if ratio >= target else '❌'}")
        lines.append(
            f"| {label} | {fmt_us(shipped[name])} | {fmt_us(release[name])} | {fmt_us(reference[ref_name])} "
            f"| {ratio:.2f}× ({release_ratio:.2f}×) | {met} |"
        )
    return "\n".join(lines)


def main():
    shipped = run_rust("dist")
    release = run_rust("bench")
    reference = run_reference()
    text = table(shipped, release, reference)
    print(text)
    doc = DOC.read_text()
    if START in doc and END in doc:
        doc = re.sub(re.escape(START) + ".*?" + re.escape(END), START + "\n" + text + "\n" + END, doc, flags=re.S)
        DOC.write_text(doc)
    else:
        print(f"{DOC} has no {START} … {END} section; table not written", file=sys.stderr)


if __name__ == "__main__":
    main()
