"""Time as each vendor writes it: SENS in KST wall time without an offset, the Mailer in KST with a
space-separated millisecond field, the Hub in ISO 8601 with +09:00. All stored times are epoch ms."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from ..times import KST, now_ms, to_ms
from ..times import from_ms as _kst

__all__ = ["KST"]

DAY_MS = 86_400_000
_KST_MS = 9 * 3_600_000
_EPOCH_DATE = date(1970, 1, 1)


def start_of_utc_day_ms() -> int:
    return now_ms() // DAY_MS * DAY_MS


_KST_HOURS: dict[int, str] = {}  # hour number -> "YYYY-MM-DDTHH:" (two years of data: ~17,500)
_MM_SS = [f"{m:02d}:{s:02d}" for m in range(60) for s in range(60)]  # second of the hour -> "MM:SS"
_MILLIS = [f"{ms:03d}" for ms in range(1000)]


def sens_time(ms: int) -> str:
    """2025-11-21T16:10:47.884 (KST wall time, no offset). Hot path (every listed entry), so the
    date and hour are cached per hour and the rest comes from small tables of ready-made text."""
    seconds, milli = divmod(ms + _KST_MS, 1000)
    hour, second_of_hour = divmod(seconds, 3600)
    prefix = _KST_HOURS.get(hour)
    if prefix is None:
        if len(_KST_HOURS) >= 200_000:
            _KST_HOURS.clear()
        day, hour_of_day = divmod(hour, 24)
        prefix = _KST_HOURS[hour] = f"{(_EPOCH_DATE + timedelta(days=day)).isoformat()}T{hour_of_day:02d}:"
    return f"{prefix}{_MM_SS[second_of_hour]}.{_MILLIS[milli]}"


def mailer_block_date(ms: int) -> dict:
    """{"utc": 1546569106178, "formattedDate": "2019-01-04", "formattedDateTime": "2019-01-04 11:31:46 178"}."""
    dt = _kst(ms)
    return {
        "utc": ms,
        "formattedDate": dt.strftime("%Y-%m-%d"),
        "formattedDateTime": dt.strftime("%Y-%m-%d %H:%M:%S ") + f"{ms % 1000:03d}",
    }


def hub_time(ms: int | None) -> str | None:
    """2024-10-29T06:00:01.000+09:00, or None."""
    if ms is None:
        return None
    return _kst(ms).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}+09:00"


_MAILER_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S %f", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def parse_mailer_datetime(text: str) -> int | None:
    """A Mailer `startDateTime`/`endDateTime` as epoch ms, read as UTC (the English docs' reading;
    the Korean docs say UTC+9, which is why clients should send the *Utc parameters)."""
    text = text.strip()
    for fmt in _MAILER_FORMATS:
        try:
            dt = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return to_ms(dt.replace(tzinfo=UTC))
    return None
