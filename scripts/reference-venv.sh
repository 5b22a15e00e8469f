#!/usr/bin/env bash
# Creates (once) a virtualenv holding the reference package, rxon==1.0b17, and prints its
# python. Benchmarks and interoperability tests run the reference from here.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${RXON_REFERENCE_VENV:-$root/.venv-reference}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import rxon' 2>/dev/null; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'rxon==1.0b17' >&2
fi
echo "$venv/bin/python"
