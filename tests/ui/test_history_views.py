"""The audit trail (`A`) and jobs (`J`) views: list, filter, resume, per-value results, export."""

from __future__ import annotations

import csv
import json

from textual.widgets import TextArea

from optout_tui.bulk.journal import JobState, Journal
from optout_tui.ui.screens.audit import AuditScreen
from optout_tui.ui.screens.job_results import JobResultsScreen
from optout_tui.ui.screens.jobs import JobsScreen
from optout_tui.ui.screens.register import RegisterScreen
from optout_tui.ui.screens.save_rows import SaveRowsScreen
from optout_tui.ui.widgets.job_panel import JobPanel
from optout_tui.ui.widgets.row_list import RowList

from .conftest import SIZE, fill, make_app, settle


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


def rendered(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def cancelled_job(app, values: list[str], *, profile: str = "demo", reason: str = "") -> str:
    journal = app.bulk_options["journal"]
    job_id = journal.create_job(
        profile=profile, kind="sms", action="register", values=values, batch_size=1000, reason=reason
    )
    journal.finish(job_id, JobState.CANCELLED, "cancelled by the user")
    return job_id


async def register(pilot, text: str) -> None:
    await pilot.press("a")
    pilot.app.screen.query_one("#everywhere").value = False  # the SMS list alone, not every list of mobile numbers
    pilot.app.screen.query_one(TextArea).insert(text)
    await pilot.pause(0.3)
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)


# ---------------------------------------------------------------- audit trail


async def test_a_change_made_here_is_in_the_audit_trail_newest_first(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await register(pilot, "010-3100-0001\n")
        await register(pilot, "010-3100-0002\n010-3100-0003\n")
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)
        rows = app.screen.query_one(RowList)
        assert rows.row_count == 2
        newest = rows.row_at(0)
        assert newest.values == ["01031000002", "01031000003"] and newest.action == "register"
        assert newest.answer.startswith("registered 2")
        detail = rendered(app.screen, "#audit-detail")
        assert "010-3100-0002 010-3100-0003" in detail and "answer: registered 2" in detail
        await pilot.press("down")
        assert "010-3100-0001" in rendered(app.screen, "#audit-detail")


async def test_the_audit_filters_by_date_and_value_and_says_what_a_bad_date_is(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    audit = app.bulk_options["audit"]
    for i in range(5):
        audit.append(
            profile="demo",
            list_kind="email",
            action="remove",
            values=[f"user{i}@example.com"],
            answer="done 1",
            reason=f"CS-{i}",
        )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("slash")
        await fill(pilot, "#audit-search", " User3@Example.com ")
        await settle(pilot)
        rows = app.screen.query_one(RowList)
        assert rows.row_count == 1 and rows.row_at(0).reason == "CS-3"
        assert rows.has_focus
        await fill(pilot, "#audit-dates", "last week")
        await settle(pilot)
        assert "is not a date" in rendered(app.screen, "#audit-status")
        await fill(pilot, "#audit-dates", "1d")
        await settle(pilot)
        assert rows.row_count == 1
        await pilot.press("escape")  # on the list: clears the filter
        await settle(pilot)
        assert rows.row_count == 5
        await pilot.press("escape")  # then closes, back on the list with its keys
        assert not isinstance(app.screen, AuditScreen)
        assert app.focused is app.active_pane.entry_list


async def test_the_audit_exports_the_filtered_view_to_csv_and_json(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    audit = app.bulk_options["audit"]
    for i in range(250):  # more than one page
        audit.append(
            profile="demo",
            list_kind="sms",
            action="register",
            values=[f"0107000{i:04d}"],
            answer="done 1",
            reason="batch A" if i < 240 else "batch B",
        )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, SaveRowsScreen)
        await fill(pilot, "#save-path", str(tmp_path / "audit.csv"))
        await settle(pilot)
        assert "250 rows written" in rendered(app.screen, "#save-status")
        await pilot.press("escape")
        await fill(pilot, "#audit-search", "batch B")
        await settle(pilot)
        await pilot.press("e")
        await fill(pilot, "#save-path", str(tmp_path / "audit.json"))
        await settle(pilot)
    with (tmp_path / "audit.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 250 and rows[0]["values"] == "01070000249" and rows[-1]["values"] == "01070000000"
    assert {"at", "os_user", "profile", "list", "action", "reason", "answer", "job_id"} <= set(rows[0])
    data = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))
    assert len(data) == 10 and all(item["reason"] == "batch B" for item in data)


