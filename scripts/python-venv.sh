#!/usr/bin/env bash
# Creates (once) the virtualenv .venv-NAME holding one pinned package and prints its python:
#   scripts/python-venv.sh reference 'rxon==1.0b17'      (the reference package)
#   scripts/python-venv.sh avtomatika 'avtomatika==1.0b30' (the real orchestrator)
# The folder can be moved with RXON_VENV_DIR (a parent folder for every such venv).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
name="$1"
requirement="$2"
module="${requirement%%[=<>]*}"
venv="${RXON_VENV_DIR:-$root}/.venv-$name"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import $module" 2>/dev/null; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$requirement" >&2
fi
echo "$venv/bin/python"
