"""Typing part of a number or address in the SMS/Email search shows matches from the local snapshot
at once, with the snapshot's age; a complete value still asks the vendor."""

from __future__ import annotations

from optout_tui.demo import demo_settings
from optout_tui.snapshot import SnapshotStore, Syncer
from optout_tui.ui.widgets.list_pane import ListPane

from .conftest import lists_factory, make_app, settle, status_text


async def sync_snapshot(server) -> None:
    """Fill the demo profile's snapshot (in the test's own cache dir) from the emulator."""
    profile, secrets = demo_settings(server)
    lists = lists_factory(profile, secrets)
    store = SnapshotStore.for_profile(profile.name)
    try:
        await Syncer(store, lists).sync()
    finally:
        store.close()
        await lists.aclose()


async def type_search(pilot, text: str) -> None:
    await pilot.press("slash")
    await pilot.press(*text)
    await pilot.pause(ListPane.SEARCH_DEBOUNCE + 0.05)
    await settle(pilot)


def shown(app) -> list:
    entry_list = app.active_pane.entry_list
    return [entry_list.entry_at(row) for row in range(entry_list.row_count)]


async def test_part_of_a_number_shows_snapshot_matches_with_their_age(emulator, tmp_path):
    await sync_snapshot(emulator)
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        number = app.active_pane.entry_list.entry_at(3).number
        fragment = f"{number[3:7]}"  # the middle digits: a match anywhere in the number
        await type_search(pilot, fragment)
        rows = shown(app)
        assert rows and all(fragment in entry.number for entry in rows)
        assert number in {entry.number for entry in rows}
        status = status_text(app)
        assert "snapshot match" in status and "synced just now" in status
        assert app.active_pane.snapshot_mode
        # esc back to the list, esc again: the vendor's list as before
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert not app.active_pane.snapshot_mode and "snapshot" not in status_text(app)
        assert app.active_pane.entry_list.row_count >= 50


async def test_a_prefix_on_the_email_tab_and_a_complete_address_asks_the_vendor(emulator, tmp_path):
    await sync_snapshot(emulator)
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        address = app.active_pane.entry_list.entry_at(0).address
        await type_search(pilot, address[:4])
        rows = shown(app)
        assert rows and all(entry.address.lower().startswith(address[:4].lower()) for entry in rows)
        await pilot.press(*address[4:], "enter")
        await settle(pilot)
        pane = app.active_pane
        assert not pane.snapshot_mode
        assert pane.entry_list.flt.search == address and "= " + address in status_text(app)
        assert [entry.address for entry in shown(app)] == [address]


async def test_without_a_snapshot_the_list_says_how_to_make_one(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await type_search(pilot, "010-12")
        assert shown(app) == []
        assert "no snapshot of this list yet: press 6 then s to sync" in status_text(app)
        assert not SnapshotStore.path_for("demo").exists(), "typing never creates a snapshot file"


async def test_typing_fast_keeps_only_the_last_search(emulator, tmp_path):
    await sync_snapshot(emulator)
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        searches = []
        pane = app.active_pane
        original = pane.search_snapshot
        pane.search_snapshot = lambda: (searches.append(pane._search_text()), original())[1]
        await type_search(pilot, "0101")
        assert searches == ["0101"]
        assert all(entry.number.startswith("0101") for entry in shown(app))


async def test_the_080_search_stays_the_vendors_like_search(emulator, tmp_path):
    await sync_snapshot(emulator)
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await type_search(pilot, "080")
        assert not app.active_pane.snapshot_mode
        await pilot.press("enter")
        await settle(pilot)
        assert app.active_pane.entry_list.flt.search == "080" and "like 080" in status_text(app)
