"""Transport and listener benchmarks, rxon beside the reference, measured in one run on this
machine, written into docs/benchmarks.md:

* poll → result cycles/s and p50/p99 latency with 1, 16 and 64 concurrent workers, in four
  pairings: reference transport → reference listener, ours → reference, reference → ours,
  ours → ours;
* requests/s of `wrk` on `PATCH /_worker/workers/{id}` (heartbeats) against each listener and
  against a bare axum server that only parses the JSON (the ceiling), with server CPU-µs per
  request;
* idle memory per 1,000 open long polls on each listener, and 15,000 held at once on ours (with the kernel memory of their sockets).

    python3 benches/compare_transport.py [--duration SECONDS]
"""

import argparse
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- transport-table:start -->", "<!-- transport-table:end -->"
EXAMPLES = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "x86_64-unknown-linux-gnu" / "release" / "examples"
TICKS = os.sysconf("SC_CLK_TCK")


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A listener process; stopped (SIGINT, then kill) when done."""

    def __init__(self, name, argv, port):
        self.name, self.port = name, port
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, preexec_fn=raise_fd_limit)
        self.proc.stdout.readline()  # "listening on …" / "READY …"
        self.url = f"http://127.0.0.1:{port}"

    def cpu_seconds(self):
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def rss_mb(self):
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def ours(hold=False):
    port = free_port()
    argv = [str(EXAMPLES / "echo_listener"), "--bind", f"127.0.0.1:{port}"] + (["--hold-polls"] if hold else [])
    return Server("rxon", argv, port)


def reference(python, hold=False):
    port = free_port()
    argv = [python, str(ROOT / "benches" / "reference_echo_listener.py"), "--port", str(port)] + (["--hold-polls"] if hold else [])
    return Server("reference", argv, port)


def bare_axum():
    port = free_port()
    return Server("bare axum", [str(EXAMPLES / "bare_axum"), "--bind", f"127.0.0.1:{port}"], port)


def run_load(kind, python, url, workers, duration, mode="cycle"):
    if kind == "rxon":
        argv = [str(EXAMPLES / "load")]
    else:
        argv = [python, str(ROOT / "benches" / "reference_load.py")]
    argv += ["--url", url, "--workers", str(workers), "--duration", str(duration), "--mode", mode]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, preexec_fn=raise_fd_limit, timeout=duration + 120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_wrk(server, duration):
    before = server.cpu_seconds()
    out = subprocess.run(
        ["wrk", "-t2", "-c64", f"-d{int(duration)}s", "-s", str(ROOT / "benches" / "wrk_heartbeat.lua"), server.url],
        capture_output=True, text=True, check=True, timeout=duration + 60,
    ).stdout
    cpu = server.cpu_seconds() - before
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "cpu_us": cpu / total * 1e6 if total else 0.0, "non_2xx": int(errors.group(1)) if errors else 0}


def kernel_slab_mb():
    """The kernel's slab memory (sockets, files, …), system-wide."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("Slab:"):
            return int(line.split()[1]) / 1024
    return 0.0


def held_polls_memory(server, polls, hold_seconds=12):
    """Server RSS with `polls` long polls held open (the most seen while they are held), and
    the kernel's slab growth meanwhile (both ends of every connection are on this machine)."""
    time.sleep(1.0)
    idle = server.rss_mb()
    slab_idle = slab_held = kernel_slab_mb()
    load = subprocess.Popen(
        [str(EXAMPLES / "load"), "--url", server.url, "--workers", str(polls), "--duration", str(hold_seconds), "--mode", "hold"],
        stdout=subprocess.PIPE, text=True, preexec_fn=raise_fd_limit,
    )
    held = idle
    while load.poll() is None:
        held = max(held, server.rss_mb())
        slab_held = max(slab_held, kernel_slab_mb())
        time.sleep(0.5)
    out, _ = load.communicate(timeout=120)
    result = json.loads(out.strip().splitlines()[-1])
    return {
        "idle_mb": idle, "held_mb": held, "per_1000_mb": (held - idle) / polls * 1000, "errors": result["errors"],
        # Half of the slab growth: the server's end of each connection.
        "kernel_per_1000_mb": (slab_held - slab_idle) / 2 / polls * 1000,
    }


