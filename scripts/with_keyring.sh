#!/usr/bin/env bash
# Run CMD... with a throwaway, unlocked gnome-keyring Secret Service on a private D-Bus session bus.
#
# Used by the real-keyring test (pytest -m keyring_real). It always starts its own bus with
# dbus-run-session, even when a desktop session bus exists, so the command can never reach the
# developer's own keyring; the daemon's HOME/XDG_DATA_HOME are a temporary directory that is removed
# afterwards. Needs: dbus (dbus-run-session, dbus-send) and gnome-keyring (scripts/ci_system_packages.sh).
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

if [ -z "${OPTOUT_PRIVATE_BUS:-}" ]; then
    for tool in dbus-run-session gnome-keyring-daemon; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "with_keyring.sh: $tool is not installed; run scripts/ci_system_packages.sh (Debian/Ubuntu)" >&2
            exit 127
        fi
    done
    export OPTOUT_PRIVATE_BUS=1
    exec dbus-run-session -- bash "$0" "$@"
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/optout-keyring.XXXXXX")"
mkdir -p "$scratch/home" "$scratch/data" "$scratch/run"
chmod 700 "$scratch/run"
daemon_pid=""
cleanup() {
    if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null || true; fi
    rm -rf "$scratch"
}
trap cleanup EXIT

# A throwaway password for a throwaway login keyring; --unlock reads it from standard input and
# creates the keyring (and makes it the default collection) when it does not exist yet.
password="$(head -c 18 /dev/urandom | base64)"
printf '%s' "$password" | env HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/run" \
    gnome-keyring-daemon --foreground --unlock --components=secrets \
    --control-directory="$scratch/run/keyring" >"$scratch/daemon.log" 2>&1 &
daemon_pid=$!
unset password

# Wait until the Secret Service name is on the bus.
for _ in $(seq 1 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
        break
    fi
    if ! kill -0 "$daemon_pid" 2>/dev/null; then
        echo "with_keyring.sh: gnome-keyring-daemon exited early:" >&2
        cat "$scratch/daemon.log" >&2
        exit 1
    fi
    sleep 0.1
done

export OPTOUT_TEST_SECRET_SERVICE=1  # tells the keyring_real test this bus has a throwaway keyring
"$@"
