"""Date-range filter text -> (since, until): `2026-01-31`, `7d`/`2w`/`3m`/`1y`, or `FROM..TO`.

Each end is read by `optout_tui.dates.parse_date`, the one date reader the command line uses too.
Pure (no Textual) so it is tested on its own. A bare date or a relative span is a start ("since");
`..TO` is an end; `FROM..TO` is both, with TO inclusive of its whole day. Relative spans count back
whole days from the start of today, so `7d` means the same all day. Dates are local time.
"""

from __future__ import annotations

import re
from datetime import datetime, time

from ..dates import DateError, parse_date

_WHOLE_DAYS = re.compile(r"^\s*\d+\s*[dwmy]\s*$", re.IGNORECASE)


class DateRangeError(ValueError):
    """The text is not a date range; the message says which forms are accepted."""


def _point(text: str, now: datetime, *, end: bool) -> datetime:
    text = text.strip()
    if _WHOLE_DAYS.match(text):
        now = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
    try:
        return parse_date(text, end_of_day=end, now=now)
    except DateError:
        raise DateRangeError(
            f"{text!r} is not a date; use 2026-01-31, 7d / 2w / 3m / 1y, or FROM..TO"
        ) from None


def parse_date_range(text: str, *, now: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """Parse the filter text; empty text means the whole period."""
    now = (now or datetime.now()).astimezone()  # naive -> aware in the machine's time zone
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
