"""The job journal: every value of a bulk job is on disk before the first request.

A job row and all its normalised values (with their chunk number) are written in one transaction
before anything is sent; each chunk's state and its values' outcomes are written as the chunk
completes. A job cut off by kill -9, a lost network or a closed terminal is resumed by sending
every value whose outcome is not known yet (register and remove are idempotent at the vendors).

A job is running while the process running it holds the job's lock file, next to the journal. The OS
lets go of it when that process ends, however it ends, so a job whose row says "running" and whose
lock is free was cut off (interrupted) and anyone may take it over: a process id in the row could be
anyone's by then.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from ..file_lock import FileLock
from ..times import utc_iso
from . import db
from .audit import insert_entry
from .history import AuditEntry, History, ValueResult
from .plan import PreviewLine

# The locks of the jobs this process runs, by lock file.
_HELD: dict[Path, FileLock] = {}
# How long a claim tries for a job's lock: someone listing the jobs holds it for an instant to look.
CLAIM_WAIT_S = 1.0


class JobState(StrEnum):
    RUNNING = "running"
    DONE = "done"  # every value has a final outcome and none failed
    FAILED = "failed"  # finished, but some values failed for good (resume retries them)
    CANCELLED = "cancelled"  # stopped by the user; the rest can be resumed
    STOPPED = "stopped"  # stopped by an error that makes further requests pointless (e.g. credentials)
    INTERRUPTED = "interrupted"  # shown for a "running" job whose process is gone (kill -9, closed terminal)


FINISHED = (JobState.DONE, JobState.FAILED, JobState.CANCELLED, JobState.STOPPED)  # a run ended and was audited


class UnknownJobError(db.JournalError):
    pass


class JobBusyError(db.JournalError):
    pass


def new_job_id() -> str:
    return f"{datetime.now():%Y%m%d}-{secrets.token_hex(3)}"


@dataclass(slots=True)
class JobPart:
    """The values a job sends to one list (its target): a job for one list has one part, a job for every list of
    its values' kinds one a list (the same values for the lists of one kind)."""

    kind: str
    values: Sequence[str]
    batch_size: int
    extra: dict[str, str] = field(default_factory=dict)
    name: str = ""  # as `jobs show` names the list (default: its kind)
    lines: Sequence[int] | None = None  # the input line of each value (default: its place in `values`, from 1)
    inputs: Sequence[str] | None = None  # each value's line as typed, "" where it is the value


@dataclass(slots=True)
class JobTarget:
    """One list a job sends to, with its values' outcomes so far."""

    index: int
    kind: str
    extra: dict[str, str]
    name: str
    batch_size: int
    counts: dict[str, int] = field(default_factory=dict)  # as JobInfo.counts (empty once purged)


@dataclass(slots=True)
class JobInfo:
    id: str
    created: str
    updated: str
    os_user: str
    profile: str
    kind: str
    action: str
    reason: str
    extra: dict[str, str]
    batch_size: int
    total: int
    chunks: int
    state: JobState
    note: str = ""
    counts: dict[str, int] = field(default_factory=dict)  # done/already/invalid/failed/pending
    purged: str = ""  # when its per-value rows were purged (its counts are kept): nothing left to resume
    targets: list[JobTarget] = field(default_factory=list)  # the lists it sends to, in chunk order

    @property
    def pending(self) -> int:
        return self.counts.get("pending", 0)

    @property
    def unsent(self) -> int:
        """Values never answered or failed: what a resume sends."""
        return self.pending + self.counts.get("failed", 0)

    @property
    def resumable(self) -> bool:
        """Something to send, or cut off before its end and audit were written (a resume writes them)."""
        return (
            self.state != JobState.RUNNING
            and not self.purged
            and (self.unsent > 0 or self.state == JobState.INTERRUPTED)
        )


@dataclass(slots=True)
class Purge:
    """Jobs older than a date: finished ones lose their per-value rows, running or interrupted ones are kept."""

    jobs: list[JobInfo]
    kept: list[JobInfo]

    @property
    def values(self) -> int:
        return sum(job.total for job in self.jobs)

    @property
    def unsent(self) -> int:
        return sum(job.unsent for job in self.jobs)


# Printable ASCII but the two characters JSON escapes: a string of only these is its own JSON body.
_PLAIN = bytes(range(0x20, 0x7F)).replace(b'"', b"").replace(b"\\", b"")


