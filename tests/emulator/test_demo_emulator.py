"""The demo's emulator child: its address is known the moment it is spawned, a request sent
before it serves simply waits for it, and it goes away with its parent's pipe."""

from __future__ import annotations

import httpx
import pytest

from optout_tui.emulator.process import DemoEmulator


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
