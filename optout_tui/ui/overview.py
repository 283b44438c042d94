"""The Overview tab: figures from the local snapshot (counts, opt-outs per day or week, shares, the 080
numbers by status), its age, and a "sync now" that runs while the dashboard stays usable.

The figures are computed in a thread (a GROUP BY over a million rows takes a moment); the sync runs
as an async worker on the app's loop, its database writes in the snapshot's own writer thread.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static
from textual_plotext import PlotextPlot

from ..api.base import ListKind, Lists
from ..api.errors import ApiError


class Overview(Vertical):
    """Overview(lists, profile) or Overview(lists, profile, store=SnapshotStore(...))."""

    DEFAULT_CSS = """
    Overview { padding: 0 1; }
    Overview #ov-head { height: auto; }
    Overview #ov-age { width: 1fr; height: auto; }
    Overview #ov-sync { width: auto; min-width: 14; }
    Overview #ov-figures { height: auto; margin: 1 0 0 0; }
    Overview .ov-box { width: 1fr; height: auto; border: round $primary-darken-2; padding: 0 1; }
    Overview #ov-chart { height: 1fr; min-height: 10; }
    """

    can_focus = True  # so its keys work once the tab is shown

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "sync", "Sync now", id="overview.sync", tooltip="Sync the snapshot now (incremental)"),
        Binding(
            "S",
            "sync(True)",
            "Full sync",
            show=False,
            id="overview.full_sync",
            tooltip="Sync the snapshot in full (notices every deletion)",
        ),
        Binding("w", "toggle_period", "Day/week", id="overview.period", tooltip="Chart per day or per week"),
    ]

    def __init__(self, lists: Lists, profile=None, *, store=None, id: str = "overview") -> None:
        super().__init__(id=id)
        self.lists = lists
        self.profile = profile
        self._store = store
        self.weekly = True
        self.figures = None
        self.syncing = False

    @property
    def store(self):
        if self._store is None:
            from ..snapshot import SnapshotStore

            self._store = SnapshotStore.for_profile(getattr(self.profile, "name", None) or "default")
        return self._store

    def compose(self) -> ComposeResult:
        with Horizontal(id="ov-head"):
            yield Static("Snapshot: reading…", id="ov-age")
            yield Button("Sync now", id="ov-sync", variant="primary")
        with Horizontal(id="ov-figures"):
            yield Static("", id="ov-counts", classes="ov-box")
            yield Static("", id="ov-shares", classes="ov-box")
            yield Static("", id="ov-080", classes="ov-box")
        yield PlotextPlot(id="ov-chart")

    def on_mount(self) -> None:
        self.load_figures()
        self.set_interval(10, self._show_age)  # "synced just now" must not stay on screen for an hour

    def on_show(self) -> None:
        self._show_age()

    def on_unmount(self) -> None:
        if self._store is not None:
            self._store.close()

    # ------------------------------------------------------------ figures

    @work(thread=True, exclusive=True, group="overview-figures")
    def load_figures(self) -> None:
        from ..snapshot import overview

        try:
            figures = overview(self.store, days=30, weeks=26)
        except Exception as exc:
            self.app.call_from_thread(self._show_problem, f"the snapshot cannot be read ({exc}): press s to sync")
            return
        finally:
            if self._store is not None:
                self._store.release()  # this worker thread ends now
        self.app.call_from_thread(self._show, figures)

    def _show_problem(self, message: str) -> None:
        self.query_one("#ov-age", Static).update(message)

    def _show(self, figures) -> None:
        self.figures = figures
        self._show_age()
        counts, shown = figures.counts, self._shown_kinds()
        width = max(6, *(len(k.label) for k in shown))
        self.query_one("#ov-counts", Static).update(
            "[b]Entries[/b]\n" + "\n".join(f"{k.label:<{width}} {counts[k]:>12,}" for k in shown)
        )
        self.query_one("#ov-shares", Static).update(
            "[b]Shares[/b]\n"
            + _share_lines("SMS", figures.sms_sources, ("ARS", "manual"))
            + "\n"
            + _share_lines("Email", figures.email_registered_by, ("recipient", "admin"))
        )
        statuses = figures.n080_statuses
        self.query_one("#ov-080", Static).update(
            "[b]080 numbers by status[/b]\n"
            + ("\n".join(f"{status:<12} {n:>5,}" for status, n in statuses.items()) or "none synced")
        )
        self._draw_chart()

    def _show_age(self) -> None:
        """The snapshot's age as of now (the figures are read once, the clock moves on)."""
        from ..snapshot import age_text

        if self.figures is None or self.syncing:
            return
        states = self.figures.states
        ages = "   ".join(f"[b]{k.label}[/b] {age_text(states[k])}" for k in self._shown_kinds())
        hint = "" if any(states.values()) else "   (no snapshot yet: press [b]s[/b] to sync)"
        self.query_one("#ov-age", Static).update(f"Snapshot: {ages}{hint}")

    def _shown_kinds(self) -> list[ListKind]:
        """The first three lists always (their tabs are always there); the NHN lists when the profile sets
        them up or the snapshot holds them."""
        first = (ListKind.SMS, ListKind.EMAIL, ListKind.N080)
        synced = self.figures.states if self.figures is not None else dict.fromkeys(ListKind)
        return [k for k in ListKind if k in first or self.lists.get(k) is not None or synced[k] is not None]

    def _draw_chart(self) -> None:
        if self.figures is None:
            return
        chart = self.query_one("#ov-chart", PlotextPlot)
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        series = self.figures.per_week if self.weekly else self.figures.per_day
        sms, email = series[ListKind.SMS], series[ListKind.EMAIL]
        labels = [d.strftime("%m-%d") for d, _ in sms]
        plt.multiple_bar(labels, [[n for _, n in sms], [n for _, n in email]], labels=["SMS", "Email"])
        period = "week (Mondays)" if self.weekly else "day"
        plt.title(f"Opt-outs per {period}, from the snapshot — press w for per {'day' if self.weekly else 'week'}")
        chart.refresh()

    def action_toggle_period(self) -> None:
        self.weekly = not self.weekly
        self._draw_chart()

    # ------------------------------------------------------------ sync

    @on(Button.Pressed, "#ov-sync")
    def _sync_pressed(self) -> None:
        self.action_sync()

    def action_sync(self, full: bool = False) -> None:
        if self.syncing:
            self.notify("A sync is already running.")
            return
        self.run_sync(full)

    @work(exclusive=True, group="overview-sync")
    async def run_sync(self, full: bool = False) -> None:
        from ..snapshot import Syncer

        self.syncing = True
        button = self.query_one("#ov-sync", Button)
        button.disabled = True
        age = self.query_one("#ov-age", Static)
        age.update("Sync: starting…")
        try:
            reports = await Syncer(self.store, self.lists, progress=lambda p: age.update(f"Sync: {p.line()}")).sync(
                full=full
            )
        except ApiError as exc:
            self.notify(exc.line, title="Sync failed", severity="error", timeout=10)
        except Exception as exc:
            self.notify(f"the sync stopped: {exc}", title="Sync failed", severity="error", timeout=10)
        else:
            done = [r for r in reports if not r.skipped]
            self.notify(
                "; ".join(f"{r.kind.label} +{r.added:,} -{r.removed:,}" for r in done) or "nothing to sync",
                title="Synced",
            )
        finally:
            self.syncing = False
            button.disabled = False
            self.load_figures()


def _share_lines(title: str, parts: dict[str, int], order: tuple[str, str]) -> str:
    total = sum(parts.values())
    if not total:
        return f"{title}: none synced"
    return f"{title}: " + ", ".join(f"{k} {parts.get(k, 0) / total:.0%} ({parts.get(k, 0):,})" for k in order)
