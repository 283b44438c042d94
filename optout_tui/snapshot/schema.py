"""The snapshot's tables: one per list, an FTS5 trigram index for substring search, the sync state.

Times are stored as epoch milliseconds (integers): exact, cheap to index, and what the vendors'
time filters take. The database is a cache: a schema that only adds tables keeps what is there (version 1
lacks the NHN lists' tables, which `DDL` adds); any other change of schema rebuilds it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..api.base import ListKind
from ..bulk.db import use_wal
from ..private_files import create_private

SCHEMA_VERSION = 2
KEPT_FROM = (1,)  # versions whose tables are still valid: their snapshot is kept, the new tables added
BUSY_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class TableSpec:
    """Where one list lives in the snapshot and which column keys, times and searches it."""

    kind: ListKind
    table: str
    key: str  # the canonical value: unique per list
    time: str | None  # the registration time column (ms), None for the 080 list
    columns: tuple[str, ...]  # stored columns in row order (the key first)
    fts: bool  # substring search through a trigram index (large lists only)
    key_collation: str = "BINARY"
    whole: bool = False  # synced whole every time: no time filter fine enough for incremental syncs

    @property
    def fts_table(self) -> str:
        return f"{self.table}_fts"

    @property
    def key_index(self) -> str:
        return f"{self.table}_{self.key}"


SPECS: dict[ListKind, TableSpec] = {
    ListKind.SMS: TableSpec(
        ListKind.SMS, "sms", "number", "registered_at", ("number", "registered_at", "source"), True
    ),
    ListKind.EMAIL: TableSpec(
        ListKind.EMAIL, "email", "address", "blocked_at", ("address", "blocked_at", "by_admin"), True, "NOCASE"
    ),
    ListKind.N080: TableSpec(
        ListKind.N080,
        "n080",
        "number",
        None,
        (
            "number",
            "company",
            "status",
            "provider",
            "share_status",
            "terminable",
            "requested_at",
            "started_at",
            "deleted_at",
        ),
        False,
        whole=True,
    ),
    # NHN's date filters have whole seconds and an unknown end: synced whole, like the 080 list. One recipient
    # can be on several 080 numbers, so the key is the pair, recipient first (a prefix search finds a number).
    ListKind.NHN_SMS: TableSpec(
        ListKind.NHN_SMS,
        "nhn_sms",
        "pair",
        "requested_at",
        ("pair", "number080", "recipient", "requested_at"),
        True,
        whole=True,
    ),
    ListKind.NHN_EMAIL: TableSpec(
        ListKind.NHN_EMAIL,
        "nhn_email",
        "address",
        "blocked_at",
        ("address", "blocked_at"),
        True,
        "NOCASE",
        whole=True,
    ),
}

DDL = """
CREATE TABLE IF NOT EXISTS sms (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL,
    registered_at INTEGER,
    source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sms_registered_at ON sms(registered_at);
CREATE VIRTUAL TABLE IF NOT EXISTS sms_fts USING fts5(
    number, content='sms', content_rowid='id', tokenize='trigram', detail='none', columnsize=0
);

CREATE TABLE IF NOT EXISTS email (
    id INTEGER PRIMARY KEY,
    address TEXT NOT NULL COLLATE NOCASE,
    blocked_at INTEGER,
    by_admin INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS email_blocked_at ON email(blocked_at);
CREATE VIRTUAL TABLE IF NOT EXISTS email_fts USING fts5(
    address, content='email', content_rowid='id', tokenize='trigram', detail='none', columnsize=0
);

CREATE TABLE IF NOT EXISTS n080 (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    company TEXT NOT NULL,
    status TEXT NOT NULL,
    provider TEXT NOT NULL,
    share_status TEXT NOT NULL,
    terminable INTEGER NOT NULL,
    requested_at INTEGER,
    started_at INTEGER,
    deleted_at INTEGER
);

CREATE TABLE IF NOT EXISTS nhn_sms (
    id INTEGER PRIMARY KEY,
    pair TEXT NOT NULL,  -- "recipient 080number": a space, so a digits search never matches across the two
    number080 TEXT NOT NULL,
    recipient TEXT NOT NULL,
    requested_at INTEGER
);
CREATE INDEX IF NOT EXISTS nhn_sms_requested_at ON nhn_sms(requested_at);
CREATE VIRTUAL TABLE IF NOT EXISTS nhn_sms_fts USING fts5(
    pair, content='nhn_sms', content_rowid='id', tokenize='trigram', detail='none', columnsize=0
);

CREATE TABLE IF NOT EXISTS nhn_email (
    id INTEGER PRIMARY KEY,
    address TEXT NOT NULL COLLATE NOCASE,
    blocked_at INTEGER
);
CREATE INDEX IF NOT EXISTS nhn_email_blocked_at ON nhn_email(blocked_at);
CREATE VIRTUAL TABLE IF NOT EXISTS nhn_email_fts USING fts5(
    address, content='nhn_email', content_rowid='id', tokenize='trigram', detail='none', columnsize=0
);

-- The unique key indexes (sms_number, email_address, n080_number, ...) are made by restore_key_index:
-- the first full sync loads without them and builds them at the end.

CREATE TABLE IF NOT EXISTS sync_state (
    kind TEXT PRIMARY KEY,
    synced_at INTEGER,          -- when the last sync (of any kind) finished, epoch ms
    full_synced_at INTEGER,     -- when the last full sync finished
    high_water INTEGER,         -- newest registration time in the snapshot
    row_count INTEGER NOT NULL DEFAULT 0,
    complete INTEGER NOT NULL DEFAULT 0,  -- 0 while a full sync has not finished
    last_mode TEXT,
    last_added INTEGER,
    last_removed INTEGER,
    last_requests INTEGER,
    last_seconds REAL
);
"""


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection tuned for bulk writes and fast reads; autocommit, transactions are explicit."""
    create_private(Path(path))
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S)
    use_wal(conn, BUSY_TIMEOUT_S)
    conn.execute("PRAGMA synchronous=NORMAL")  # a cache: losing the last commit on power loss is fine
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA cache_size=-65536")  # 64 MiB
    conn.execute("PRAGMA mmap_size=268435456")
    return conn


def ensure_schema(conn: sqlite3.Connection, *, key_indexes: bool = False) -> None:
    """Create the tables; a snapshot written by a schema version not in `KEPT_FROM` is dropped and rebuilt.

    `key_indexes` (for the sync's writer, never for readers, which could otherwise rebuild an index
    in the middle of a load): make sure every list has its unique key index again, e.g. after a
    first sync was killed while loading.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version not in (0, SCHEMA_VERSION, *KEPT_FROM):
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts_%'"
            )
        ]
        for name in names:
            conn.execute(f"DROP TABLE IF EXISTS {name}")
    conn.executescript(DDL)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    if key_indexes or version != SCHEMA_VERSION:
        for spec in SPECS.values():
            conn.execute("BEGIN IMMEDIATE")
            try:
                restore_key_index(conn, spec)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise


def restore_key_index(conn: sqlite3.Connection, spec: TableSpec) -> int:
    """Create the list's unique key index if it is missing; returns how many duplicate rows were
    dropped first (a list that shifted during a bulk load can deliver a row twice)."""
    create = f"CREATE UNIQUE INDEX IF NOT EXISTS {spec.key_index} ON {spec.table}({spec.key})"
    try:
        conn.execute(create)
        return 0
    except sqlite3.IntegrityError:
        pass
    conn.execute(f"CREATE INDEX temp_dedupe ON {spec.table}({spec.key})")
    dupes = f"id NOT IN (SELECT max(id) FROM {spec.table} GROUP BY {spec.key})"
    if spec.fts:
        conn.execute(
            f"INSERT INTO {spec.fts_table}({spec.fts_table}, rowid, {spec.key}) "
            f"SELECT 'delete', id, {spec.key} FROM {spec.table} WHERE {dupes}"
        )
    dropped = conn.execute(f"DELETE FROM {spec.table} WHERE {dupes}").rowcount
    conn.execute("DROP INDEX temp_dedupe")
    conn.execute(create)
    return dropped