def worker_memory(server, settle_seconds=3.0):
    """RSS of an `rxon worker` process (the core's worker runtime) holding one long poll."""
    cli = EXAMPLES.parent / "rxon"
    argv = [str(cli), "worker", "--url", server.url, "--id", "w-memory", "--token", "t", "--skill", "echo", "--no-outbox", "--", "cat"]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(settle_seconds)
        for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    subprocess.run(["cargo", "build", "--release", "-p", "rxon-core", "--examples"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release", "-p", "rxon-cli"], cwd=ROOT, check=True)
    venv_script = str(ROOT / "scripts" / "python-venv.sh")
    python = subprocess.run(
        [venv_script, "reference", "rxon==1.0b17"], check=True, capture_output=True, text=True
    ).stdout.strip()
    raise_fd_limit()

    cycles = {}
    for listener_kind in ("reference", "rxon"):
        server = reference(python) if listener_kind == "reference" else ours()
        try:
            for transport_kind in ("reference", "rxon"):
                for workers in (1, 16, 64):
                    r = run_load(transport_kind, python, server.url, workers, args.duration)
                    cycles[(transport_kind, listener_kind, workers)] = r
                    print(f"{transport_kind} → {listener_kind}, {workers} workers: {r}", flush=True)
        finally:
            server.stop()

    heartbeats = {}
    for name, start in (("reference", lambda: reference(python)), ("rxon", ours), ("bare axum", bare_axum)):
        server = start()
        try:
            heartbeats[name] = run_wrk(server, args.duration)
            print(f"wrk heartbeat → {name}: {heartbeats[name]}", flush=True)
        finally:
            server.stop()

    memory = {}
    for name, start, polls in (("reference", lambda: reference(python, hold=True), 1000), ("rxon", lambda: ours(hold=True), 1000), ("rxon ", lambda: ours(hold=True), 15000)):
        server = start()
        try:
            memory[(name.strip(), polls)] = held_polls_memory(server, polls)
            print(f"memory {name.strip()} {polls} polls: {memory[(name.strip(), polls)]}", flush=True)
        finally:
            server.stop()
    server = ours(hold=True)
    try:
        worker_rss = worker_memory(server)
    finally:
        server.stop()

    lines = ["### Poll → result cycles/s (p50 / p99 ms)", "",
             "| workers | reference → reference | rxon → reference | reference → rxon | rxon → rxon | rxon→rxon ÷ ref→ref |",
             "|---:|---:|---:|---:|---:|---:|"]
    for workers in (1, 16, 64):
        cells = []
        for pair in (("reference", "reference"), ("rxon", "reference"), ("reference", "rxon"), ("rxon", "rxon")):
            r = cycles[(pair[0], pair[1], workers)]
            cells.append(f"{r['ops_per_s']:,.0f} ({r['p50_ms']:.2f} / {r['p99_ms']:.2f})" + (f", {r['errors']} errors" if r["errors"] else ""))
        ratio = cycles[("rxon", "rxon", workers)]["ops_per_s"] / max(cycles[("reference", "reference", workers)]["ops_per_s"], 1e-9)
        lines.append(f"| {workers} | " + " | ".join(cells) + f" | {ratio:.1f}× |")
    lines += ["", "### Heartbeats: `wrk -t2 -c64` on `PATCH /_worker/workers/{id}`", "",
              "| server | requests/s | server CPU-µs per request | vs reference | vs bare axum |", "|---|---:|---:|---:|---:|"]
    for name in ("reference", "rxon", "bare axum"):
        h = heartbeats[name]
        lines.append(f"| {name} | {h['rps']:,.0f} | {h['cpu_us']:.1f} | {h['rps'] / heartbeats['reference']['rps']:.1f}× | {h['rps'] / heartbeats['bare axum']['rps'] * 100:.0f} % |")
    lines += ["", "### Idle long polls held open", "", "| listener | polls held | server RSS idle → held | per 1,000 polls | client errors | kernel, server end, per 1,000 | target (issue 15) |", "|---|---:|---:|---:|---:|---:|---:|"]
    for (name, polls), m in memory.items():
        target = ""
        if name == "rxon" and polls >= 15000:
            met = m["per_1000_mb"] <= 3.0 and m["errors"] == 0
            target = "≤ 3 MB, 15,000 held " + ("✅" if met else "❌")
        lines.append(f"| {name} | {polls:,} | {m['idle_mb']:.1f} → {m['held_mb']:.1f} MB | {m['per_1000_mb']:.2f} MB | {m['errors']} | {m['kernel_per_1000_mb']:.1f} MB | {target} |")
    lines += ["", f"The worker side: an `rxon worker` process (the core's runtime) holding its long poll: {worker_rss:.1f} MB RSS."]
    text = "\n".join(lines)
    print(text)
    doc = DOC.read_text()
    if START in doc:
        doc = re.sub(re.escape(START) + ".*?" + re.escape(END), START + "\n" + text + "\n" + END, doc, flags=re.S)
        DOC.write_text(doc)


if __name__ == "__main__":
    main()
