"""Entries to snapshot rows and back; times as exact epoch milliseconds."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from ..api import timeutil
from ..api.base import EmailEntry, Entry, ListKind, Number080Entry, SmsEntry
from ..api.timeutil import KST  # noqa: F401 - the vendors' zone; entries read back carry it

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MS = timedelta(milliseconds=1)


def to_ms(moment: datetime | None) -> int | None:
    return None if moment is None else timeutil.to_ms(moment)


def from_ms(ms: int | None) -> datetime | None:
    return None if ms is None else timeutil.from_ms(ms)


def at_ms(ms: int) -> datetime:
    """A moment that every `to_ms` rounding (floor of a float, or exact) turns back into `ms`.

    Half a millisecond past `ms`: flooring gives `ms` whichever way the float rounds.
    """
    return _EPOCH + ms * _MS + timedelta(microseconds=500)


def now_ms() -> int:
    return to_ms(datetime.now(timezone.utc))  # type: ignore[return-value]


def _fast_ms(moment: datetime | None) -> int | None:
    """Epoch ms on the hot path: vendor times have millisecond precision, so rounding the float
    timestamp is exact (its error is far below half a millisecond)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=KST)
    return round(moment.timestamp() * 1000)


def sms_row(e: SmsEntry) -> list:
    return [e.number, _fast_ms(e.registered_at), e.source]


def email_row(e: EmailEntry) -> list:
    return [e.address, _fast_ms(e.blocked_at), 1 if e.by_admin else 0]


def n080_row(e: Number080Entry) -> list:
    return [e.number, e.company, e.status, e.provider, e.share_status, 1 if e.terminable else 0,
            _fast_ms(e.requested_at), _fast_ms(e.started_at), _fast_ms(e.deleted_at)]


TO_ROW = {ListKind.SMS: sms_row, ListKind.EMAIL: email_row, ListKind.N080: n080_row}


def page_json(kind: ListKind, entries) -> str:
    """One page of entries as a JSON array of rows in `TableSpec.columns` order (what the writer takes)."""
    to_row = TO_ROW[kind]
    return json.dumps([to_row(e) for e in entries], ensure_ascii=False, separators=(",", ":"))


def entry_from_row(kind: ListKind, row: tuple) -> Entry:
    """A row in `TableSpec.columns` order back into the list's entry type."""
    if kind is ListKind.SMS:
        return SmsEntry(number=row[0], registered_at=from_ms(row[1]), source=row[2])  # type: ignore[arg-type]
    if kind is ListKind.EMAIL:
        return EmailEntry(address=row[0], blocked_at=from_ms(row[1]), by_admin=bool(row[2]))  # type: ignore[arg-type]
    return Number080Entry(
        number=row[0], company=row[1], status=row[2], provider=row[3], share_status=row[4],
        terminable=bool(row[5]), requested_at=from_ms(row[6]), started_at=from_ms(row[7]),
        deleted_at=from_ms(row[8]),
    )
