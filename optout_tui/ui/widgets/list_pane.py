"""One tab's content: the filter bar, the list (its column header included) and its status line.

On the number and address lists, text typed in the search field that is not a complete number or
address is searched in the local snapshot as you type (debounced, in a thread, stale searches dropped);
the list then shows those matches and the status line their age. Enter on a complete value asks the
vendor, which is the truth. The 080 search is the vendor's own prefix search. NHN SMS offers the
company's 080 numbers to narrow to, read from the vendor once the tab is shown.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, Select

from ...api.base import Entry, ListKind, OptOutList
from ...api.errors import ApiError
from ...normalize import format_number
from ...printable import printable
from ..cells import fit
from ..filters import FilterError, FilterInput, build_filter, date_range, describe_filter, search_value
from .entry_list import EntryList
from .filter_bar import ALL_080, NUMBER080_LABEL_CELLS, FilterBar
from .status_line import StatusLine

if TYPE_CHECKING:
    from ...api.nhn_sms import NhnSmsList
    from ..app import OptOutApp


class ListPane(Vertical):
    """Everything about one list; the app talks to the list through this pane."""

    DEFAULT_CSS = """
    ListPane { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", id="list.search"),
        Binding("f", "focus_dates", "Dates", show=False, id="list.dates"),
        Binding("escape", "back", "Back", show=False, id="list.back"),
        Binding("r", "retry", "Retry", show=False, id="list.retry"),
    ]

    SEARCH_DEBOUNCE = 0.12  # seconds of quiet typing before the snapshot is searched

    def __init__(self, lst: OptOutList, *, first_page=None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lst = lst
        self._first_page = first_page
        self.kind: ListKind = lst.kind
        self._note = ""
        self._snapshot_line = ""  # set while the list shows snapshot matches
        self.snapshot_shown: tuple[str, list[Entry]] | None = None  # those matches and what they are (export)
        self._search_generation = 0
        self._debounce: Timer | None = None
        self.numbers080: list[str] | None = None  # NHN SMS: the company's 080 numbers the filter bar offers, once read

    @property
    def snapshot_mode(self) -> bool:
        """The list shows matches from the local snapshot, not the vendor's pages."""
        return bool(self._snapshot_line)

    def compose(self) -> ComposeResult:
        yield FilterBar(self.kind)
        yield EntryList(self.lst, first_page=self._first_page, id=f"list-{self.kind.value}")
        yield StatusLine()

    @property
    def entry_list(self) -> EntryList:
        return self.query_one(EntryList)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    @property
    def status_line(self) -> StatusLine:
        return self.query_one(StatusLine)

    def on_mount(self) -> None:
        self._show_state()
        self._read_numbers080()

    def _read_numbers080(self) -> None:
        if self.kind is ListKind.NHN_SMS and self.numbers080 is None:
            self.run_worker(self._offer_numbers080(), group="numbers080", exclusive=True, exit_on_error=False)

    async def _offer_numbers080(self) -> None:
        """Put the company's 080 numbers in the filter bar's choice; a failure says so once (r reads again)."""
        try:
            numbers = await cast("NhnSmsList", self.lst).numbers080()
        except ApiError as exc:
            self.set_note(f"the 080 numbers could not be read ({exc.line}): r reads them again")
            return
        labels = [fit(f"{format_number(n.number)} {n.company}", NUMBER080_LABEL_CELLS) for n in numbers]  # one line
        options = [(Text(label.rstrip()), n.number) for label, n in zip(labels, numbers, strict=True)]
        select = self.query_one("#number080", Select)
        with self.prevent(Select.Changed):
            select.set_options([("All 080 numbers", ALL_080), *options])
        self.numbers080 = [n.number for n in numbers]

    # ------------------------------------------------------------ status

    @on(EntryList.StateChanged)
    def _state_changed(self, event: EntryList.StateChanged) -> None:
        self._show_state()

    def _show_state(self) -> None:
        entry_list = self.entry_list
        if self.snapshot_mode:
            self.status_line.show(entry_list.state, "esc clears", self._note, snapshot=self._snapshot_line)
        else:
            self.status_line.show(entry_list.state, describe_filter(self.kind, entry_list.flt), self._note)

    def set_note(self, note: str) -> None:
        """A line of its own in the status (a bad filter, say); cleared by the next good filter."""
        self._note = printable(note)
        self._show_state()

    # ------------------------------------------------------------ filters

    def filter_input(self) -> FilterInput:
        bar = self.filter_bar
        number080 = bar.choice("number080")
        return FilterInput(
            dates=bar.value("dates"),
            search=bar.value("search"),
            source=bar.choice("source"),
            sort=bar.choice("sort"),
            number080="" if number080 == ALL_080 else number080,
        )

    def apply_filter(self) -> bool:
        """Show what the filter bar says: snapshot matches for a fragment, else the vendor's pages."""
        if self._wants_snapshot():
            self.search_snapshot()
            return True
        self._leave_snapshot()
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

    # ------------------------------------------------------------ snapshot search

    def _search_text(self) -> str:
        return self.filter_bar.value("search").strip()

    def _complete(self, text: str) -> bool:
        """A whole number or address: the vendor can look it up exactly."""
        try:
            return search_value(self.kind, text) is not None
        except FilterError:
            return False

    def _searchable(self, text: str) -> bool:
        """The snapshot can match this text (digits for numbers, anything for addresses; never 080)."""
        if self.kind is ListKind.N080 or not text:
            return False
        from ...snapshot.search import normalize_query

        return normalize_query(self.kind, text) is not None

    def _wants_snapshot(self) -> bool:
        text = self._search_text()
        return self._searchable(text) and not self._complete(text)

    @on(Input.Changed, "#search")
    def _search_typed(self, event: Input.Changed) -> None:
        event.stop()
        if self.kind is ListKind.N080:
            return
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(self.SEARCH_DEBOUNCE, self._search_settled)

    def _search_settled(self) -> None:
        self._debounce = None
        text = self._search_text()
        if self._searchable(text):  # complete values too: Enter then asks the vendor
            self.search_snapshot()
        elif not text and self.snapshot_mode:  # the field was emptied: back to the vendor's list
            self.apply_filter()

    def search_snapshot(self) -> None:
        """Search the snapshot for the typed text now (a newer search makes this one's answer stale)."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        try:
            since, until = date_range(self.filter_bar.value("dates"))
        except FilterError as exc:
            self.set_note(str(exc))
            return
        self._search_generation += 1
        self.run_worker(
            self._search_snapshot(self._search_generation, self._search_text(), since, until),
            group="snapshot-search",
            exclusive=True,
            name=f"{self.kind.value} snapshot search",
            exit_on_error=False,
        )

    async def _search_snapshot(self, generation: int, text: str, since, until) -> None:
        from ..snapshot_search import describe_matches, describe_result

        searcher = cast("OptOutApp", self.app).snapshot_searcher()
        try:
            result = await searcher.search(self.kind, text, since=since, until=until)
        except Exception as exc:  # a damaged cache file must not break the list
            if generation == self._search_generation:
                self.set_note(f"the snapshot cannot be searched ({exc}): press 6 then S for a full sync")
            return
        if generation != self._search_generation or self._search_text() != text:
            return  # typed on meanwhile: a newer search is coming
        number080 = self.filter_input().number080
        if number080:  # the snapshot searches every 080 number's recipients: keep the chosen number's
            result = replace(result, entries=[e for e in result.entries if getattr(e, "number080", "") == number080])
        self._note = ""
        self._snapshot_line = describe_result(result, complete=self._complete(text))
        self.snapshot_shown = (describe_matches(result, since, until), result.entries)
        self.entry_list.show_entries(result.entries)  # its StateChanged redraws the status line

    def _leave_snapshot(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        self._search_generation += 1  # an answer still on its way is now stale
        self._snapshot_line, self.snapshot_shown = "", None

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.apply_filter()

    def clear_filter(self) -> None:
        for input_ in self.query(Input):
            input_.value = ""
        with self.prevent(Select.Changed):
            self.filter_bar.reset_choices()
        self.apply_filter()

    # ------------------------------------------------------------ actions

    def action_focus_search(self) -> None:
        self.filter_bar.focus_field("search")

    def action_focus_dates(self) -> None:
        self.filter_bar.focus_field("dates")

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
        self._read_numbers080()
        if self.snapshot_mode:
            self.search_snapshot()
        else:
            self.entry_list.retry()

    def reload(self) -> None:
        """Fetch again what is shown: the snapshot matches, or the vendor's pages from the top."""
        if self.snapshot_mode:
            self.search_snapshot()
        else:
            self.entry_list.reload()

    # ------------------------------------------------------------ selection

    def selected_entries(self) -> list[Entry]:
        """The marked rows, or else the row under the cursor."""
        entry_list = self.entry_list
        if entry_list.marked:
            return entry_list.marked_entries()
        current = entry_list.current
        return [current] if current is not None else []
