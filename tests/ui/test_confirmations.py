"""The dashboard asks before it sends more than a handful of values, before esc throws away a pasted
list or a file's preview, and before quitting while a job runs (the job stays resumable)."""

from __future__ import annotations

import asyncio

from textual.widgets import TextArea

from optout_tui.bulk.journal import JobState, Journal
from optout_tui.ui.screens.confirm import HANDFUL, ConfirmScreen
from optout_tui.ui.screens.deregister import DeregisterScreen
from optout_tui.ui.screens.register import RegisterScreen
from optout_tui.ui.widgets.job_panel import JobPanel

from .conftest import SIZE, fill, make_app, settle


def numbers(count: int) -> list[str]:
    return [f"0102000{i:04d}" for i in range(count)]


def question(app) -> str:
    assert isinstance(app.screen, ConfirmScreen)
    return " ".join(str(widget.render()) for widget in app.screen.query("#confirm-question, #confirm-detail"))


async def open_register_with(pilot, lines: list[str]) -> None:
    await settle(pilot)
    await pilot.press("a")
    pilot.app.screen.query_one("#everywhere").value = False  # the SMS list alone, not every list of mobile numbers
    pilot.app.screen.query_one(TextArea).insert("\n".join(lines) + "\n")
    await pilot.pause(0.3)  # the preview waits for typing to pause
    await settle(pilot)


async def test_a_handful_of_values_is_registered_without_a_question(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_register_with(pilot, numbers(HANDFUL))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        assert app.screen.query_one(JobPanel).result.done == HANDFUL


async def test_register_asks_with_the_count_list_and_profile_before_sending_more(emulator, tmp_path):
    values = numbers(HANDFUL + 1)
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_register_with(pilot, values)
        await pilot.press("ctrl+s")
        await settle(pilot)
        asked = question(app)
        assert f"Register {HANDFUL + 1} values on the SMS opt-out list of profile 'demo'?" in asked
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen) and app.screen.query_one(JobPanel).result is None
        assert await app.lists.sms.lookup(values[0]) is None
        await pilot.press("ctrl+s")
        await pilot.press("y")
        await settle(pilot)
        assert app.screen.query_one(JobPanel).result.done == HANDFUL + 1
        assert await app.lists.sms.lookup(values[0]) is not None


async def test_deregister_asks_with_the_count_list_and_profile_before_removing_more(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.active_pane.entry_list.current.number
        await pilot.press(*["space"] * (HANDFUL + 1), "d")
        assert isinstance(app.screen, DeregisterScreen)
        app.screen.query_one("#everywhere").value = False  # the SMS list alone, not every list of mobile numbers
        await fill(pilot, "#reason", "ticket 4711")
        await settle(pilot)
        assert f"Deregister {HANDFUL + 1} values from the SMS opt-out list of profile 'demo'?" in question(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeregisterScreen) and app.screen.query_one(JobPanel).result is None
        assert await app.lists.sms.lookup(first) is not None
        await pilot.press("enter", "y")
        await settle(pilot)
        assert app.screen.query_one(JobPanel).result.done == HANDFUL + 1
        assert await app.lists.sms.lookup(first) is None


async def test_esc_asks_before_discarding_a_pasted_list(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_register_with(pilot, ["010-2000-0001", "not a number", "010 2000 0003"])
        await pilot.press("escape")
        assert "Discard 3 values?" in question(app)
        await pilot.press("n")
        assert isinstance(app.screen, RegisterScreen)
        assert app.screen.query_one(TextArea).text.count("\n") == 3
        await pilot.press("escape", "y")
        assert not app.screen_stack[1:]
        await pilot.press("a", "escape")  # nothing typed: nothing to lose, no question
        assert not app.screen_stack[1:]


async def test_esc_asks_before_discarding_a_files_preview(emulator, tmp_path):
    path = tmp_path / "numbers.txt"
    path.write_text("010-2000-0001\n010-2000-0002\n", encoding="utf-8")
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await fill(pilot, "#file-path", str(path))
        await settle(pilot)
        await pilot.press("escape")
        asked = question(app)
        assert "Discard 2 values?" in asked and str(path) in asked
        await pilot.press("y")
        assert not app.screen_stack[1:]


async def test_quitting_while_a_job_runs_asks_and_leaves_the_job_resumable(emulator, tmp_path, monkeypatch):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sending, answered = asyncio.Event(), asyncio.Event()
        register = app.lists.sms.register

        async def held(values, **extra):  # the vendor has the request and has not answered yet
            sending.set()
            await answered.wait()
            return await register(values, **extra)

        monkeypatch.setattr(app.lists.sms, "register", held)
        await open_register_with(pilot, numbers(3))
        await pilot.press("ctrl+s")
        await sending.wait()
        await pilot.press("ctrl+q")
        asked = question(app)
        assert "still sending" in asked and "optout-tui --demo jobs resume" in asked
        await pilot.press("n")  # stay: the job goes on
        panel = app.screen.query_one(JobPanel)
        assert panel.running and app.is_running
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("ctrl+q")  # asked again: quit
        await app.workers.wait_for_complete()
    journal = Journal(tmp_path / "journal.sqlite3")
    job = journal.jobs()[0]
    journal.close()
    assert job.state is JobState.CANCELLED and job.resumable and job.pending == 3


async def test_the_080_deregistration_speaks_of_080_numbers(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        entry_list = app.active_pane.entry_list
        entry_list.cursor = next(i for i, e in enumerate(entry_list.cached_entries()) if e.can_deregister[0])
        await pilot.press("d")
        assert isinstance(app.screen, DeregisterScreen)
        said = " ".join(str(label.render()) for label in app.screen.query("Label"))
        assert "080 number is no longer an opt-out number" in said and "opts no one out" in said
        assert "advertising again" not in said


async def test_closing_the_jobs_view_after_a_job_that_could_not_run_leaves_the_dashboard_running(emulator, tmp_path):
    """A job whose engine ended in an error (here: a job the journal does not hold) once took the
    dashboard down with it when its view closed."""
    from optout_tui.ui.screens.jobs import JobsScreen

    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("J")
        await settle(pilot)
        panel = app.screen.query_one(JobPanel)
        panel.resume("20990101-000000", "register", 1)
        await settle(pilot)
        assert str(panel.query_one("#job-result").render()).startswith("✖")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, JobsScreen) and app.is_running
