"""Export (`e`) writes exactly the rows the tab shows, says which and how many before writing, creates the
file owner-only and never replaces an existing one unasked."""

from __future__ import annotations

import csv
import json
import stat

from optout_tui.ui.screens.export import ExportScreen

from .conftest import SIZE, fill, make_app, settle
from .test_snapshot_search import shown, sync_snapshot


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def export_to(pilot, path) -> ExportScreen:
    await pilot.press("e")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen)
    await fill(pilot, "#export-path", str(path))
    await settle(pilot)
    return screen


def heading(screen: ExportScreen) -> str:
    return str(screen.query_one("Label").render())


def status(screen: ExportScreen) -> str:
    return str(screen.query_one("#export-status").render())


async def test_a_partial_search_exports_the_snapshot_matches_on_screen_as_json_owner_only(emulator, tmp_path):
    await sync_snapshot(emulator)
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        fragment = app.active_pane.entry_list.entry_at(3).number[3:7]
        await fill(pilot, "#search", fragment)  # enter on a fragment: snapshot matches at once
        await settle(pilot)
        numbers = [entry.number for entry in shown(app)]
        assert app.active_pane.snapshot_mode and 0 < len(numbers) < 450
        target = tmp_path / "matches.json"
        screen = await export_to(pilot, target)
        assert f"{len(numbers):,} row" in heading(screen) and f"snapshot matches for '{fragment}'" in heading(screen)
        assert "✔" in status(screen), status(screen)
    assert [record["number"] for record in json.loads(target.read_text(encoding="utf-8"))] == numbers
    assert mode(target) == 0o600


async def test_the_dialog_names_filter_and_count_and_asks_before_replacing_a_file(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await fill(pilot, "#dates", "2026-05-01..")
        await settle(pilot)
        count = app.active_pane.entry_list.row_count
        assert app.active_pane.entry_list.state.exact and 0 < count < 230
        target = tmp_path / "email.csv"
        target.write_text("kept\n", encoding="utf-8")
        target.chmod(0o644)
        screen = await export_to(pilot, target)
        assert f"{count:,} rows" in heading(screen) and "filter: 2026-05-01 → now" in heading(screen)
        assert "exists: enter again replaces it" in status(screen)
        assert target.read_text(encoding="utf-8") == "kept\n"  # not touched yet
        await pilot.press("enter")  # asked, answered: replace it
        await settle(pilot)
        assert "✔" in status(screen), status(screen)
    assert len(list(csv.DictReader(target.open(encoding="utf-8")))) == count
    assert mode(target) == 0o600
