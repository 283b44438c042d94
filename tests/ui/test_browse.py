"""Browsing: the frame, tabs, the lazily loaded lists, the status line and the filters."""

from __future__ import annotations

from optout_tui.api.base import EmailEntry, ListKind
from optout_tui.ui.widgets.tab_strip import TabStrip
from optout_tui.ui.widgets.top_bar import TopBar

from .conftest import EMAIL_COUNT, SIZE, SMS_COUNT, fill, make_app, settle, status_text


async def test_opens_on_the_sms_list_with_a_demo_badge(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.active_pane
        assert pane.kind is ListKind.SMS
        assert pane.entry_list.has_focus
        top = app.query_one(TopBar)
        assert top.badges == ["DEMO · built-in emulator, sample data"]
        assert "DEMO · built-in emulator" in top.render().plain
        # only the pages near the view were fetched, not the whole list
        state = pane.entry_list.state
        assert 0 < state.loaded < SMS_COUNT
        assert not state.exact
        assert f"{state.loaded:,} loaded" in status_text(app)
        assert "total not given" in status_text(app)


async def test_a_live_profile_says_live(emulator, tmp_path):
    app = make_app(emulator, tmp_path, profile_changes={"demo": False, "name": "work"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        top = app.query_one(TopBar)
        assert top.badges == ["LIVE"]
        assert "profile: work" in top.render().plain and "DEMO" not in top.render().plain


async def test_digits_switch_tabs_and_email_knows_its_total(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        assert app.active_pane.kind is ListKind.EMAIL
        state = app.active_pane.entry_list.state
        assert state.exact and state.rows == EMAIL_COUNT
        assert f"of {EMAIL_COUNT:,}" in status_text(app)
        await pilot.press("3")
        await settle(pilot)
        assert app.active_pane.kind is ListKind.N080
        assert app.active_pane.entry_list.row_count > 0
        assert app.query_one(TabStrip).active == "tab-080"  # the shown tab is the highlighted one
        await pilot.press("1")
        assert app.active_pane.kind is ListKind.SMS
        assert app.query_one(TabStrip).active == "tab-sms"


async def test_clicking_a_tab_switches_to_it(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        strip = app.query_one(TabStrip)
        await pilot.click(strip, offset=(strip.label_offset("tab-email") + 2, 0))
        await settle(pilot)
        assert app.active_pane.kind is ListKind.EMAIL
        assert strip.active == "tab-email"
        assert app.active_pane.entry_list.has_focus
        await pilot.click(strip, offset=(strip.label_offset("tab-sms") + 2, 0))
        assert app.active_pane.kind is ListKind.SMS and strip.active == "tab-sms"


async def test_end_finds_the_end_of_a_list_without_a_total(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        entry_list = app.active_pane.entry_list
        assert entry_list.exact and entry_list.row_count == SMS_COUNT
        assert entry_list.cursor == SMS_COUNT - 1
        assert entry_list.current is not None  # the last page is on screen
        assert f"of {SMS_COUNT:,}" in status_text(app)
        await pilot.press("home")
        assert entry_list.cursor == 0


async def test_scrolling_down_grows_the_list_page_by_page(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        entry_list = app.active_pane.entry_list
        before = entry_list.row_count
        for _ in range(12):
            await pilot.press("pagedown")
            await settle(pilot, 1)
        assert entry_list.row_count > before
        assert entry_list.current is not None
        assert entry_list.cursor > 12 * 20


async def test_search_normalises_the_number_and_asks_the_server(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        entry_list = app.active_pane.entry_list
        target = entry_list.entry_at(5)
        typed = "+82 " + target.number[1:3] + " " + target.number[3:7] + " " + target.number[7:]
        await pilot.press("slash")
        assert app.focused.id == "search"
        await fill(pilot, "#search", typed)
        await settle(pilot)
        assert entry_list.flt.search == target.number
        assert entry_list.row_count == 1 and entry_list.entry_at(0).number == target.number
        assert entry_list.has_focus
        assert "= " + target.number in status_text(app)
        await pilot.press("escape")  # esc on the list clears the filter
        await settle(pilot)
        assert entry_list.flt.search is None and entry_list.row_count > 1


async def test_a_search_that_is_not_a_number_says_why(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"hello", "enter")
        await settle(pilot)
        assert "search:" in status_text(app) and "letters" in status_text(app)
        await pilot.press("escape")  # back to the list
        assert app.active_pane.entry_list.has_focus


async def test_a_date_range_limits_the_rows(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        entry_list = app.active_pane.entry_list
        await pilot.press("f")
        assert app.focused.id == "dates"
        await fill(pilot, "#dates", "2026-03-01..2026-03-31")
        await settle(pilot)
        assert 0 < entry_list.row_count < EMAIL_COUNT
        months = {entry.blocked_at.astimezone().strftime("%Y-%m") for entry in entry_list.cached_entries()}
        assert months == {"2026-03"}
        assert "2026-03-01 → 2026-03-31" in status_text(app)


async def test_a_bad_date_says_which_forms_work(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fill(pilot, "#dates", "last week")
        await settle(pilot)
        assert "7d" in status_text(app) and "2026-01-31" in status_text(app)


async def test_email_source_filter_and_sort(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        pane = app.active_pane
        pane.query_one("#source").value = "admin"
        await settle(pilot)
        entries = pane.entry_list.cached_entries()
        assert entries and all(isinstance(e, EmailEntry) and e.by_admin for e in entries)
        assert pane.entry_list.row_count < EMAIL_COUNT
        pane.query_one("#sort").value = "oldest"
        await settle(pilot)
        first, second = pane.entry_list.entry_at(0), pane.entry_list.entry_at(1)
        assert first.blocked_at <= second.blocked_at
        assert "oldest first" in status_text(app)


async def test_080_search_is_a_prefix_match_with_underscore_for_any_digit(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        entry_list = app.active_pane.entry_list
        number = entry_list.entry_at(0).number
        fragment = number[:3] + "_" + number[4:6]
        await pilot.press("slash", *fragment, "enter")
        await settle(pilot)
        assert entry_list.flt.search == fragment and entry_list.row_count >= 1
        assert all(e.number[:3] + e.number[4:6] == number[:3] + number[4:6] for e in entry_list.cached_entries())


async def test_space_marks_rows_and_esc_clears_marks(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        entry_list = app.active_pane.entry_list
        await pilot.press("space", "space")
        assert len(entry_list.marked) == 2 and entry_list.cursor == 2
        assert "2 marked" in status_text(app)
        await pilot.press("escape")
        assert not entry_list.marked


async def test_tab_reaches_the_filter_fields_like_any_other_field(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.active_pane
        entry_list = pane.entry_list
        target = entry_list.entry_at(5)
        reached = []
        for _ in range(6):  # once round the focus chain, back to the list
            await pilot.press("tab")
            reached.append(app.focused.id)
            if entry_list.has_focus:
                break
        assert entry_list.has_focus
        assert reached.index("dates") < reached.index("search")
        await pilot.press("shift+tab")  # the field just before the list
        assert app.focused.id == "search" and app.focused.placeholder.startswith("/ search")
        await pilot.press(*target.number, "enter")
        await settle(pilot)
        assert entry_list.flt.search == target.number and entry_list.row_count == 1
        await pilot.click("#dates")
        assert app.focused.id == "dates" and app.focused.placeholder.startswith("f dates")
