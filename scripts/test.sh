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

echo "== Dependencies (cargo deny, deny.toml): licences, duplicate versions, sources; advisories where the RustSec database can be read"
"$root/scripts/deny.sh"

echo "== Python binding (bindings-python): built into a virtualenv with pip, tested with pytest"
python="$("$root/scripts/python-venv.sh" python 'pytest')"
# The reference beside it (the tests compare against it), mypy for the type stubs, ruff for style.
"$python" -m pip install --quiet --disable-pip-version-check 'rxon==1.0b17' 'mypy==1.*' 'ruff==0.*'
# A debug build (tests) of this checkout, made once and installed fresh every run: here, and
# beside avtomatika's worker SDK (its own virtualenv: its pins differ from avtomatika's), which
# the drop-in tests run on rxon_core through install_as_rxon().
wheels="$(mktemp -d)"
MATURIN_PEP517_ARGS="--profile dev" "$python" -m pip wheel --quiet --disable-pip-version-check --no-deps \
    -w "$wheels" "$root/bindings-python"
RXON_SDK_PYTHON="$("$root/scripts/python-venv.sh" sdk 'avtomatika-worker==1.0b20')"
export RXON_SDK_PYTHON
# avtomatika's virtualenv too: the end-to-end tests also run avtomatika itself on rxon_core.
for venv_python in "$python" "$RXON_SDK_PYTHON" "$RXON_AVTOMATIKA_PYTHON"; do
    "$venv_python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheels"/rxon_core-*.whl
    "$venv_python" -m pip install --quiet --disable-pip-version-check 'msgspec>=0.18'
done
rm -rf "$wheels"
python_sources=("$root/bindings-python/python" "$root/bindings-python/tests" "$root/bindings-python/examples" "$root/tests/soak/python_worker.py")
"$python" -m mypy --strict "${python_sources[@]}"
"$python" -m ruff check --config "$root/bindings-python/pyproject.toml" "${python_sources[@]}"
"$python" -m ruff format --check --config "$root/bindings-python/pyproject.toml" "${python_sources[@]}"
# The rxon CLI the Rust tests built (debug), for the end-to-end tests of `rxon worker`.
RXON_CLI="${CARGO_TARGET_DIR:-$root/target}/x86_64-unknown-linux-gnu/debug/rxon"
export RXON_CLI
"$python" -m pytest -q -rA "$root/bindings-python/tests" -s

echo "== Soak (tests/soak): Rust-runtime and Python workers, our listener behind a fault-injecting proxy, processes killed and restarted; every task counted"
# About a minute here; `cargo run -p rxon-soak -- run --seconds 600 --python PYTHON` for long runs.
cargo run -p rxon-soak --locked --quiet -- run --seconds "${RXON_SOAK_SECONDS:-60}" --python "$python"

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

echo "== C binding (bindings-c): header drift, CMake build, ctest (C and C++, vectors, valgrind), install, consumers"
(
    cd "$root"
    # include/rxon.h is generated by the cbindgen CLI and committed: regenerate it, fail on drift.
    cbindgen="$root/.tools/bin/cbindgen"
    if [ ! -x "$cbindgen" ]; then
        cargo install --locked --quiet cbindgen --version '^0.29' --root "$root/.tools"
    fi
    "$cbindgen" -q --config bindings-c/cbindgen.toml --crate rxon-c --output include/rxon.h bindings-c
    if ! git diff --quiet -- include/rxon.h; then
        echo "include/rxon.h changed when regenerated; commit it:" >&2
        git diff --stat -- include/rxon.h >&2
        exit 1
    fi
    for tool in cmake valgrind; do
        if ! command -v "$tool" >/dev/null; then
            apt-get update -qq && apt-get install -y -qq "$tool" >/dev/null
        fi
    done
    work="$(mktemp -d)"
    # Debug: cargo's dev profile, sharing the workspace's target directory with the tests above.
    cmake -S bindings-c -B "$work/build" -DRXON_TESTS=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
    cmake --build "$work/build" -j 2
    ctest --test-dir "$work/build" --output-on-failure -V -R "^vectors$"
    ctest --test-dir "$work/build" --output-on-failure -E '^vectors$'
    # As a user does it: install, then build a separate project with find_package and with
    # pkg-config, against the shared and the static library.
    cmake --install "$work/build" --prefix "$work/prefix" >/dev/null
    cmake -S bindings-c/examples/consumer -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
    cmake --build "$work/consumer" >/dev/null
    "$work/consumer/consumer_shared"
    "$work/consumer/consumer_static"
    export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
    # shellcheck disable=SC2046
    cc -std=c11 -Wall -Wextra -Werror bindings-c/examples/consumer/main.c $(pkg-config --cflags --libs rxon) \
        -Wl,-rpath,"$work/prefix/lib" -o "$work/consumer_pkg_config"
    "$work/consumer_pkg_config"
    # The ROS node (Debian's ROS 1 packages, installed when missing), against the installed
    # library: rosmaster, the C orchestrator, the node and a robot-side node round-trip tasks.
    if ! dpkg -s libroscpp-dev libstd-msgs-dev python3-rosmaster python3-rospy python3-std-msgs >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq libroscpp-dev libstd-msgs-dev python3-rosmaster \
            python3-rospy python3-std-msgs >/dev/null
    fi
    cmake -S bindings-c/examples/ros -B "$work/ros" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
    cmake --build "$work/ros" >/dev/null
    timeout 180 /usr/bin/python3 bindings-c/examples/ros/test_ros.py "$work/ros/rxon_worker_node" \
        "$work/build/tests/c_orchestrator"
    rm -rf "$work"
)

echo "== Fuzzing (cargo-fuzz on stable, --sanitizer none): every target briefly; scripts/fuzz.sh --runs N for long runs"
"$root/scripts/fuzz.sh" "${RXON_FUZZ_SECONDS:-15}"
