#!/usr/bin/env bash
# Creates (once) a virtualenv holding the real orchestrator, avtomatika==1.0b30, and prints
# its python. The end-to-end tests run the orchestrator from here.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${RXON_AVTOMATIKA_VENV:-$root/.venv-avtomatika}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import avtomatika' 2>/dev/null; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'avtomatika==1.0b30' >&2
fi
echo "$venv/bin/python"
