"""The Overview tab: shows the snapshot's figures and age; "sync now" fills it while the app runs."""

from __future__ import annotations

from textual.app import App, ComposeResult

from optout_tui.api.base import ListKind
from optout_tui.ui.overview import Overview


class OverviewApp(App[None]):
    def __init__(self, lists, store) -> None:
        super().__init__()
        self.lists, self.store = lists, store

    def compose(self) -> ComposeResult:
        yield Overview(self.lists, store=self.store)


async def test_sync_now_fills_the_overview_with_counts_and_age(lists, store):
    app = OverviewApp(lists, store)
    async with app.run_test(size=(140, 45)) as pilot:
        overview = app.query_one(Overview)
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert "never synced" in str(app.query_one("#ov-age").render())
        await pilot.click("#ov-sync")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        counts = overview.figures.counts
        assert (counts[ListKind.SMS], counts[ListKind.EMAIL], counts[ListKind.N080]) == (450, 230, store.count("080"))
        assert set(counts) == set(ListKind)
        assert "synced just now" in str(app.query_one("#ov-age").render())
        assert "450" in str(app.query_one("#ov-counts").render())
        assert "ARS" in str(app.query_one("#ov-shares").render())
        overview.focus()
        weekly = overview.weekly
        await pilot.press("w")
        assert overview.weekly is not weekly


async def test_the_age_shown_is_the_age_now_not_the_age_when_the_figures_were_read(lists, store, monkeypatch):
    from datetime import datetime, timedelta

    from optout_tui.snapshot import Syncer

    await Syncer(store, lists).sync()
    app = OverviewApp(lists, store)
    async with app.run_test(size=(140, 45)) as pilot:
        overview = app.query_one(Overview)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "SMS synced just now" in str(app.query_one("#ov-age").render())

        class TwoHoursLater(datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime.now(tz) + timedelta(hours=2)

        monkeypatch.setattr("optout_tui.snapshot.store.datetime", TwoHoursLater)
        overview.display = False  # the user looks at another tab, and comes back later
        await pilot.pause()
        overview.display = True
        await pilot.pause()
        label = str(app.query_one("#ov-age").render())
        assert "SMS synced 2 h 0 min ago" in label and "just now" not in label
