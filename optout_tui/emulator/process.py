"""A standalone emulator in a child process (`optout-tui emulator --port 0 ...`).

For end-to-end tests of the real command and for benchmarks, where the emulator must not share
an interpreter (and its GIL) with the client being measured.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time


class EmulatorProcess:
    def __init__(self, *args: str, start_timeout: float = 60.0) -> None:
        self.args = args
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self.base_url = ""
        self.env: dict[str, str] = {}  # the OPTOUT_* / key variables the emulator prints

    def start(self) -> "EmulatorProcess":
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "optout_tui", "emulator", "--port", "0", *self.args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        deadline = time.monotonic() + self.start_timeout
        seen = []
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            if match:
                self.base_url = match.group(1)
            for name, value in re.findall(r"^\s*(?:export\s+)?([A-Z_]+)=(\S+)\s*$", line):
                self.env[name] = value.strip("'\"")
            if self.base_url and "NHN_SECRET_ACCESS_KEY" in self.env:
                return self
        self.stop()
        raise RuntimeError("the emulator did not start:\n" + "".join(seen))

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None

    def __enter__(self) -> "EmulatorProcess":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
