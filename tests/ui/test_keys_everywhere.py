"""`l` opens the quick lookup over every full screen (the app's keys do not reach past a modal screen by
themselves), remapped keys included; the tab last shown is where each profile opens next time."""

from __future__ import annotations

import json
import stat

import pytest

from optout_tui.ui.app import OVERVIEW_TAB
from optout_tui.ui.last_tab import state_path
from optout_tui.ui.screens.audit import AuditScreen
from optout_tui.ui.screens.job_results import JobResultsScreen
from optout_tui.ui.screens.jobs import JobsScreen
from optout_tui.ui.screens.lookup import LookupScreen

from .conftest import SIZE, make_app, settle
from .test_actions import answer
from .test_history_views import cancelled_job


async def look_up_from(pilot, key: str, screen_type: type) -> None:
    """On `screen_type`, `key` opens the lookup; esc comes back to the same screen."""
    assert isinstance(pilot.app.screen, screen_type)
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, LookupScreen)
    await pilot.press(*"01012345678", "enter")
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(pilot.app.screen, screen_type)


@pytest.mark.parametrize(("keymap", "key"), [(None, "l"), ({"app.lookup": "ctrl+l"}, "ctrl+l")])
async def test_the_quick_lookup_opens_over_audit_jobs_and_job_results(emulator, tmp_path, keymap, key):
    app = make_app(emulator, tmp_path, keymap=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        cancelled_job(app, ["01000007771"])
        await pilot.press("A")
        await settle(pilot)
        await look_up_from(pilot, key, AuditScreen)
        await pilot.press("escape", "J")
        await settle(pilot)
        await look_up_from(pilot, key, JobsScreen)
        await pilot.press("enter")
        await settle(pilot)
        await look_up_from(pilot, key, JobResultsScreen)


async def test_each_profile_opens_on_the_tab_it_was_left_on(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
    again = make_app(emulator, tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.active_pane.kind.value == "email" and again.active_pane.entry_list.row_count > 0
        await pilot.press("6")
        await settle(pilot)
    other = make_app(emulator, tmp_path, profile_changes={"name": "other"})
    async with other.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert other.active_tab.id == "tab-sms"
    last = make_app(emulator, tmp_path)
    async with last.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert last.active_tab.id == OVERVIEW_TAB
    assert json.loads(state_path().read_text(encoding="utf-8"))["last_tab"]["demo"] == OVERVIEW_TAB
    assert stat.S_IMODE(state_path().stat().st_mode) == 0o600


async def test_the_quick_lookup_takes_what_is_typed_at_once(emulator, tmp_path):
    """Keys pressed right after `l` land in the lookup field (not in the box that scrolls it)."""
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        number = app.active_pane.entry_list.entry_at(0).number
        await pilot.press("l", *number, "enter")
        await settle(pilot)
        assert "✔ SMS " in answer(app)
