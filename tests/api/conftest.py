from __future__ import annotations

import httpx
import pytest

from optout_tui.api.factory import build_lists
from optout_tui.api.http import RetryPolicy
from optout_tui.demo import demo_settings
from optout_tui.emulator import EmulatorConfig, EmulatorServer

FAST_RETRY = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)


@pytest.fixture(scope="module")
def emulator():
    """One small emulator per test module (tests that change data use their own values)."""
    with EmulatorServer(EmulatorConfig(sms_count=250, email_count=130, hang_seconds=2.0)) as server:
        yield server


def make_lists(server, **options):
    profile, secrets = demo_settings(server)
    options.setdefault("retry", FAST_RETRY)
    return build_lists(profile, secrets, **options)


@pytest.fixture
async def lists(emulator):
    lists = make_lists(emulator)
    yield lists
    await lists.aclose()


def control(server, action: str, payload: dict | None = None) -> dict:
    """Drive the emulator's test hooks (/_emulator/...)."""
    url = f"{server.base_url}/_emulator/{action}"
    response = httpx.post(url, json=payload or {}) if payload is not None or action != "stats" else httpx.get(url)
    response.raise_for_status()
    return response.json() if response.content else {}
