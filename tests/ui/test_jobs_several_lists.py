"""A job for several lists in the Jobs view: its lists and each list's counts, a resume from here that finishes
every list (the one that stopped part-way), and its per-value results naming their list."""

from __future__ import annotations

import httpx
from textual.widgets import TextArea

from optout_tui.api.base import ListKind
from optout_tui.bulk.everywhere import lookup_everywhere
from optout_tui.bulk.journal import JobState, Journal
from optout_tui.ui.screens.job_results import JobResultsScreen
from optout_tui.ui.screens.jobs import JobsScreen
from optout_tui.ui.widgets.job_panel import JobPanel
from optout_tui.ui.widgets.row_list import RowList

from .conftest import SIZE, make_app, settle

VALUES = ["resume1@ex.kr", "resume2@ex.kr"]


def rendered(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def register_with_the_mailer_refusing_once(pilot, emulator) -> str:
    """An everywhere registration on the Email tab that stops for the Mailer (credentials refused once) and
    goes through on NHN Email; its job id."""
    app = pilot.app
    await settle(pilot)
    await pilot.press("2", "a")
    await settle(pilot)
    app.screen.query_one(TextArea).insert("\n".join(VALUES) + "\n")
    await pilot.pause(0.3)  # the preview waits for typing to pause
    await settle(pilot)
    fault = {"count": 1, "status": "401", "route": "mailer"}
    async with httpx.AsyncClient() as client:
        (await client.post(f"{emulator.base_url}/_emulator/fail-next", json=fault)).raise_for_status()
    await pilot.press("ctrl+s")
    await settle(pilot)
    result = app.screen.query_one(JobPanel).result
    assert result.pending == 2 and result.done == 2  # the Mailer's two not sent, NHN Email's two registered
    await pilot.press("escape")
    await settle(pilot)
    return result.job_id


async def test_a_job_for_several_lists_is_resumed_from_the_jobs_view_on_every_list(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        job_id = await register_with_the_mailer_refusing_once(pilot, emulator)
        await pilot.press("J")
        await settle(pilot)
        assert isinstance(app.screen, JobsScreen)
        rows = app.screen.query_one(RowList)
        assert rows.current.id == job_id and "2 lists" in rows.render_line(1).text  # under the header
        detail = rendered(app.screen, "#jobs-detail")
        assert f"job {job_id}  register on 2 lists" in detail
        assert "\n  Email: registered 0, already 0, invalid 0, failed 0, not sent 2" in detail
        assert "\n  NHN Email: registered 2, already 0, invalid 0, failed 0" in detail
        assert "r resumes it" in detail
        await pilot.press("r")
        await settle(pilot)
        panel = app.screen.query_one(JobPanel)
        assert panel.result.resumed and panel.result.per_list == [
            ("Email", {"registered": 2}),
            ("NHN Email", {"registered": 2}),
        ]
        assert "\n  Email: registered 2, already 0, invalid 0, failed 0" in rendered(panel, "#job-result")
        assert str(rows.current.state) == "done"  # read again, the cursor kept on the job
        for value in VALUES:
            answers = await lookup_everywhere(app.lists, ListKind.EMAIL, value)
            assert [(a.target.label, a.entry is not None) for a in answers] == [("Email", True), ("NHN Email", True)]
    assert Journal(tmp_path / "journal.sqlite3").job(job_id).state == JobState.DONE
    entries = [entry for entry in app.bulk_options["audit"].entries() if entry.job_id == job_id]
    assert entries[-1].answer.startswith("resumed: Email: registered 2")


async def test_the_results_of_a_job_for_several_lists_name_each_values_list(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        job_id = await register_with_the_mailer_refusing_once(pilot, emulator)
        await pilot.press("J")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, JobResultsScreen)
        assert f"Results of job {job_id} · register on 2 lists · 4 values" in rendered(app.screen, "#results-title")
        rows = app.screen.query_one(RowList)
        assert app.screen.source.fields[3] == "list"
        assert [(rows.row_at(i).value, rows.row_at(i).status) for i in range(4)] == [
            (VALUES[0], None),
            (VALUES[1], None),
            (VALUES[0], "registered"),
            (VALUES[1], "registered"),
        ]
        lines = [rows.render_line(i + 1).text for i in range(4)]  # under the header
        assert all(" Email " in line for line in lines[:2]) and all(" NHN Email " in line for line in lines[2:])
        assert "List" in rows.render_line(0).text


async def test_retrying_the_failed_values_resumes_the_job_on_the_list_they_failed_on(emulator, tmp_path, monkeypatch):
    from optout_tui.bulk.engine import BulkEngine

    monkeypatch.setattr(BulkEngine, "round_delay", 0.01)  # a failed chunk is sent again at once
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "a")
        await settle(pilot)
        app.screen.query_one(TextArea).insert("\n".join(VALUES) + "\n")
        await pilot.pause(0.3)  # the preview waits for typing to pause
        await settle(pilot)
        sends = BulkEngine.max_rounds * 2  # every round, and the client's own retry in each (conftest FAST_RETRY)
        fault = {"count": sends, "status": "503", "route": "mailer"}
        async with httpx.AsyncClient() as client:
            (await client.post(f"{emulator.base_url}/_emulator/fail-next", json=fault)).raise_for_status()
        await pilot.press("ctrl+s")
        await settle(pilot)
        panel = app.screen.query_one(JobPanel)
        job_id = panel.result.job_id
        assert panel.result.per_list == [("Email", {"failed": 2}), ("NHN Email", {"registered": 2})]
        assert str(panel.query_one("#retry-failed").label) == "Retry 2 failed"
        await pilot.click("#retry-failed")
        await settle(pilot)
        assert panel.result.job_id == job_id and panel.result.resumed
        assert panel.result.per_list == [("Email", {"registered": 2}), ("NHN Email", {"registered": 2})]
        for value in VALUES:
            answers = await lookup_everywhere(app.lists, ListKind.EMAIL, value)
            assert [a.entry is not None for a in answers] == [True, True]
