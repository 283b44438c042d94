"""Entries as records for output: JSON-ready values and display strings, shared by CLI and exports."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from .api.base import EmailEntry, Entry, ListKind, Number080Entry, SmsEntry
from .normalize import format_number

FIELDS = {
    ListKind.SMS: ["number", "registered_at", "source"],
    ListKind.EMAIL: ["address", "blocked_at", "registered_by"],
    ListKind.N080: ["number", "company", "status", "provider", "share_status", "terminable",
                    "requested_at", "started_at", "deleted_at"],
}


def kind_of(entry: Entry) -> ListKind:
    if isinstance(entry, SmsEntry):
        return ListKind.SMS
    if isinstance(entry, EmailEntry):
        return ListKind.EMAIL
    return ListKind.N080


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="milliseconds") if moment else None


def local_time(moment: datetime | None, *, seconds: bool = True) -> str:
    """A moment in the machine's local time, for people."""
    if moment is None:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def as_record(entry: Entry) -> dict:
    """Machine-readable: canonical values, ISO 8601 times with offset."""
    if isinstance(entry, SmsEntry):
        return {"number": entry.number, "registered_at": _iso(entry.registered_at), "source": entry.source}
    if isinstance(entry, EmailEntry):
        return {"address": entry.address, "blocked_at": _iso(entry.blocked_at),
                "registered_by": "admin" if entry.by_admin else "recipient"}
    assert isinstance(entry, Number080Entry)
    return {"number": entry.number, "company": entry.company, "status": entry.status,
            "provider": entry.provider, "share_status": entry.share_status, "terminable": entry.terminable,
            "requested_at": _iso(entry.requested_at), "started_at": _iso(entry.started_at),
            "deleted_at": _iso(entry.deleted_at)}


def as_display(entry: Entry) -> list[str]:
    """Human-readable cells in FIELDS order: formatted numbers, local times."""
    if isinstance(entry, SmsEntry):
        return [format_number(entry.number), local_time(entry.registered_at), entry.source]
    if isinstance(entry, EmailEntry):
        return [entry.address, local_time(entry.blocked_at), "admin" if entry.by_admin else "recipient"]
    assert isinstance(entry, Number080Entry)
    return [format_number(entry.number), entry.company, entry.status, entry.provider, entry.share_status,
            "yes" if entry.terminable else "no", local_time(entry.requested_at, seconds=False),
            local_time(entry.started_at, seconds=False), local_time(entry.deleted_at, seconds=False)]


def format_for(path: str | Path) -> str:
    """csv or json, from the file name (csv when it does not say)."""
    return "json" if str(path).lower().endswith(".json") else "csv"


class RecordWriter:
    """Streams records (dicts) to a file: CSV rows, JSON lines, or a JSON array written element by element.

    In CSV a list (the values of an audit entry) becomes one cell, space-separated; None is empty.
    """

    def __init__(self, fh: IO[str], fields: list[str], fmt: str) -> None:
        self.fh = fh
        self.fmt = fmt
        self.count = 0
        if fmt == "csv":
            self._csv = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
            self._csv.writeheader()
        elif fmt == "json":
            fh.write("[")

    def write_records(self, records: list[dict[str, Any]]) -> None:
        for row in records:
            if self.fmt == "csv":
                self._csv.writerow({k: " ".join(v) if isinstance(v, list) else "" if v is None else v
                                    for k, v in row.items()})
            elif self.fmt == "jsonl":
                self.fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                self.fh.write(("\n  " if self.count == 0 else ",\n  ") + json.dumps(row, ensure_ascii=False))
            self.count += 1

    def close(self) -> None:
        if self.fmt == "json":
            self.fh.write("\n]\n" if self.count else "]\n")


class EntryWriter(RecordWriter):
    """A list's entries, one `as_record` each: the same columns from the command line and the dashboard."""

    def __init__(self, fh: IO[str], kind: ListKind, fmt: str) -> None:
        super().__init__(fh, FIELDS[kind], fmt)

    def write(self, entries: list[Entry]) -> None:
        self.write_records([as_record(entry) for entry in entries])
