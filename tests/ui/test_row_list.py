"""The one list widget (`RowList`): its page cache, and the same widget in a tab and in the audit trail."""

from __future__ import annotations

from dataclasses import replace

from textual.app import App, ComposeResult

from optout_tui.ui.screens.audit import AuditScreen
from optout_tui.ui.widgets.row_list import Column, RowList, TableRows

from .conftest import SIZE, fill, make_app, settle, status_text

SMALL = (80, 24)


class SmallCache(RowList):
    CACHE_ROWS = 40  # four pages of ten


class OneList(App[None]):
    def compose(self) -> ComposeResult:
        yield SmallCache(id="numbers")


async def test_a_page_just_read_stays_in_the_cache():
    app = OneList()
    async with app.run_test(size=(40, 6)) as pilot:
        rows = app.query_one(SmallCache)
        rows.show(TableRows(list(range(1_000)), [Column("n", 6)], lambda n: [str(n)], page_size=10))
        await pilot.pause()
        assert sorted(rows.pages.keys()) == [0, 1]  # the page on screen and the next
        assert rows.row_at(3) == 3  # page 0 is read (as drawing it does)
        rows.scroll_to(y=500, animate=False, immediate=True)  # pages 49, 50, 51 come in; one page must go
        await pilot.pause()
        assert sorted(rows.pages.keys()) == [0, 49, 50, 51]  # page 1, never read, went; page 0 stayed
        assert rows.row_at(505) == 505


async def test_the_same_widget_lists_a_tab_and_the_audit_trail_and_scrolls_them_sideways(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    audit = app.bulk_options["audit"]
    audit.append(
        profile="demo", list_kind="sms", action="register", values=["01031000001"], answer="done 1", reason="CS-1"
    )
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("3")  # the 080 list: nine columns, wider than 80 cells
        await settle(pilot)
        tab = app.active_pane.entry_list
        header = tab.render_line(0).text
        assert header.startswith("  Number") and "Deleted" not in header
        await pilot.press(*["right"] * 40)
        assert tab.scroll_x > 0 and "Deleted" in tab.render_line(0).text  # the header scrolls with the rows
        assert tab.row_count > 0 and tab.render_line(1).text.strip()
        app.clear_notifications()
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        trail = app.screen.query_one(RowList)
        assert type(trail) is RowList and isinstance(tab, RowList)
        assert trail.row_count == 1 and "Answer" not in trail.render_line(0).text
        await pilot.press(*["right"] * 40)
        assert "Answer" in trail.render_line(0).text and "done 1" in trail.render_line(1).text


async def test_pages_thinned_by_the_080_date_filter_are_read_whole_in_order(emulator, tmp_path):
    from datetime import datetime

    from optout_tui.api.base import ListFilter

    app = make_app(emulator, tmp_path)
    n080 = app.lists.n080
    n080.limits = replace(n080.limits, page_size=4)  # several pages from the twelve sample numbers
    since, until = datetime(2025, 1, 1).astimezone(), datetime(2025, 6, 30, 23, 59).astimezone()
    expected = [e.number async for e in n080.entries(ListFilter(since=since, until=until))]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        entry_list = app.active_pane.entry_list
        assert entry_list.exact and entry_list.row_count > 4
        await fill(pilot, "#dates", "2025-01-01..2025-06-30")
        await settle(pilot)
        shown = [entry_list.entry_at(i).number for i in range(entry_list.row_count)]
        assert 0 < len(shown) < 12 and shown == expected
        assert f"{len(shown)} loaded of {len(shown)}" in status_text(app)
