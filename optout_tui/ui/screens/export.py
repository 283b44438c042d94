"""Export (`e`): exactly the rows the tab shows, to a CSV or JSON file, with progress: every page of the
vendor's list under the tab's filter, or the snapshot matches on screen. The dialog names the filter and
the count before anything is written."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from ...api.base import Entry, ListFilter, OptOutList
from ...api.errors import ApiError
from ...printable import printable
from ...records import EntryWriter
from ..filters import describe_filter
from .save_file import SaveFileScreen

if TYPE_CHECKING:
    from ..widgets.list_pane import ListPane

BATCH = 1_000  # snapshot matches written between two progress lines


def default_path(lst: OptOutList) -> str:
    return f"optout-{lst.kind.value}-{datetime.now():%Y%m%d-%H%M}.csv"


class ExportScreen(SaveFileScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Cancel / close", id="export.close")]
    prefix = "export"
    start_hint = "enter starts · esc cancels"

    def __init__(
        self,
        lst: OptOutList,
        flt: ListFilter,
        *,
        count: int | None = None,
        entries: Sequence[Entry] | None = None,
        what: str = "",
    ) -> None:
        """`entries` (snapshot matches, described by `what`) are written as they are; without them, every
        page of `lst` under `flt`, `count` rows when the vendor said how many."""
        super().__init__(default_path(lst))
        self.lst, self.flt, self.entries = lst, flt, entries
        self.what = what or describe_filter(lst.kind, flt).removesuffix(" (esc clears)") or "no filter"
        self._total = len(entries) if entries is not None else count

    @classmethod
    def of(cls, pane: ListPane) -> ExportScreen:
        """What `pane` shows now."""
        flt, state = pane.entry_list.flt, pane.entry_list.state
        if pane.snapshot_shown is not None:
            what, entries = pane.snapshot_shown
            return cls(pane.lst, flt, entries=entries, what=what)
        return cls(pane.lst, flt, count=state.rows if state.exact else None)

    def heading(self) -> Text:
        n = self._total
        rows = (
            f"{n:,} row{'s' if n != 1 else ''}"
            if n is not None
            else "every page (the vendor gives no total: counted as written)"
        )
        return Text.assemble((f"Export the {self.lst.name} list", "bold"), f": {rows} · {printable(self.what)}")

    def total(self) -> int | None:
        return self._total

    def make_writer(self, fh: Any, fmt: str) -> EntryWriter:
        return EntryWriter(fh, self.lst.kind, fmt)

    async def produce(self, writer: EntryWriter) -> AsyncIterator[str]:  # type: ignore[override]
        if self.entries is not None:
            for start in range(0, len(self.entries), BATCH):
                writer.write(self.entries[start : start + BATCH])
                yield f"{writer.count:,} rows written"
            return
        pages = 0
        async for page in self.lst.pages(self.flt):
            writer.write(page.entries)
            pages += 1
            self._total = page.total if page.total is not None else self._total
            yield f"{writer.count:,} rows from {pages:,} pages written"

    def error_line(self, exc: Exception) -> str:
        return exc.line if isinstance(exc, ApiError) else str(exc)
