#!/usr/bin/env bash
# Run a command against a throwaway GNOME Keyring on a private D-Bus session bus.
#
# Usage: scripts/with-keyring.sh CMD [ARGS...]
#
# The script starts a new session bus with dbus-run-session, even when the
# caller already has one, and starts gnome-keyring-daemon (secrets component
# only) on that bus. The daemon reads a throwaway password on stdin, so it
# creates a "login" collection, points the "default" alias at it and leaves it
# unlocked. Secret Service clients such as go-keyring and secret-tool can then
# store and read items without a prompt and without a desktop session.
#
# The bus, the daemon and every service the bus activates get HOME,
# XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME and XDG_RUNTIME_DIR inside a
# temporary directory, so the keyring files and the daemon's control socket
# never touch the caller's real keyring. CMD gets the caller's values back,
# so Go's module and build caches still work. For CMD only
# DBUS_SESSION_BUS_ADDRESS changes, and it points at the private bus.
#
# When CMD ends, the script stops the daemon it started, by PID, and deletes
# the temporary directory. It exits with CMD's exit status.
#
# Requires the Debian packages dbus (dbus-run-session, dbus-send,
# dbus-update-activation-environment) and gnome-keyring.
set -euo pipefail

# Maximum time to wait for the daemon to own org.freedesktop.secrets and
# unlock the login collection. `with-keyring.sh true` took 0.14 to 0.16 s in
# all on a 2-core Debian 12 machine with gnome-keyring 42.1, so the limit
# leaves room for a slow or loaded machine.
readonly READY_TIMEOUT_SECONDS=30

# The keyring only protects test data in a directory that is deleted
# afterwards, so the password can be a fixed string.
readonly THROWAWAY_PASSWORD='pdauth-throwaway-keyring'

# Variables that point the bus and the daemon at the temporary directory.
# run_outer saves the caller's values and run_inner restores them for CMD.
readonly ISOLATED_VARIABLES=(HOME XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_RUNTIME_DIR)

readonly SECRETS_NAME=org.freedesktop.secrets
readonly LOGIN_COLLECTION=/org/freedesktop/secrets/collection/login

die() {
  echo "with-keyring.sh: $*" >&2
  exit 1
}

require_commands() {
  local cmd
  for cmd in dbus-run-session dbus-send dbus-update-activation-environment gnome-keyring-daemon; do
    if ! command -v "$cmd" >/dev/null 2>&1; then
      die "$cmd not found. Install it with: apt-get install dbus gnome-keyring"
    fi
  done
}

# Start the private bus and run this script again inside it. The inner run
# finds the temporary directory in WITH_KEYRING_DIR and each caller's value
# of an isolated variable in WITH_KEYRING_CALLER_<NAME>.
run_outer() {
  require_commands

  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/with-keyring.XXXXXX")
  # shellcheck disable=SC2064 # expand $dir now, the local is gone at exit.
  trap "rm -rf -- '$dir'" EXIT
  mkdir -m 700 "$dir/home" "$dir/data" "$dir/config" "$dir/cache" "$dir/runtime"

  # The temporary values also keep dbus-daemon from loading service files
  # from the caller's $XDG_DATA_HOME/dbus-1/services and
  # $XDG_RUNTIME_DIR/dbus-1/services.
  local -a bus_env=(WITH_KEYRING_DIR="$dir")
  local name
  for name in "${ISOLATED_VARIABLES[@]}"; do
    if [[ -v $name ]]; then
      bus_env+=("WITH_KEYRING_CALLER_$name=${!name}")
    fi
  done
  bus_env+=(
    HOME="$dir/home"
    XDG_DATA_HOME="$dir/data"
    XDG_CONFIG_HOME="$dir/config"
    XDG_CACHE_HOME="$dir/cache"
    XDG_RUNTIME_DIR="$dir/runtime"
  )

  # dbus-run-session runs in the foreground so that CMD keeps the default
  # SIGINT handling and the caller's stdin. Bash ignores SIGINT in background
  # jobs of a script, and the children would inherit that. The no-op traps
  # keep this shell alive until dbus-run-session returns, so the temporary
  # directory outlives the daemon.
  # NOTE: bash runs a trap only after the foreground command returns, so a
  # signal sent to this script's PID alone neither stops CMD nor reaches it.
  # Ctrl-C and timeout(1) signal the whole process group, which does stop CMD,
  # the daemon and the bus.
  trap ':' INT TERM HUP
  local status=0
  env "${bus_env[@]}" dbus-run-session -- bash "${BASH_SOURCE[0]}" "$@" || status=$?
  exit "$status"
}

# Print the PID of the process that owns NAME on the session bus. It fails
# when no connection owns the name. Asking the bus driver never starts a service,
# unlike a call to NAME itself, which would make the bus activate a second
# gnome-keyring-daemon from its .service file.
name_owner_pid() {
  local reply
  reply=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus \
    /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID \
    "string:$1" 2>/dev/null) || return 1
  # The literal reply is "uint32 PID".
  echo "${reply##* }"
}

