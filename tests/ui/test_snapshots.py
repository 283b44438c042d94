"""Snapshots of the main screens (pytest-textual-snapshot). The emulator's data is anchored to a
fixed day and the time zone pinned (see conftest), so the pictures only change when the UI does.
Update them after an intended change with `pytest tests/ui --snapshot-update`.
"""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

from optout_tui.ui.screens.confirm import HANDFUL

from .conftest import SIZE, make_app, settle

SMALL = (80, 24)  # the least a dialog must fit in, with its key actions in view


def snap(snap_compare, emulator, tmp_path, run_before=None, size=SIZE):
    app = make_app(emulator, tmp_path)

    async def prepare(pilot):
        await settle(pilot)
        pilot.app.clear_notifications()  # the offer to resume seeded jobs, shown at start, would cover the view
        if run_before is not None:
            await run_before(pilot)
            await settle(pilot)
        # A blinking cursor is drawn or not depending on when the picture is taken: hold it still.
        for field in pilot.app.screen.query("Input, TextArea"):
            field.cursor_blink = False
        await pilot.pause()

    return snap_compare(app, terminal_size=size, run_before=prepare)


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


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=lambda size: "{}x{}".format(*size))
@pytest.mark.parametrize("key", ["4", "5"], ids=["nhn_sms", "nhn_email"])
def test_nhn_tab(snap_compare, emulator, tmp_path, key, size):
    async def show(pilot):
        await pilot.press(key)

    assert snap(snap_compare, emulator, tmp_path, show, size)


# ---------------------------------------------------------------- every dialog, at 120x36 and at 80x24


async def quick_lookup(pilot):
    number = pilot.app.active_pane.entry_list.entry_at(2).number
    await pilot.press("l")
    pilot.app.screen.query_one("#lookup-value").value = f"{number[:3]} {number[3:7]} {number[7:]}"
    await pilot.press("enter")


async def detail_080(pilot):
    await pilot.press("3")
    await settle(pilot)
    await pilot.press("enter")


async def register_preview(pilot):
    await pilot.press("a")
    pilot.app.screen.query_one(TextArea).insert("010-2000-0001\n+82 10 2000 0002\nnot a number\n010 2000 0001\n")
    await pilot.pause(0.3)


async def register_080(pilot):
    await pilot.press("3")
    await settle(pilot)
    await pilot.press("a")


async def send_question(pilot):
    await pilot.press("a")
    pilot.app.screen.query_one(TextArea).insert("".join(f"010-2000-{i:04d}\n" for i in range(HANDFUL + 1)))
    await pilot.pause(0.3)
    await settle(pilot)
    await pilot.press("ctrl+s")


async def deregister_confirmation(pilot):
    await pilot.press("space", "space", "d")
    pilot.app.screen.query_one("#reason").value = "ticket 4711"


async def export(pilot):
    await pilot.press("e")
    pilot.app.screen.query_one("#export-path").value = "optout-sms.csv"  # the default name holds the time


async def credentials(pilot):
    await pilot.press("c")


async def help_keys(pilot):
    await pilot.press("question_mark")


async def audit_trail(pilot):
    await pilot.press("A")


async def jobs(pilot):
    await pilot.press("J")
    await settle(pilot)
    await pilot.press("end")


async def job_results(pilot):
    await pilot.press("J")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    pilot.app.screen.query_one("#outcome").value = "failed"


async def save_rows(pilot):
    await pilot.press("J")
    await settle(pilot)
    await pilot.press("e")


DIALOGS = {
    f.__name__: f
    for f in (
        quick_lookup,
        detail_080,
        register_preview,
        register_080,
        send_question,
        deregister_confirmation,
        export,
        credentials,
        help_keys,
        audit_trail,
        jobs,
        job_results,
        save_rows,
    )
}
HISTORY = {audit_trail, jobs, job_results, save_rows}  # dialogs shown over seeded jobs and audit entries


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=lambda size: "{}x{}".format(*size))
@pytest.mark.parametrize("dialog", DIALOGS)
def test_dialog(snap_compare, emulator, tmp_path, dialog, size):
    if DIALOGS[dialog] in HISTORY:
        seed_history(tmp_path / "journal.sqlite3")
    assert snap(snap_compare, emulator, tmp_path, DIALOGS[dialog], size)


def seed_history(path) -> None:
    """Fixed jobs and audit entries (ids, times, user), so the pictures do not change from run to run."""
    import json

    from optout_tui.bulk.db import connect

    conn, _ = connect(path)
    jobs = [
        (
            "20260527-a1b2c3",
            "2026-05-27T01:10:00.000+00:00",
            "sms",
            "register",
            2500,
            "cancelled",
            "CS-4711 complaint export",
            [("registered", 1000), (None, 1500)],
        ),
        (
            "20260527-d4e5f6",
            "2026-05-27T03:20:00.000+00:00",
            "email",
            "remove",
            3,
            "done",
            "ticket 4712",
            [("removed", 2), ("not_on_list", 1)],
        ),
        (
            "20260528-0a0b0c",
            "2026-05-28T00:05:00.000+00:00",
            "sms",
            "register",
            120,
            "failed",
            "",
            [("registered", 100), ("failed", 20)],
        ),
    ]
    for job_id, at, kind, action, total, state, reason, outcomes in jobs:
        conn.execute(
            "INSERT INTO jobs (id, created, updated, os_user, profile, kind, action, reason, extra, batch_size, total,"
            " chunks, state) VALUES (?,?,?,?,?,?,?,?,'{}',1000,?,?,?)",
            (job_id, at, at, "agent.kim", "demo", kind, action, reason, total, (total + 999) // 1000, state),
        )
        statuses = [status for status, count in outcomes for _ in range(count)]
        values = [f"0102000{seq:04d}" if kind == "sms" else f"user{seq}@example.com" for seq in range(total)]
        for chunk, first in enumerate(range(0, total, 1000)):
            conn.execute(
                "INSERT INTO job_chunks (job_id, chunk, first_seq, size, vals) VALUES (?,?,?,?,?)",
                (job_id, chunk, first, len(values[first : first + 1000]), json.dumps(values[first : first + 1000])),
            )
        for seq, status in enumerate(statuses):
            if status is not None:
                conn.execute(
                    "INSERT INTO job_outcomes (job_id, seq, status, detail) VALUES (?,?,?,?)",
                    (job_id, seq, status, "HTTP 503, gave up" if status == "failed" else ""),
                )
        values = None if total > 100 else json.dumps([f"user{i}@example.com" for i in range(total)])
        conn.execute(
            "INSERT INTO audit (at, os_user, profile, list, action, count, vals, job_id, reason, answer)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                at,
                "agent.kim",
                "demo",
                kind,
                action,
                total,
                values,
                job_id,
                reason,
                {
                    "cancelled": "done 1,000, already 0, invalid 0, failed 0, not sent 1,500; cancelled",
                    "done": "done 2, already 1, invalid 0, failed 0",
                    "failed": "done 100, already 0, invalid 0, failed 20; first error: HTTP 503, gave up",
                }[state],
            ),
        )
    conn.close()
