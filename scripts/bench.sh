#!/usr/bin/env bash
# Benchmark pdauth token, whoami and login against floor programs, on a
# throwaway Secret Service and the pdtest server on loopback. BENCHMARKS.md
# explains the figures and records the last results.
#
# Usage: scripts/bench.sh [pdauthbench flags...]
#   e.g. scripts/bench.sh -pairs 200 -login-pairs 50
#
# PDAUTHBENCH_PDAUTH=/path/to/pdauth benchmarks that binary, and the
# pdauth-core next to it, instead of the ones built from this checkout, for
# example a build with a proposed change.
#
# It builds pdauth and the floors as the release does (-trimpath -ldflags
# "-s -w", CGO_ENABLED=0) into a temporary directory, then runs
# internal/bench/cmd/pdauthbench inside scripts/with-keyring.sh, so the
# keychain entries it writes never reach the caller's keyring. It needs Go
# and the Debian packages dbus and gnome-keyring. Nothing leaves the
# machine: the test server listens on 127.0.0.1, and pdauth's callback on a
# free localhost port.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$(mktemp -d "${TMPDIR:-/tmp}/pdauthbench.XXXXXX")
trap 'rm -rf -- "$bin"' EXIT

cd "$repo"
echo "# building into $bin" >&2
build() {
  CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$bin/$1" "$2"
}
if [[ -n "${PDAUTHBENCH_PDAUTH-}" ]]; then
  echo "# pdauth: $PDAUTHBENCH_PDAUTH (PDAUTHBENCH_PDAUTH)" >&2
  cp "$PDAUTHBENCH_PDAUTH" "$bin/pdauth"
  cp "$(dirname "$PDAUTHBENCH_PDAUTH")/pdauth-core" "$bin/pdauth-core"
else
  build pdauth .
  build pdauth-core ./cmd/pdauth-core
fi
build keyringfloor ./internal/bench/cmd/keyringfloor
build whoamifloor ./internal/bench/cmd/whoamifloor
build loginfloor ./internal/bench/cmd/loginfloor
build pdtestserver ./internal/pdtest/cmd/pdtestserver
build measure ./internal/bench/cmd/measure
go build -o "$bin/pdauthbench" ./internal/bench/cmd/pdauthbench

echo "# $(go version); $(gnome-keyring-daemon --version 2>/dev/null | head -n 1)" >&2
echo "# command: scripts/bench.sh $*" >&2

# The private bus and the keyring daemon log routine lines to stderr; those
# are dropped, and any other line (an error) is kept.
"$repo/scripts/with-keyring.sh" "$bin/pdauthbench" -bin "$bin" "$@" \
  2> >(grep -v -e 'fd limit' -e 'already registered' -e 'gnome-keyring-daemon.*WARNING' -e '^$' >&2)
