"""Dashboard tests run the real app against the in-process emulator over loopback HTTP.

Times are shown in local time, so the time zone is pinned (Asia/Seoul) and the emulator's sample
data is anchored to a fixed day: screens and snapshots are the same on every machine and every day.
"""

from __future__ import annotations

import time

import pytest

from optout_tui.api.factory import build_lists
from optout_tui.api.http import RetryPolicy
from optout_tui.demo import demo_settings
from optout_tui.emulator import EmulatorConfig, EmulatorServer

ANCHOR_MS = 1_780_000_000_000  # 2026-05-28 (UTC): the sample data ends here
SMS_COUNT = 450
EMAIL_COUNT = 230
FAST_RETRY = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02)
SIZE = (120, 36)


@pytest.fixture(autouse=True)
def seoul_time(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Seoul")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def preview_without_delay(monkeypatch):
    """The Register preview waits for typing to pause (a timer): in tests it fires at once after a
    change, so a test's pause catches it however loaded the machine is."""
    from optout_tui.ui.screens import register

    monkeypatch.setattr(register, "PREVIEW_DELAY_S", 0.001)


def emulator_config(**overrides) -> EmulatorConfig:
    return EmulatorConfig(
        **{"sms_count": SMS_COUNT, "email_count": EMAIL_COUNT, "anchor_ms": ANCHOR_MS, "hang_seconds": 1.0, **overrides}
    )


@pytest.fixture
def emulator():
    """A fresh emulator per test: tests register and remove values, and snapshots need the sample data."""
    with EmulatorServer(emulator_config()) as server:
        yield server


def lists_factory(profile, secrets):
    return build_lists(profile, secrets, retry=FAST_RETRY)


def make_app(server, tmp_path, *, profile_changes=None, secrets=None, **options):
    """The dashboard on the emulator, with its journal and audit log in the test's folder."""
    from optout_tui.bulk.audit import AuditLog
    from optout_tui.bulk.journal import Journal
    from optout_tui.ui.app import OptOutApp

    profile, demo_secrets = demo_settings(server)
    for name, value in (profile_changes or {}).items():
        setattr(profile, name, value)
    secrets = secrets or demo_secrets
    journal_path = tmp_path / "journal.sqlite3"
    options.setdefault("bulk_options", {"journal": Journal(journal_path), "audit": AuditLog(journal_path)})
    return OptOutApp(
        lists_factory(profile, secrets),
        profile,
        secrets=secrets,
        lists_factory=lists_factory,
        owns_lists=True,
        **options,
    )


async def settle(pilot, rounds: int = 3) -> None:
    """Let every worker finish and the screen catch up (a page can start another)."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def status_text(app) -> str:
    return app.active_pane.status_line.plain


async def fill(pilot, selector: str, text: str, *, submit: bool = True) -> None:
    """Put text in an Input (as a paste would) and press enter."""
    app = pilot.app
    where = app.screen if len(app.screen_stack) > 1 else app.active_pane  # a modal, else this tab
    widget = where.query(selector).first() if where.query(selector) else where.query_one(f"{selector}-hint")
    if not hasattr(widget, "value"):  # a filter field not used yet: open it as `/` or `f` would
        widget = widget.parent.open(widget.field_id)
        await pilot.pause()
    widget.focus()
    widget.value = text
    await pilot.pause()
    if submit:
        await pilot.press("enter")