def _json_array(values: Sequence[str]) -> str:
    """A chunk's values as a JSON array. Canonical numbers and addresses seldom need escaping, so
    the usual chunk is one join; anything else goes through the encoder."""
    joined = "".join(values)
    if joined.isascii() and not joined.encode("ascii").translate(None, _PLAIN):
        return '["' + '","'.join(values) + '"]' if values else "[]"
    return json.dumps(list(values), ensure_ascii=False)


def value_runs(items: Sequence[tuple[int, str, str]]) -> Iterator[tuple[int, int, str, str]]:
    """(seq, status, detail) as runs of consecutive seqs with the same status and detail:
    (first, last, status, detail). A chunk that went through whole is one run, one UPDATE."""
    run_first = run_last = -2
    run_status = run_detail = ""
    for seq, status, detail in items:
        if seq == run_last + 1 and status == run_status and detail == run_detail:
            run_last = seq
            continue
        if run_first >= 0:
            yield run_first, run_last, run_status, run_detail
        run_first = run_last = seq
        run_status, run_detail = status, detail
    if run_first >= 0:
        yield run_first, run_last, run_status, run_detail


def _record_run(conn, job_id: str, chunk: int, first: int, last: int, status: str, detail: str) -> None:
    """One outcome for seqs first..last of a chunk: on the chunk itself when the run covers it
    whole (the usual answer), else a row per value in job_outcomes."""
    covers = conn.execute(
        "UPDATE job_chunks SET status = ?, detail = ? WHERE job_id = ? AND chunk = ? AND first_seq = ?"
        " AND first_seq + size - 1 = ?",
        (status, detail, job_id, chunk, first, last),
    ).rowcount
    if covers:
        conn.execute("DELETE FROM job_outcomes WHERE job_id = ? AND seq BETWEEN ? AND ?", (job_id, first, last))
    else:
        conn.executemany(
            "INSERT OR REPLACE INTO job_outcomes (job_id, seq, status, detail) VALUES (?, ?, ?, ?)",
            ((job_id, seq, status, detail) for seq in range(first, last + 1)),
        )


# Values per target and status for one job, from chunk outcomes less their per-value exceptions.
_COUNTS = """
SELECT target, coalesce(status, 'pending'), sum(n) FROM (
    SELECT c.target AS target, c.status AS status, c.size - (SELECT count(*) FROM job_outcomes AS o
           WHERE o.job_id = c.job_id AND o.seq BETWEEN c.first_seq AND c.first_seq + c.size - 1) AS n
    FROM job_chunks AS c WHERE c.job_id = :job
    UNION ALL
    SELECT c.target, o.status, count(*) FROM job_outcomes AS o JOIN job_chunks AS c ON c.job_id = o.job_id
           AND o.seq BETWEEN c.first_seq AND c.first_seq + c.size - 1 WHERE o.job_id = :job GROUP BY 1, 2
) GROUP BY 1, 2 HAVING sum(n) > 0
"""


