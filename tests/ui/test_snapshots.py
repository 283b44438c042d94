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
