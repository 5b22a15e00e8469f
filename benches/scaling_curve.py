"""Scaling curve: poll → result cycles/s and p99 latency for 1 → 1,024 concurrent workers, rxon's
transport against rxon's listener and the reference's transport against the reference's
listener, measured in one run on this machine. Writes docs/scaling.png (the chart, drawn with
matplotlib from its own virtualenv), docs/scaling.json (the figures) and the table in
docs/benchmarks.md.

    python3 benches/scaling_curve.py [--duration SECONDS] [--max-workers N]
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare_transport as bench  # noqa: E402  (the servers and load generators)

ROOT = bench.ROOT
DOCS = ROOT / "docs"
START, END = "<!-- scaling-table:start -->", "<!-- scaling-table:end -->"
PAIRS = (("rxon", "rxon → rxon"), ("reference", "reference → reference"))

CHART = r"""
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
data = json.load(open(sys.argv[1]))
fig, (rate, tail) = plt.subplots(1, 2, figsize=(11, 4.2))
for name, style in (("rxon → rxon", "o-"), ("reference → reference", "s--")):
    points = data["series"][name]
    workers = [p["workers"] for p in points]
    rate.plot(workers, [p["ops_per_s"] for p in points], style, label=name)
    tail.plot(workers, [p["p99_ms"] for p in points], style, label=name)
for axis, label in ((rate, "poll → result cycles/s"), (tail, "p99 latency (ms)")):
    axis.set_xscale("log", base=2)
    axis.set_xlabel("concurrent workers")
    axis.set_ylabel(label)
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
tail.set_yscale("log")
fig.suptitle(data["title"])
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--max-workers", type=int, default=1024)
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "-p", "rxon-core", "--examples"], cwd=ROOT, check=True)
    venv = str(ROOT / "scripts" / "python-venv.sh")
    python = subprocess.run([venv, "reference", "rxon==1.0b17"], check=True, capture_output=True, text=True).stdout.strip()
    plot_python = subprocess.run([venv, "plot", "matplotlib"], check=True, capture_output=True, text=True).stdout.strip()
    bench.raise_fd_limit()

    counts, n = [], 1
    while n <= args.max_workers:
        counts.append(n)
        n *= 2
    series = {}
    for kind, name in PAIRS:
        server = bench.ours() if kind == "rxon" else bench.reference(python)
        try:
            series[name] = []
            for workers in counts:
                r = bench.run_load(kind, python, server.url, workers, args.duration)
                series[name].append({"workers": workers, **r})
                print(f"{name}, {workers} workers: {r}", flush=True)
        finally:
            server.stop()

    data = {"title": f"RXON poll → result cycles, {args.duration:.0f} s per point, one machine (2 cores)", "series": series}
    (DOCS / "scaling.json").write_text(json.dumps(data, indent=1) + "\n")
    subprocess.run([plot_python, "-c", CHART, str(DOCS / "scaling.json"), str(DOCS / "scaling.png")], check=True)

    lines = ["| workers | " + " | ".join(f"{name}: cycles/s (p99 ms)" for _, name in PAIRS) + " | ratio |", "|---:|---:|---:|---:|"]
    for i, workers in enumerate(counts):
        ours, theirs = (series[name][i] for _, name in PAIRS)
        cells = [f"{p['ops_per_s']:,.0f} ({p['p99_ms']:.1f})" + (f", {p['errors']} errors" if p["errors"] else "") for p in (ours, theirs)]
        lines.append(f"| {workers:,} | " + " | ".join(cells) + f" | {ours['ops_per_s'] / max(theirs['ops_per_s'], 1e-9):.1f}× |")
    text = "\n".join(lines)
    print(text)
    doc = bench.DOC.read_text()
    if START in doc:
        doc = re.sub(re.escape(START) + ".*?" + re.escape(END), START + "\n" + text + "\n" + END, doc, flags=re.S)
        bench.DOC.write_text(doc)


if __name__ == "__main__":
    main()
