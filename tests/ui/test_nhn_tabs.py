"""The NHN Cloud tabs (4 NHN SMS, 5 NHN Email): rows, the 080 number and recipient filters, detail, export,
the digits of every tab, the remembered tab, and no tab for an NHN list the profile does not set up."""

from __future__ import annotations

import csv
from dataclasses import replace

from textual.widgets import Select, Static

from optout_tui.api.base import ListFilter, ListKind, NhnEmailEntry, NhnSmsEntry
from optout_tui.demo import demo_settings
from optout_tui.emulator import EmulatorServer
from optout_tui.normalize import format_number
from optout_tui.ui.app import OVERVIEW_TAB
from optout_tui.ui.screens.detail import DetailScreen
from optout_tui.ui.widgets.entry_list import mark_key
from optout_tui.ui.widgets.tab_strip import TabStrip

from .conftest import SIZE, emulator_config, fill, make_app, settle, status_text
from .test_export_view import export_to, status
from .test_snapshot_search import shown, sync_snapshot

NO_NHN = {"nhn_sms_app_key": None, "nhn_email_app_key": None}


def said(app) -> list[str]:
    """Every notification from now on (the app's own `notify`, wrapped)."""
    messages: list[str] = []
    notify = app.notify

    def record(message, **kw):
        messages.append(message)
        notify(message, **kw)

    app.notify = record
    return messages


def without_nhn_secrets(server):
    return replace(demo_settings(server)[1], nhn_sms_secret_key=None, nhn_email_secret_key=None)


