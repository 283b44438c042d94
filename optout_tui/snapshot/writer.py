"""The one thread that writes the snapshot during a sync, fed by a queue from the event loop.

Pages arrive on the event loop (so the dashboard stays responsive) and are handed over as JSON
text, a few thousand rows at a time. The writer joins them into large transactions and writes each
with single statements over `json_each`: one upsert into the list's table, one insert into its
trigram index. A single statement runs entirely inside SQLite, which releases the GIL, so the
writing really runs beside the network on another core (executemany would take the GIL back for
every row and fight the event loop for it). FTS5 is fed directly, not by triggers: a trigger makes
FTS5 flush its pending terms at every row, which made bulk loads about four times slower.

Loading an empty list (the first full sync) skips the unique index on the key and builds it once
at the end, sorted: inserting a million random keys into a B-tree costs about twice as much.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from ..api.base import ListKind
from .schema import TableSpec, restore_key_index

FLUSH_ROWS = 20_000  # rows per transaction: big enough that index work dominates, not commits
FLUSH_SECONDS = 0.5  # so a slow sync still shows its rows in searches soon
HANDOFF_ROWS = 2_000  # rows gathered on the loop before waking the writer thread
MAX_PENDING = 64  # handoffs waiting for the writer before the loop is asked to wait
WRITER_CACHE_KIB = 262_144  # 256 MiB while syncing: the key index of a million rows stays in memory
_STOP = object()


class _Rows(NamedTuple):
    parts: list[str]  # JSON arrays of rows without their brackets
    rows: int


class SnapshotWriter:
    """Owns a private connection in its own thread; `add` rows, `call` operations, `close`."""

    def __init__(
        self,
        store,
        kind: ListKind,
        *,
        flush_rows: int = FLUSH_ROWS,
        flush_seconds: float = FLUSH_SECONDS,
        max_pending: int = MAX_PENDING,
    ) -> None:
        self.store = store
        self.spec: TableSpec = store.spec(kind)
        self.flush_rows = flush_rows
        self.flush_seconds = flush_seconds
        self._queue: queue.Queue = queue.Queue(maxsize=max_pending)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        # loop side: rows gathered before a handoff
        self._gathered: list[str] = []
        self._gathered_rows = 0
        self._handed_at = time.monotonic()
        # writer side
        self._buffer: list[str] = []
        self._buffered = 0
        self._tracking = False
        self._bulk = False
        self._conn: sqlite3.Connection | None = None
        self.added = 0  # rows new to the snapshot
        self.updated = 0  # rows whose time or details changed
        self.removed = 0  # rows deleted because the vendor no longer has them

    # ------------------------------------------------------------ event-loop side

    def start(self) -> SnapshotWriter:
        self._thread = threading.Thread(target=self._run, name=f"snapshot-writer-{self.spec.table}", daemon=True)
        self._thread.start()
        return self

    async def add(self, rows_json: str, count: int) -> None:
        """Queue a JSON array of `count` rows (`rows.page_json`); waits, without blocking the
        loop, while the writer is behind."""
        self._raise_if_failed()
        if count:
            self._gathered.append(rows_json[1:-1])
            self._gathered_rows += count
        if self._gathered_rows >= HANDOFF_ROWS or time.monotonic() - self._handed_at >= self.flush_seconds:
            await self._handoff()

    async def _handoff(self) -> None:
        self._handed_at = time.monotonic()
        if not self._gathered:
            return
        item = _Rows(self._gathered, self._gathered_rows)
        self._gathered, self._gathered_rows = [], 0
        await self._put(item)

    async def _put(self, item: Any) -> None:
        while True:
            self._raise_if_failed()
            try:
                self._queue.put_nowait(item)
                return
            except queue.Full:
                if self._thread is None or not self._thread.is_alive():
                    self._raise_if_failed()
                    raise RuntimeError("the snapshot writer stopped") from None  # the full queue is not the cause
                await asyncio.sleep(0.005)

    async def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run `fn(writer, *args, **kwargs)` in the writer thread after the queued rows are written."""
        await self._handoff()
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        await self._put((fn, args, kwargs, loop, future))
        return await future

    async def close(self) -> None:
        """Write what is queued and stop the thread; raises a write error that happened."""
        if self._thread is None:
            return
        try:
            if self._error is None:
                await self._handoff()
        finally:
            while self._thread.is_alive():
                try:
                    self._queue.put_nowait(_STOP)
                    break
                except queue.Full:
                    await asyncio.sleep(0.005)
            await asyncio.to_thread(self._thread.join)
            self._thread = None
        self._raise_if_failed()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    # ------------------------------------------------------------ writer thread

    @property
    def conn(self) -> sqlite3.Connection:
        """The thread's own connection: writer-side methods run only while it is open."""
        if self._conn is None:
            raise RuntimeError("the snapshot writer is not running")
        return self._conn

    def _run(self) -> None:
        try:
            self._conn = self.store.new_connection()
            self.conn.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
            self._prepare()
            self._loop()
        except BaseException as exc:
            self._error = exc
            self._drain_failed()
        finally:
            if self._conn is not None:
                try:
                    if self._bulk:  # never leave the list without its unique key index
                        self.end_bulk()
                finally:
                    self._conn.close()
                    self._conn = None

    def _loop(self) -> None:
        deadline: float | None = None
        while True:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                item = None
            if item is None or item is _STOP:
                self._flush()
                deadline = None
                if item is _STOP:
                    return
            elif isinstance(item, _Rows):
                if not self._buffer:
                    deadline = time.monotonic() + self.flush_seconds
                self._buffer.extend(item.parts)
                self._buffered += item.rows
                if self._buffered >= self.flush_rows:
                    self._flush()
                    deadline = None
            else:
                fn, args, kwargs, loop, future = item
                try:
                    self._flush()
                    result = fn(self, *args, **kwargs)
                except BaseException as exc:
                    loop.call_soon_threadsafe(_settle, future, None, exc)
                    raise
                loop.call_soon_threadsafe(_settle, future, result, None)
                deadline = None

    def _drain_failed(self) -> None:
        """After a failure: answer every waiting call with the error so no caller hangs."""
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, tuple) and not isinstance(item, _Rows):
                *_, loop, future = item
                loop.call_soon_threadsafe(_settle, future, None, self._error)

    def _prepare(self) -> None:
        spec = self.spec
        cols = ", ".join(spec.columns)
        self.conn.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS seen (v TEXT PRIMARY KEY COLLATE {spec.key_collation}) WITHOUT ROWID"
        )
        values = ", ".join(f"value->>{i}" for i in range(len(spec.columns)))
        data = [c for c in spec.columns if c != spec.key]
        changed = " OR ".join(f"{c} IS NOT excluded.{c}" for c in data)
        sets = ", ".join(f"{c} = excluded.{c}" for c in data)
        self._insert_sql = f"INSERT INTO main.{spec.table} ({cols}) SELECT {values} FROM json_each(?)"
        self._upsert_sql = f"{self._insert_sql} WHERE true ON CONFLICT({spec.key}) DO UPDATE SET {sets} WHERE {changed}"

    def _flush(self) -> None:
        if not self._buffer:
            return
        batch = "[" + ",".join(self._buffer) + "]"
        self._buffer, self._buffered = [], 0
        spec, conn = self.spec, self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            top = conn.execute(f"SELECT coalesce(max(id), 0) FROM main.{spec.table}").fetchone()[0]
            before = conn.total_changes
            conn.execute(self._insert_sql if self._bulk else self._upsert_sql, (batch,))
            touched = conn.total_changes - before
            added = conn.execute(f"SELECT count(*) FROM main.{spec.table} WHERE id > ?", (top,)).fetchone()[0]
            if spec.fts and added:
                conn.execute(
                    f"INSERT INTO main.{spec.fts_table}(rowid, {spec.key}) "
                    f"SELECT id, {spec.key} FROM main.{spec.table} WHERE id > ?",
                    (top,),
                )
            if self._tracking:
                conn.execute("INSERT OR IGNORE INTO temp.seen(v) SELECT value->>0 FROM json_each(?)", (batch,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self.added += added
        self.updated += touched - added

    # ------------------------------------------------------------ operations (run through `call`)

    def begin_bulk(self) -> bool:
        """For loading an empty list: drop the unique key index until `end_bulk`. False if not empty."""
        if self.row_count():
            return False
        self.conn.execute(f"DROP INDEX IF EXISTS main.{self.spec.key_index}")
        self._bulk = True
        return True

    def end_bulk(self) -> None:
        """Build the unique key index (dropping duplicate rows a shifting list may have produced)."""
        self._bulk = False
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.added -= restore_key_index(self.conn, self.spec)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def track_seen(self) -> None:
        """From now on remember every key written, so a walk can tell what the vendor no longer has."""
        self.conn.execute("DELETE FROM temp.seen")
        self._tracking = True

    def delete_unseen(self, lo: int | None = None, hi: int | None = None) -> int:
        """Delete the rows in the time range [lo, hi] (None: open) that the last walk did not return."""
        where, params = self._range(lo, hi)
        if lo is None and self.spec.time is not None:  # rows without a time sit at the start of history
            where = f"({where} OR {self.spec.time} IS NULL)"
        where = f"{where} AND {self.spec.key} NOT IN (SELECT v FROM temp.seen)"
        removed = self._delete(where, params)
        self._tracking = False
        return removed

    def _delete(self, where: str, params: tuple) -> int:
        spec, conn = self.spec, self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            if spec.fts:
                conn.execute(
                    f"INSERT INTO main.{spec.fts_table}({spec.fts_table}, rowid, {spec.key}) "
                    f"SELECT 'delete', id, {spec.key} FROM main.{spec.table} WHERE {where}",
                    params,
                )
            removed = conn.execute(f"DELETE FROM main.{spec.table} WHERE {where}", params).rowcount
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self.removed += removed
        return removed

    def _range(self, lo: int | None, hi: int | None) -> tuple[str, tuple]:
        col = self.spec.time
        if col is None or (lo is None and hi is None):
            return "1", ()
        if lo is None:
            return f"{col} <= ?", (hi,)
        if hi is None:
            return f"{col} >= ?", (lo,)
        return f"{col} BETWEEN ? AND ?", (lo, hi)

    def count_between(self, lo: int | None, hi: int | None) -> int:
        where, params = self._range(lo, hi)
        return self.conn.execute(f"SELECT count(*) FROM main.{self.spec.table} WHERE {where}", params).fetchone()[0]

    def max_time(self) -> int | None:
        return self.conn.execute(f"SELECT max({self.spec.time}) FROM main.{self.spec.table}").fetchone()[0]

    def row_count(self) -> int:
        return self.conn.execute(f"SELECT count(*) FROM main.{self.spec.table}").fetchone()[0]

    def gap_near(self, t: int, lo: int | None = None, hi: int | None = None, *, upward: bool = False) -> int | None:
        """A moment b near `t`, strictly inside (lo, hi), with no row within a millisecond of it.

        Such a boundary means the same thing whether a vendor reads its time filter as inclusive or
        exclusive, and whichever way a client rounds to milliseconds.
        """
        col, table = self.spec.time, self.spec.table
        b = t
        for _ in range(1000):
            if (lo is not None and b <= lo + 1) or (hi is not None and b >= hi - 1):
                return None
            near = self.conn.execute(
                f"SELECT {'max' if upward else 'min'}({col}) FROM main.{table} WHERE {col} BETWEEN ? AND ?",
                (b - 1, b + 1),
            ).fetchone()[0]
            if near is None:
                return b
            b = near + 2 if upward else near - 2
        return None

    def split_point(self, lo: int | None, hi: int, n: int) -> int | None:
        """A gap boundary near the median row of [lo, hi], so both halves hold rows to check."""
        where, params = self._range(lo, hi)
        col = self.spec.time
        median = self.conn.execute(
            f"SELECT {col} FROM main.{self.spec.table} WHERE {where} ORDER BY {col} LIMIT 1 OFFSET ?",
            (*params, n // 2),
        ).fetchone()
        if median is None:
            return None
        below = self.gap_near(median[0], lo, hi)
        return below if below is not None else self.gap_near(median[0], lo, hi, upward=True)

    def write_state(self, **values: Any) -> None:
        from .store import write_state

        self.conn.execute("BEGIN IMMEDIATE")
        try:
            write_state(self.conn, self.spec.kind, **values)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def read_state(self):
        from .store import read_state

        return read_state(self.conn, self.spec.kind)


def _settle(future: asyncio.Future, result: Any, error: BaseException | None) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
