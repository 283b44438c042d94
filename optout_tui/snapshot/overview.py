"""The figures behind the Overview tab, computed from the snapshot: counts, opt-outs over time,
shares (ARS vs manual, recipient vs admin) and the 080 numbers by status.

Days and weeks are Korean calendar days (the vendors' zone); weeks start on Monday.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from ..api.base import ListKind
from ..times import KST
from .schema import SPECS
from .store import SyncState

DAY_MS = 86_400_000
_KST_MS = 9 * 3_600_000
_EPOCH_DAY = date(1970, 1, 1)


@dataclass(slots=True)
class Overview:
    counts: dict[ListKind, int]
    states: dict[ListKind, SyncState | None]
    per_day: dict[ListKind, list[tuple[date, int]]]  # oldest first, zero-filled
    per_week: dict[ListKind, list[tuple[date, int]]]  # Monday of each week, oldest first
    sms_sources: dict[str, int] = field(default_factory=dict)  # "ARS" / "manual"
    email_registered_by: dict[str, int] = field(default_factory=dict)  # "recipient" / "admin"
    n080_statuses: dict[str, int] = field(default_factory=dict)

    @staticmethod
    def share(parts: dict[str, int]) -> dict[str, float]:
        total = sum(parts.values())
        return {k: (v / total if total else 0.0) for k, v in parts.items()}


def _day_of(ms: int) -> int:
    return (ms + _KST_MS) // DAY_MS


def _date(day: int) -> date:
    return _EPOCH_DAY + timedelta(days=day)


def overview(store, *, days: int = 30, weeks: int = 26, now: datetime | None = None) -> Overview:
    conn = store.conn()
    now = now or datetime.now(UTC)
    today = (now.astimezone(KST).date() - _EPOCH_DAY).days
    counts = {kind: store.count(kind) for kind in ListKind}
    states = store.states()
    per_day: dict[ListKind, list[tuple[date, int]]] = {}
    per_week: dict[ListKind, list[tuple[date, int]]] = {}
    for kind, table, col in ((spec.kind, spec.table, spec.time) for spec in SPECS.values() if spec.time):
        first_day = today - days + 1
        found = dict(
            conn.execute(
                f"SELECT ({col} + ?) / ? AS d, count(*) FROM {table} WHERE {col} >= ? GROUP BY d",
                (_KST_MS, DAY_MS, first_day * DAY_MS - _KST_MS),
            ).fetchall()
        )
        per_day[kind] = [(_date(d), found.get(d, 0)) for d in range(first_day, today + 1)]
        this_monday = today - _date(today).weekday()
        first_monday = this_monday - 7 * (weeks - 1)
        # day 0 (1970-01-01) was a Thursday: Monday-based week of day d is (d + 3) // 7
        found = dict(
            conn.execute(
                f"SELECT (({col} + ?) / ? + 3) / 7 AS w, count(*) FROM {table} WHERE {col} >= ? GROUP BY w",
                (_KST_MS, DAY_MS, first_monday * DAY_MS - _KST_MS),
            ).fetchall()
        )
        per_week[kind] = [
            (_date(monday), found.get((monday + 3) // 7, 0)) for monday in range(first_monday, this_monday + 1, 7)
        ]
    sources = dict(conn.execute("SELECT source, count(*) FROM sms GROUP BY source").fetchall())
    by = {
        ("admin" if k else "recipient"): v
        for k, v in conn.execute("SELECT by_admin, count(*) FROM email GROUP BY by_admin").fetchall()
    }
    statuses = dict(conn.execute("SELECT status, count(*) FROM n080 GROUP BY status ORDER BY status").fetchall())
    return Overview(counts, states, per_day, per_week, sources, by, statuses)
