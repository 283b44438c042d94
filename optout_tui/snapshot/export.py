"""A list, or a filtered view of it, from the snapshot, streaming row by row.

The entries are those `optout-tui list` gets from the vendor and are written by the same writer
(`optout_tui.records.EntryWriter`), so an export from the snapshot and one from the vendor can be
compared line by line.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..api.base import Entry, ListKind
from .rows import entry_from_row
from .schema import SPECS
from .search import iter_rows, normalize_query


def export_entries(
    store, kind: ListKind, *, search: str | None = None, since: int | None = None, until: int | None = None
) -> Iterator[Entry]:
    """Entries of one list from the snapshot: all, or those matching `search` and/or registered in
    [since, until] (epoch ms). Constant memory: rows stream from SQLite."""
    kind = ListKind(kind)
    query = normalize_query(kind, search) if search else None
    if search and query is None and kind is not ListKind.N080:
        return
    # A private connection: a long export must not hold the thread's shared read cursor.
    conn = store.new_reader()
    rows = iter_rows(
        conn, SPECS[kind], query, since=since, until=until, raw_text=search if kind is ListKind.N080 else None
    )
    try:
        for row in rows:
            yield entry_from_row(kind, row)
    finally:  # the cursor before its connection (an export cut short by `| head` ends here)
        rows.close()  # type: ignore[attr-defined]  # a generator, typed as an iterator
        conn.close()
