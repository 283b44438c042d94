"""Export (`e`): every page of the current filtered view to a CSV or JSON file, with progress."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from textual.binding import Binding

from ...api.base import ListFilter, OptOutList
from ...api.errors import ApiError
from ...records import EntryWriter
from ..filters import describe_filter
from .save_file import SaveFileScreen


def default_path(lst: OptOutList) -> str:
    return f"optout-{lst.kind.value}-{datetime.now():%Y%m%d-%H%M}.csv"


class ExportScreen(SaveFileScreen):
    BINDINGS = [Binding("escape", "close", "Cancel / close", id="export.close")]
    prefix = "export"
    start_hint = "enter starts · esc cancels"

    def __init__(self, lst: OptOutList, flt: ListFilter) -> None:
        super().__init__(default_path(lst))
        self.lst = lst
        self.flt = flt
        self._total: int | None = None

    def heading(self) -> str:
        what = describe_filter(self.lst.kind, self.flt).removesuffix(" (esc clears)") or "no filter"
        return f"[b]Export the {self.lst.name} list[/b] ({what}), every page"

    def total(self) -> int | None:
        return self._total

    def make_writer(self, fh: Any, fmt: str) -> EntryWriter:
        return EntryWriter(fh, self.lst.kind, fmt)

    async def produce(self, writer: EntryWriter) -> AsyncIterator[str]:  # type: ignore[override]
        pages = 0
        async for page in self.lst.pages(self.flt):
            writer.write(page.entries)
            pages += 1
            self._total = page.total
            yield f"{writer.count:,} rows from {pages:,} pages written"

    def error_line(self, exc: Exception) -> str:
        return exc.line if isinstance(exc, ApiError) else str(exc)