async def test_the_nhn_sms_tab_lists_every_080_number_then_narrows_to_one(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        pane = app.active_pane
        assert pane.kind is ListKind.NHN_SMS and app.active_tab.id == "tab-nhn-sms"
        lst = app.lists.get(ListKind.NHN_SMS)
        numbers = [n.number for n in await lst.numbers080()]
        every = (await lst.fetch_page(ListFilter(), 0)).total
        assert pane.entry_list.row_count == every > 0 and f"of {every:,}" in status_text(app)
        assert isinstance(pane.entry_list.entry_at(0), NhnSmsEntry)
        choice = pane.query_one("#number080", Select)
        assert pane.numbers080 == numbers  # offered in the choice once read
        number = numbers[1]
        choice.value = number
        await settle(pilot)
        one = (await lst.fetch_page(ListFilter(number080=number), 0)).total
        assert 0 < one < every and pane.entry_list.flt.number080 == number
        assert pane.entry_list.row_count == one
        assert {entry.number080 for entry in pane.entry_list.cached_entries()} == {number}
        assert f"080 number {format_number(number)}" in status_text(app)
        await pilot.press("escape")  # on the list: clears the filter, the choice too
        await settle(pilot)
        assert choice.value == "all" and pane.entry_list.flt.number080 is None
        assert pane.entry_list.row_count == every


async def test_an_nhn_sms_recipient_in_any_form_and_its_detail(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(pilot)
        pane = app.active_pane
        entry = pane.entry_list.entry_at(3)
        number = entry.recipient
        await fill(pilot, "#search", f"+82 {number[1:3]}-{number[3:7]}-{number[7:]}")
        await settle(pilot)
        assert pane.entry_list.flt.search == number
        found = pane.entry_list.cached_entries()
        assert found and {e.recipient for e in found} == {number}
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.entry in found
        fields = str(app.screen.query_one("#fields", Static).render())
        assert format_number(number) in fields and f"080 number      {format_number(found[0].number080)}" in fields


async def test_a_project_not_on_the_080_service_says_so_in_one_line(tmp_path):
    with EmulatorServer(emulator_config(nhn_sms_account="not-joined")) as server:
        app = make_app(server, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("4")
            await settle(pilot)
            pane = app.active_pane
            assert pane.numbers080 is None and pane.entry_list.row_count == 0
            line = status_text(app)
            assert "has not joined the 080 opt-out service" in line and "the 080 numbers could not be read" in line
            assert "Traceback" not in line


async def test_the_nhn_sms_export_writes_the_chosen_080_numbers_rows(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(pilot)
        pane = app.active_pane
        choice = pane.query_one("#number080", Select)
        number = pane.entry_list.entry_at(0).number080
        choice.value = number
        await settle(pilot)
        count = pane.entry_list.row_count
        target = tmp_path / "nhn-sms.csv"
        screen = await export_to(pilot, target)
        assert "✔" in status(screen), status(screen)
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(rows) == count > 0 and {row["number080"] for row in rows} == {number}


async def test_snapshot_matches_on_nhn_sms_keep_to_the_chosen_080_number(emulator, tmp_path):
    await sync_snapshot(emulator)
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(pilot)
        pane = app.active_pane
        await fill(pilot, "#search", "010")  # a fragment: matches from the snapshot, every 080 number's
        await settle(pilot)
        assert pane.snapshot_mode and len({entry.number080 for entry in shown(app)}) > 1
        number = shown(app)[0].number080
        pane.query_one("#number080", Select).value = number
        await settle(pilot)
        assert pane.snapshot_mode and shown(app) and {entry.number080 for entry in shown(app)} == {number}


async def test_the_nhn_email_tab_rows_search_and_detail(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await settle(pilot)
        pane = app.active_pane
        assert pane.kind is ListKind.NHN_EMAIL and not pane.query(Select), "no source or sort: NHN has neither"
        entry = pane.entry_list.entry_at(2)
        assert isinstance(entry, NhnEmailEntry) and pane.entry_list.row_count > 100
        await fill(pilot, "#search", entry.address.upper())
        await settle(pilot)
        assert [e.address for e in pane.entry_list.cached_entries()] == [entry.address]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.entry == entry
        assert "NHN Email entry" in str(app.screen.query_one("Label").render())


async def test_digits_show_every_tab_and_the_nhn_tab_is_remembered(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        strip = app.query_one(TabStrip)
        labels = [label for _, label in strip.tabs]
        assert labels == ["1 SMS", "2 Email", "3 080", "4 NHN SMS", "5 NHN Email", "6 Overview"]
        for key, tab in [("6", OVERVIEW_TAB), ("3", "tab-080"), ("5", "tab-nhn-email"), ("4", "tab-nhn-sms")]:
            await pilot.press(key)
            await settle(pilot)
            assert app.active_tab.id == tab == strip.active
    again = make_app(emulator, tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.active_tab.id == "tab-nhn-sms" and again.active_pane.entry_list.row_count > 0


async def test_an_nhn_list_not_set_up_has_no_tab_and_its_digit_says_why(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")  # remembered: the next profile without NHN cannot open there
        await settle(pilot)
    bare = make_app(emulator, tmp_path, profile_changes=NO_NHN, secrets=without_nhn_secrets(emulator))
    async with bare.run_test(size=SIZE) as pilot:
        await settle(pilot)
        strip = bare.query_one(TabStrip)
        assert [label for _, label in strip.tabs] == ["1 SMS", "2 Email", "3 080", "6 Overview"]
        assert bare.active_tab.id == "tab-sms"
        messages = said(bare)
        await pilot.press("4")
        await settle(pilot)
        assert bare.active_tab.id == "tab-sms"
        assert any("does not set up the NHN SMS list: press c" in m for m in messages), messages
        await pilot.press("6")
        await settle(pilot)
        assert bare.active_tab.id == OVERVIEW_TAB


async def test_an_nhn_list_half_set_up_has_a_tab_that_says_what_is_missing(emulator, tmp_path):
    secrets = replace(demo_settings(emulator)[1], nhn_email_secret_key=None)
    app = make_app(emulator, tmp_path, secrets=secrets, open_credentials_on_start=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "5 NHN Email" in [label for _, label in app.query_one(TabStrip).tabs]
        await pilot.press("5")
        await settle(pilot)
        assert app.active_pane is None
        problem = str(app.active_tab.render())
        assert "NHN_EMAIL_SECRET_KEY" in problem and "Press c" in problem


def test_a_recipient_on_two_080_numbers_is_marked_row_by_row():
    first, second = NhnSmsEntry("0801111111", "01012345678", None), NhnSmsEntry("0802222222", "01012345678", None)
    assert mark_key(first) != mark_key(second)
