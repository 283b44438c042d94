"""The real Secret Service: store, read back from a second process, delete (gnome-keyring, private bus).

Each scenario runs under scripts/with_keyring.sh, which starts its own dbus-run-session and a
throwaway gnome-keyring, so no developer keyring is ever touched. Under CI=true this must run:
missing tools are a failure with a clear message; elsewhere they are a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.keyring_real

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "with_keyring.sh"
SCENARIO = Path(__file__).with_name("keyring_real_scenario.py")
TOOLS = ("dbus-run-session", "dbus-send", "gnome-keyring-daemon")


def _require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    message = (
        f"the real Secret Service test needs {', '.join(missing)}: "
        "run scripts/ci_system_packages.sh (installs dbus and gnome-keyring)"
    )
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


def _run_scenario(name: str, home: Path) -> subprocess.CompletedProcess:
    _require_tools()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DBUS_SESSION_BUS_ADDRESS", "OPTOUT_PRIVATE_BUS", "OPTOUT_TEST_SECRET_SERVICE")
    }
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.SecretService.Keyring"  # this one, or fail
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        env[var] = str(home / sub)
    done = subprocess.run(
        ["bash", str(SCRIPT), sys.executable, str(SCENARIO), name],
        check=False,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, (
        f"keyring scenario {name!r} failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    )
    return done


def test_store_read_from_another_process_and_delete(tmp_path):
    done = _run_scenario("roundtrip", tmp_path)
    assert "roundtrip ok" in done.stdout


def test_a_locked_collection_is_reported_and_env_still_works(tmp_path):
    done = _run_scenario("locked", tmp_path)
    assert "locked ok" in done.stdout
