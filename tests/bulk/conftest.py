"""Emulator-backed lists over real loopback HTTP, and a journal in the test's own data dir."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from optout_tui.api.base import ListFilter
from optout_tui.api.factory import build_lists
from optout_tui.api.http import RetryPolicy
from optout_tui.bulk.audit import AuditLog
from optout_tui.bulk.journal import Journal
from optout_tui.demo import demo_settings
from optout_tui.emulator import EmulatorConfig, EmulatorServer

FAST_RETRY = RetryPolicy(attempts=6, base_delay=0.01, max_delay=0.05)


@pytest.fixture(scope="module")
def emulator():
    """An emulator with empty SMS and email lists, so a list read back equals what was sent."""
    with EmulatorServer(EmulatorConfig(sms_count=0, email_count=0, hang_seconds=0.3)) as server:
        yield server


@pytest.fixture
async def lists(emulator):
    profile, secrets = demo_settings(emulator)
    lists = build_lists(profile, secrets, retry=FAST_RETRY)
    yield lists
    await lists.aclose()


@pytest.fixture
def profile(emulator):
    return demo_settings(emulator)[0]


@pytest.fixture
def journal(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite3")
    yield journal
    journal.close()


@pytest.fixture
def audit(journal):
    log = AuditLog(journal.path)
    yield log
    log.close()


def stats(server) -> dict:
    return httpx.get(f"{server.base_url}/_emulator/stats").json()


def set_config(server, **changes) -> None:
    httpx.post(f"{server.base_url}/_emulator/config", json=changes).raise_for_status()


async def listed(lst) -> list[str]:
    return [entry.value async for entry in lst.entries(ListFilter())]


_OPENER = """
import sys
from {module} import {name} as open_database
print("ready", flush=True)
for line in sys.stdin:
    try:
        open_database(line.strip())
        print("opened", flush=True)
    except Exception as exc:
        print(f"{{type(exc).__name__}}: {{exc}}", flush=True)
"""


def open_at_once(opener: str, paths: list[Path], processes: int = 4) -> list[str]:
    """`processes` interpreters call `opener` ("module:name") on each of `paths` in turn, all at the same
    moment: each has imported it and waits on its stdin, written to all at once. What failed, in words."""
    module, name = opener.split(":")
    code = _OPENER.format(module=module, name=name)
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(processes)
    ]
    failures: list[str] = []
    try:
        assert [proc.stdout.readline() for proc in procs] == ["ready\n"] * processes
        for path in paths:
            for proc in procs:
                proc.stdin.write(f"{path}\n")
                proc.stdin.flush()
            failures += [answer for proc in procs if (answer := proc.stdout.readline().strip()) != "opened"]
    finally:
        for proc in procs:
            proc.stdin.close()
            proc.wait(timeout=60)
    return failures
