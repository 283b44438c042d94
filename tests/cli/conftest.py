"""A standalone emulator in its own process, and a runner for the real `optout-tui` command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

BIN = [sys.executable, "-m", "optout_tui"]


class Standalone:
    def __init__(self, proc: subprocess.Popen, base_url: str, env: dict[str, str]):
        self.proc, self.base_url, self.env = proc, base_url, env


def start_standalone(*args: str) -> Standalone:
    proc = subprocess.Popen([*BIN, "emulator", "--port", "0", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    env: dict[str, str] = {}
    base_url = None
    deadline = time.monotonic() + 30
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if match:
            base_url = match.group(1)
        for name, value in re.findall(r"^\s*(?:export\s+)?([A-Z_]+)=(\S+)\s*$", line):
            env[name] = value.strip("'\"")
        if base_url and "NHN_SECRET_ACCESS_KEY" in env:
            break
    if not base_url:
        proc.kill()
        raise RuntimeError("emulator did not start:\n" + "".join(lines))
    return Standalone(proc, base_url, env)


@pytest.fixture(scope="module")
def standalone():
    server = start_standalone("--sms-count", "300", "--email-count", "150")
    yield server
    server.proc.terminate()
    server.proc.wait(timeout=10)


@pytest.fixture
def optout(standalone, tmp_path):
    """Run `optout-tui ARGS` in a subprocess configured by environment for the standalone emulator."""
    env = {**os.environ, **standalone.env}

    def run(*args: str, input: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([*BIN, *args], capture_output=True, text=True, env=env, input=input,
                              timeout=timeout, cwd=tmp_path)

    return run
