"""Instant search in the local snapshot, as typed in a list's filter (SMS and Email).

The vendors only answer exact lookups, so a fragment (`010-12`, `6959`, `naver`) is looked up in
the snapshot instead, with its age beside the results; a complete value still goes to the vendor.
Searches run in one long-lived thread (its SQLite connection is reused, so each search costs only
its query), and a snapshot file that does not exist yet is never created just by typing.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING

from ..api.base import ListKind
from ..snapshot.search import SearchResult
from ..times import describe_range, opt_to_ms

if TYPE_CHECKING:
    from ..snapshot import SnapshotStore

SEARCH_LIMIT = 500  # rows shown at most; more means "type more to narrow"
NO_SNAPSHOT_HINT = "press 6 then s to sync"


class SnapshotSearcher:
    """One profile's snapshot, searched off the event loop. `close()` when the dashboard ends."""

    def __init__(self, profile_name: str, *, path=None) -> None:
        from ..snapshot import SnapshotStore

        self.path = path or SnapshotStore.path_for(profile_name)
        self._store: SnapshotStore | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="optout-snapshot-search")

    async def search(
        self,
        kind: ListKind,
        text: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = SEARCH_LIMIT,
    ) -> SearchResult:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self._search, kind, text, since, until, limit)

    def _search(self, kind, text, since, until, limit) -> SearchResult:
        from ..snapshot import SnapshotStore, search

        if self._store is None:
            if not self.path.exists():
                return SearchResult(kind, text.strip(), [], False, None)
            self._store = SnapshotStore(self.path)
        if since is None and until is None:
            return search(self._store, kind, text, limit)
        return _search_between(self._store, kind, text, since=since, until=until, limit=limit)

    def close(self) -> None:
        store, self._store = self._store, None
        if store is not None:
            self._thread.submit(store.close)  # its connection belongs to that thread
        self._thread.shutdown(wait=False)


def _search_between(store, kind, text, *, since, until, limit) -> SearchResult:
    """`search` restricted to entries registered in [since, until]."""
    from ..snapshot.rows import entry_from_row
    from ..snapshot.schema import SPECS
    from ..snapshot.search import iter_rows, normalize_query

    query = normalize_query(kind, text)
    state = store.state(kind)
    if query is None:
        return SearchResult(kind, text.strip(), [], False, state)
    rows = list(
        iter_rows(store.conn(), SPECS[kind], query, limit=limit + 1, since=opt_to_ms(since), until=opt_to_ms(until))
    )
    entries = [entry_from_row(kind, row) for row in rows[:limit]]
    return SearchResult(kind, query, entries, len(rows) > limit, state)


def describe_result(result: SearchResult, *, complete: bool) -> str:
    """The status line over snapshot results: how many, for what, how old, and what Enter does."""
    enter = "Enter asks the vendor (exact)" if complete else "a full value + Enter asks the vendor"
    if not result.synced and not result.entries:
        if result.state is not None and result.state.rows:
            return f"snapshot: {result.age} · {enter}"
        return f"no snapshot of this list yet: {NO_SNAPSHOT_HINT} · {enter}"
    n = len(result.entries)
    if result.more:
        found = f"first {n:,} snapshot matches for {result.query!r} (type more to narrow)"
    else:
        found = f"{n:,} snapshot match{'es' if n != 1 else ''} for {result.query!r}"
    return f"{found} · snapshot {result.age} · {enter}"


def describe_matches(result: SearchResult, since: datetime | None, until: datetime | None) -> str:
    """What the snapshot matches on screen are, for the export dialog's heading."""
    first = f"the first {len(result.entries):,} " if result.more else ""
    dates = f", registered {describe_range(since, until)}" if since or until else ""
    return f"{first}snapshot matches for {result.query!r}{dates} (snapshot {result.age})"
