"""Vendor time formats to timezone-aware datetimes and back."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

KST = timezone(timedelta(hours=9), "KST")


def to_ms(moment: datetime) -> int:
    """Epoch milliseconds; a naive datetime is taken as Korean time (the vendors' zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=KST)
    return int(moment.timestamp() * 1000)


def from_ms(ms: int | float) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=KST)


def parse_vendor_time(text: str | None) -> datetime | None:
    """ISO 8601 with or without an offset; without one it is Korean wall time (SENS)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(str(text).strip().replace(" ", "T", 1))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=KST)
