"""The filter row above a list: date range, search, and for Email the source and the sort.

The text fields are real `Input`s in the focus chain (Tab reaches them as any other field), mounted
lazily (`textual.lazy.Lazy`) just after the first frame, so the first rows reach the screen sooner.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.lazy import Lazy
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
    FilterBar #dates { max-width: 40; }
    FilterBar Select { width: 20; height: 1; margin-right: 1; }
    FilterBar SelectCurrent { border: none; height: 1; padding: 0 1; background: $boost; }
    FilterBar Select:focus > SelectCurrent { border: none; background: $accent 30%; }
    """

    def __init__(self, kind: ListKind) -> None:
        super().__init__()
        self.kind = kind

    def compose(self) -> ComposeResult:
        yield Lazy(Input(placeholder="f dates: 2026-01-31, 7d, FROM..TO", id="dates"))
        yield Lazy(Input(placeholder=SEARCH_HINT[self.kind], id="search"))
        if self.kind is ListKind.EMAIL:
            yield Select(SOURCES, value="all", allow_blank=False, id="source")
            yield Select(SORTS, value="newest", allow_blank=False, id="sort")

    def value(self, field_id: str) -> str:
        """What the field holds ("" in the moment before it is mounted)."""
        found = self.query(f"#{field_id}")
        return found.first(Input).value if found else ""

    def focus_field(self, field_id: str) -> None:
        """Focus a text field; pressed before it is mounted, once it is."""
        found = self.query(f"#{field_id}")
        if found:
            found.first(Input).focus()
        else:
            self.call_after_refresh(self.focus_field, field_id)
