"""Outbound Mailer unsubscribers: parallel lists in registration order (times ascending).

Addresses compare ignoring case, or exactly with `case_sensitive` (EmulatorConfig.mailer_case_sensitive).
The list answer needs a total count, so a filtered request costs O(entries in the time range); an
unfiltered one sorted by time costs O(page).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from .clock import mailer_block_date
from .sample_data import EmailRows

_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def valid_address(value: object) -> bool:
    return isinstance(value, str) and len(value) <= 320 and _ADDRESS.match(value) is not None


class MailStore:
    def __init__(self, rows: EmailRows, case_sensitive: bool = False) -> None:
        self.times = rows.times
        self.addresses = rows.addresses
        self.by_manager = rows.by_manager
        self._key = str if case_sensitive else str.lower
        self._time_of = {self._key(a): t for a, t in zip(rows.addresses, rows.times, strict=True)}

    def __len__(self) -> int:
        return len(self.times)

    def __contains__(self, address: str) -> bool:
        return self._key(address) in self._time_of

    def _position(self, address: str) -> int | None:
        key = self._key(address)
        t = self._time_of.get(key)
        if t is None:
            return None
        i = bisect_left(self.times, t)
        while i < len(self.times) and self.times[i] == t:
            if self._key(self.addresses[i]) == key:
                return i
            i += 1
        return None  # pragma: no cover - the index and the lists always agree

    def entry(self, pos: int) -> dict:
        return {
            "address": self.addresses[pos],
            "blockDate": mailer_block_date(self.times[pos]),
            "isRegByManager": self.by_manager[pos],
        }

    def select(
        self,
        start: int,
        end: int,
        address: str | None,
        by_manager: bool | None,
        sort: list[tuple[str, bool]],
    ) -> Sequence[int]:
        """Positions matching the filter, in the requested order (sort = [(property, descending)])."""
        lo = bisect_left(self.times, start)
        hi = bisect_right(self.times, end)
        if address is not None:
            pos = self._position(address)
            if pos is None or not lo <= pos < hi or by_manager not in (None, self.by_manager[pos]):
                return []
            return [pos]
        chosen: Sequence[int] = range(lo, hi)
        if by_manager is not None:
            flags = self.by_manager
            chosen = [i for i in chosen if flags[i] == by_manager]
        if not sort:
            return chosen
        if len(sort) == 1 and sort[0][0] == "createUtc":
            return chosen[::-1] if sort[0][1] else chosen
        ordered = list(chosen)
        for prop, descending in reversed(sort):  # stable sorts, last key first
            column = self.times if prop == "createUtc" else self.by_manager
            ordered.sort(key=column.__getitem__, reverse=descending)
        return ordered

    def register(self, values: list, now: int) -> tuple[int, int]:
        """Add valid addresses not yet present (as registered by an admin). -> (added, ignored)."""
        added = 0
        for value in values:
            if not valid_address(value) or value in self:
                continue
            t = max(now, self.times[-1]) if self.times else now
            self.times.append(t)
            self.addresses.append(value)
            self.by_manager.append(True)
            self._time_of[self._key(value)] = t
            added += 1
        return added, len(values) - added

    def delete(self, values: list) -> tuple[int, int]:
        """Remove the addresses present. -> (removed, ignored)."""
        removed = 0
        for value in values:
            if not isinstance(value, str):
                continue
            pos = self._position(value)
            if pos is None:
                continue
            del self.times[pos], self.addresses[pos], self.by_manager[pos]
            del self._time_of[self._key(value)]
            removed += 1
        return removed, len(values) - removed
