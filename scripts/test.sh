#!/usr/bin/env bash
# Install everything the tests need on a fresh machine, then run the whole suite.
# System packages: gnome-keyring + D-Bus for the real Secret Service test (root or sudo needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ci_system_packages.sh
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/pip install -q -e '.[test]'
# The house rules first (seconds): lint, format, types, layer contracts.
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .
.venv/bin/mypy
.venv/bin/lint-imports --no-cache >/dev/null || .venv/bin/lint-imports --no-cache
exec bash scripts/with_keyring.sh .venv/bin/python -m pytest -q -n auto --durations=15 "$@"
