"""Instant search in the snapshot: by prefix or by any part of a number or address.

Prefix matches come first, from the unique index (a range scan, sorted by value); then matches
anywhere in the value, from the FTS5 trigram index (which needs at least 3 characters; shorter
queries are prefix-only). Numbers are searched as digits, so `010-1234` finds `0101234...`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from ..api.base import Entry, ListKind
from ..normalize import value_kind
from .rows import entry_from_row
from .schema import SPECS, TableSpec
from .store import SyncState, age_text

MIN_SUBSTRING = 3  # the trigram index cannot answer shorter fragments
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.()\[\]/]+")
_TOP = "\U0010ffff"  # sorts after every character: key >= q AND key < q + _TOP is "starts with q"


@dataclass(slots=True)
class SearchResult:
    kind: ListKind
    query: str  # what was searched for, normalised
    entries: list[Entry]
    more: bool  # there are more matches than `entries`
    state: SyncState | None  # the snapshot's sync state: how old these results are

    @property
    def age(self) -> str:
        return age_text(self.state)

    @property
    def synced(self) -> bool:
        return self.state is not None and self.state.synced_at is not None


def number_fragment(text: str) -> str | None:
    """Digits of a (partial) phone number as typed: `010-1234` -> `0101234`, `+82 10-12` -> `01012`.
    None when the text is not a number at all (it cannot match a number list)."""
    s = unicodedata.normalize("NFKC", text).strip()
    plus = s.startswith("+")
    s = _SEPARATORS.sub("", s[1:] if plus else s)
    if not s or not (s.isascii() and s.isdigit()):
        return None
    if plus and s.startswith("82"):
        rest = s[2:]
        s = rest if rest.startswith("0") else "0" + rest
    return s


def normalize_query(kind: ListKind, text: str) -> str | None:
    """The fragment to look for in one list, or None when the text cannot match anything there."""
    if value_kind(kind) is ListKind.EMAIL:
        s = unicodedata.normalize("NFKC", text).strip()
        return s or None
    return number_fragment(text)


def iter_rows(
    conn,
    spec: TableSpec,
    query: str | None = None,
    *,
    since: int | None = None,
    until: int | None = None,
    limit: int | None = None,
    raw_text: str | None = None,
) -> Iterator[tuple]:
    """Rows of one list in `spec.columns` order: prefix matches, then substring matches, then (no
    query) every row newest first; optionally only those registered in [since, until] (ms)."""
    cols = ", ".join(f"t.{c}" for c in spec.columns)
    time_sql, time_params = _time_filter(spec, since, until)
    lim = -1 if limit is None else limit
    if spec.fts is False:
        yield from _iter_small(conn, spec, query, raw_text, cols, time_sql, time_params, lim)
        return
    if query is None:
        order = f" ORDER BY t.{spec.time} DESC" if spec.time else ""
        yield from conn.execute(
            f"SELECT {cols} FROM {spec.table} t WHERE 1{time_sql}{order} LIMIT ?", (*time_params, lim)
        )
        return
    key = spec.key
    prefix = conn.execute(
        f"SELECT {cols} FROM {spec.table} t WHERE t.{key} >= ? AND t.{key} < ?{time_sql} ORDER BY t.{key} LIMIT ?",
        (query, query + _TOP, *time_params, lim),
    )
    count = 0
    for row in prefix:
        yield row
        count += 1
    if len(query) < MIN_SUBSTRING or (limit is not None and count >= limit):
        return
    rest = -1 if limit is None else limit - count
    # LIKE on the FTS table uses the trigram index; instr() makes `_` and `%` in the query literal.
    yield from conn.execute(
        f"SELECT {cols} FROM {spec.fts_table} f JOIN {spec.table} t ON t.id = f.rowid "
        f"WHERE f.{key} LIKE ? AND instr(lower(t.{key}), lower(?)) > 0 "
        f"AND NOT (t.{key} >= ? AND t.{key} < ?){time_sql} LIMIT ?",
        ("%" + query + "%", query, query, query + _TOP, *time_params, rest),
    )


def _iter_small(conn, spec, query, raw_text, cols, time_sql, time_params, lim) -> Iterator[tuple]:
    """The 080 list: a few rows, so a plain scan over number and company."""
    conds, params = [], []
    if query:
        conds.append(f"instr(t.{spec.key}, ?) > 0")
        params.append(query)
    if raw_text and raw_text.strip():
        conds.append("instr(lower(t.company), lower(?)) > 0")
        params.append(raw_text.strip())
    where = "(" + " OR ".join(conds) + ")" if conds else "1"
    yield from conn.execute(
        f"SELECT {cols} FROM {spec.table} t WHERE {where}{time_sql} "
        f"ORDER BY instr(t.{spec.key}, ?) != 1, t.{spec.key} LIMIT ?",
        (*params, *time_params, query or "", lim),
    )


def _time_filter(spec: TableSpec, since: int | None, until: int | None) -> tuple[str, tuple]:
    col = spec.time or "requested_at"
    sql, params = "", []
    if since is not None:
        sql += f" AND t.{col} >= ?"
        params.append(since)
    if until is not None:
        sql += f" AND t.{col} <= ?"
        params.append(until)
    return sql, tuple(params)


def search(store, kind: ListKind, text: str, limit: int = 50) -> SearchResult:
    """Up to `limit` entries of one list matching `text`, with the snapshot's age."""
    kind = ListKind(kind)
    spec = SPECS[kind]
    query = normalize_query(kind, text)
    state = store.state(kind)
    if query is None and not (kind is ListKind.N080 and text.strip()):
        return SearchResult(kind, text.strip(), [], False, state)
    rows = list(iter_rows(store.conn(), spec, query, limit=limit + 1, raw_text=text if kind is ListKind.N080 else None))
    entries = [entry_from_row(kind, row) for row in rows[:limit]]
    return SearchResult(kind, query or text.strip(), entries, len(rows) > limit, state)


def search_all(store, text: str, limit: int = 50) -> list[SearchResult]:
    """`search` in every list whose snapshot exists and where the text can match."""
    results = []
    for kind in ListKind:
        if store.state(kind) is None and not store.has_data(kind):
            continue
        if normalize_query(kind, text) is None and kind is not ListKind.N080:
            continue
        results.append(search(store, kind, text, limit))
    return results
