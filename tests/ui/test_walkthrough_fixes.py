"""What walking every flow at 120x36 turned up: each test pins one fix."""

from __future__ import annotations

import asyncio

from textual.widgets import Button, DataTable, ProgressBar, TextArea

from optout_tui.bulk import engine as bulk_engine
from optout_tui.ui.screens.audit import AuditScreen
from optout_tui.ui.screens.credentials import CredentialsScreen
from optout_tui.ui.screens.export import ExportScreen
from optout_tui.ui.screens.register import RegisterScreen
from optout_tui.ui.widgets.job_panel import JobPanel

from .conftest import SIZE, fill, make_app, settle


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


def slow_recording(monkeypatch, seconds: float = 0.6) -> None:
    """Make the engine take a while to record the end of a job (journal and audit writes)."""
    record = bulk_engine.BulkRun.finish

    async def slowly(self, *args, **kwargs):
        await asyncio.sleep(seconds)
        return await record(self, *args, **kwargs)

    monkeypatch.setattr(bulk_engine.BulkRun, "finish", slowly)


async def send_and_wait_for_recording(pilot) -> JobPanel:
    app = pilot.app
    await pilot.press("a")
    app.screen.query_one("#everywhere").value = False  # the SMS list alone, not every list of mobile numbers
    app.screen.query_one(TextArea).insert("010-3400-0001\n010-3400-0002\n")
    await pilot.pause(0.3)
    await settle(pilot)
    panel = app.screen.query_one(JobPanel)
    await pilot.press("ctrl+s")
    for _ in range(100):
        if panel._finishing:
            break
        await pilot.pause(0.02)
    assert panel._finishing and panel.running
    return panel


async def test_esc_while_a_job_is_being_recorded_waits_for_it(emulator, tmp_path, monkeypatch):
    slow_recording(monkeypatch)
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = await send_and_wait_for_recording(pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, RegisterScreen)
        assert "recording the job" in str(panel.query_one("#job-progress").render())
        await settle(pilot)
        assert panel.result is not None and not panel.result.cancelled and panel.result.done == 2
        assert "esc closes" in str(panel.query_one("#job-result").render())
        await pilot.press("escape")
        assert not isinstance(app.screen, RegisterScreen)
    assert [e.count for e in app.bulk_options["audit"].entries()] == [2]


async def test_lookup_selects_the_value_so_the_next_one_replaces_it(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await fill(pilot, "#lookup-value", "nobody@example.com")
        await settle(pilot)
        await pilot.press(*"010")
        assert app.screen.query_one("#lookup-value").value == "010"


async def test_export_shows_no_progress_before_it_starts_and_says_where_the_file_went(emulator, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        bar = app.screen.query_one(ProgressBar)
        assert bar.styles.visibility == "hidden"
        await fill(pilot, "#export-path", "sms.csv")  # a bare name
        await settle(pilot)
        assert bar.styles.visibility == "visible"
        assert str(tmp_path / "sms.csv") in str(app.screen.query_one("#export-status").render())


async def test_a_long_invalid_reason_wraps_in_the_preview(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        app.screen.query_one(TextArea).insert("010-3500-0001\n010-12\n")
        await pilot.pause(0.3)
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert len(table.rows) == 2
        assert table.virtual_size.height > len(table.rows) + 1  # the reason's row is taller than one line
        assert table.region.right <= app.screen.query_one("RegisterScreen > Vertical").region.right


async def test_the_credentials_buttons_fit_on_a_120x36_screen(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CredentialsScreen)
        for button in app.screen.query(Button):
            assert button.region.bottom <= SIZE[1], f"{button.label} is below the screen"


async def test_help_lists_the_new_views_and_the_palette_with_the_other_keys(emulator, tmp_path):
    from optout_tui.ui.keys import all_keys

    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE):
        infos = all_keys(app)
        ids = [info.binding_id for info in infos]
        assert {"app.audit", "app.jobs", "jobs.resume", "jobs.results", "audit.export", "results.export"} <= set(ids)
        sections = [info.section for info in infos]
        assert sections[ids.index("command_palette")] == "Anywhere"
        assert ids.index("command_palette") < sections.index("List")


async def test_the_palette_opens_the_audit_trail(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"audit trail")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)


async def test_a_tab_that_is_not_there_says_so(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.run_action("show_tab('tab-nowhere')")
        await pilot.pause()
        assert any("not available" in m for m in notifications(app))
