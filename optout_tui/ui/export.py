"""Writing a list's filtered view to CSV or JSON, one page at a time (pure, no Textual).

Values are written as the vendor keys them (canonical digits / addresses) and times as ISO 8601
with their offset, so the file reads back into `register` and into spreadsheets without surprises.
"""

from __future__ import annotations

import csv
import json
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from ..api.base import EmailEntry, Entry, ListKind, Number080Entry, SmsEntry

ENTRY_TYPES = {ListKind.SMS: SmsEntry, ListKind.EMAIL: EmailEntry, ListKind.N080: Number080Entry}


def field_names(kind: ListKind) -> list[str]:
    return [f.name for f in fields(ENTRY_TYPES[kind])]


def record(entry: Entry) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(entry):
        value = getattr(entry, f.name)
        out[f.name] = value.isoformat() if isinstance(value, datetime) else value
    return out


def format_for(path: str | Path) -> str:
    """csv or json, from the file name (csv when it does not say)."""
    return "json" if str(path).lower().endswith(".json") else "csv"


class RecordWriter:
    """Streams records (dicts) to a file: CSV rows, or a JSON array written element by element.

    In CSV a list (the values of an audit entry) becomes one cell, space-separated; None is empty.
    """

    def __init__(self, fh: IO[str], fields: list[str], fmt: str) -> None:
        self.fh = fh
        self.fmt = fmt
        self.count = 0
        if fmt == "csv":
            self._csv = csv.DictWriter(fh, fieldnames=fields)
            self._csv.writeheader()
        else:
            fh.write("[")

    def write_records(self, records: list[dict[str, Any]]) -> None:
        for row in records:
            if self.fmt == "csv":
                self._csv.writerow({k: " ".join(v) if isinstance(v, list) else "" if v is None else v
                                    for k, v in row.items()})
            else:
                self.fh.write(("\n  " if self.count == 0 else ",\n  ") + json.dumps(row, ensure_ascii=False))
            self.count += 1

    def close(self) -> None:
        if self.fmt == "json":
            self.fh.write("\n]\n" if self.count else "]\n")


class ExportWriter(RecordWriter):
    """A list's entries, one record each."""

    def __init__(self, fh: IO[str], kind: ListKind, fmt: str) -> None:
        super().__init__(fh, field_names(kind), fmt)

    def write(self, entries: list[Entry]) -> None:
        self.write_records([record(entry) for entry in entries])
