#!/usr/bin/env bash
# cargo deny over the workspace (deny.toml): licences, duplicate versions, sources, and the
# RustSec advisories. The advisory database is fetched from GitHub; where GitHub cannot be
# reached, RXON_ADVISORY_DB may name a clone of github.com/RustSec/advisory-db to read
# instead, and without one the advisories are reported as not checked (the rest still gates).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
deny="$root/.tools/bin/cargo-deny"
if [ ! -x "$deny" ]; then
    cargo install --locked --quiet cargo-deny --version '^0.20' --root "$root/.tools"
fi
"$deny" --locked check licenses bans sources

if [ -n "${RXON_ADVISORY_DB:-}" ]; then
    # cargo-deny keeps each database in a folder named after its URL's hash.
    dbs="$(mktemp -d)"
    trap 'rm -rf "$dbs"' EXIT
    git clone --quiet "$RXON_ADVISORY_DB" "$dbs/advisory-db-3157b0e258782691"
    echo "advisories: from $RXON_ADVISORY_DB ($(git -C "$dbs/advisory-db-3157b0e258782691" log -1 --format=%cs))"
    sed "s#^db-urls = .*#&\ndb-path = \"$dbs\"#" deny.toml > "$dbs/deny.toml"
    "$deny" --locked --offline --config "$dbs/deny.toml" check advisories
elif "$deny" fetch db >/dev/null 2>&1; then
    "$deny" --locked check advisories
else
    echo "advisories: NOT CHECKED — the RustSec database (github.com/RustSec/advisory-db) cannot be fetched from here;"
    echo "            run scripts/deny.sh where GitHub is reachable, or with RXON_ADVISORY_DB=<a clone of it>"
fi
