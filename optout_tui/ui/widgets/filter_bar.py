"""The filter row above a list: date range, search, for Email the source and the sort, for NHN SMS the 080 number.

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
    ListKind.N080: "/ search: start of a number (prefix match, _ = any digit)",
    ListKind.NHN_SMS: "/ search: exact recipient, any form",
    ListKind.NHN_EMAIL: "/ search: exact address",
}
ALL_080 = "all"  # the 080 number choice meaning every one of the company's numbers
NUMBER080_LABEL_CELLS = 22  # what the 080 number choice (28 wide) shows of a label, inside its frame
CHOICES = {"source": "all", "sort": "newest", "number080": ALL_080}  # each choice's first option

SOURCES = [("All sources", "all"), ("By admin", "admin"), ("By recipient", "recipient")]
SORTS = [("Newest first", "newest"), ("Oldest first", "oldest")]


class FilterBar(Horizontal):
    DEFAULT_CSS = """
    FilterBar { height: 1; margin: 0 0 1 0; }
    FilterBar Input { width: 1fr; height: 1; border: none; padding: 0 1; margin-right: 1; background: $boost; }
    FilterBar Input:focus { border: none; background: $accent 30%; }
    FilterBar #dates { max-width: 40; }
    FilterBar Select { width: 20; height: 1; margin-right: 1; }
    FilterBar #number080 { width: 28; }
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
        elif self.kind is ListKind.NHN_SMS:  # the company's numbers are added once read (`ListPane`)
            yield Select([("All 080 numbers", ALL_080)], value=ALL_080, allow_blank=False, id="number080")

    def value(self, field_id: str) -> str:
        """What the field holds ("" in the moment before it is mounted)."""
        found = self.query(f"#{field_id}")
        return found.first(Input).value if found else ""

    def choice(self, select_id: str) -> str:
        """What a choice holds; its first option where this list has no such choice."""
        found = self.query(f"#{select_id}")
        return str(found.first(Select).value) if found else CHOICES[select_id]

    def focus_field(self, field_id: str) -> None:
        """Focus a text field; pressed before it is mounted, once it is."""
        found = self.query(f"#{field_id}")
        if found:
            found.first(Input).focus()
        else:
            self.call_after_refresh(self.focus_field, field_id)

    def reset_choices(self) -> None:
        """Every choice back to its first option: all sources, newest first, all 080 numbers."""
        for select in self.query(Select):
            select.value = CHOICES[str(select.id)]
