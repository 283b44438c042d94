"""The audit trail: one append-only row for every change, single or bulk.

Who (OS user), where (profile, list), what (action, the values or the job id for big jobs), why
(the reason note) and what the vendor answered. Triggers in the schema refuse UPDATE and DELETE.
Nothing secret is ever passed in: values are phone numbers and addresses, answers are summaries.
Reading it (filtered, searched, paged) is the read model's: `history.AuditRows`.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from .history import AuditEntry, AuditFilter, History

# Up to this many values are written into the row itself; bigger jobs are named by their job id.
INLINE_VALUES = 100


def os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (containers without a passwd entry)
        return "unknown"


def new_entry(
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
    """An entry for a change of `values` (written inline up to INLINE_VALUES; `count` when they are not all)."""
    return AuditEntry(
        at=datetime.now(UTC).isoformat(timespec="milliseconds"),
        os_user=user or os_user(),
        profile=profile,
        list=str(list_kind),
        action=str(action),
        count=len(values) if count is None else count,
        values=list(values) if len(values) == (count or len(values)) <= INLINE_VALUES else None,
        job_id=job_id,
        reason=reason,
        answer=answer,
    )


def insert_entry(conn, entry: AuditEntry) -> None:
    """Append `entry` on `conn` (inside the caller's transaction, if it has one) and give it its id."""
    entry.id = conn.execute(
        "INSERT INTO audit (at, os_user, profile, list, action, count, vals, job_id, reason, answer)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            entry.at,
            entry.os_user,
            entry.profile,
            entry.list,
            entry.action,
            entry.count,
            None if entry.values is None else json.dumps(entry.values, ensure_ascii=False),
            entry.job_id,
            entry.reason,
            entry.answer,
        ),
    ).lastrowid


class AuditLog(History):
    def append(self, **fields: Any) -> AuditEntry:
        """Write `new_entry(**fields)` (its keyword arguments) and return it."""
        entry = new_entry(**fields)
        self._do(lambda: insert_entry(self._conn, entry))  # autocommit: one INSERT is its own transaction
        return entry

    def entries(self, since: datetime | None = None) -> Iterator[AuditEntry]:
        """Entries in time order, from `since` (aware or naive local time) on."""
        return iter(self.audit(AuditFilter(since=since), newest_first=False))
