#!/usr/bin/env bash
# Check the release setup in .goreleaser.yaml as far as is possible without
# goreleaser itself:
#   1. go test ./internal/docgen, whose release tests parse .goreleaser.yaml
#      and check that the archives and packages ship every generated file;
#   2. run the before hook's gendocs command, with test values for the
#      templates, and syntax-check the completion scripts and man pages;
#   3. cross-compile pdauth and pdauth-core for every goos/goarch target,
#      pdauth-core with the ldflags line from .goreleaser.yaml, and check
#      that the linux/amd64 pdauth prints the injected version, commit and
#      date, which it gets from the pdauth-core next to it.
#
# Usage: scripts/release-check.sh
#
# It does not run `goreleaser check` or a snapshot build, so goreleaser's own
# schema checks, the archive and package assembly and the Homebrew formula
# template are not covered. Outputs go to a temporary directory, except the
# hook's build/docs, which the real release writes too (and .gitignore lists).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly TEST_VERSION=9.9.9-check
readonly TEST_COMMIT=0123456789abcdef0123456789abcdef01234567
readonly TEST_DATE=2026-01-02T03:04:05Z

out=$(mktemp -d "${TMPDIR:-/tmp}/pdauth-release-check.XXXXXX")
trap 'rm -rf -- "$out"' EXIT

# Replace the goreleaser templates that the hook and the ldflags use with
# the test values.
fill_templates() {
  sed -e "s/{{ *\.Version *}}/$TEST_VERSION/g" \
    -e "s/{{ *\.FullCommit *}}/$TEST_COMMIT/g" \
    -e "s/{{ *\.Date *}}/$TEST_DATE/g" \
    -e "s/{{ *\.CommitDate *}}/$TEST_DATE/g"
}

echo "==> go test ./internal/docgen/... (.goreleaser.yaml against the generated files)"
go test -count=1 ./internal/docgen/...

echo "==> before hook"
hook=$(sed -n 's/^ *- \(go run \.\/internal\/docgen\/cmd\/gendocs .*\)$/\1/p' .goreleaser.yaml | fill_templates)
if [[ -z "$hook" || "$hook" == *"{{"* ]]; then
  echo "release-check.sh: could not read the gendocs hook from .goreleaser.yaml: '$hook'" >&2
  exit 1
fi
echo "    $hook"
# The hook is one command with space-separated arguments, as goreleaser
# splits it.
read -r -a hook_args <<<"$hook"
"${hook_args[@]}"

bash -n build/docs/completions/pdauth.bash
echo "    bash -n pdauth.bash: ok"
if command -v zsh >/dev/null 2>&1; then
  zsh -n build/docs/completions/_pdauth
  echo "    zsh -n _pdauth: ok"
else
  echo "    zsh not installed: _pdauth not syntax-checked"
fi
if command -v fish >/dev/null 2>&1; then
  fish --no-execute build/docs/completions/pdauth.fish
  echo "    fish --no-execute pdauth.fish: ok"
else
  echo "    fish not installed: pdauth.fish not syntax-checked"
fi
for page in build/docs/man/*.1.gz; do
  # groff -ww prints every warning; -z discards the formatted page.
  warnings=$(zcat "$page" | groff -man -Tutf8 -ww -z 2>&1)
  if [[ -n "$warnings" ]]; then
    echo "release-check.sh: groff warns about $page:" >&2
    echo "$warnings" >&2
    exit 1
  fi
done
echo "    groff -ww on $(ls build/docs/man/*.1.gz | wc -l) man pages: no warnings"

echo "==> cross-compile with the release ldflags"
ldflags=$(sed -n 's/^ *- \(-s -w -X main\.version=.*\)$/\1/p' .goreleaser.yaml | fill_templates)
if [[ -z "$ldflags" || "$ldflags" == *"{{"* ]]; then
  echo "release-check.sh: could not read the ldflags from .goreleaser.yaml: '$ldflags'" >&2
  exit 1
fi
echo "    -ldflags \"$ldflags\""
for goos in linux darwin windows; do
  for goarch in amd64 arm64; do
    dir="$out/$goos-$goarch"
    exe=""
    [[ $goos == windows ]] && exe=".exe"
    CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath -ldflags "-s -w" -o "$dir/pdauth$exe" .
    CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath -ldflags "$ldflags" -o "$dir/pdauth-core$exe" ./cmd/pdauth-core
    echo "    $goos/$goarch: pdauth $(stat -c %s "$dir/pdauth$exe") bytes, pdauth-core $(stat -c %s "$dir/pdauth-core$exe") bytes"
  done
done

want="pdauth version $TEST_VERSION (commit $TEST_COMMIT, built $TEST_DATE)"
for args in --version version; do
  got=$("$out/linux-amd64/pdauth" "$args")
  if [[ "$got" != "$want" ]]; then
    echo "release-check.sh: pdauth $args printed '$got', want '$want'" >&2
    exit 1
  fi
done
echo "    pdauth --version and pdauth version: $want"

echo "==> release checks passed (goreleaser check and a snapshot build were not run)"
