"""Writing a list's filtered view to CSV or JSON, one page at a time (pure, no Textual).

Values are written as the vendor keys them (canonical digits / addresses) and times as ISO 8601
with their offset, so the file reads back into `register` and into spreadsheets without surprises.
The writers are the command line's (`optout_tui.records`), so both export the same columns.
"""

from __future__ import annotations

from ..records import EntryWriter as ExportWriter
from ..records import RecordWriter, format_for

__all__ = ["ExportWriter", "RecordWriter", "format_for"]
