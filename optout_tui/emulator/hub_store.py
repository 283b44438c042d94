"""Notification Hub 080 numbers, oldest request first.

Deregistering marks a number TERMINATED (not terminable any more, `deletedDateTime` set) instead of
removing it, as the vendor's own statuses suggest; registering a TERMINATED number again replaces it
with a fresh EXTERNAL entry.
"""

from __future__ import annotations

import re

from .clock import hub_time
from .sample_data import Number080

NUMBER_080 = re.compile(r"080[0-9]{7,8}")  # 080-123-4567 or 080-1234-5678; use with fullmatch


class HubStore:
    def __init__(self, numbers: list[Number080]) -> None:
        self._numbers: dict[str, Number080] = {n.number: n for n in numbers}

    def __len__(self) -> int:
        return len(self._numbers)

    def get(self, number: str) -> Number080 | None:
        return self._numbers.get(number)

    def search(self, like: re.Pattern[str] | None) -> list[Number080]:
        """The numbers `like` matches from their first digit on (the Hub's prefix search); all without one."""
        return [n for n in self._numbers.values() if like is None or like.match(n.number)]

    def add_external(self, number: str, company: str, now: int) -> Number080:
        self._numbers.pop(number, None)
        entry = Number080(number, company, "PRIMARY", "EXTERNAL", "RESERVE_USE", True, now)
        self._numbers[number] = entry
        return entry

    def terminate(self, entry: Number080, now: int) -> None:
        entry.status = "TERMINATED"
        entry.terminable = False
        entry.deleted_ms = now

    @staticmethod
    def render(entry: Number080, number_as_int: bool = False) -> dict:
        return {
            "unsubscribePhoneNumber": int(entry.number) if number_as_int else entry.number,
            "corporationName": entry.company,
            "shareStatus": entry.share_status,
            "provider": entry.provider,
            "status": entry.status,
            "terminable": entry.terminable,
            "requestedDateTime": hub_time(entry.requested_ms),
            "startedDateTime": hub_time(entry.started_ms),
            "deletedDateTime": hub_time(entry.deleted_ms),
        }
