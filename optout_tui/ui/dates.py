"""Date-range filter text -> (since, until): `2026-01-31`, `7d`/`2w`/`3m`/`1y`, or `FROM..TO`.

Pure (no Textual) so it is tested on its own. A bare date or a relative span is a start ("since");
`..TO` is an end; `FROM..TO` is both, with TO inclusive of its whole day. Dates are local time.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

_RELATIVE = re.compile(r"^(\d{1,4})\s*([dwmy])$", re.IGNORECASE)
_DAYS_PER = {"d": 1, "w": 7, "m": 30, "y": 365}


class DateRangeError(ValueError):
    """The text is not a date range; the message says which forms are accepted."""


def _local(dt: datetime) -> datetime:
    return dt.astimezone()  # naive -> aware in the machine's time zone


def _point(text: str, now: datetime, *, end: bool) -> datetime:
    text = text.strip()
    rel = _RELATIVE.match(text)
    if rel:
        amount, unit = int(rel.group(1)), rel.group(2).lower()
        start_of_today = datetime.combine(now.date(), time.min)
        return _local(start_of_today - timedelta(days=amount * _DAYS_PER[unit]))
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise DateRangeError(
            f"{text!r} is not a date; use 2026-01-31, 7d / 2w / 3m / 1y, or FROM..TO"
        ) from None
    if end:
        return _local(datetime.combine(day + timedelta(days=1), time.min) - timedelta(milliseconds=1))
    return _local(datetime.combine(day, time.min))


def parse_date_range(text: str, *, now: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """Parse the filter text; empty text means the whole period."""
    now = now or datetime.now()
    text = (text or "").strip()
    if not text:
        return None, None
    if ".." in text:
        left, _, right = text.partition("..")
        since = _point(left, now, end=False) if left.strip() else None
        until = _point(right, now, end=True) if right.strip() else None
        if since and until and since > until:
            raise DateRangeError("the start of the range is after its end; swap them")
        return since, until
    return _point(text, now, end=False), None


def describe_range(since: datetime | None, until: datetime | None) -> str:
    """A short label for the status line."""
    if since is None and until is None:
        return "all dates"
    left = since.strftime("%Y-%m-%d") if since else "…"
    right = until.strftime("%Y-%m-%d") if until else "now"
    return f"{left} → {right}"
