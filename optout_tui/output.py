"""The one writer of records (dicts) for `list`, `search`, `export`, `jobs show`, `audit` and the dashboard's
exports: a table for people, CSV, JSON lines, or a JSON array, streamed record by record.

No click and no Textual here: the command line and the dashboard write through the same code, so a file
saved from either has the same columns and the same bytes.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

FORMATS = ("table", "csv", "jsonl", "json")
_BY_EXTENSION = {".csv": "csv", ".jsonl": "jsonl", ".json": "json"}


def format_for(fmt: str | None, path: str | os.PathLike[str] | None, default: str = "csv") -> str:
    """`--format` when given, else the file's extension (.csv, .jsonl, .json), else `default`."""
    if fmt:
        return fmt
    return _BY_EXTENSION.get(os.path.splitext(path)[1].lower(), default) if path else default


def cell(value: Any) -> str:
    """A value as one CSV or table cell: None is empty, a list (an audit entry's values) space-separated."""
    if value is None:
        return ""
    return " ".join(map(str, value)) if isinstance(value, list) else str(value)


class RecordWriter:
    """Writes records as they come, never holding them, except a table with no `widths`, which is fitted to its
    rows at `close` (and shows nothing when there are none).

    `fields` are the CSV and table columns in order (a table's headings are their upper case); JSON keeps
    every key of a record. `close` ends the output (the JSON array's bracket, a fitted table).
    """

    def __init__(
        self, out: IO[str], fields: Sequence[str], fmt: str, *, widths: Sequence[int] | None = None, indent: str = ""
    ) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown output format {fmt!r}: one of {', '.join(FORMATS)}")
        self.out, self.fields, self.fmt = out, list(fields), fmt
        self.widths, self.indent = widths, indent
        self.count = 0
        self._held: list[list[str]] | None = [] if fmt == "table" and widths is None else None
        if fmt == "csv":
            self._csv = csv.writer(out, lineterminator="\n")
            self._csv.writerow(self.fields)
        elif fmt == "json":
            out.write("[")
        elif fmt == "table" and self._held is None:
            self._line([f.upper() for f in self.fields])

    def write_records(self, records: Iterable[Mapping[str, Any]]) -> None:
        for record in records:
            if self.fmt in ("jsonl", "json"):
                text = json.dumps(record, ensure_ascii=False)
                self.out.write(text + "\n" if self.fmt == "jsonl" else (",\n  " if self.count else "\n  ") + text)
            else:
                cells = [cell(record.get(f)) for f in self.fields]
                if self.fmt == "csv":
                    self._csv.writerow(cells)
                elif self._held is not None:
                    self._held.append(cells)
                else:
                    self._line(cells)
            self.count += 1

    def close(self) -> None:
        if self.fmt == "json":
            self.out.write("\n]\n" if self.count else "]\n")
        elif self._held:  # a fitted table: its widths are known only now
            rows, self._held = self._held, None
            self.widths = [max(len(f), *(len(row[i]) for row in rows)) for i, f in enumerate(self.fields)]
            self._line([f.upper() for f in self.fields])
            for row in rows:
                self._line(row)

    def _line(self, cells: list[str]) -> None:
        assert self.widths is not None
        self.out.write(
            self.indent + "  ".join(c.ljust(w) for c, w in zip(cells, self.widths, strict=False)).rstrip() + "\n"
        )


def write_records(
    records: Iterable[Mapping[str, Any]],
    fields: Sequence[str],
    fmt: str,
    out: IO[str],
    *,
    widths: Sequence[int] | None = None,
    indent: str = "",
) -> int:
    """Every record through one `RecordWriter`; the number written."""
    writer = RecordWriter(out, fields, fmt, widths=widths, indent=indent)
    writer.write_records(records)
    writer.close()
    return writer.count
