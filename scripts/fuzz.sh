#!/usr/bin/env bash
# Run each Go fuzz target for a fixed budget, one target after another.
#
# Usage: scripts/fuzz.sh [FUZZTIME]
#
# FUZZTIME is the go test -fuzztime value for each target: an execution count
# such as 100000x, or a duration such as 2m. The default, 100000x, takes 3 to
# 8 seconds per target on a 2-core machine. The default is a count because
# Go 1.26's fuzzing coordinator can fail a target with a bare "context
# deadline exceeded" when a duration runs out (https://go.dev/issue/75804).
# A count has no deadline, so a failure here is a real finding.
# go test fuzzes one target in one package per run, so
# the targets run in turn and the script stops at the first failure. go test
# writes each failing input to the package's testdata/fuzz/FUZZNAME
# directory, where plain `go test` runs it as a regression case.
#
# To add a target, add a line "PACKAGE FUZZNAME" to the targets list.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ $# -gt 1 ]]; then
  echo "usage: scripts/fuzz.sh [FUZZTIME]   (for example 100000x or 2m; default 100000x)" >&2
  exit 2
fi
fuzztime=${1:-100000x}

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