async def test_the_audit_list_pages_to_its_oldest_entry(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    audit = app.bulk_options["audit"]
    for i in range(1_000):
        audit.append(
            profile="demo",
            list_kind="sms",
            action="register",
            values=[f"0108000{i:04d}"],
            answer="done 1",
            reason=f"r{i}",
        )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("A")
        await settle(pilot)
        rows = app.screen.query_one(RowList)
        assert sorted(rows.pages.keys()) == [0, 1]  # the page on screen and the next, not all five
        await pilot.press("end")
        await settle(pilot)
        assert rows.cursor == 999 and rows.current.reason == "r0"
        assert "r0" in rendered(app.screen, "#audit-detail")


async def test_list_keys_do_nothing_while_the_audit_covers_the_lists(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("a", "d", "2")
        assert isinstance(app.screen, AuditScreen)
        assert not any(isinstance(s, RegisterScreen) for s in app.screen_stack)
        assert app.query_one("#tabs").current == "tab-sms"


# ---------------------------------------------------------------- jobs


async def test_the_jobs_view_lists_every_job_and_resumes_an_unfinished_one(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await register(pilot, "010-3200-0001\n")
        job_id = cancelled_job(app, ["01000007771", "01000007772"], reason="CS-77")
        await pilot.press("J")
        await settle(pilot)
        assert isinstance(app.screen, JobsScreen)
        rows = app.screen.query_one(RowList)
        assert rows.row_count == 2
        assert rows.current.id == job_id and str(rows.current.state) == "cancelled"
        assert "r resumes it" in rendered(app.screen, "#jobs-detail")
        await pilot.press("r")
        await settle(pilot)
        panel = app.screen.query_one(JobPanel)
        assert panel.result.done == 2
        assert "Done: 2 registered" in rendered(panel, "#job-result")
        assert str(rows.current.state) == "done"  # the list was read again, the cursor kept on the job
        await pilot.press("down", "r")  # a finished job: nothing to resume
        assert any("nothing to resume" in m for m in notifications(app))
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, JobsScreen)
        assert await app.lists.sms.lookup("01000007772") is not None
    assert Journal(tmp_path / "journal.sqlite3").job(job_id).state == JobState.DONE
    entries = list(app.bulk_options["audit"].entries())
    assert entries[-1].job_id == job_id and entries[-1].answer.startswith("resumed: registered 2")


async def test_a_job_of_another_profile_is_not_resumed_here(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    cancelled_job(app, ["01000007781"], profile="work")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("J")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert any("profile 'work'" in m for m in notifications(app))
        assert app.screen.query_one(JobPanel).display is False


async def test_a_jobs_per_value_results_are_listed_filtered_and_exported(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await register(pilot, "010-3300-0001\n010-3300-0002\n010-3300-0003\n")
        await pilot.press("J")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, JobResultsScreen)
        rows = app.screen.query_one(RowList)
        assert [rows.row_at(i).value for i in range(3)] == ["01033000001", "01033000002", "01033000003"]
        assert all(rows.row_at(i).status == "registered" for i in range(3))
        app.screen.query_one("#outcome").value = "failed"
        await settle(pilot)
        assert rows.row_count == 0 and "0 values failed of 3" in rendered(app.screen, "#results-status")
        app.screen.query_one("#outcome").value = "all"
        await settle(pilot)
        await pilot.press("e")
        await fill(pilot, "#save-path", str(tmp_path / "results.csv"))
        await settle(pilot)
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, JobsScreen)
        await pilot.press("e")  # from the jobs list too, as JSON
        await settle(pilot)
        await fill(pilot, "#save-path", str(tmp_path / "results.json"))
        await settle(pilot)
    with (tmp_path / "results.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["value"], r["outcome"]) for r in rows] == [
        ("01033000001", "registered"),
        ("01033000002", "registered"),
        ("01033000003", "registered"),
    ]
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert [item["value"] for item in data] == ["01033000001", "01033000002", "01033000003"]


async def test_an_unfinished_job_is_offered_at_start(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    cancelled_job(app, ["01000007791"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("unfinished job" in m and "J" in m for m in notifications(app))
