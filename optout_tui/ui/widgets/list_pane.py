"""One tab's content: the filter bar, the column header, the virtual list and its status line."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from ...api.base import Entry, ListKind, OptOutList
from ..cells import header_text
from ..filters import FilterError, FilterInput, build_filter, describe_filter
from .entry_list import EntryList
from .filter_bar import FilterBar
from .status_line import StatusLine


class ListPane(Vertical):
    """Everything about one list; the app talks to the list through this pane."""

    DEFAULT_CSS = """
    ListPane { height: 1fr; }
    ListPane .column-header { height: 1; background: $boost; text-style: bold; color: $text-accent; }
    """

    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="list.search"),
        Binding("f", "focus_dates", "Dates", show=False, id="list.dates"),
        Binding("escape", "back", "Back", show=False, id="list.back"),
        Binding("r", "retry", "Retry", show=False, id="list.retry"),
    ]

    def __init__(self, lst: OptOutList, *, first_page=None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lst = lst
        self._first_page = first_page
        self.kind: ListKind = lst.kind
        self._note = ""

    def compose(self) -> ComposeResult:
        yield FilterBar(self.kind)
        yield Static("  " + header_text(self.kind), classes="column-header")
        yield EntryList(self.lst, first_page=self._first_page, id=f"list-{self.kind.value}")
        yield StatusLine()

    @property
    def entry_list(self) -> EntryList:
        return self.query_one(EntryList)

    @property
    def status_line(self) -> StatusLine:
        return self.query_one(StatusLine)

    def on_mount(self) -> None:
        self._show_state()

    # ------------------------------------------------------------ status

    @on(EntryList.StateChanged)
    def _state_changed(self, event: EntryList.StateChanged) -> None:
        self._show_state()

    def _show_state(self) -> None:
        entry_list = self.entry_list
        self.status_line.show(entry_list.state, describe_filter(self.kind, entry_list.flt), self._note)

    def set_note(self, note: str) -> None:
        """A line of its own in the status (a bad filter, say); cleared by the next good filter."""
        self._note = note
        self._show_state()

    # ------------------------------------------------------------ filters

    def filter_input(self) -> FilterInput:
        source = sort = None
        if self.kind is ListKind.EMAIL:
            source = self.query_one("#source", Select).value
            sort = self.query_one("#sort", Select).value
        return FilterInput(
            dates=self.query_one("#dates", Input).value,
            search=self.query_one("#search", Input).value,
            source=str(source or "all"),
            sort=str(sort or "newest"),
        )

    def apply_filter(self) -> bool:
        try:
            flt = build_filter(self.kind, self.filter_input())
        except FilterError as exc:
            self.set_note(str(exc))
            return False
        self._note = ""
        self.entry_list.set_filter(flt)
        return True

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.apply_filter():
            self.entry_list.focus()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.apply_filter()

    def clear_filter(self) -> None:
        for input_ in self.query(Input):
            input_.value = ""
        if self.kind is ListKind.EMAIL:
            with self.prevent(Select.Changed):
                self.query_one("#source", Select).value = "all"
                self.query_one("#sort", Select).value = "newest"
        self.apply_filter()

    # ------------------------------------------------------------ actions

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_dates(self) -> None:
        self.query_one("#dates", Input).focus()

    def action_back(self) -> None:
        """esc: from a filter field back to the list; on the list, clear the filter or the marks."""
        entry_list = self.entry_list
        if not entry_list.has_focus:
            entry_list.focus()
        elif entry_list.marked:
            entry_list.clear_marks()
        elif not self.filter_input().empty or self._note:
            self.clear_filter()

    def action_retry(self) -> None:
        self.entry_list.retry()

    # ------------------------------------------------------------ selection

    def selected_entries(self) -> list[Entry]:
        """The marked rows, or else the row under the cursor."""
        entry_list = self.entry_list
        if entry_list.marked:
            return entry_list.marked_entries()
        current = entry_list.current
        return [current] if current is not None else []
