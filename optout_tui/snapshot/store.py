"""The snapshot database of one profile: where it lives, its sync state, and how old it is.

Reads use one connection per thread (WAL lets them run beside the sync's writer thread).
"""

from __future__ import annotations

import contextlib
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..api.base import ListKind
from ..times import now_ms, opt_from_ms
from .lock import SyncLock
from .schema import SPECS, TableSpec, connect, ensure_schema


@dataclass(frozen=True, slots=True)
class SyncState:
    kind: ListKind
    synced_at: datetime | None
    full_synced_at: datetime | None
    high_water: int | None  # ms
    rows: int
    complete: bool
    last_mode: str | None = None
    last_added: int | None = None
    last_removed: int | None = None
    last_requests: int | None = None
    last_seconds: float | None = None

    def age(self, now: datetime | None = None) -> timedelta | None:
        if self.synced_at is None:
            return None
        return (now or datetime.now(UTC)) - self.synced_at


def age_text(state: SyncState | None, now: datetime | None = None) -> str:
    """How old the snapshot is, for a person: 'synced 4 min ago', 'never synced', '(incomplete)'."""
    if state is None or state.synced_at is None:
        if state is not None and state.rows:
            return f"snapshot incomplete ({state.rows:,} rows so far): run a sync"
        return "never synced"
    age = state.age(now) or timedelta()
    seconds = max(0, int(age.total_seconds()))
    if seconds < 60:
        ago = "just now"
    elif seconds < 3600:
        ago = f"{seconds // 60} min ago"
    elif seconds < 86400:
        ago = f"{seconds // 3600} h {seconds % 3600 // 60} min ago"
    else:
        ago = f"{seconds // 86400} days ago"
    text = f"synced {ago}"
    if not state.complete:
        text += " (incomplete: a full sync did not finish)"
    return text


def _safe_name(profile: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", profile) or "default"


class SnapshotStore:
    """One SQLite file per profile in the user cache dir; safe to delete at any time."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list = []
        self._lock = threading.Lock()
        self.conn()  # create the schema now, in the caller's thread

    @classmethod
    def for_profile(cls, profile_name: str) -> SnapshotStore:
        return cls(cls.path_for(profile_name))

    @staticmethod
    def path_for(profile_name: str) -> Path:
        from ..config import cache_dir

        return cache_dir() / f"snapshot-{_safe_name(profile_name)}.sqlite3"

    @staticmethod
    def existing() -> list[Path]:
        """Every profile's snapshot on this machine (the demo's apart, as `path_for` puts it)."""
        from ..config import cache_dir

        return sorted(cache_dir().glob("snapshot-*.sqlite3"))

    def spec(self, kind: ListKind) -> TableSpec:
        return SPECS[ListKind(kind)]

    def conn(self):
        """This thread's read connection."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            ensure_schema(conn)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def release(self) -> None:
        """Close this thread's read connection (a worker thread that is about to end)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            self._local.conn = None
            with self._lock:
                if conn in self._all:
                    self._all.remove(conn)
            conn.close()

    def new_reader(self):
        """A private read connection (for a long export), closed by the caller."""
        conn = connect(self.path)
        ensure_schema(conn)
        return conn

    def new_connection(self):
        """A private connection (the sync's writer thread owns one)."""
        conn = connect(self.path)
        ensure_schema(conn, key_indexes=True)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                with contextlib.suppress(Exception):  # a connection another thread still holds
                    conn.close()
            self._all.clear()
        self._local = threading.local()

    # ------------------------------------------------------------ state

    def state(self, kind: ListKind) -> SyncState | None:
        return read_state(self.conn(), ListKind(kind))

    def states(self) -> dict[ListKind, SyncState | None]:
        return {kind: self.state(kind) for kind in ListKind}

    def count(self, kind: ListKind) -> int:
        spec = self.spec(kind)
        return self.conn().execute(f"SELECT count(*) FROM {spec.table}").fetchone()[0]

    def has_data(self, kind: ListKind) -> bool:
        spec = self.spec(kind)
        return self.conn().execute(f"SELECT 1 FROM {spec.table} LIMIT 1").fetchone() is not None

    def age_text(self, kind: ListKind) -> str:
        return age_text(self.state(kind))

    # ------------------------------------------------------------ forgetting

    def stale(self, before: datetime) -> dict[ListKind, int]:
        """The lists whose copy was last brought up to date before `before`, or never completely, with
        their rows. A copy kept current mirrors what the vendor holds now: deleting its old entries would
        only make searches wrong until the next sync fetched them again. A copy nobody refreshes goes on
        holding people who have since left the list."""
        found = {}
        for kind in ListKind:
            state = self.state(kind)
            if (state is None or state.synced_at is None or state.synced_at < before) and (rows := self.count(kind)):
                found[kind] = rows
        return found

    def purge(self, before: datetime) -> dict[ListKind, int]:
        """Delete the copy of every `stale` list (rows, search index, sync state: the next sync is a full
        one); the rows deleted per list. Never beside a sync (SnapshotBusy). What is deleted is overwritten
        (secure_delete) and the write-ahead log emptied, so no copy stays behind in the files."""
        with SyncLock(self.path):
            found = self.stale(before)
            if not found:
                return found
            conn = connect(self.path)
            try:
                conn.execute("PRAGMA secure_delete = ON")
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for kind in found:
                        spec = self.spec(kind)
                        if spec.fts:
                            conn.execute(f"INSERT INTO {spec.fts_table}({spec.fts_table}) VALUES ('delete-all')")
                        conn.execute(f"DELETE FROM {spec.table}")
                        conn.execute("DELETE FROM sync_state WHERE kind = ?", (kind.value,))
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
        return found


def read_state(conn, kind: ListKind) -> SyncState | None:
    row = conn.execute(
        "SELECT synced_at, full_synced_at, high_water, row_count, complete, last_mode, last_added,"
        " last_removed, last_requests, last_seconds FROM sync_state WHERE kind = ?",
        (kind.value,),
    ).fetchone()
    if row is None:
        return None
    return SyncState(
        kind=kind,
        synced_at=opt_from_ms(row[0]),
        full_synced_at=opt_from_ms(row[1]),
        high_water=row[2],
        rows=row[3] or 0,
        complete=bool(row[4]),
        last_mode=row[5],
        last_added=row[6],
        last_removed=row[7],
        last_requests=row[8],
        last_seconds=row[9],
    )


def write_state(conn, kind: ListKind, **values) -> None:
    """Insert or update the sync state of one list (only the columns given)."""
    conn.execute("INSERT OR IGNORE INTO sync_state(kind) VALUES (?)", (kind.value,))
    if values:
        sets = ", ".join(f"{name} = ?" for name in values)
        conn.execute(f"UPDATE sync_state SET {sets} WHERE kind = ?", (*values.values(), kind.value))


__all__ = ["SnapshotStore", "SyncState", "age_text", "now_ms", "read_state", "write_state"]