# Succeed when the "default" alias points at the login collection and that
# collection is unlocked, which is what go-keyring needs to store an item.
login_collection_ready() {
  local alias_reply locked_reply
  alias_reply=$(dbus-send --session --print-reply=literal --dest="$SECRETS_NAME" \
    /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias \
    string:default 2>/dev/null) || return 1
  [[ "${alias_reply//[[:space:]]/}" == "$LOGIN_COLLECTION" ]] || return 1

  locked_reply=$(dbus-send --session --print-reply=literal --dest="$SECRETS_NAME" \
    "$LOGIN_COLLECTION" org.freedesktop.DBus.Properties.Get \
    string:org.freedesktop.Secret.Collection string:Locked 2>/dev/null) || return 1
  [[ "$locked_reply" == *"boolean false"* ]]
}

# Wait until DAEMON_PID owns the Secret Service name and has unlocked the
# login collection. Fail when the daemon exits first or the time runs out.
wait_for_keyring() {
  local daemon_pid=$1
  local deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
  local owner_pid

  while ((SECONDS < deadline)); do
    if ! kill -0 "$daemon_pid" 2>/dev/null; then
      local status=0
      wait "$daemon_pid" || status=$?
      die "gnome-keyring-daemon (PID $daemon_pid) exited with status $status before it was ready"
    fi

    if owner_pid=$(name_owner_pid "$SECRETS_NAME"); then
      if [[ "$owner_pid" != "$daemon_pid" ]]; then
        die "$SECRETS_NAME on the private bus is owned by PID $owner_pid, not by the started daemon (PID $daemon_pid)"
      fi
      if login_collection_ready; then
        return 0
      fi
    fi
    sleep 0.1
  done

  die "gnome-keyring-daemon (PID $daemon_pid) did not provide an unlocked login collection within ${READY_TIMEOUT_SECONDS}s"
}

# Stop the daemon with SIGTERM, and with SIGKILL if it is still running 5 s
# later. wait also reaps it, so no zombie is left behind.
# shellcheck disable=SC2317 # called from the EXIT trap in run_inner.
stop_daemon() {
  local daemon_pid=$1
  kill -TERM "$daemon_pid" 2>/dev/null || return 0

  local _
  for _ in $(seq 50); do
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$daemon_pid" 2>/dev/null || true
  wait "$daemon_pid" 2>/dev/null || true
}

# Give CMD the caller's values of the isolated variables, and unset those
# that the caller did not set.
restore_caller_environment() {
  local name saved
  for name in "${ISOLATED_VARIABLES[@]}"; do
    saved=WITH_KEYRING_CALLER_$name
    if [[ -v $saved ]]; then
      export "$name=${!saved}"
      unset "$saved"
    else
      unset "$name"
    fi
  done
}

# Start the keyring daemon on the private bus, run CMD and exit with its
# status. The function exits instead of returning because set -e does not
# apply inside a function that is called on the left of || or &&.
run_inner() {
  local dir=$WITH_KEYRING_DIR
  unset WITH_KEYRING_DIR

  # Services that the bus starts on demand, such as a second keyring daemon
  # or the gcr-prompter password dialog, inherit the bus's environment with
  # the temporary directories. An empty DISPLAY and WAYLAND_DISPLAY make a
  # password prompt fail at once, instead of opening a dialog on the caller's
  # desktop and blocking the Secret Service call until someone answers it.
  dbus-update-activation-environment DISPLAY= WAYLAND_DISPLAY=

  # --foreground keeps the daemon a child of this shell, so $! is its PID.
  # Without it the daemon forks and leaves no PID to stop. --unlock reads the
  # password on stdin and creates the login keyring when it does not exist.
  # The daemon's stdout goes to stderr so that CMD's stdout stays clean.
  gnome-keyring-daemon --foreground --unlock --components=secrets \
    <<<"$THROWAWAY_PASSWORD" >&2 &
  local daemon_pid=$!
  # shellcheck disable=SC2064 # expand the PID now, the local is gone at exit.
  trap "stop_daemon $daemon_pid" EXIT
  # Turn SIGINT, SIGTERM and SIGHUP into a normal exit so that the EXIT trap
  # stops the daemon. A signal that arrives while CMD runs takes effect when
  # CMD returns, and the script then exits with 128 plus the signal number.
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP

  wait_for_keyring "$daemon_pid"

  restore_caller_environment

  local status=0
  "$@" || status=$?
  exit "$status"
}

main() {
  if (($# == 0)); then
    echo "usage: scripts/with-keyring.sh CMD [ARGS...]" >&2
    exit 2
  fi

  if [[ -n "${WITH_KEYRING_DIR-}" ]]; then
    run_inner "$@"
  else
    run_outer "$@"
  fi
}

main "$@"
