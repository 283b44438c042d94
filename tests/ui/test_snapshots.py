"""Snapshots of the main screens (pytest-textual-snapshot). The emulator's data is anchored to a
fixed day and the time zone pinned (see conftest), so the pictures only change when the UI does.
Update them after an intended change with `pytest tests/ui --snapshot-update`.
"""

from __future__ import annotations

from textual.widgets import TextArea

from .conftest import SIZE, make_app, settle


def snap(snap_compare, emulator, tmp_path, run_before=None):
    app = make_app(emulator, tmp_path)

    async def prepare(pilot):
        await settle(pilot)
        if run_before is not None:
            await run_before(pilot)
            await settle(pilot)
        # A blinking cursor is drawn or not depending on when the picture is taken: hold it still.
        for field in pilot.app.screen.query("Input, TextArea"):
            field.cursor_blink = False
        await pilot.pause()

    return snap_compare(app, terminal_size=SIZE, run_before=prepare)


def test_sms_tab(snap_compare, emulator, tmp_path):
    async def mark_two(pilot):
        await pilot.press("down", "space", "space")

    assert snap(snap_compare, emulator, tmp_path, mark_two)


def test_email_tab(snap_compare, emulator, tmp_path):
    async def email(pilot):
        await pilot.press("2")

    assert snap(snap_compare, emulator, tmp_path, email)


def test_080_tab(snap_compare, emulator, tmp_path):
    async def n080(pilot):
        await pilot.press("3")

    assert snap(snap_compare, emulator, tmp_path, n080)


def test_quick_lookup(snap_compare, emulator, tmp_path):
    async def look_up(pilot):
        number = pilot.app.active_pane.entry_list.entry_at(2).number
        await pilot.press("l")
        pilot.app.screen.query_one("#lookup-value").value = f"{number[:3]} {number[3:7]} {number[7:]}"
        await pilot.press("enter")

    assert snap(snap_compare, emulator, tmp_path, look_up)


def test_register_preview(snap_compare, emulator, tmp_path):
    async def paste(pilot):
        await pilot.press("a")
        pilot.app.screen.query_one(TextArea).insert("010-2000-0001\n+82 10 2000 0002\nnot a number\n010 2000 0001\n")
        await pilot.pause(0.3)

    assert snap(snap_compare, emulator, tmp_path, paste)


def test_deregister_confirmation(snap_compare, emulator, tmp_path):
    async def confirm(pilot):
        await pilot.press("space", "space", "d")
        pilot.app.screen.query_one("#reason").value = "ticket 4711"

    assert snap(snap_compare, emulator, tmp_path, confirm)


def test_help(snap_compare, emulator, tmp_path):
    async def help_screen(pilot):
        await pilot.press("question_mark")

    assert snap(snap_compare, emulator, tmp_path, help_screen)


def seed_history(path) -> None:
    """Fixed jobs and audit entries (ids, times, user), so the pictures do not change from run to run."""
    import json

    from optout_tui.bulk.db import connect

    conn, _ = connect(path)
    jobs = [
        ("20260527-a1b2c3", "2026-05-27T01:10:00.000+00:00", "sms", "register", 2500, "cancelled", "CS-4711 complaint export",
         [("done", 1000), (None, 1500)]),
        ("20260527-d4e5f6", "2026-05-27T03:20:00.000+00:00", "email", "remove", 3, "done", "ticket 4712",
         [("done", 2), ("already", 1)]),
        ("20260528-0a0b0c", "2026-05-28T00:05:00.000+00:00", "sms", "register", 120, "failed", "",
         [("done", 100), ("failed", 20)]),
    ]
    for job_id, at, kind, action, total, state, reason, outcomes in jobs:
        conn.execute(
            "INSERT INTO jobs (id, created, updated, os_user, profile, kind, action, reason, extra, batch_size, total,"
            " chunks, state) VALUES (?,?,?,?,?,?,?,?,'{}',1000,?,?,?)",
            (job_id, at, at, "agent.kim", "demo", kind, action, reason, total, (total + 999) // 1000, state))
        statuses = [status for status, count in outcomes for _ in range(count)]
        values = [f"0102000{seq:04d}" if kind == "sms" else f"user{seq}@example.com" for seq in range(total)]
        for chunk, first in enumerate(range(0, total, 1000)):
            conn.execute("INSERT INTO job_chunks (job_id, chunk, first_seq, size, vals) VALUES (?,?,?,?,?)",
                         (job_id, chunk, first, len(values[first:first + 1000]), json.dumps(values[first:first + 1000])))
        for seq, status in enumerate(statuses):
            if status is not None:
                conn.execute("INSERT INTO job_outcomes (job_id, seq, status, detail) VALUES (?,?,?,?)",
                             (job_id, seq, status, "HTTP 503, gave up" if status == "failed" else ""))
        values = None if total > 100 else json.dumps([f"user{i}@example.com" for i in range(total)])
        conn.execute(
            "INSERT INTO audit (at, os_user, profile, list, action, count, vals, job_id, reason, answer)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            (at, "agent.kim", "demo", kind, action, total, values, job_id, reason,
             {"cancelled": "done 1,000, already 0, invalid 0, failed 0, not sent 1,500; cancelled",
              "done": "done 2, already 1, invalid 0, failed 0",
              "failed": "done 100, already 0, invalid 0, failed 20; first error: HTTP 503, gave up"}[state]))
    conn.close()


def test_audit_trail(snap_compare, emulator, tmp_path):
    seed_history(tmp_path / "journal.sqlite3")

    async def audit(pilot):
        pilot.app.clear_notifications()  # the offer to resume, shown at start, would cover the panel
        await pilot.press("A")

    assert snap(snap_compare, emulator, tmp_path, audit)


def test_jobs(snap_compare, emulator, tmp_path):
    seed_history(tmp_path / "journal.sqlite3")

    async def jobs(pilot):
        pilot.app.clear_notifications()
        await pilot.press("J")
        await settle(pilot)
        await pilot.press("end")

    assert snap(snap_compare, emulator, tmp_path, jobs)


def test_job_results(snap_compare, emulator, tmp_path):
    seed_history(tmp_path / "journal.sqlite3")

    async def results(pilot):
        pilot.app.clear_notifications()
        await pilot.press("J")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pilot.app.screen.query_one("#outcome").value = "failed"

    assert snap(snap_compare, emulator, tmp_path, results)
