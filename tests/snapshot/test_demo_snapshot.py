"""The demo's snapshot is true of the demo's data: every demo command starts its own emulator from the
sample data, so a copy of data an earlier demo changed must not be shown; an unchanged copy still serves."""

from __future__ import annotations

import subprocess
import sys

from optout_tui.cli.common import CliContext
from optout_tui.config import DEMO_ENV
from optout_tui.snapshot import SnapshotStore, Syncer


def optout(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "optout_tui", "--demo", *args], check=False, capture_output=True, text=True, timeout=120
    )


async def test_a_demo_shows_no_snapshot_of_data_an_earlier_demo_changed(monkeypatch):
    synced = optout("sync", "--list", "sms")
    assert synced.returncode == 0, synced.stderr
    found = optout("search", "010-", "--list", "sms", "--limit", "1")
    assert found.returncode == 0 and "synced just now" in found.stdout  # a copy of the sample data serves on

    monkeypatch.setenv(DEMO_ENV, "")  # `--demo` sets it in this process: restored after the test
    session = CliContext(demo=True)  # a dashboard session that registers a number and syncs
    try:
        async with session.lists() as lists:
            await lists.sms.register(["01099991234"])
            store = SnapshotStore.for_profile("demo")
            await Syncer(store, lists).sync()
            assert store.count("sms") == 5001  # true while that emulator runs
            store.close()
    finally:
        session.close()

    looked_up = optout("lookup", "010-9999-1234")
    assert "not on the opt-out list" in looked_up.stdout
    searched = optout("search", "010-9999-1234", "--list", "sms")
    assert "010-9999-1234" not in searched.stdout, searched.stdout
    assert searched.returncode == 2 and "no snapshot of the SMS list yet" in searched.stderr
