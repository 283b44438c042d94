"""A standalone emulator in its own process, and a runner for the real `optout-tui` command."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from optout_tui.emulator.process import EmulatorProcess

BIN = [sys.executable, "-m", "optout_tui"]


@pytest.fixture(scope="module")
def standalone():
    with EmulatorProcess("--sms-count", "300", "--email-count", "150") as server:
        yield server


@pytest.fixture
def optout(standalone, tmp_path):
    """Run `optout-tui ARGS` in a subprocess configured by environment for the standalone emulator."""
    env = {**os.environ, **standalone.env}

    def run(*args: str, input: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*BIN, *args],
            capture_output=True,
            text=True,
            env=env,
            input=input,
            timeout=timeout,
            cwd=tmp_path,
            check=False,
        )

    return run
