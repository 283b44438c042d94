"""The one read model of the journal database: the audit trail and a job's per-value results, paged
and searched, for the command line (`jobs show`, `audit`) and the dashboard (Audit, Job results) alike.

Both can be long (years of changes; a job of 100,000 values), so neither is held whole: opening a
view reads only the keys of the rows that match its filter (8 bytes a row), and each page of rows
is read by key when it is wanted, so the first page costs the same for ten rows or a million.
Reads go straight to the journal database (WAL mode: a reader never waits for a writer). Every
call is short and blocking (the dashboard makes them in a thread).
"""

from __future__ import annotations

import builtins
import json
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..api.base import OutcomeStatus
from ..normalize import Rejected, classify
from ..times import utc_iso
from . import db

PAGE = 200  # rows read at once, by key (below SQLite's limit on bound parameters)

AUDIT_FIELDS = ["id", "at", "os_user", "profile", "list", "action", "count", "values", "job_id", "reason", "answer"]
RESULT_FIELDS = ["line", "input", "value", "outcome", "reason"]  # one record per input line
LIST_RESULT_FIELDS = ["line", "input", "value", "list", "outcome", "reason"]  # a job for several lists: a line a list
NOT_SENT = "not sent yet, or cut off before its answer: `jobs resume` sends it"

# What the status filter of a job's results offers: label -> the status column (None: not sent yet).
RESULT_STATUSES: dict[str, str | None] = {
    **{status.value.replace("_", " "): status.value for status in OutcomeStatus},
    "not sent": None,
}


@dataclass(slots=True)
class AuditEntry:
    at: str  # ISO 8601, UTC
    os_user: str
    profile: str
    list: str
    action: str
    count: int
    values: builtins.list[str] | None = None  # None when the job is too big to inline; see job_id
    job_id: str | None = None
    reason: str = ""
    answer: str = ""
    id: int | None = field(default=None)

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "at": self.at,
            "os_user": self.os_user,
            "profile": self.profile,
            "list": self.list,
            "action": self.action,
            "count": self.count,
            "values": self.values,
            "job_id": self.job_id,
            "reason": self.reason,
            "answer": self.answer,
        }


@dataclass(slots=True)
class ValueResult:
    seq: int
    chunk: int
    value: str
    status: str | None  # None: not known yet (never sent, or cut off mid-request)
    detail: str
    line: int = 0  # the input line it came from
    input: str = ""  # that line as typed
    list: str = ""  # the list it went to, named as in JobTarget.name ("" for a line not sent)

    @property
    def sent(self) -> bool:
        """A value of the job, not an input line refused or repeated (those have no seq)."""
        return self.seq >= 0


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


class History(db.Store):
    """A connection to the journal database and the views read through it."""

    def query(self, sql: str, params: tuple | list | dict = ()) -> list[tuple]:
        return self._do(lambda: self._conn.execute(sql, params).fetchall())

    def audit(self, flt: AuditFilter = AuditFilter(), *, newest_first: bool = True) -> AuditRows:
        return AuditRows(self, flt, newest_first)

    def job_results(self, job_id: str, status: str | None = "") -> JobResultRows:
        """`status` "" means every value; None the values not sent yet; else that status."""
        return JobResultRows(self, job_id, status)


class _KeyedRows:
    """Rows addressed by position through an array of their keys, read a page at a time."""

    fields: Sequence[str] = ()  # a class's, or a view's own (a job's results name their list when it has several)
    step = PAGE  # rows a page when iterating

    def __init__(self, history: History, keys: Iterable[int]) -> None:
        self.history = history
        self._keys = array("q", keys)

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
        for offset in range(0, self.count, self.step):
            yield from self.rows(offset, self.step)

    def record(self, row: Any) -> dict[str, Any]:
        raise NotImplementedError


class AuditRows(_KeyedRows):
    """The audit trail filtered by time and text, newest first (or oldest first)."""

    fields = AUDIT_FIELDS

    def __init__(self, history: History, flt: AuditFilter, newest_first: bool = True) -> None:
        self.flt = flt
        self._order = "DESC" if newest_first else ""
        where, params = ["1"], []
        if flt.since is not None:
            where.append("at >= ?")
            params.append(utc_iso(flt.since))
        if flt.until is not None:
            where.append("at <= ?")
            params.append(utc_iso(flt.until))
        term = search_term(flt.search)
        if term:
            columns = ("vals", "job_id", "reason", "answer", "os_user", "profile", "list", "action")
            where.append("(" + " OR ".join(f"coalesce({c}, '') LIKE ? ESCAPE '\\'" for c in columns) + ")")
            params.extend([_like(term)] * len(columns))
        rows = history.query(f"SELECT id FROM audit WHERE {' AND '.join(where)} ORDER BY id {self._order}", params)
        super().__init__(history, (row[0] for row in rows))

    def _fetch(self, keys: list[int]) -> list[AuditEntry]:
        rows = self.history.query(
            "SELECT id, at, os_user, profile, list, action, count, vals, job_id, reason, answer FROM audit"
            f" WHERE id IN ({','.join('?' * len(keys))}) ORDER BY id {self._order}",
            keys,
        )
        return [
            AuditEntry(
                at,
                user,
                profile,
                lst,
                action,
                count,
                None if vals is None else json.loads(vals),
                job_id,
                reason,
                answer,
                rid,
            )
            for rid, at, user, profile, lst, action, count, vals, job_id, reason, answer in rows
        ]

    def record(self, row: AuditEntry) -> dict[str, Any]:
        return row.as_dict()


