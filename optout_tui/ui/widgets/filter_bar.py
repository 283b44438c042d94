"""The filter row above a list: date range, search, and for Email the source and the sort."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Select

from ...api.base import ListKind

SEARCH_HINT = {
    ListKind.SMS: "/ search: exact number, any form",
    ListKind.EMAIL: "/ search: exact address",
    ListKind.N080: "/ search: part of a number",
}

SOURCES = [("All sources", "all"), ("By admin", "admin"), ("By recipient", "recipient")]
SORTS = [("Newest first", "newest"), ("Oldest first", "oldest")]


class FilterBar(Horizontal):
    DEFAULT_CSS = """
    FilterBar { height: 1; margin: 0 0 1 0; }
    FilterBar Input { width: 1fr; height: 1; border: none; padding: 0 1; margin-right: 1; background: $boost; }
    FilterBar Input:focus { border: none; background: $accent 30%; }
    FilterBar .dates { max-width: 40; }
    FilterBar Select { width: 20; height: 1; margin-right: 1; }
    FilterBar SelectCurrent { border: none; height: 1; padding: 0 1; background: $boost; }
    FilterBar Select:focus > SelectCurrent { border: none; background: $accent 30%; }
    """

    def __init__(self, kind: ListKind) -> None:
        super().__init__()
        self.kind = kind

    def compose(self) -> ComposeResult:
        yield Input(placeholder="f dates: 2026-01-31, 7d, FROM..TO", classes="dates", id="dates")
        yield Input(placeholder=SEARCH_HINT[self.kind], id="search")
        if self.kind is ListKind.EMAIL:
            yield Select(SOURCES, value="all", allow_blank=False, id="source")
            yield Select(SORTS, value="newest", allow_blank=False, id="sort")
