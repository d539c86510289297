#!/usr/bin/env bash
# Run each Go fuzz target for a fixed time, one target after another.
#
# Usage: scripts/fuzz.sh [FUZZTIME]
#
# FUZZTIME is the go test -fuzztime value for each target: a duration such
# as 10s or 2m, or an execution count such as 5000x. The default, 10s, is
# short enough for CI. go test fuzzes one target in one package per run, so
# the targets run in turn and the script stops at the first failure. go test
# writes each failing input to the package's testdata/fuzz/FUZZNAME
# directory, where plain `go test` runs it as a regression case.
#
# To add a target, add a line "PACKAGE FUZZNAME" to the targets list.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ $# -gt 1 ]]; then
  echo "usage: scripts/fuzz.sh [FUZZTIME]   (for example 10s, 2m or 5000x; default 10s)" >&2
  exit 2
fi
fuzztime=${1:-10s}

targets=(
  "./internal/loopback FuzzCallback"
  "./internal/pdoauth FuzzParseIDToken"
  "./internal/credstore FuzzDecodeRecord"
  "./internal/loopback FuzzParsePastedURL"
)

for target in "${targets[@]}"; do
  read -r package name <<<"$target"
  echo "==> go test -run '^\$' -fuzz '^${name}\$' -fuzztime $fuzztime $package"
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$package"
done

echo "==> all fuzz targets passed"
