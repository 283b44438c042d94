"""Every conversion of time in one place: epoch milliseconds, vendor formats, dates people type,
and the local display.

Why one module: the snapshot stores epoch ms, the journal ISO 8601 in UTC, the vendors speak Korean
wall time or ISO with an offset, and people read and type local time. Each conversion written once
means a moment makes the round trip through all of them unchanged (integer arithmetic, no float
rounding), and a date nobody can mean (`9999-12-31` to its end, `1000000d` ago) is refused in
words instead of overflowing somewhere deep.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta, timezone

KST = timezone(timedelta(hours=9), "KST")
"""The vendors' zone: a time without an offset from a Korean vendor is Korean wall time."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
MINUTE_FORMAT = "%Y-%m-%d %H:%M"
DATE_FORMAT = "%Y-%m-%d"


# --- epoch milliseconds ---------------------------------------------------------------------------


def to_ms(moment: datetime) -> int:
    """Exact epoch milliseconds; a naive moment is Korean wall time (as the vendors write it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=KST)
    return (moment - _EPOCH) // _MS


def from_ms(ms: int | float) -> datetime:
    """The moment of epoch ms `ms`, in Korean time (`to_ms(from_ms(ms)) == ms` for whole ms)."""
    return (_EPOCH + timedelta(milliseconds=ms)).astimezone(KST)


def opt_to_ms(moment: datetime | None) -> int | None:
    return None if moment is None else to_ms(moment)


def opt_from_ms(ms: int | None) -> datetime | None:
    return None if ms is None else from_ms(ms)


def now() -> datetime:
    """Now, aware, in the machine's zone."""
    return datetime.now().astimezone()


def now_ms() -> int:
    return to_ms(datetime.now(UTC))


# --- vendor and journal formats -------------------------------------------------------------------


def parse_vendor_time(text: str | None) -> datetime | None:
    """ISO 8601 with or without an offset; without one it is Korean wall time (SENS). None when
    there is nothing readable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(str(text).strip().replace(" ", "T", 1))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=KST)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with milliseconds and the moment's own offset (records, exports)."""
    return moment.isoformat(timespec="milliseconds") if moment is not None else None


def utc_iso(moment: datetime | None = None) -> str:
    """ISO 8601 in UTC with milliseconds: how the journal and the audit trail store a moment (they
    sort as text). None means now; a naive moment is the machine's local time."""
    if moment is None:
        moment = datetime.now(UTC)
    elif moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


# --- display --------------------------------------------------------------------------------------


def local(moment: datetime | None, fmt: str = TIME_FORMAT, *, missing: str = "") -> str:
    """A moment in the machine's local time, for people."""
    return moment.astimezone().strftime(fmt) if moment is not None else missing


def local_from_iso(text: str | None, fmt: str = TIME_FORMAT) -> str:
    """A stored ISO 8601 time (the journal's) in the machine's local time; unreadable text as it is."""
    if not text:
        return ""
    try:
        return datetime.fromisoformat(text).astimezone().strftime(fmt)
    except ValueError:
        return text


def describe_range(since: datetime | None, until: datetime | None) -> str:
    """A short label for a date range."""
    if since is None and until is None:
        return "all dates"
    left = since.strftime(DATE_FORMAT) if since else "…"
    right = until.strftime(DATE_FORMAT) if until else "now"
    return f"{left} → {right}"


# --- dates people type ----------------------------------------------------------------------------

_RELATIVE = re.compile(r"^\s*(\d+)\s*([hdwmy])\s*$", re.IGNORECASE)
_WHOLE_DAYS = re.compile(r"^\s*\d+\s*[dwmy]\s*$", re.IGNORECASE)
_UNITS = {
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
    "m": timedelta(days=30),
    "y": timedelta(days=365),
}
_FORMS = "use 2026-01-31, '2026-01-31 14:00', or 7d / 2w / 3m / 1y ago"


class DateError(ValueError):
    """A date that could not be read, or one out of range; the message says which forms work."""


def parse_date(text: str, *, end_of_day: bool = False, now: datetime | None = None) -> datetime:
    """A timezone-aware datetime in local time: `2026-01-31`, `2026-01-31 14:00`, `today`,
    `yesterday`, or relative `7d`, `2w`, `3m`, `1y`, `12h` ago. `end_of_day` makes a bare date mean
    its last millisecond."""
    now = now or datetime.now().astimezone()
    text = text.strip()
    try:
        match = _RELATIVE.match(text)
        if match:
            return now - int(match.group(1)) * _UNITS[match.group(2).lower()]
        if text.lower() == "today":
            text = now.strftime(DATE_FORMAT)
        elif text.lower() == "yesterday":
            text = (now - timedelta(days=1)).strftime(DATE_FORMAT)
        try:
            moment = datetime.fromisoformat(text.replace("/", "-").replace(".", "-") if len(text) <= 10 else text)
        except ValueError:
            raise DateError(f"cannot read the date {text!r}: {_FORMS}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=now.tzinfo)
        if end_of_day and len(text) <= 10:
            moment = moment + timedelta(days=1) - _MS
        to_ms(moment)  # every moment we hand on must survive the conversions after it
        return moment
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, DateError):
            raise
        raise DateError(f"the date {text!r} is out of range: {_FORMS}") from None


def parse_date_range(text: str, *, now: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """Filter text -> (since, until): a bare date or a relative span is a start; `..TO` is an end;
    `FROM..TO` is both, TO inclusive of its whole day; empty means the whole period. Relative spans
    of days or more count back from the start of today, so `7d` means the same all day."""
    now = (now or datetime.now()).astimezone()
    text = (text or "").strip()
    if not text:
        return None, None

    def point(part: str, *, end: bool) -> datetime:
        part = part.strip()
        base = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo) if _WHOLE_DAYS.match(part) else now
        try:
            return parse_date(part, end_of_day=end, now=base)
        except DateError as exc:
            reason = "is out of range" if "out of range" in str(exc) else "is not a date"
            raise DateError(f"{part!r} {reason}; use 2026-01-31, 7d / 2w / 3m / 1y, or FROM..TO") from None

    if ".." in text:
        left, _, right = text.partition("..")
        since = point(left, end=False) if left.strip() else None
        until = point(right, end=True) if right.strip() else None
        if since and until and since > until:
            raise DateError("the start of the range is after its end; swap them")
        return since, until
    return point(text, end=False), None
