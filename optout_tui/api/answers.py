"""Reading a vendor's successful answer: JSON of the expected shape (or one clear ApiError), and when the call
reached the vendor."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any

from ..times import from_ms, to_ms
from .base import OutcomeStatus
from .errors import ApiError


def json_answer(response: Any, service: str, expect: type = dict) -> Any:
    """The answer's JSON as `expect` (dict or list); a JSON object wrapping one list is accepted for a list."""
    try:
        data = response.json()
    except ValueError:
        raise ApiError(service, "the answer was not JSON", status=response.status_code) from None
    if expect is list and isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, expect):
        shape = "a JSON array" if expect is list else "a JSON object"
        raise ApiError(service, f"the answer was not {shape}", status=response.status_code)
    return data


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- when a change call reached the vendor

MAX_SKEW_MS = 300_000
"""How far our clock can be from a NAVER Cloud vendor's: its gateway refuses a signature timestamp 5 minutes off."""
CLOCK_SLACK_MS = 1_000
"""How far a vendor's registration stamps (its back end) may disagree with its Date header (its gateway)."""


@dataclass(frozen=True, slots=True)
class CallWindow:
    """When a change call can have reached the vendor, in the vendor's clock (epoch ms), to tell an entry that
    was on the list before the call from one the call put there by the entry's own time stamp.

    The answer's Date header says when the vendor answered, in whole seconds and never later than that:
    the call reached it no earlier than the Date less the call's time (`earliest`). A stamp before that
    (by more than CLOCK_SLACK_MS) was there before the call; a stamp at or after it was put there by the
    call, or by another call of the same second (the one case no answer tells apart). Every stamp of one
    call lies within `elapsed` of the call's newest, so one further back was there before the call. Without
    a Date our own clock stands in, off by up to MAX_SKEW_MS: anything newer than that is unknown.
    """

    earliest: int
    elapsed: int
    vendor_clock: bool  # False: from our own clock (the answer had no usable Date header)

    def status(self, stamp: int, newest: int | None = None) -> OutcomeStatus:
        """`already`, `registered` or `unknown` for an entry stamped `stamp`; `newest`: the call's newest stamp."""
        if newest is not None and stamp < newest - self.elapsed:
            return OutcomeStatus.ALREADY
        if stamp < self.earliest - (CLOCK_SLACK_MS if self.vendor_clock else 0):
            return OutcomeStatus.ALREADY
        return OutcomeStatus.REGISTERED if self.vendor_clock and stamp >= self.earliest else OutcomeStatus.UNKNOWN

    def why(self, stamp: int) -> str:
        """Why an entry stamped `stamp` is unknown, in one line."""
        when = from_ms(stamp).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        if not self.vendor_clock:
            return (
                f"on the list since {when} (vendor time), less than 5 minutes before this change; the answer "
                "had no Date header to tell whether this change put it there"
            )
        return (
            f"on the list since {when} (vendor time), about when this change reached the vendor: by it or just before"
        )


def call_window(response: Any, sent_ms: int, elapsed_s: float) -> CallWindow:
    """The window of a change call answered by `response`, sent at `sent_ms` (our clock), `elapsed_s` long."""
    elapsed = math.ceil(elapsed_s * 1000)
    try:
        answered = parsedate_to_datetime(response.headers.get("date", ""))
    except (TypeError, ValueError, IndexError):
        answered = None
    if answered is None:
        return CallWindow(sent_ms - MAX_SKEW_MS, elapsed, vendor_clock=False)
    if answered.tzinfo is None:  # "-0000": RFC 5322 for "UTC, source unknown"; HTTP dates are GMT
        answered = answered.replace(tzinfo=UTC)
    return CallWindow(to_ms(answered) - elapsed, elapsed, vendor_clock=True)
