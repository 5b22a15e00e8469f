#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets) in turn with libFuzzer through cargo-fuzz, on the
# stable toolchain (`--sanitizer none`: coverage-guided, no sanitizer; Rust code has no
# memory errors for ASan to find, and panics, hangs and runaway memory are caught anyway).
#   scripts/fuzz.sh [SECONDS_PER_TARGET [TARGET...]]   (default 20 s each; CI runs this)
#   scripts/fuzz.sh --runs 10000000 [TARGET...]         (a number of executions each)
# Seeds come from fuzz/corpus/<target> (python3 fuzz/seeds.py); what libFuzzer learns goes
# to a scratch folder. Prints, per target, the executions, the coverage and the time.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ "${1:-}" = "--runs" ]; then
    limit=(-runs="$2")
    budget="$2 runs"
    shift 2
else
    limit=(-max_total_time="${1:-20}")
    budget="${1:-20} s"
    shift || true
fi
if [ ! -x "$root/.tools/bin/cargo-fuzz" ]; then
    cargo install --locked --quiet cargo-fuzz --root "$root/.tools"
fi
export PATH="$root/.tools/bin:$PATH"
cd "$root/fuzz"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list)
fi
for target in "${targets[@]}"; do
    scratch="$(mktemp -d)"
    log="$scratch/log"
    # -rss_limit_mb: a leak or runaway allocation is a failure; -timeout: so is a hang.
    if ! cargo fuzz run --sanitizer none "$target" "$scratch" "corpus/$target" -- \
        "${limit[@]}" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
        tail -n 60 "$log" >&2
        echo "fuzz target $target failed" >&2
        exit 1
    fi
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    took="$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo '?')"
    coverage="$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*' || echo '?')"
    echo "$target: $runs executions in $took s ($budget asked), coverage $coverage edges, 0 crashes, hangs or leaks"
    rm -rf "$scratch"
done
