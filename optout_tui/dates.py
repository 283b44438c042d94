"""Dates a person types: `2026-01-31`, `2026-01-31 14:00`, or relative `7d`, `2w`, `3m`, `1y`, `12h`."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

_RELATIVE = re.compile(r"^\s*(\d+)\s*([hdwmy])\s*$", re.IGNORECASE)
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1),
          "m": timedelta(days=30), "y": timedelta(days=365)}


class DateError(ValueError):
    """A date that could not be read; the message says which forms work."""


def parse_date(text: str, *, end_of_day: bool = False, now: datetime | None = None) -> datetime:
    """A timezone-aware datetime in local time. `end_of_day` makes a bare date mean its last moment."""
    now = (now or datetime.now().astimezone())
    text = text.strip()
    match = _RELATIVE.match(text)
    if match:
        return now - int(match.group(1)) * _UNITS[match.group(2).lower()]
    if text.lower() == "today":
        text = now.strftime("%Y-%m-%d")
    elif text.lower() == "yesterday":
        text = (now - timedelta(days=1)).strftime("%Y-%m-%d")
    try:
        moment = datetime.fromisoformat(text.replace("/", "-").replace(".", "-") if len(text) <= 10 else text)
    except ValueError:
        raise DateError(
            f"cannot read the date {text!r}: use 2026-01-31, '2026-01-31 14:00', or 7d / 2w / 3m / 1y ago"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=now.tzinfo)
    if end_of_day and len(text) <= 10:
        moment = moment + timedelta(days=1) - timedelta(milliseconds=1)
    return moment
