"""The filter row above a list: date range, search, and for Email the source and the sort.

The two text fields start as hints drawn like empty fields; the real `Input` is mounted in a
hint's place when the field is first used (`/`, `f`, a click). Two Inputs were ~9 ms of the
dashboard's first frame, and many sessions never open the date field at all.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Select, Static

from ...api.base import ListKind

SEARCH_HINT = {
    ListKind.SMS: "/ search: exact number, any form",
    ListKind.EMAIL: "/ search: exact address",
    ListKind.N080: "/ search: part of a number",
}

SOURCES = [("All sources", "all"), ("By admin", "admin"), ("By recipient", "recipient")]
SORTS = [("Newest first", "newest"), ("Oldest first", "oldest")]


class FieldHint(Static):
    """A filter field not used yet: its hint, where its Input will be."""

    def __init__(self, hint: str, field_id: str, classes: str = "") -> None:
        super().__init__(hint, id=f"{field_id}-hint", classes=classes)
        self.hint = hint
        self.field_id = field_id

    def on_click(self) -> None:
        self.parent.open(self.field_id).focus()  # type: ignore[union-attr]


class FilterBar(Horizontal):
    DEFAULT_CSS = """
    FilterBar { height: 1; margin: 0 0 1 0; }
    FilterBar FieldHint { width: 1fr; height: 1; padding: 0 1; margin-right: 1; background: $boost;
                          color: $text-disabled; }
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
        yield FieldHint("f dates: 2026-01-31, 7d, FROM..TO", "dates", classes="dates")
        yield FieldHint(SEARCH_HINT[self.kind], "search")
        if self.kind is ListKind.EMAIL:
            yield Select(SOURCES, value="all", allow_blank=False, id="source")
            yield Select(SORTS, value="newest", allow_blank=False, id="sort")

    def value(self, field_id: str) -> str:
        """What the field holds ("" while it is still a hint)."""
        found = self.query(f"#{field_id}")
        return found.first(Input).value if found else ""

    def open(self, field_id: str) -> Input:
        """The field's Input, mounted in place of its hint the first time."""
        found = self.query(f"#{field_id}")
        if found:
            return found.first(Input)
        hint = self.query_one(f"#{field_id}-hint", FieldHint)
        field = Input(placeholder=hint.hint, id=field_id, classes=" ".join(hint.classes))
        self.mount(field, before=hint)
        hint.remove()
        return field
