#!/usr/bin/env python3
"""The C binding beside the Rust core, one run, side by side (release builds):

* poll → result cycles/s of a C worker (benches/c/worker_cycles.c: N threads on one worker
  with N slots) and of the core's runtime driven from Rust (rxon-core/examples/worker_cycles.rs),
  at 1, 16 and 64 slots, against the echo_listener example, 8 s per point after 1 s of warm-up;
* heartbeats/s under `wrk -t2 -c64` of a C listener with a C handler
  (benches/c/listener_heartbeats.c) and of the Rust echo_listener, the same engine;
* the stripped sizes of librxon.so, full and worker-only (-DRXON_WORKER_ONLY=ON).

    python3 benches/compare_c.py            # needs cmake, wrk, a C compiler
"""

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "target" / "bench-c"
EXAMPLES = ROOT / "target" / "x86_64-unknown-linux-gnu" / "release" / "examples"
DURATION = 8
POINTS = (1, 16, 64)


def sh(*args, **kwargs):
    return subprocess.run([str(a) for a in args], check=True, **kwargs)


def build():
    """Release builds: librxon (full and worker-only), the C benches, the Rust examples."""
    full, worker_only = WORK / "full", WORK / "worker-only"
    sh("cmake", "-S", ROOT / "bindings-c", "-B", full / "build", "-DCMAKE_BUILD_TYPE=Release")
    sh("cmake", "--build", full / "build")
    sh("cmake", "--install", full / "build", "--prefix", full / "prefix", stdout=subprocess.DEVNULL)
    sh("cmake", "-S", ROOT / "bindings-c", "-B", worker_only / "build", "-DCMAKE_BUILD_TYPE=Release",
       "-DRXON_WORKER_ONLY=ON", f"-DRXON_CARGO_TARGET_DIR={worker_only / 'cargo'}")
    sh("cmake", "--build", worker_only / "build")
    sh("cmake", "--install", worker_only / "build", "--prefix", worker_only / "prefix", stdout=subprocess.DEVNULL)
    sh("cmake", "-S", ROOT / "benches" / "c", "-B", WORK / "benches", "-DCMAKE_BUILD_TYPE=Release",
       f"-DCMAKE_PREFIX_PATH={full / 'prefix'}")
    sh("cmake", "--build", WORK / "benches")
    for example in ("echo_listener", "worker_cycles"):
        sh("cargo", "build", "--release", "--locked", "-p", "rxon-core", "--example", example, cwd=ROOT)
    sizes = {}
    for name, prefix in (("full (worker + listener)", full / "prefix"), ("worker-only", worker_only / "prefix")):
        stripped = WORK / f"librxon-{prefix.parent.name}.so"
        shutil.copy(prefix / "lib" / "librxon.so.0", stripped)
        sh("strip", "--strip-all", stripped)
        sizes[name] = stripped.stat().st_size
    return sizes


def start(command, marker):
    """Starts `command`; waits for its line matching `marker`; the process and the match."""
    process = subprocess.Popen([str(c) for c in command], stdout=subprocess.PIPE, text=True)
    for line in process.stdout:
        if found := re.search(marker, line):
            return process, found
    raise RuntimeError(f"{command[0]} exited before it was ready")


def rust_cycles(url, slots):
    out = sh(EXAMPLES / "worker_cycles", "--url", url, "--slots", slots, "--duration", DURATION, capture_output=True, text=True)
    return float(out.stdout.strip())


def c_cycles(url, slots):
    out = sh(WORK / "benches" / "worker_cycles", url, slots, DURATION, capture_output=True, text=True)
    return float(out.stdout.strip())


def wrk(url):
    script = ROOT / "benches" / "wrk_heartbeat.lua"
    sh("wrk", "-t2", "-c64", "-d2s", "-s", script, url, stdout=subprocess.DEVNULL)
    out = sh("wrk", "-t2", "-c64", "-d10s", "-s", script, url, capture_output=True, text=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), int(bad.group(1)) if bad else 0


def main():
    if not shutil.which("wrk"):
        sh("apt-get", "update", "-qq")
        sh("apt-get", "install", "-y", "-qq", "wrk")
    sizes = build()
    listener, found = start([EXAMPLES / "echo_listener", "--bind", "127.0.0.1:0", "--token", "token"], r"^listening on (.+)$")
    url = f"http://{found.group(1).strip()}"
    cycles = []
    try:
        for slots in POINTS:
            rust = rust_cycles(url, slots)
            c = c_cycles(url, slots)
            cycles.append((slots, c, rust))
            print(f"{slots} slots: C {c:,.0f}, Rust {rust:,.0f} cycles/s", file=sys.stderr)
        rust_heartbeats = wrk(url)
    finally:
        listener.terminate()
        listener.wait()
    c_listener, found = start([WORK / "benches" / "listener_heartbeats"], r"^READY (\d+)$")
    try:
        c_heartbeats = wrk(f"http://127.0.0.1:{found.group(1)}")
    finally:
        c_listener.terminate()
        c_listener.wait()
    time.sleep(0.1)

    print("### C worker, poll → result cycles/s (`python3 benches/compare_c.py`)\n")
    print("| slots (threads) | C worker (librxon) | core runtime (Rust) | C ÷ Rust |")
    print("|---:|---:|---:|---:|")
    for slots, c, rust in cycles:
        print(f"| {slots} | {c:,.0f} | {rust:,.0f} | {100 * c / rust:.0f} % |")
    print("\n### C listener, heartbeats/s under `wrk -t2 -c64`\n")
    print("| server | heartbeats/s | errors | ÷ Rust |")
    print("|---|---:|---:|---:|")
    for name, (rate, errors) in (("C listener (C handler)", c_heartbeats), ("Rust listener (echo_listener)", rust_heartbeats)):
        print(f"| {name} | {rate:,.0f} | {errors} | {100 * rate / rust_heartbeats[0]:.0f} % |")
    print("\n### librxon.so, stripped\n")
    print("| build | bytes |")
    print("|---|---:|")
    for name, size in sizes.items():
        print(f"| {name} | {size:,} |")


if __name__ == "__main__":
    main()
