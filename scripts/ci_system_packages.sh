#!/usr/bin/env bash
# Install the system packages the tests need (idempotent, quiet): a D-Bus session bus and
# gnome-keyring for the real Secret Service test (scripts/with_keyring.sh), secret-tool for poking at it.
set -euo pipefail

packages=(dbus gnome-keyring libsecret-tools)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ci_system_packages.sh: no apt-get here; install ${missing[*]} with your package manager" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
    sudo="sudo"
fi
echo "installing system packages: ${missing[*]}"
$sudo apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
