"""The audit trail and a job's per-value results as row sources the dashboard pages through.

Both can be long (years of changes; a job of 100,000 values), so neither is held whole: opening a
view reads only the keys of the rows that match its filter (8 bytes a row), and each page of rows
is read by key when it comes into view, so the first page costs the same for ten rows or a million.
Reads go straight to the journal database (WAL mode: a reader never waits for a writer). Pure: no
Textual; every call is short and blocking, so the dashboard makes them in a thread.
"""

from __future__ import annotations

import json
import threading
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..bulk import db
from ..bulk.audit import AuditEntry
from ..bulk.journal import ValueResult
from ..normalize import Rejected, classify

PAGE = 200  # rows read at once, by key (below SQLite's limit on bound parameters)

AUDIT_FIELDS = ["id", "at", "os_user", "profile", "list", "action", "count", "values", "job_id", "reason", "answer"]
RESULT_FIELDS = ["job_id", "seq", "chunk", "value", "status", "detail"]

# What the status filter of a job's results offers: label -> the status column (None: not sent yet).
RESULT_STATUSES: dict[str, str | None] = {
    "done": "done", "already": "already", "invalid": "invalid", "failed": "failed", "not sent": None,
}


def local_time(iso: str, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """An ISO 8601 time from the journal (UTC) in the machine's time zone."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime(fmt)
    except ValueError:
        return iso


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def search_term(text: str) -> str:
    """What to look for in the audit: a number or an address in any form becomes the stored form."""
    text = text.strip()
    if not text:
        return ""
    found = classify(text)
    return text if isinstance(found, Rejected) else found.value


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True, slots=True)
class AuditFilter:
    since: datetime | None = None
    until: datetime | None = None
    search: str = ""  # part of a value, a job id, a reason, an answer, a user or a profile


class History:
    """One read connection to the journal database, shared by the views of one screen."""

    def __init__(self, path: Path | str) -> None:
        self._conn, self.path = db.connect(path)
        self._lock = threading.Lock()

    def query(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        with self._lock:
            return db.guarded(self.path, lambda: self._conn.execute(sql, params).fetchall())

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def audit(self, flt: AuditFilter = AuditFilter()) -> AuditRows:
        return AuditRows(self, flt)

    def job_results(self, job_id: str, status: str | None = "") -> JobResultRows:
        """`status` "" means every value; None the values not sent yet; else that status."""
        return JobResultRows(self, job_id, status)


class _KeyedRows:
    """Rows addressed by position through an array of their keys, read a page at a time."""

    fields: list[str] = []

    def __init__(self, history: History) -> None:
        self.history = history
        self._keys = array("q")

    @property
    def count(self) -> int:
        return len(self._keys)

    def _fetch(self, keys: list[int]) -> list[Any]:
        raise NotImplementedError

    def rows(self, offset: int, limit: int = PAGE) -> list[Any]:
        """Rows offset..offset+limit in view order."""
        keys = self._keys[offset : offset + limit].tolist()
        return self._fetch(keys) if keys else []

    def __iter__(self) -> Iterator[Any]:
        for offset in range(0, self.count, PAGE):
            yield from self.rows(offset, PAGE)

    def record(self, row: Any) -> dict[str, Any]:
        raise NotImplementedError


class AuditRows(_KeyedRows):
    """The audit trail, newest first, filtered by time and text."""

    fields = AUDIT_FIELDS

    def __init__(self, history: History, flt: AuditFilter) -> None:
        super().__init__(history)
        self.flt = flt
        where, params = ["1"], []
        if flt.since is not None:
            where.append("at >= ?")
            params.append(_utc(flt.since))
        if flt.until is not None:
            where.append("at <= ?")
            params.append(_utc(flt.until))
        term = search_term(flt.search)
        if term:
            columns = ("vals", "job_id", "reason", "answer", "os_user", "profile", "list", "action")
            where.append("(" + " OR ".join(f"coalesce({c}, '') LIKE ? ESCAPE '\\'" for c in columns) + ")")
            params.extend([_like(term)] * len(columns))
        rows = history.query(f"SELECT id FROM audit WHERE {' AND '.join(where)} ORDER BY id DESC", params)
        self._keys = array("q", (r[0] for r in rows))

    def _fetch(self, keys: list[int]) -> list[AuditEntry]:
        marks = ",".join("?" * len(keys))
        rows = self.history.query(
            "SELECT id, at, os_user, profile, list, action, count, vals, job_id, reason, answer FROM audit"
            f" WHERE id IN ({marks}) ORDER BY id DESC", keys)
        return [
            AuditEntry(at, user, profile, lst, action, count, None if vals is None else json.loads(vals),
                       job_id, reason, answer, rid)
            for rid, at, user, profile, lst, action, count, vals, job_id, reason, answer in rows
        ]

    def record(self, row: AuditEntry) -> dict[str, Any]:
        return row.as_dict()


class JobResultRows(_KeyedRows):
    """A job's values in input order, with what the vendor answered for each."""

    fields = RESULT_FIELDS

    def __init__(self, history: History, job_id: str, status: str | None = "") -> None:
        super().__init__(history)
        self.job_id = job_id
        self.status = status
        if status == "":
            rows = history.query("SELECT seq FROM job_values WHERE job_id = ? ORDER BY seq", (job_id,))
        elif status is None:
            rows = history.query(
                "SELECT seq FROM job_values WHERE job_id = ? AND status IS NULL ORDER BY seq", (job_id,))
        else:
            rows = history.query(
                "SELECT seq FROM job_values WHERE job_id = ? AND status = ? ORDER BY seq", (job_id, status))
        self._keys = array("q", (r[0] for r in rows))

    def _fetch(self, keys: list[int]) -> list[ValueResult]:
        if self.status == "":  # every value: the keys are a run of consecutive seqs, one range scan
            rows = self.history.query(
                "SELECT seq, chunk, value, status, detail FROM job_values WHERE job_id = ? AND seq BETWEEN ? AND ?"
                " ORDER BY seq", (self.job_id, keys[0], keys[-1]))
        else:
            marks = ",".join("?" * len(keys))
            rows = self.history.query(
                "SELECT seq, chunk, value, status, detail FROM job_values WHERE job_id = ?"
                f" AND seq IN ({marks}) ORDER BY seq", [self.job_id, *keys])
        return [ValueResult(*row) for row in rows]

    def record(self, row: ValueResult) -> dict[str, Any]:
        return {"job_id": self.job_id, "seq": row.seq, "chunk": row.chunk, "value": row.value,
                "status": row.status or "not_sent", "detail": row.detail}
