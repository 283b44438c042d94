"""Tab 6, the snapshot overview: built when first shown, focused so its keys work, keys in the help."""

from __future__ import annotations

from optout_tui.ui.keys import all_keys
from optout_tui.ui.overview import Overview

from .conftest import make_app, settle


async def test_the_overview_is_built_on_first_show_and_takes_its_keys(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert not app.query(Overview), "not built before it is shown"
        await pilot.press("6")
        await settle(pilot)
        overview = app.query_one(Overview)
        assert app.focused is overview
        weekly = overview.weekly
        await pilot.press("w")
        assert overview.weekly is not weekly
        await pilot.press("1")
        await settle(pilot)
        assert app.focused is app.active_pane.entry_list


async def test_the_overview_keys_have_ids_and_can_be_remapped(emulator, tmp_path):
    app = make_app(emulator, tmp_path, keymap={"overview.period": "p"})
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        infos = {info.binding_id: info for info in all_keys(app) if info.section == "Overview"}
        assert set(infos) == {"overview.sync", "overview.full_sync", "overview.period"}
        assert infos["overview.period"].keys == "p"
        await pilot.press("6")
        await settle(pilot)
        overview = app.query_one(Overview)
        weekly = overview.weekly
        await pilot.press("p")
        assert overview.weekly is not weekly