class JobResultRows(_KeyedRows):
    """A job's input lines in input order: each value with what the vendor answered, and the lines not sent
    (refused, duplicates). A value's key is its seq; a line not sent is keyed by minus its line number.

    A job for several lists holds each value once for each list it went to: its rows come list by list (the
    values of the first list in input order with the lines not sent among them, then the next list's), and
    each record names its list."""

    fields = RESULT_FIELDS
    step = 10 * PAGE  # a page is read as the few whole chunks that hold it: no bound parameter per row

    def __init__(self, history: History, job_id: str, status: str | None = "") -> None:
        self.job_id = job_id
        self.status = status
        self._names = dict(history.query("SELECT target, name FROM job_targets WHERE job_id = ?", (job_id,)))
        if len(self._names) > 1:
            self.fields = LIST_RESULT_FIELDS
        # Where each chunk starts, to find a page's chunks by key (a scan of them would read every chunk's values).
        layout = history.query(
            "SELECT chunk, first_seq, size, lines FROM job_chunks WHERE job_id = ? AND size > 0 ORDER BY chunk",
            (job_id,),
        )
        self._chunks = array("q", (row[0] for row in layout))
        self._firsts = array("q", (row[1] for row in layout))
        if status == "":  # every value: each chunk's seqs, without unpacking its values
            seqs: Iterable[int] = (seq for _, first, size, _ in layout for seq in range(first, first + size))
        else:
            seqs = (
                row[0]
                for row in history.query(
                    "SELECT seq FROM job_values WHERE job_id = ? AND status IS ? ORDER BY seq", (job_id, status)
                )
            )
        where = "" if status == "" else " AND status IS ?"
        others = [
            row[0]
            for row in history.query(
                f"SELECT line FROM job_lines WHERE job_id = ?{where} ORDER BY line",
                (job_id, status)[: 2 if where else 1],
            )
        ]
        if not others:
            super().__init__(history, seqs)
            return
        lines = array("q")  # the input line of every value, by seq
        for _, first, size, nos in layout:
            lines.extend(json.loads(nos) if nos else range(first + 1, first + size + 1))
        keys, at = array("q"), 0
        for seq in seqs:
            while at < len(others) and others[at] < lines[seq]:
                keys.append(-others[at])
                at += 1
            keys.append(seq)
        keys.extend(-line for line in others[at:])
        super().__init__(history, keys)

    def _fetch(self, keys: list[int]) -> list[ValueResult]:
        seqs = [key for key in keys if key >= 0]
        found = {row.seq: row for row in self._values(seqs)} if seqs else {}
        if len(seqs) < len(keys):
            lines = [-key for key in keys if key < 0]
            for line, text, value, status, reason in self.history.query(
                "SELECT line, input, value, status, reason FROM job_lines WHERE job_id = ? AND line BETWEEN ? AND ?",
                (self.job_id, min(lines), max(lines)),
            ):
                found[-line] = ValueResult(-1, -1, value, status, reason, line, text)
        return [found[key] for key in keys]

    def _values(self, keys: list[int]) -> list[ValueResult]:
        """The chunks that hold the keys, unpacked here: a page costs a chunk or two, not the whole job."""
        low, high = keys[0], keys[-1]
        first_chunk, last_chunk = (self._chunks[bisect_right(self._firsts, seq) - 1] for seq in (low, high))
        chunks = self.history.query(
            "SELECT chunk, first_seq, size, vals, status, detail, lines, inputs, target FROM job_chunks"
            " WHERE job_id = ? AND chunk BETWEEN ? AND ? ORDER BY chunk",
            (self.job_id, first_chunk, last_chunk),
        )
        own = {
            seq: (status, detail)
            for seq, status, detail in self.history.query(
                "SELECT seq, status, detail FROM job_outcomes WHERE job_id = ? AND seq BETWEEN ? AND ?",
                (self.job_id, low, high),
            )
        }
        rows: list[ValueResult] = []
        for chunk, first, size, vals, status, detail, lines, inputs, target in chunks:
            values, its = json.loads(vals), (status, detail)
            nos = json.loads(lines) if lines else range(first + 1, first + size + 1)
            texts = json.loads(inputs) if inputs else values
            rows += [
                ValueResult(
                    seq,
                    chunk,
                    values[seq - first],
                    *own.get(seq, its),
                    nos[seq - first],
                    texts[seq - first] or values[seq - first],
                    self._names.get(target, ""),
                )
                for seq in keys[bisect_left(keys, first) : bisect_left(keys, first + size)]
            ]
        return rows

    def record(self, row: ValueResult) -> dict[str, Any]:
        """One input line: what was typed, the value it became, its outcome and why (a value not answered yet
        is `unknown`: it may have reached the vendor)."""
        return {
            "line": row.line,
            "input": row.input,
            "value": row.value,
            **({"list": row.list} if self.fields is LIST_RESULT_FIELDS else {}),
            "outcome": row.status or "unknown",
            "reason": row.detail if row.status else NOT_SENT,
        }
