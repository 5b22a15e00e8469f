#!/usr/bin/env bash
# The main job, on an embedded default: an RXON orchestrator (rxon-core's echo_listener
# example) and a generic worker (`rxon worker`) running a small shell program per task, on
# loopback for a few seconds; then both stop and the orchestrator prints what it handled.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds="${1:-5}"

# One build for both (one feature set of rxon-core), with cargo's progress shown.
echo "== building rxon and the echo_listener orchestrator (release; the first build takes a few minutes)"
cargo build --release -p rxon-cli -p rxon-core --bin rxon --example echo_listener
bin="${CARGO_TARGET_DIR:-$root/target}/x86_64-unknown-linux-gnu/release"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin/examples/echo_listener" --bind "127.0.0.1:$port" --token demo-token > /tmp/rxon-demo-orchestrator.$$ &
orchestrator=$!
trap 'kill "$orchestrator" 2>/dev/null || true; rm -f /tmp/rxon-demo-orchestrator.$$' EXIT
sleep 0.5

echo "== rxon worker on http://127.0.0.1:$port for $seconds s: each task's params are echoed back with a progress event"
# Per-task log lines (thousands here) are hidden; the worker's state changes are shown.
# --foreground: SIGINT goes to rxon alone, which then drains, not to the task commands too.
RUST_LOG="${RUST_LOG:-info,rxon::run=warn}" timeout --foreground -s INT "$seconds" "$bin/rxon" worker --url "http://127.0.0.1:$port" --id demo-worker --token demo-token \
    --skill echo --concurrency 4 -- sh -c 'p=$(cat); echo "progress 1 done" >&2; echo "$p"' || true

kill -INT "$orchestrator"
wait "$orchestrator" || true
echo "== the orchestrator handled (per action):"
tail -n 1 /tmp/rxon-demo-orchestrator.$$