class Journal(History):
    """Jobs and per-value outcomes in the local database (thread-safe; calls are short)."""

    def _tx(self, body, *, immediate: bool = True):
        """Run body(conn) inside one transaction."""

        def run():
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
            try:
                result = body(conn)
            except BaseException:
                if conn.in_transaction:  # SQLite itself rolls back on some errors (a full disk: SQLITE_FULL)
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

        return self._do(run)

    # ------------------------------------------------------------ who runs a job

    def _lock_path(self, job_id: str) -> Path:
        return self.path.with_name(f"{self.path.name}.job-{job_id}.lock")

    def running(self, job_id: str) -> bool:
        """Whether a process (this one included) holds the job's lock: runs it now."""
        path = self._lock_path(job_id)
        try:
            return path in _HELD or FileLock(path).held()
        except OSError as exc:
            raise db.JournalError(f"cannot check the lock of job {job_id} at {path}: {exc.strerror}") from None

    def _hold(self, job_id: str) -> None:
        """Take the job's lock for this process until `finish`, or refuse in one line."""
        path, lock = self._lock_path(job_id), FileLock(self._lock_path(job_id))
        try:
            taken = path not in _HELD and lock.acquire(wait=CLAIM_WAIT_S)
        except OSError as exc:
            raise db.JournalError(f"cannot lock job {job_id} at {path}: {exc.strerror}") from None
        if not taken:
            row = self._do(lambda: self._conn.execute("SELECT pid FROM jobs WHERE id = ?", (job_id,)).fetchone())
            by = f" (pid {row[0]})" if row and row[0] else ""
            raise JobBusyError(f"job {job_id} is already running in an optout-tui{by}; wait for it to finish")
        _HELD[path] = lock

    def _let_go(self, job_id: str) -> None:
        lock = _HELD.pop(self._lock_path(job_id), None)
        if lock is not None:
            lock.release(remove=True)

    # ------------------------------------------------------------ writing

    def create_job(
        self,
        *,
        profile: str,
        action: str,
        kind: str = "",
        values: Sequence[str] = (),
        batch_size: int = 1,
        reason: str = "",
        extra: dict[str, str] | None = None,
        os_user: str = "",
        job_id: str | None = None,
        lines: Sequence[int] | None = None,
        inputs: Sequence[str] | None = None,
        refused: Sequence[PreviewLine] = (),
        parts: Sequence[JobPart] = (),
    ) -> str:
        """Write the job and every value, holding its lock: it runs here. Each of its `parts` (one list's
        values; by default one of `kind`, `values`, `batch_size`, `extra`, `lines`, `inputs`) is cut into chunks
        of its batch size; seqs and chunks run on across the parts, in order.

        With the input it came from, every input line is kept: each value's line number (`lines`) and text
        (`inputs`, "" where it is the value), and the lines not sent (`refused`: invalid ones, duplicates)."""
        job_id = job_id or new_job_id()
        parts = parts or [JobPart(kind, values, batch_size, extra or {}, kind, lines, inputs)]
        now = utc_iso()

        def chunk_rows():
            """(chunk, first seq, values, lines, inputs, target) of every chunk."""
            chunk = seq = 0
            for target, part in enumerate(parts):
                size = max(1, part.batch_size)
                for start in range(0, len(part.values), size):
                    piece = part.values[start : start + size]
                    nos = part.lines[start : start + size] if part.lines is not None else None
                    texts = part.inputs[start : start + size] if part.inputs is not None else []
                    if nos is None and seq:  # lines count from 1 in each part, and the first part's are seq + 1
                        nos = range(start + 1, start + len(piece) + 1)
                    plain = nos is None or (nos[0] == seq + 1 and nos[-1] == seq + len(piece))  # ascending
                    yield (
                        job_id,
                        chunk,
                        seq,
                        len(piece),
                        _json_array(piece),
                        None if plain else json.dumps(list(nos)),
                        json.dumps(list(texts), ensure_ascii=False) if any(texts) else None,
                        target,
                    )
                    chunk, seq = chunk + 1, seq + len(piece)

        one = parts[0] if len(parts) == 1 else None
        total = sum(len(part.values) for part in parts)

        def body(conn):
            conn.execute(
                "INSERT INTO jobs (id, created, updated, os_user, profile, kind, action, reason, extra,"
                " batch_size, total, chunks, state, pid, host) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    job_id,
                    now,
                    now,
                    os_user,
                    profile,
                    one.kind if one else "+".join(dict.fromkeys(part.kind for part in parts)),
                    action,
                    reason,
                    json.dumps(one.extra if one else {}),
                    max(1, one.batch_size) if one else 0,
                    total,
                    sum(-(-len(part.values) // max(1, part.batch_size)) for part in parts),
                    JobState.RUNNING.value,
                    os.getpid(),
                    socket.gethostname(),
                ),
            )
            conn.executemany(
                "INSERT INTO job_targets (job_id, target, kind, extra, name, batch_size) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (job_id, t, part.kind, json.dumps(part.extra), part.name or part.kind, max(1, part.batch_size))
                    for t, part in enumerate(parts)
                ),
            )
            # One row a chunk, its values a JSON array: 100,000 values are 100 rows, not 100,000.
            conn.executemany(
                "INSERT INTO job_chunks (job_id, chunk, first_seq, size, vals, lines, inputs, target)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                chunk_rows(),
            )
            conn.executemany(
                "INSERT INTO job_lines (job_id, line, input, value, status, reason) VALUES (?, ?, ?, ?, ?, ?)",
                ((job_id, x.line_no, x.raw, x.value or "", x.status, x.reason) for x in refused),
            )

        self._hold(job_id)
        try:
            self._tx(body)
        except BaseException:
            self._let_go(job_id)
            raise
        return job_id

    def claim(self, job_id: str) -> JobInfo:
        """Take a job over to resume it: its lock, then its row. Refused while a process (this one
        included) runs it; a job whose process died is free, whatever its row says."""
        job_id = self.resolve(job_id)

        def body(conn):
            purged = conn.execute("SELECT purged FROM jobs WHERE id = ?", (job_id,)).fetchone()[0]
            if purged:
                raise db.JournalError(f"the values of job {job_id} were purged ({purged[:10]}); nothing to resume")
            conn.execute(
                "UPDATE jobs SET state = ?, pid = ?, host = ?, updated = ?, note = '' WHERE id = ?",
                (JobState.RUNNING.value, os.getpid(), socket.gethostname(), utc_iso(), job_id),
            )

        self._hold(job_id)
        try:
            self._tx(body)
        except BaseException:
            self._let_go(job_id)
            raise
        return self.job(job_id)

    def record_chunks(
        self, job_id: str, results: Sequence[tuple[int, str, int, Sequence[tuple[int, str, str]]]]
    ) -> None:
        """Write completed chunks in one transaction: (chunk, state, attempts, [(seq, status, detail)])."""
        self.record_runs(
            job_id, [(chunk, state, attempts, list(value_runs(items))) for chunk, state, attempts, items in results]
        )

    def record_runs(
        self, job_id: str, results: Sequence[tuple[int, str, int, Sequence[tuple[int, int, str, str]]]]
    ) -> None:
        """`record_chunks` with the outcomes as runs of consecutive seqs: (first, last, status, detail)."""
        if not results:
            return

        def body(conn):
            conn.executemany(
                "UPDATE job_chunks SET state = ?, attempts = attempts + ? WHERE job_id = ? AND chunk = ?",
                ((state, attempts, job_id, chunk) for chunk, state, attempts, _ in results),
            )
            for chunk, _, _, runs in results:
                for first, last, status, detail in runs:
                    _record_run(conn, job_id, chunk, first, last, status, detail)
            conn.execute("UPDATE jobs SET updated = ? WHERE id = ?", (utc_iso(), job_id))

        self._tx(body)

    def finish(self, job_id: str, state: JobState, note: str = "", entry: AuditEntry | None = None) -> None:
        """The job's end state and its audit `entry` in one transaction: a write the disk refuses leaves
        neither, so the job is never finished without its entry, and a resume later writes both."""

        def body(conn):
            conn.execute(
                "UPDATE jobs SET state = ?, note = ?, updated = ?, pid = NULL WHERE id = ?",
                (state.value, note, utc_iso(), job_id),
            )
            if entry is not None:
                insert_entry(conn, entry)

        try:
            self._tx(body)
        finally:
            self._let_go(job_id)

    # ------------------------------------------------------------ reading

    def resolve(self, job_id: str) -> str:
        """The full id of a job given its id or a unique prefix of it, or of the part after its date (`3f2a` for
        `20260131-3f2a9c`), in any case."""
        ident = job_id.strip()
        prefix = ident.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._do(
            lambda: self._conn.execute(
                "SELECT id FROM jobs WHERE id = ? OR id LIKE ? ESCAPE '\\'"
                " OR substr(id, instr(id, '-') + 1) LIKE ? ESCAPE '\\' ORDER BY id LIMIT 3",
                (ident, prefix, prefix),
            ).fetchall()
        )
        exact = [r[0] for r in rows if r[0] == ident]
        if exact:
            return exact[0]
        if not rows or not ident:
            raise UnknownJobError(f"no job {job_id!r} in the journal at {self.path}; see `optout-tui jobs`")
        if len(rows) > 1:
            raise UnknownJobError(
                f"{job_id!r} matches several jobs ({', '.join(r[0] for r in rows)}, ...); give more of the id"
            )
        return rows[0][0]

    def _info(self, row) -> JobInfo:
        (
            jid,
            created,
            updated,
            os_user,
            profile,
            kind,
            action,
            reason,
            extra,
            batch_size,
            total,
            chunks,
            state,
            note,
            purged,
            counts,
        ) = row
        targets = [
            JobTarget(index, kind, json.loads(extra), name, size)
            for index, kind, extra, name, size in self._conn.execute(
                "SELECT target, kind, extra, name, batch_size FROM job_targets WHERE job_id = ? ORDER BY target", (jid,)
            )
        ] or [JobTarget(0, kind, json.loads(extra or "{}"), kind, batch_size)]  # written by an older version meanwhile
        if counts:
            counts = json.loads(counts)
        else:
            counts = {}
            for target, status, n in self._conn.execute(_COUNTS, {"job": jid}):
                targets[target].counts[status] = n
                counts[status] = counts.get(status, 0) + n
        shown = JobState(state)
        if shown == JobState.RUNNING and not self.running(jid):
            shown = JobState.INTERRUPTED
        return JobInfo(
            jid,
            created,
            updated,
            os_user,
            profile,
            kind,
            action,
            reason,
            json.loads(extra or "{}"),
            batch_size,
            total,
            chunks,
            shown,
            note,
            counts,
            purged or "",
            targets,
        )

    _COLUMNS = (
        "id, created, updated, os_user, profile, kind, action, reason, extra, batch_size, total, chunks,"
        " state, note, purged, counts"
    )

    def job(self, job_id: str) -> JobInfo:
        jid = self.resolve(job_id)
        return self._do(
            lambda: self._info(self._conn.execute(f"SELECT {self._COLUMNS} FROM jobs WHERE id = ?", (jid,)).fetchone())
        )

    def jobs(self, limit: int = 50) -> list[JobInfo]:
        """The newest jobs first."""

        def read():
            rows = self._conn.execute(
                f"SELECT {self._COLUMNS} FROM jobs ORDER BY created DESC, id DESC LIMIT ?", (limit,)
            ).fetchall()
            return [self._info(r) for r in rows]

        return self._do(read)

    def resumable_jobs(self) -> list[JobInfo]:
        """Jobs a person should be offered to resume (interrupted, cancelled, stopped, or with failures)."""
        return [j for j in self.jobs(limit=200) if j.resumable]

    def unresolved(self, job_id: str) -> list[tuple[int, list[tuple[int, str]]]]:
        """Values to send on resume, grouped by chunk: never answered, or failed."""

        def read():
            rows = self._conn.execute(
                "SELECT chunk, seq, value FROM job_values WHERE job_id = ? AND (status IS NULL OR status = 'failed')"
                " ORDER BY seq",
                (job_id,),
            ).fetchall()
            grouped: dict[int, list[tuple[int, str]]] = {}
            for chunk, seq, value in rows:
                grouped.setdefault(chunk, []).append((seq, value))
            return list(grouped.items())

        return self._do(read)

    def chunk_targets(self, job_id: str) -> dict[int, int]:
        """The target of each chunk of a job."""
        return dict(self.query("SELECT chunk, target FROM job_chunks WHERE job_id = ?", (job_id,)))

    def results(self, job_id: str) -> Iterator[ValueResult]:
        """Per-value results in input order, read a page at a time so a 100,000-value job streams."""
        return iter(self.job_results(self.resolve(job_id)))

    # ------------------------------------------------------------ forgetting

    def purge(self, before: datetime, *, dry_run: bool = False) -> Purge:
        """Delete the per-value rows of the finished jobs last touched before `before`, keeping each job's
        row with its counts; the audit trail stays whole. A running or interrupted job is kept: its values
        still have to reach the list. What is deleted is overwritten (secure_delete) and the write-ahead
        log emptied, so no copy of the values stays behind in the files."""
        cutoff = utc_iso(before)

        def body(conn):
            rows = conn.execute(
                f"SELECT {self._COLUMNS} FROM jobs WHERE updated < ? AND purged IS NULL ORDER BY created, id", (cutoff,)
            ).fetchall()
            found = Purge([], [])
            for info in map(self._info, rows):
                (found.jobs if info.state in FINISHED else found.kept).append(info)
            if dry_run or not found.jobs:
                return found
            conn.execute("PRAGMA secure_delete = ON")
            now = utc_iso()
            for job in found.jobs:
                note = "; ".join(filter(None, (job.note, f"per-value results purged {now[:10]}")))
                conn.execute(
                    "UPDATE jobs SET purged = ?, counts = ?, note = ? WHERE id = ?",
                    (now, json.dumps(job.counts), note, job.id),
                )
                conn.execute("DELETE FROM job_outcomes WHERE job_id = ?", (job.id,))
                conn.execute("DELETE FROM job_chunks WHERE job_id = ?", (job.id,))
                conn.execute("DELETE FROM job_lines WHERE job_id = ?", (job.id,))
            return found

        found = self._tx(body)
        if found.jobs and not dry_run:
            self._do(lambda: self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)"))
        return found
