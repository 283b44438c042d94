"""Bring the snapshot of each list up to date: a full sync first, then cheap incremental ones.

Full sync: every page up to now (a fixed end time, so entries registered meanwhile cannot shift the
pages under the walk), fetched `in_flight` pages at a time; rows the vendor no longer has are deleted.

Incremental sync: only entries registered since the newest one we hold, minus an overlap (a vendor
may stamp a registration a little before it becomes visible in its list). That window is fetched
whole, so deletions inside it are seen directly.

Deletions before the window: SENS gives no total count, so "fetch everything again" would be the only
obvious check, 10,000 requests for a million numbers. Instead we compare counts per time range: one
request tells whether the vendor holds exactly n entries in a range (ask for the page where entry n
would be: it must hold exactly the rest, and, when that fills it, the next page must be empty; the
Mailer simply reports `totalElements`). Old ranges
only ever lose entries (a registration is stamped with the time it happens, a re-registration gets a
new time), so an equal count means nothing was deleted there. A range whose count differs is halved
until the halves are small, and those are fetched again and reconciled. No deletions cost one request;
one deletion among a million about 2 * log2(1,000,000 / 2,000) + 20 = 38. If the changes are so many
that this would approach the cost of a full sync, a full sync runs instead, and a full sync also runs
when the last one is older than a week (belt and braces against anything the counts cannot see,
e.g. a deletion and a late insertion cancelling out in one range).

The 080 list is small (the company's own numbers): fetched whole every time. So are the NHN lists, whose
date filters have whole seconds and an end the docs do not pin (inclusive or not): too coarse for the above.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ..api.base import ListFilter, ListKind, Lists, OptOutList, Page
from ..settings import ConfigError
from ..times import from_ms, now_ms
from .lock import SyncLock
from .rows import page_json
from .writer import SnapshotWriter

FULL_EVERY = timedelta(days=7)
OVERLAP_MS = 10 * 60 * 1000
LEAF_ROWS = 2_000  # ranges this small are fetched again rather than halved further
PROGRESS_EVERY = 0.1  # seconds between progress callbacks


@dataclass(slots=True)
class SyncProgress:
    """What a sync is doing now; `rows`/`pages` count what was fetched from the vendor so far."""

    kind: ListKind
    phase: str  # "full sync" | "new entries" | "checking deletions" | "whole list" | "done"
    rows: int
    pages: int
    elapsed: float

    @property
    def rate(self) -> float:
        return self.rows / self.elapsed if self.elapsed > 0 else 0.0

    def line(self) -> str:
        return f"{self.kind.label}: {self.phase}: {self.rows:,} rows, {self.pages:,} pages, {self.rate:,.0f} rows/s"


@dataclass(slots=True)
class SyncReport:
    kind: ListKind
    mode: str = ""  # "full" | "incremental" | "whole"
    fetched: int = 0
    pages: int = 0
    requests: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    rows: int = 0  # in the snapshot afterwards
    seconds: float = 0.0
    skipped: str | None = None  # why the list was not synced
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.skipped:
            return f"{self.kind.label}: skipped: {self.skipped}"
        text = (
            f"{self.kind.label}: {self.mode} sync, {self.rows:,} entries in the snapshot "
            f"(+{self.added:,} new, {self.updated:,} changed, -{self.removed:,} gone); "
            f"{self.fetched:,} fetched in {self.requests:,} requests, {self.seconds:.1f} s"
        )
        return text + "".join(f"; {note}" for note in self.notes)


class _TooManyChanges(Exception):
    """The deletion check would cost about as much as a full sync."""


class Syncer:
    def __init__(
        self,
        store,
        lists: Lists,
        *,
        in_flight: int = 8,
        progress: Callable[[SyncProgress], None] | None = None,
        full_every: timedelta = FULL_EVERY,
        overlap_ms: int = OVERLAP_MS,
        leaf_rows: int = LEAF_ROWS,
    ) -> None:
        self.store = store
        self.lists = lists
        self.in_flight = in_flight
        self.progress = progress
        self.full_every = full_every
        self.overlap_ms = overlap_ms
        self.leaf_rows = leaf_rows
        self._page_len: dict[ListKind, int] = {}

    async def sync(self, kinds: Iterable[ListKind] | None = None, *, full: bool = False) -> list[SyncReport]:
        """Sync the lists asked for (default: every list the profile reaches), one after another.

        A list asked for by name that is not set up is a ConfigError; with no names, it is skipped.
        SnapshotBusy if another sync of the same snapshot is running.
        """
        with SyncLock(self.store.path):
            return await self._sync(kinds, full)

    async def _sync(self, kinds: Iterable[ListKind] | None, full: bool) -> list[SyncReport]:
        named = kinds is not None
        reports = []
        for kind in map(ListKind, ListKind if kinds is None else kinds):
            lst = self.lists.get(kind)
            if lst is None:
                why = self.lists.problems.get(kind, f"the {kind.label} list is not set up")
                if named:
                    raise ConfigError(why)
                reports.append(SyncReport(kind, skipped=why))
                continue
            reports.append(await self.sync_list(lst, full=full))
        return reports

    async def sync_list(self, lst: OptOutList, *, full: bool = False) -> SyncReport:
        started = time.monotonic()
        writer = SnapshotWriter(self.store, lst.kind).start()
        run = _Run(SyncReport(lst.kind), started, writer)
        try:
            state = await writer.call(SnapshotWriter.read_state)
            spec = writer.spec
            if spec.whole:
                await self._whole(run, lst)
            elif full or self._needs_full(state):
                await self._full(run, lst)
            else:
                try:
                    await self._incremental(run, lst, state.high_water)
                except _TooManyChanges:
                    run.report.notes.append("many deletions: ran a full sync instead of checking ranges")
                    await self._full(run, lst)
            report = run.report
            report.seconds = time.monotonic() - run.started
            report.rows = await writer.call(SnapshotWriter.row_count)
            finished = now_ms()
            values = dict(
                synced_at=finished,
                high_water=await writer.call(SnapshotWriter.max_time) if spec.time else None,
                row_count=report.rows,
                complete=1,
                last_mode=report.mode,
                last_added=writer.added,
                last_removed=writer.removed,
                last_requests=report.requests,
                last_seconds=report.seconds,
            )
            if report.mode in ("full", "whole"):
                values["full_synced_at"] = finished
            await writer.call(SnapshotWriter.write_state, **values)
            report.added, report.updated, report.removed = writer.added, writer.updated, writer.removed
            self._emit(run, "done", force=True)
            return report
        finally:
            await writer.close()

    def _needs_full(self, state) -> bool:
        if state is None or not state.complete or state.full_synced_at is None or state.high_water is None:
            return True
        return datetime.now(UTC) - state.full_synced_at >= self.full_every

    # ------------------------------------------------------------ modes

    async def _full(self, run: _Run, lst: OptOutList) -> None:
        run.report.mode = "full"
        until = now_ms()
        await run.writer.call(SnapshotWriter.write_state, complete=0)
        # An empty snapshot loads without its key index and has nothing to delete (no need to
        # remember a million keys); otherwise remember what the walk returns and drop the rest.
        bulk = await run.writer.call(SnapshotWriter.begin_bulk)
        if not bulk:
            await run.writer.call(SnapshotWriter.track_seen)
        await self._walk(run, lst, ListFilter(until=from_ms(until)), "full sync")
        if bulk:
            self._emit(run, "building the index", force=True)
            await run.writer.call(SnapshotWriter.end_bulk)
        else:
            await run.writer.call(SnapshotWriter.delete_unseen, None, until)

    async def _whole(self, run: _Run, lst: OptOutList) -> None:
        run.report.mode = "whole"
        await run.writer.call(SnapshotWriter.track_seen)
        await self._walk(run, lst, ListFilter(), "whole list")
        await run.writer.call(SnapshotWriter.delete_unseen, None, None)

    async def _incremental(self, run: _Run, lst: OptOutList, high_water: int) -> None:
        run.report.mode = "incremental"
        w = run.writer
        since = await w.call(SnapshotWriter.gap_near, high_water - self.overlap_ms)
        if since is None:  # no quiet millisecond near the mark: start the window a little earlier
            since = await w.call(SnapshotWriter.gap_near, high_water - 2 * self.overlap_ms)
            if since is None:
                raise _TooManyChanges
        until = now_ms()
        await w.call(SnapshotWriter.track_seen)
        await self._walk(run, lst, ListFilter(since=from_ms(since), until=from_ms(until)), "new entries")
        await w.call(SnapshotWriter.delete_unseen, since, until)
        total = await w.call(SnapshotWriter.row_count)
        budget = max(50, total // self._page_size(lst) // 4)
        await self._check_deletions(run, lst, since, run.report.requests + budget)

    # ------------------------------------------------------------ deletion check

    async def _check_deletions(self, run: _Run, lst: OptOutList, hi: int, budget: int) -> None:
        """Compare counts for (-inf, hi]; halve ranges that differ; fetch small ones again."""
        w = run.writer
        ranges: list[tuple[int | None, int]] = [(None, hi)]
        while ranges:
            lo, hi = ranges.pop()
            n = await w.call(SnapshotWriter.count_between, lo, hi)
            self._emit(run, "checking deletions")
            if await self._same_count(run, lst, lo, hi, n):
                continue
            if run.report.requests > budget:
                raise _TooManyChanges
            mid = await w.call(SnapshotWriter.split_point, lo, hi, n) if n > self.leaf_rows else None
            if mid is not None:
                ranges += [(mid, hi), (lo, mid)]
                continue
            await w.call(SnapshotWriter.track_seen)
            await self._walk(run, lst, _range_filter(lo, hi), "checking deletions")
            await w.call(SnapshotWriter.delete_unseen, lo, hi)

    async def _same_count(self, run: _Run, lst: OptOutList, lo: int | None, hi: int, n: int) -> bool:
        """Does the vendor hold exactly n entries in [lo, hi]? One request (two when n is a multiple
        of the page size): the page holding entry n must hold exactly the rest, and none follow."""
        size = self._page_size(lst)
        flt = _range_filter(lo, hi)
        index = max(0, n - 1) // size
        page = await lst.fetch_page(flt, index)
        run.report.requests += 1
        if page.total is not None:
            return page.total == n
        expected = n - index * size
        if len(page.entries) != expected:
            return False
        if expected < size:
            return True
        after = await lst.fetch_page(flt, index + 1)  # a full page: is it the last one?
        run.report.requests += 1
        return not after.entries

    def _page_size(self, lst: OptOutList) -> int:
        return self._page_len.get(lst.kind) or lst.limits.page_size

    # ------------------------------------------------------------ paging

    async def _walk(self, run: _Run, lst: OptOutList, flt: ListFilter, phase: str) -> None:
        """Every page for `flt` into the writer: the first alone (most incremental windows fit in it),
        then the rest through `window_pages`."""
        first = await lst.fetch_page(flt, 0)
        run.report.requests += 1
        await self._take(run, lst, first, phase)
        if first.last:
            return
        stop_at = None if first.page_count is None else first.page_count - 1
        async for page in window_pages(lst, flt, start=1, in_flight=self.in_flight, stop_at=stop_at):
            run.report.requests += 1
            await self._take(run, lst, page, phase)

    async def _take(self, run: _Run, lst: OptOutList, page, phase: str) -> None:
        if page.entries:
            await run.writer.add(page_json(lst.kind, page.entries), len(page.entries))
        if not page.last and page.entries:
            self._page_len[lst.kind] = max(self._page_len.get(lst.kind, 0), len(page.entries))
        run.report.fetched += len(page.entries)
        run.report.pages += 1
        self._emit(run, phase)

    def _emit(self, run: _Run, phase: str, *, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if not force and now - run.last_progress < PROGRESS_EVERY:
            return
        run.last_progress = now
        report = run.report
        self.progress(SyncProgress(report.kind, phase, report.fetched, report.pages, now - run.started))


@dataclass(slots=True)
class _Run:
    report: SyncReport
    started: float
    writer: SnapshotWriter
    last_progress: float = 0.0


def _range_filter(lo: int | None, hi: int) -> ListFilter:
    return ListFilter(since=None if lo is None else from_ms(lo), until=from_ms(hi))


async def window_pages(
    lst: OptOutList, flt: ListFilter, *, start: int = 0, in_flight: int = 8, stop_at: int | None = None
) -> AsyncIterator[Page]:
    """Pages from `start` on, as they complete (not in order), with `in_flight` requests running.

    Like `OptOutList.pages`, it needs no total count: pages are requested speculatively and the walk
    ends at the first page marked last; requests past it are cancelled. Unlike it, a slow page
    does not hold back the others: a new request starts whenever any one finishes, so the window
    stays full. The snapshot upserts, so order does not matter here.
    """
    finished: asyncio.Queue[tuple[int, asyncio.Task]] = asyncio.Queue()
    running: dict[int, asyncio.Task] = {}
    next_index = start

    def launch(index: int) -> None:
        task = asyncio.ensure_future(lst.fetch_page(flt, index))
        task.add_done_callback(lambda t: finished.put_nowait((index, t)))
        running[index] = task

    try:
        while True:
            while len(running) < in_flight and (stop_at is None or next_index <= stop_at):
                launch(next_index)
                next_index += 1
            if not running:
                return
            index, task = await finished.get()
            if running.pop(index, None) is None or task.cancelled():
                continue  # cancelled: past the last page
            page = task.result()  # a failed page fails the walk (the error says why)
            if page.last or (page.page_count is not None and index >= page.page_count - 1):
                stop_at = index if stop_at is None else min(stop_at, index)
                for other in [i for i in running if i > stop_at]:
                    running.pop(other).cancel()
            yield page
    finally:
        for task in running.values():
            task.cancel()
        if running:
            await asyncio.gather(*running.values(), return_exceptions=True)
