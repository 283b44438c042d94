"""Snapshot tests: a small emulator over real loopback HTTP, lists built as in production, a
snapshot file in the test's own temp dir."""

from __future__ import annotations

import httpx
import pytest

from optout_tui.api.factory import build_lists
from optout_tui.api.http import RetryPolicy
from optout_tui.demo import demo_settings
from optout_tui.emulator import EmulatorConfig, EmulatorServer
from optout_tui.snapshot import SnapshotStore

ANCHOR_MS = 1_795_392_000_000  # fixed sample data between runs (times before "now")


@pytest.fixture(scope="module")
def server():
    with EmulatorServer(EmulatorConfig(sms_count=450, email_count=230, anchor_ms=ANCHOR_MS)) as srv:
        yield srv


@pytest.fixture
def emulator(server):
    """The shared server, reset to its sample data for every test."""
    control(server, "reset")
    return server


def control(server, name: str, body: dict | None = None) -> dict:
    if name == "stats":
        response = httpx.get(server.base_url + "/_emulator/stats")
    else:
        response = httpx.post(f"{server.base_url}/_emulator/{name}", json=body or {})
    response.raise_for_status()
    return response.json()


@pytest.fixture
async def lists(emulator):
    profile, secrets = demo_settings(emulator)
    built = build_lists(profile, secrets, retry=RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02))
    yield built
    await built.aclose()


@pytest.fixture
def store(tmp_path):
    opened = SnapshotStore(tmp_path / "snapshot-test.sqlite3")
    yield opened
    opened.close()
