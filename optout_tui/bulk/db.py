"""The local SQLite database that holds the job journal and the audit trail.

One file in the user data dir, WAL mode (readers never wait for the writer), a schema created on
first use, and every SQLite failure a person can cause turned into one line saying what to do.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..private_files import create_private

T = TypeVar("T")

DB_FILENAME = "journal.sqlite3"
BUSY_TIMEOUT_S = 5.0

SCHEMA_VERSION = 6  # 2: values stored per chunk (one row a chunk, not a row a value); 3: jobs.purged, jobs.counts;
# 4: outcomes say what was done (see _V4); 5: every input line (job_chunks.lines, .inputs, job_lines);
# 6: a job sends to one list or to several (job_targets, job_chunks.target; see _V6)

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id         TEXT PRIMARY KEY,
    created    TEXT NOT NULL,
    updated    TEXT NOT NULL,
    os_user    TEXT NOT NULL,
    profile    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    action     TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    extra      TEXT NOT NULL DEFAULT '{}',
    batch_size INTEGER NOT NULL,
    total      INTEGER NOT NULL,
    chunks     INTEGER NOT NULL,
    state      TEXT NOT NULL,
    pid        INTEGER,                     -- who ran it last, for people: a running job holds a lock file
    host       TEXT,
    note       TEXT NOT NULL DEFAULT '',
    purged     TEXT,                        -- when its per-value rows were deleted (`optout-tui purge`)
    counts     TEXT                         -- its values per outcome then, a JSON object
);
CREATE TABLE IF NOT EXISTS job_chunks (
    job_id    TEXT NOT NULL REFERENCES jobs(id),
    chunk     INTEGER NOT NULL,
    state     TEXT NOT NULL DEFAULT 'pending',
    attempts  INTEGER NOT NULL DEFAULT 0,
    first_seq INTEGER NOT NULL,             -- seq of the chunk's first value
    size      INTEGER NOT NULL,
    vals      TEXT NOT NULL,                -- the chunk's values in seq order, a JSON array
    status    TEXT,                         -- the outcome of each value with no row in job_outcomes
    detail    TEXT NOT NULL DEFAULT '',
    lines     TEXT,                         -- the input line of each value, a JSON array (NULL: line = seq + 1)
    inputs    TEXT,                         -- each value's line as typed, "" when it is the value (NULL: all are)
    target    INTEGER NOT NULL DEFAULT 0,   -- the list it goes to (job_targets.target)
    PRIMARY KEY (job_id, chunk)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS job_targets (    -- the lists a job sends to: one, or every list of its values' kinds
    job_id     TEXT NOT NULL,
    target     INTEGER NOT NULL,            -- its chunks come after those of the targets before it
    kind       TEXT NOT NULL,
    extra      TEXT NOT NULL DEFAULT '{}',  -- what the list needs with each call, a JSON object (e.g. an 080 number)
    name       TEXT NOT NULL,               -- the list as `jobs show` names it: its kind, and its 080 number if any
    batch_size INTEGER NOT NULL,
    PRIMARY KEY (job_id, target)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS job_lines (      -- the input lines not sent: refused (invalid) or duplicates
    job_id TEXT NOT NULL,
    line   INTEGER NOT NULL,
    input  TEXT NOT NULL,
    value  TEXT NOT NULL DEFAULT '',        -- normalised; empty when refused
    status TEXT NOT NULL,                   -- invalid | duplicate
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (job_id, line)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS job_outcomes (   -- a value whose outcome differs from its chunk's
    job_id TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
CREATE VIEW IF NOT EXISTS job_values (job_id, seq, chunk, value, status, detail, target) AS
SELECT c.job_id, c.first_seq + v.key, c.chunk, v.value,
       CASE WHEN o.seq IS NULL THEN c.status ELSE o.status END,
       CASE WHEN o.seq IS NULL THEN c.detail ELSE o.detail END, c.target
FROM job_chunks AS c JOIN json_each(c.vals) AS v
LEFT JOIN job_outcomes AS o ON o.job_id = c.job_id AND o.seq = c.first_seq + v.key;
CREATE TABLE IF NOT EXISTS audit (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    os_user TEXT NOT NULL,
    profile TEXT NOT NULL,
    list    TEXT NOT NULL,
    action  TEXT NOT NULL,
    count   INTEGER NOT NULL,
    vals    TEXT,
    job_id  TEXT,
    reason  TEXT NOT NULL DEFAULT '',
    answer  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""


class JournalError(Exception):
    """The journal database cannot be used; the message says what happened and what to do."""


def default_path() -> Path:
    from ..config import data_dir

    return Path(data_dir()) / DB_FILENAME


def explain(exc: sqlite3.Error, path: Path | str) -> JournalError:
    """One line for a person from an SQLite failure."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return JournalError(
            f"another optout-tui is writing the journal at {path}; close it or wait a moment, then retry"
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text or "disk image" in text:
        return JournalError(
            f"the journal at {path} is damaged; move it aside (e.g. mv '{path}' '{path}.damaged') and retry"
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text or "permission" in text:
        return JournalError(f"cannot write the journal at {path} ({exc}); check the folder's permissions")
    if "disk" in text and "full" in text:
        return JournalError(f"the disk holding the journal at {path} is full; free some space and retry")
    return JournalError(f"the journal at {path} failed: {exc}")


def connect(path: Path | str | None = None, *, timeout: float = BUSY_TIMEOUT_S) -> tuple[sqlite3.Connection, Path]:
    """Open (creating if needed) the database; raises JournalError with a clear line."""
    db_path = Path(path) if path is not None else default_path()
    try:
        db_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise JournalError(f"cannot create the folder for the journal at {db_path}: {exc.strerror}") from None
    create_private(db_path)
    try:
        conn = sqlite3.connect(db_path, timeout=timeout, check_same_thread=False, isolation_level=None)
        use_wal(conn, timeout)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            _upgrade(conn)
        else:
            conn.executescript(SCHEMA)
    except sqlite3.Error as exc:
        raise explain(exc, db_path) from None
    return conn, db_path


def use_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Put the database in WAL mode. Switching a file to WAL upgrades a read lock, and SQLite does not
    call the busy handler for that (two upgraders waiting on each other would deadlock), so a process
    opening a new file at the same moment as another is told at once that it is locked: it tries
    again until the timeout, as it waits for any other lock."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                raise
        time.sleep(0.005)


# Version 1 held a row per value (job_values) and chunk states alone (job_chunks): 100,000 rows
# written before a 100,000-value job could send, and 100,000 updated as it went.
_FROM_V1 = (
    """
ALTER TABLE job_chunks RENAME TO job_chunks_v1;
ALTER TABLE job_values RENAME TO job_values_v1;
"""
    + SCHEMA
    + """
INSERT INTO job_chunks (job_id, chunk, state, attempts, first_seq, size, vals)
SELECT c.job_id, c.chunk, c.state, c.attempts, coalesce(g.first_seq, 0), coalesce(g.size, 0), coalesce(g.vals, '[]')
FROM job_chunks_v1 AS c LEFT JOIN (
    SELECT job_id, chunk, min(seq) AS first_seq, count(*) AS size, json_group_array(value) AS vals
    FROM (SELECT job_id, chunk, seq, value FROM job_values_v1 ORDER BY job_id, chunk, seq)
    GROUP BY job_id, chunk
) AS g ON g.job_id = c.job_id AND g.chunk = c.chunk;
INSERT INTO job_outcomes (job_id, seq, status, detail)
SELECT job_id, seq, status, detail FROM job_values_v1 WHERE status IS NOT NULL;
DROP TABLE job_values_v1;
DROP TABLE job_chunks_v1;
"""
)


# Version 4: "done" became "registered" or "removed" (by the job's action), and a removal's "already" "not_on_list".
_V4 = (
    "".join(
        f"""
UPDATE {table} SET status = CASE WHEN status = 'already' THEN 'not_on_list'
    WHEN (SELECT action FROM jobs WHERE id = {table}.job_id) = 'remove' THEN 'removed' ELSE 'registered' END
WHERE status = 'done' OR status = 'already' AND (SELECT action FROM jobs WHERE id = {table}.job_id) = 'remove';
"""
        for table in ("job_chunks", "job_outcomes")
    )
    + """
UPDATE jobs SET counts = json_remove(json_set(counts, iif(action = 'remove', '$.removed', '$.registered'),
    json_extract(counts, '$.done')), '$.done') WHERE json_extract(counts, '$.done') IS NOT NULL;
UPDATE jobs SET counts = json_remove(json_set(counts, '$.not_on_list', json_extract(counts, '$.already')), '$.already')
WHERE action = 'remove' AND json_extract(counts, '$.already') IS NOT NULL;
"""
)


# Version 6: a job written before names its one list as its only target.
_V6 = """
INSERT INTO job_targets (job_id, target, kind, extra, name, batch_size)
SELECT id, 0, kind, extra, kind, batch_size FROM jobs WHERE id NOT IN (SELECT job_id FROM job_targets);
"""


def _statements(script: str) -> list[str]:
    """A script's statements one by one (triggers kept whole), to run inside our own transaction:
    `executescript` would commit it first."""
    out, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            out.append(pending.strip())
            pending = ""
    return [statement for statement in out if statement.strip(" ;\n")]


def _upgrade(conn: sqlite3.Connection) -> None:
    """Create the schema, or bring a journal written by an older version to it keeping every job:
    in one transaction that holds the write lock, so another process doing the same at the same
    moment finds the work done, and a migration cut off midway leaves version 1 as it was."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:  # again, under the lock
            kind = conn.execute("SELECT type FROM sqlite_master WHERE name = 'job_values'").fetchone()
            if kind is not None and kind[0] == "view":  # made again below, over the columns added here
                conn.execute("DROP VIEW job_values")
                have = {row[1] for row in conn.execute("PRAGMA table_info(job_chunks)")}
                for column, declared in (
                    ("lines", "TEXT"),
                    ("inputs", "TEXT"),
                    ("target", "INTEGER NOT NULL DEFAULT 0"),
                ):
                    if column not in have:  # versions 5 and 6
                        conn.execute(f"ALTER TABLE job_chunks ADD COLUMN {column} {declared}")
            script = _FROM_V1 if kind is not None and kind[0] == "table" else SCHEMA
            for statement in _statements(script):
                conn.execute(statement)
            have = {row[1] for row in conn.execute("PRAGMA table_info(jobs)")}
            for column in ("purged", "counts"):  # version 3
                if column not in have:
                    conn.execute(f"ALTER TABLE jobs ADD COLUMN {column} TEXT")
            for statement in _statements(_V4 + _V6):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def guarded(path: Path, fn: Callable[[], T]) -> T:
    """Run `fn`, turning SQLite failures into JournalError."""
    try:
        return fn()
    except sqlite3.Error as exc:
        raise explain(exc, path) from None


class Store:
    """One connection to the journal database, shared by threads under a lock (calls are short)."""

    def __init__(self, path: Path | str | None = None, *, timeout: float = BUSY_TIMEOUT_S) -> None:
        self._conn, self.path = connect(path, timeout=timeout)
        self._lock = threading.Lock()

    def _do(self, fn: Callable[[], T]) -> T:
        with self._lock:
            return guarded(self.path, fn)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
