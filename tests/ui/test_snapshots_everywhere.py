"""Snapshots of "every list" in the dashboard (pytest-textual-snapshot), beside the dialogs of test_snapshots.py
(which show every list of the kind ticked, and a number on one list): NHN SMS's Register form sending to one 080
number chosen, and the quick lookup of a number on two lists, at 120x36 and at the least a dialog must fit in.
Update them after an intended change with `pytest tests/ui/test_snapshots_everywhere.py --snapshot-update`."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Select, TextArea

from optout_tui.api.base import ListFilter, ListKind
from optout_tui.bulk.everywhere import job_targets
from optout_tui.ui.screens.register import RegisterScreen

from .conftest import SIZE, make_app, settle

SMALL = (80, 24)


async def register_on_one_080_number(pilot):
    app = pilot.app
    await app.push_screen(RegisterScreen(app.lists.nhn_sms, app.profile, lists=app.lists, **app.bulk_options))
    await settle(pilot)
    app.screen.query_one(Checkbox).value = False
    first = (await job_targets(app.lists, [ListKind.NHN_SMS]))[1]  # the first of the company's 080 numbers
    app.screen.query_one(Select).value = first.sublist
    app.screen.query_one(TextArea).insert("010-2000-0001\n+82 10 2000 0002\nnot a number\n")


async def lookup_on_two_lists(pilot):
    """A recipient the sample data has on two of the company's 080 numbers (sample times: the same every run)."""
    app = pilot.app
    first, second = (await job_targets(app.lists, [ListKind.SMS]))[1:3]
    page = await app.lists.nhn_sms.fetch_page(ListFilter(number080=second.sublist), 0)
    for entry in page.entries:
        if await app.lists.nhn_sms.lookup(entry.value, first.sublist) is not None:
            break
    await pilot.press("l")
    app.screen.query_one("#lookup-value").value = entry.value
    await pilot.press("enter")


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=lambda size: "{}x{}".format(*size))
@pytest.mark.parametrize("view", [register_on_one_080_number, lookup_on_two_lists], ids=lambda view: view.__name__)
def test_everywhere(snap_compare, emulator, tmp_path, view, size):
    async def prepare(pilot):
        await settle(pilot)
        await view(pilot)
        await pilot.pause(0.3)  # the Register preview waits for typing to pause
        await settle(pilot)
        for field in pilot.app.screen.query("Input, TextArea"):  # a blinking cursor is drawn or not: hold it
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(make_app(emulator, tmp_path), terminal_size=size, run_before=prepare)
