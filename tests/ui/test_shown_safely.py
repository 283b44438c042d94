"""Whatever a person types in a date field ends in one line and the dashboard stays up; values, reasons and
answers shown in lists, panels and notifications cannot drive the terminal or be read as markup."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Static

from optout_tui.ui.screens.audit import AuditScreen
from optout_tui.ui.screens.detail import DetailScreen

from .conftest import SIZE, fill, make_app, settle, status_text

EVIL = "[b]Evil[/b]\x1b]0;pwned\x07\x1b[2J\u202eoC"
SHOWN = r"[b]Evil[/b]\x1b]0;pwned\x07\x1b[2J\u202eoC"


@pytest.mark.parametrize("tab", ["1", "2", "3"])
@pytest.mark.parametrize(
    ("text", "says"),
    [("1000000d", "out of range"), ("..9999-12-31", "out of range"), ("..1969-01-01", "older than 1970")],
)
async def test_a_date_no_list_can_take_is_one_line_on_every_tab(emulator, tmp_path, tab, text, says):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(tab)
        await settle(pilot)
        await fill(pilot, "#dates", text)
        await settle(pilot)
        assert says in status_text(app) and app.active_pane.entry_list.state.error is None
        await fill(pilot, "#dates", "7d")  # and it goes on working
        await settle(pilot)
        assert "out of range" not in status_text(app) and "filter: " in status_text(app)


@pytest.mark.parametrize("zone", ["Asia/Seoul", "America/New_York"])
@pytest.mark.parametrize(
    "case", [("1000000d", "out of range"), ("..9999-12-31", "out of range"), ("..9999-12-31 23:00", "0 changes")]
)
async def test_a_date_in_the_audit_trail_is_one_line_in_any_time_zone(emulator, tmp_path, monkeypatch, zone, case):
    text, says = case
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        await fill(pilot, "#audit-dates", text)
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        line = str(app.screen.query_one("#audit-status", Static).render())
        assert says in line and "✖" not in line, line


async def test_controls_and_markup_in_values_and_reasons_are_shown_not_obeyed(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await app.lists.n080.register(["0801239999"], company=EVIL)
        app.bulk_options["audit"].append(
            profile="demo",
            list_kind="sms",
            action="remove",
            values=["01012345678"],
            answer=f"removed 1 {EVIL}",
            reason=EVIL,
        )
        await pilot.press("3")
        await settle(pilot)
        rows = app.active_pane.entry_list
        index = next(i for i in range(rows.row_count) if rows.entry_at(i).number == "0801239999")
        rows.cursor = index
        await settle(pilot)
        line = "\n".join(rows.render_line(y).text for y in range(rows.size.height))
        assert r"[b]Evil[/b]\x1b]0;p" in line and "\x1b" not in line and "\u202e" not in line
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert SHOWN in "".join(str(w.render()) for w in app.screen.query(Static))
        await pilot.press("escape", "A")
        await settle(pilot)
        detail = str(app.screen.query_one("#audit-detail", Static).render())
        assert f"reason: {SHOWN}" in detail and f"answer: removed 1 {SHOWN}" in detail
        app.notify(f"copied {EVIL}")
        await settle(pilot)
        toasts = "".join(str(toast.render()) for toast in app.screen.query("Toast"))
        assert f"copied {SHOWN}" in toasts and "\x1b" not in toasts
