#!/usr/bin/env bash
# Runs every test of every layer. Installs what it needs; assumes only the machine's toolchains
# (cargo, python3, node + npm). The shared test vectors are read from ../shared/vectors (override with
# RXON_VECTORS_DIR).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

export RXON_VECTORS_DIR="${RXON_VECTORS_DIR:-$root/../shared/vectors}"
if [ ! -d "$RXON_VECTORS_DIR" ]; then
    echo "test vectors not found at $RXON_VECTORS_DIR (set RXON_VECTORS_DIR)" >&2
    exit 1
fi

# The reference package (rxon==1.0b17) in its own virtualenv, for the interoperability tests.
RXON_REFERENCE_PYTHON="$("$root/scripts/python-venv.sh" reference 'rxon==1.0b17')"
export RXON_REFERENCE_PYTHON
# The real orchestrator (avtomatika==1.0b30) for the end-to-end tests.
RXON_AVTOMATIKA_PYTHON="$("$root/scripts/python-venv.sh" avtomatika 'avtomatika==1.0b30')"
export RXON_AVTOMATIKA_PYTHON

echo "== Rust: rxon-core and rxon-cli (unit, vectors, properties, loopback, faults, interop with the reference, end to end with avtomatika, doc tests)"
# --nocapture shows the per-file vector counts ("<file>.json: N passed").
cargo test --workspace --locked -- --nocapture

echo "== Python binding (bindings-python): built into a virtualenv with pip, tested with pytest"
python="$("$root/scripts/python-venv.sh" python 'pytest')"
# The reference beside it (the tests compare against it), mypy for the type stubs, ruff for style.
"$python" -m pip install --quiet --disable-pip-version-check 'rxon==1.0b17' 'mypy==1.*' 'ruff==0.*'
# A debug build (tests), installed fresh from this checkout every run.
MATURIN_PEP517_ARGS="--profile dev" "$python" -m pip install --quiet --disable-pip-version-check \
    --force-reinstall --no-deps "$root/bindings-python"
python_sources=("$root/bindings-python/python" "$root/bindings-python/tests" "$root/bindings-python/examples")
"$python" -m mypy --strict "${python_sources[@]}"
"$python" -m ruff check --config "$root/bindings-python/pyproject.toml" "${python_sources[@]}"
"$python" -m ruff format --check --config "$root/bindings-python/pyproject.toml" "${python_sources[@]}"
"$python" -m pytest -q -rA "$root/bindings-python/tests" -s

echo "== Node binding (bindings-node): built with the napi CLI (debug), tested with node --test"
(
    cd "$root/bindings-node"
    npm ci --no-audit --no-fund --loglevel=error
    npx napi build --platform --js native.js --dts native.d.ts
    node scripts/message-types.js
    # native.js, native.d.ts and messages.d.ts are generated from the Rust source and
    # committed: a change to the native API or a message that was not committed with them
    # fails here.
    generated=(bindings-node/native.js bindings-node/native.d.ts bindings-node/messages.d.ts)
    if ! git -C "$root" diff --quiet -- "${generated[@]}"; then
        echo "bindings-node's generated files changed when regenerated; commit them:" >&2
        git -C "$root" diff --stat -- "${generated[@]}" >&2
        exit 1
    fi
    npx tsc -p tsconfig.json
    # The transport tests talk to rxon's own listener, the echo_listener example (debug).
    cargo build -p rxon-core --example echo_listener --locked
    node --test --test-timeout=60000 test/*.test.js
    # What a new user does: pack the package, install it into an empty project, run the
    # README's example there with require and with import.
    project="$(mktemp -d)"
    npm pack --silent --pack-destination "$project" >/dev/null
    cp examples/protocol.js examples/protocol.mjs examples/orchestrator.mjs "$project/"
    (
        cd "$project"
        npm init -y >/dev/null
        npm install --no-audit --no-fund --loglevel=error ./rxon-*.tgz
        node protocol.js
        node protocol.mjs
        node orchestrator.mjs
    )
    rm -rf "$project"
)
