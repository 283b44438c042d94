"""The audit trail: one append-only row for every change, single or bulk.

Who (OS user), where (profile, list), what (action, the values or the job id for big jobs), why
(the reason note) and what the vendor answered. Triggers in the schema refuse UPDATE and DELETE.
Nothing secret is ever passed in: values are phone numbers and addresses, answers are summaries.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from . import db

# Up to this many values are written into the row itself; bigger jobs are named by their job id.
INLINE_VALUES = 100


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers without a passwd entry)
        return "unknown"


@dataclass(slots=True)
class AuditEntry:
    at: str  # ISO 8601, UTC
    os_user: str
    profile: str
    list: str
    action: str
    count: int
    values: list[str] | None = None  # None when the job is too big to inline; see job_id
    job_id: str | None = None
    reason: str = ""
    answer: str = ""
    id: int | None = field(default=None)

    def as_dict(self) -> dict:
        return {
            "id": self.id, "at": self.at, "os_user": self.os_user, "profile": self.profile, "list": self.list,
            "action": self.action, "count": self.count, "values": self.values, "job_id": self.job_id,
            "reason": self.reason, "answer": self.answer,
        }


class AuditLog(db.Store):
    def append(
        self,
        *,
        profile: str,
        list_kind: str,
        action: str,
        values: Sequence[str],
        answer: str,
        reason: str = "",
        job_id: str | None = None,
        user: str | None = None,
        count: int | None = None,
    ) -> AuditEntry:
        inline = list(values) if len(values) <= INLINE_VALUES else None
        entry = AuditEntry(
            at=datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            os_user=user or os_user(),
            profile=profile,
            list=str(list_kind),
            action=str(action),
            count=len(values) if count is None else count,
            values=inline,
            job_id=job_id,
            reason=reason,
            answer=answer,
        )

        def write():
            cur = self._conn.execute(  # autocommit: one INSERT is its own transaction
                "INSERT INTO audit (at, os_user, profile, list, action, count, vals, job_id, reason, answer)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                (entry.at, entry.os_user, entry.profile, entry.list, entry.action, entry.count,
                 None if inline is None else json.dumps(inline, ensure_ascii=False), job_id, reason, answer),
            )
            return cur.lastrowid

        with self._lock:
            entry.id = db.guarded(self.path, write)
        return entry

    def entries(self, since: datetime | None = None) -> Iterator[AuditEntry]:
        """Entries in time order, from `since` (aware or naive local time) on."""
        after = ""
        if since is not None:
            if since.tzinfo is None:
                since = since.astimezone()
            after = since.astimezone(timezone.utc).isoformat(timespec="milliseconds")
        last_id = 0
        while True:
            with self._lock:
                rows = db.guarded(self.path, lambda: self._conn.execute(
                    "SELECT id, at, os_user, profile, list, action, count, vals, job_id, reason, answer FROM audit"
                    " WHERE at >= ? AND id > ? ORDER BY id LIMIT 2000", (after, last_id)).fetchall())
            if not rows:
                return
            for (rid, at, user, profile, lst, action, count, vals, job_id, reason, answer) in rows:
                yield AuditEntry(at, user, profile, lst, action, count, None if vals is None else json.loads(vals),
                                 job_id, reason, answer, rid)
            last_id = rows[-1][0]
