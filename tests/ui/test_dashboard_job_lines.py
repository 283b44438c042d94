"""A job started in the dashboard keeps every input line (refused and duplicate ones too), its result view lists
and saves the lines not sent, and a job killed after its last answer is settled when the dashboard starts."""

from __future__ import annotations

import csv
import stat

from textual.widgets import TextArea

from optout_tui.bulk.audit import AuditLog
from optout_tui.bulk.engine import Action, BulkEngine, BulkRun
from optout_tui.bulk.journal import JobState
from optout_tui.ui.screens.register import RegisterScreen
from optout_tui.ui.screens.save_rows import SaveRowsScreen
from optout_tui.ui.widgets.job_panel import JobPanel
from optout_tui.ui.widgets.row_list import RowList

from .conftest import SIZE, fill, make_app, settle

PASTED = "010-0000-3331\nnot a number\n010 0000 3331\n\n01000003332\n"


async def test_a_dashboard_registration_keeps_lists_and_saves_every_refused_line(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        assert isinstance(app.screen, RegisterScreen)
        app.screen.query_one("#everywhere").value = False  # the SMS list alone, not every list of mobile numbers
        app.screen.query_one(TextArea).insert(PASTED)
        await pilot.pause()
        await pilot.press("ctrl+s")  # at once: the preview of what was pasted is made, then sent
        await settle(pilot)
        job = app.screen.query_one(JobPanel)
        assert job.result is not None and job.result.done == 2

        journal = app.bulk_options["journal"]
        results = journal.job_results(job.result.job_id)
        records = [results.record(row) for row in results]
        assert [(r["line"], r["input"], r["value"], r["outcome"]) for r in records] == [
            (1, "010-0000-3331", "01000003331", "registered"),
            (2, "not a number", "", "invalid"),
            (3, "010 0000 3331", "01000003331", "duplicate"),
            (5, "01000003332", "01000003332", "registered"),
        ]
        assert records[1]["reason"] and records[2]["reason"] == "same as line 1"

        assert "2 input lines not sent" in str(job.query_one("#refused-title").render())
        rows = job.query_one("#refused-list", RowList)
        shown = [rows.render_line(y).text for y in range(3)]
        assert "not a number" in shown[1] and "invalid" in shown[1] and records[1]["reason"][:10] in shown[1]
        assert "010-0000-3331" in shown[2] and "duplicate" in shown[2]

        await pilot.click("#save-refused")
        assert isinstance(app.screen, SaveRowsScreen)
        target = tmp_path / "refused.csv"
        await fill(pilot, "#save-path", str(target))
        await settle(pilot)
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        with target.open(encoding="utf-8", newline="") as fh:
            saved = list(csv.DictReader(fh))
        assert saved == [{k: str(v) for k, v in r.items()} for r in records if r["outcome"] in ("invalid", "duplicate")]


async def test_a_registration_with_nothing_refused_shows_no_refused_lines(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        app.screen.query_one("#everywhere").value = False  # the SMS list alone, not every list of mobile numbers
        app.screen.query_one(TextArea).insert("010-0000-3341\n")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        job = app.screen.query_one(JobPanel)
        assert job.result.done == 1
        assert job.query_one("#job-refused").display is False and job.refused is None


async def test_a_job_killed_after_its_last_answer_is_settled_when_the_dashboard_starts(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    journal = app.bulk_options["journal"]
    values = ["01000003351", "01000003352"]
    run = BulkRun(
        BulkEngine(app.lists.sms, app.profile, journal=journal, audit=AuditLog(journal.path)), Action.REGISTER
    )
    for chunk in await run.plan(values):
        await run.send(chunk)
    await run.record()
    journal._let_go(run.job_id)  # what the OS does with the lock of a killed process
    assert journal.job(run.job_id).state == JobState.INTERRUPTED
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert journal.job(run.job_id).state == JobState.DONE
        [entry] = [e for e in app.bulk_options["audit"].entries() if e.job_id == run.job_id]
        assert (entry.count, entry.values) == (2, values)
