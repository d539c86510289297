#!/usr/bin/env bash
# Run pdauth's main job on this machine without a PagerDuty account:
# login, whoami and token against the bundled test server on loopback,
# with the browser step automated and a throwaway keyring.
#
# Usage: scripts/demo.sh
#
# Needs Go and, on Linux, the Debian packages dbus and gnome-keyring (see
# scripts/with-keyring.sh). Nothing leaves the machine: the test server
# listens on 127.0.0.1, and pdauth's callback on localhost:5000, or on the
# redirect URI in PDAUTH_REDIRECT_URI.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Inside the throwaway keyring: start the server, then show each command as
# a user would type it.
if [[ "${1-}" == "--inner" ]]; then
  bin=$2
  redirect=${PDAUTH_REDIRECT_URI:-http://localhost:5000/callback}

  exec 3< <("$bin/pdtestserver" -redirect-uri "$redirect" 2>/dev/null)
  server_pid=$!
  trap 'kill "$server_pid" 2>/dev/null || true' EXIT
  read -r server_url <&3

  # Settings and lock files go to the demo's own folder, so the demo leaves
  # nothing in the user's configuration for a real login to pick up.
  export XDG_CONFIG_HOME=$bin/config XDG_CACHE_HOME=$bin/cache
  export PDAUTH_OAUTH_URL=$server_url
  export PDAUTH_CLIENT_ID=pdauth-test-client
  export PDAUTH_REDIRECT_URI=$redirect
  export BROWSER="$bin/browser"
  export PATH="$bin:$PATH"

  echo "# test server on $server_url (PDAUTH_OAUTH_URL); the browser is 'pdtestserver browse'"
  echo "# (stdout and stderr both shown)"
  for args in "login" "whoami" "whoami --json" "token"; do
    echo
    echo "\$ pdauth $args"
    # shellcheck disable=SC2086 # split the arguments on purpose
    pdauth $args 2>&1
  done
  exit 0
fi

bin=$(mktemp -d "${TMPDIR:-/tmp}/pdauth-demo.XXXXXX")
trap 'rm -rf -- "$bin"' EXIT
echo "# building pdauth, pdauth-core and the test server" >&2
(cd "$repo" && go build -o "$bin/pdauth" . && go build -o "$bin/pdauth-core" ./cmd/pdauth-core &&
  go build -o "$bin/pdtestserver" ./internal/pdtest/cmd/pdtestserver)
# The browser follows the redirects quietly, as a real one would.
printf '#!/bin/sh\nexec "%s/pdtestserver" browse "$1" 2>/dev/null\n' "$bin" >"$bin/browser"
chmod +x "$bin/browser"

# The private bus and the keyring daemon log routine lines to stderr; those
# are dropped, and any other line (an error) is kept.
"$repo/scripts/with-keyring.sh" bash "${BASH_SOURCE[0]}" --inner "$bin" \
  2> >(grep -v -e 'fd limit' -e 'already registered' -e 'gnome-keyring-daemon.*WARNING' -e '^$' >&2)
