"""Vendor time formats to timezone-aware datetimes and back."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

KST = timezone(timedelta(hours=9), "KST")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MS = timedelta(milliseconds=1)


def to_ms(moment: datetime) -> int:
    """Exact epoch milliseconds (integer arithmetic, no float rounding); naive means Korean time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=KST)
    return (moment - _EPOCH) // _MS


def from_ms(ms: int | float) -> datetime:
    return (_EPOCH + timedelta(milliseconds=ms)).astimezone(KST)


def parse_vendor_time(text: str | None) -> datetime | None:
    """ISO 8601 with or without an offset; without one it is Korean wall time (SENS)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(str(text).strip().replace(" ", "T", 1))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=KST)
