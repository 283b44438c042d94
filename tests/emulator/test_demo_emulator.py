"""The demo's emulator child: its address is known the moment it is spawned, a request sent
before it serves simply waits for it, and it goes away with its parent's pipe."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from optout_tui.api.ncp_signing import signed_headers
from optout_tui.emulator import DEMO
from optout_tui.emulator.process import DemoEmulator

from .conftest import ANCHOR_MS


def test_a_request_sent_at_once_is_answered_when_the_child_serves():
    emulator = DemoEmulator().spawn()
    try:
        assert emulator.base_url.startswith("http://127.0.0.1:")  # before the child has even started
        response = httpx.get(f"{emulator.base_url}/_emulator/stats", timeout=30)
        assert response.status_code == 200
        assert emulator.start() is emulator  # nothing left to wait for
    finally:
        emulator.stop()
    with pytest.raises(httpx.ConnectError):  # its socket went with it
        httpx.get(f"{emulator.base_url}/_emulator/stats", timeout=5)


SECRETS = {
    "NCLOUD_ACCESS_KEY": "real-access-key-0001",
    "NCLOUD_SECRET_KEY": "real-ncloud-secret-0002",
    "NHN_USER_ACCESS_KEY_ID": "real-nhn-key-id-0003",
    "NHN_SECRET_ACCESS_KEY": "real-nhn-secret-0004",
    "OPTOUT_SENS_URL": "https://sens.example",
    "AWS_SECRET_ACCESS_KEY": "real-aws-0005",
    "GITHUB_TOKEN": "real-github-0006",
}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/<pid>/environ")
def test_the_child_gets_none_of_the_users_environment_but_what_python_needs(monkeypatch):
    from optout_tui.emulator.process import CHILD_ENV

    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LC_TIME", "C")
    emulator = DemoEmulator().spawn().start()
    try:
        assert httpx.get(f"{emulator.base_url}/_emulator/stats", timeout=30).status_code == 200  # it runs on it
        environ = Path(f"/proc/{emulator.proc.pid}/environ").read_bytes().decode()
    finally:
        emulator.stop()
    names = {entry.partition("=")[0] for entry in environ.split("\0") if entry}
    assert names <= CHILD_ENV | {"LC_TIME"}
    assert "PATH" in names and "LC_TIME" in names
    assert not [value for value in SECRETS.values() if value in environ]


def sens(base_url: str, method: str, json: list | None = None) -> Any:
    """A signed request to the SENS opt-out list; its answer (an empty list for none)."""
    target = f"/sms/v2/services/{DEMO.sens_service_id}/unsubscribes"
    headers = signed_headers(method, target, DEMO.ncloud_access_key, DEMO.ncloud_secret_key)
    response = httpx.request(method, base_url + target, json=json, headers=headers, timeout=30)
    response.raise_for_status()
    return response.json() if response.content else []


@pytest.mark.parametrize("change", [False, True])
def test_a_snapshot_of_data_the_demo_changed_goes_with_its_emulator(tmp_path, change):
    """Its next emulator starts from the sample data again: a copy of the changed data would be untrue."""
    kept = tmp_path / "unrelated.txt"
    files = [tmp_path / "snapshot-demo.sqlite3", tmp_path / "snapshot-demo.sqlite3-wal", kept]
    for path in files:
        path.write_text("x")
    emulator = DemoEmulator("--forget-on-change", str(tmp_path)).spawn().start()
    try:
        httpx.get(f"{emulator.base_url}/_emulator/stats", timeout=30).raise_for_status()
        if change:
            sens(emulator.base_url, "POST", [{"clientTelNo": "01099991234"}])
    finally:
        emulator.stop()
    assert [path.exists() for path in files] == [not change, not change, True]


def test_the_demo_snapshot_is_kept_per_sample_data_set(monkeypatch):
    """The sample data's times are counted back from the day the emulator starts: another day, other data."""
    from optout_tui.config import DEMO_ENV, data_dir
    from optout_tui.demo import enter_demo
    from optout_tui.snapshot import SnapshotStore

    monkeypatch.delenv(DEMO_ENV, raising=False)
    real_snapshot, real_journal = SnapshotStore.path_for("demo"), data_dir()  # a real profile named "demo"
    monkeypatch.setenv(DEMO_ENV, "")  # restored after the test
    monday, tuesday = ANCHOR_MS, ANCHOR_MS + 86_400_000
    args = enter_demo(monday)
    first, journal = SnapshotStore.path_for("demo"), data_dir()
    assert args == ["--anchor-ms", str(monday), "--forget-on-change", str(first.parent)]
    assert first.parent.parent == real_snapshot.parent / "demo" and journal == real_journal / "demo"
    enter_demo(tuesday)
    assert SnapshotStore.path_for("demo").parent.parent == first.parent.parent
    assert SnapshotStore.path_for("demo") != first and data_dir() == journal  # one demo journal, whatever the day


def test_the_child_serves_the_sample_data_of_the_day_it_is_given():
    """What the demo's snapshot is kept under (`enter_demo`) is what its emulator serves, even across midnight."""
    from optout_tui.emulator import EmulatorConfig, EmulatorServer

    with EmulatorServer(EmulatorConfig(anchor_ms=ANCHOR_MS)) as server:
        expected = sens(server.base_url, "GET")
    emulator = DemoEmulator("--anchor-ms", str(ANCHOR_MS)).spawn().start()
    try:
        assert expected and sens(emulator.base_url, "GET") == expected
    finally:
        emulator.stop()
