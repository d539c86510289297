#!/usr/bin/env bash
# Run the project's checks: go vet, the full test suite against a real
# Secret Service and Chromium, and builds for linux, darwin and windows on
# amd64 and arm64.
#
# Requires Go, gcc (for -race) and the Debian packages that .ci/run installs:
# gnome-keyring, dbus, libsecret-tools and chromium.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The end-to-end tests skip unless these are set. PDAUTH_TEST_REAL_KEYRING=1
# turns on the tests that write to the Secret Service on the session bus, and
# PDAUTH_TEST_CHROMIUM names the Chromium binary for the browser test.
export PDAUTH_TEST_REAL_KEYRING=1
export PDAUTH_TEST_CHROMIUM=${PDAUTH_TEST_CHROMIUM:-/usr/bin/chromium}

if [[ ! -x "$PDAUTH_TEST_CHROMIUM" ]]; then
  echo "test.sh: Chromium not found at $PDAUTH_TEST_CHROMIUM. Install it with 'apt-get install chromium' or set PDAUTH_TEST_CHROMIUM to its path." >&2
  exit 1
fi

echo "==> go vet ./..."
go vet ./...

# with-keyring.sh gives the tests a private session bus with an unlocked
# throwaway keyring, so they never read or write the caller's real keyring.
# The race detector needs cgo, so CGO_ENABLED is set in case the caller
# turned it off.
echo "==> go test -race -count=1 ./... (private session bus and keyring)"
CGO_ENABLED=1 scripts/with-keyring.sh go test -race -count=1 ./...

# Each fuzz target runs briefly on top of its checked-in seed corpus, which
# the go test run above already replayed.
echo "==> fuzz (${PDAUTH_FUZZTIME:-100000x} per target)"
scripts/fuzz.sh "${PDAUTH_FUZZTIME:-100000x}"

# CGO_ENABLED=0 needs no C cross-compiler, and the builds fail on code that
# compiles only with cgo or only on the host platform.
echo "==> cross-compile"
for goos in linux darwin windows; do
  for goarch in amd64 arm64; do
    echo "    $goos/$goarch"
    CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -o /dev/null .
    CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -o /dev/null ./cmd/pdauth-core
  done
done

# The release setup: the documentation hook, the man pages, and the release
# ldflags on every target (goreleaser itself is not installed here).
echo "==> release check"
scripts/release-check.sh

echo "==> all checks passed"
