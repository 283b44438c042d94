"""Export a list, or a filtered view of it, from the snapshot as CSV or JSON, streaming row by row.

Records have the same fields and formats as `optout-tui list` output (`optout_tui.records`), so an
export from the snapshot and one from the vendor can be compared line by line.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TextIO

from ..api.base import ListKind
from ..records import FIELDS, as_record
from .rows import entry_from_row
from .search import iter_rows, normalize_query
from .schema import SPECS


def export_records(store, kind: ListKind, *, search: str | None = None, since: int | None = None,
                   until: int | None = None) -> Iterator[dict]:
    """Records of one list from the snapshot: all, or those matching `search` and/or registered in
    [since, until] (epoch ms). Constant memory: rows stream from SQLite."""
    kind = ListKind(kind)
    query = normalize_query(kind, search) if search else None
    if search and query is None and kind is not ListKind.N080:
        return
    # A private connection: a long export must not hold the thread's shared read cursor.
    conn = store.new_reader()
    try:
        rows = iter_rows(conn, SPECS[kind], query, since=since, until=until,
                         raw_text=search if kind is ListKind.N080 else None)
        for row in rows:
            yield as_record(entry_from_row(kind, row))
    finally:
        conn.close()


def write_csv(records: Iterator[dict], kind: ListKind, out: TextIO) -> int:
    fields = FIELDS[ListKind(kind)]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    count = 0
    for record in records:
        writer.writerow(["" if record[f] is None else record[f] for f in fields])
        count += 1
    return count


def write_json(records: Iterator[dict], out: TextIO) -> int:
    """A JSON array, written one record per line as they come (never held whole in memory)."""
    count = 0
    out.write("[")
    for record in records:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_jsonl(records: Iterator[dict], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
