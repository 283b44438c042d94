"""Save the rows of a view (the audit trail, a job's results) to a CSV or JSON file, page by page,
with progress: a long history is streamed, never held whole.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from ...bulk.history import PAGE
from ...output import RecordWriter
from .save_file import SaveFileScreen


class SaveRowsScreen(SaveFileScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Cancel / close", id="save.close")]
    prefix = "save"

    def __init__(self, title: str, source, default_name: str) -> None:
        super().__init__(default_name)
        self.title_text = title
        self.source = source

    def heading(self) -> Text:
        return Text.assemble((self.title_text, "bold"), f" ({self.source.count:,} rows)")

    def total(self) -> int | None:
        return self.source.count

    def make_writer(self, fh: Any, fmt: str) -> RecordWriter:
        return RecordWriter(fh, list(self.source.fields), fmt)

    async def produce(self, writer: RecordWriter) -> AsyncIterator[str]:
        for offset in range(0, self.source.count, PAGE):
            rows = await asyncio.to_thread(self.source.rows, offset, PAGE)
            writer.write_records([self.source.record(row) for row in rows])
            yield f"{writer.count:,} rows written"
