"""SENS opt-out numbers held in flat arrays, so a million entries stay small and a page costs O(page).

Layout: `times`/`numbers`/`ars` are parallel arrays in registration order (times ascending).
A number is stored as int("1" + digits), which keeps leading zeros. Exact lookup: a sorted packed
index for the sample data (bisect) plus a dict for numbers registered later. Deletion clears a flag
in `alive` and records the position in the sorted `dead` list, so paging can count live entries in
a time range by bisecting instead of scanning.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right

from .clock import sens_time
from .sample_data import POS_BITS, SmsArrays

MAX_DIGITS = 18  # int("1" + digits) must fit in a signed 64-bit array slot


def encode(digits: str) -> int:
    return int("1" + digits)


def decode(key: int) -> str:
    return str(key)[1:]


class SmsStore:
    def __init__(self, data: SmsArrays) -> None:
        self.times: array = data.times
        self.numbers: array = data.numbers
        self.ars: bytearray = data.ars
        self._index: array = data.index
        self._index_len = len(data.index)
        self.alive = bytearray(b"\x01") * len(self.times)
        self.dead: list[int] = []  # sorted positions of deleted entries
        self._later: dict[int, int] = {}  # number -> position, for entries added after generation

    def __len__(self) -> int:
        return len(self.times) - len(self.dead)

    # ------------------------------------------------------------ lookup

    def position(self, key: int) -> int | None:
        """Where the live entry for `key` is, or None."""
        pos = self._later.get(key)
        if pos is not None:
            return pos
        i = bisect_left(self._index, key << POS_BITS)
        if i < self._index_len:
            packed = self._index[i]
            if packed >> POS_BITS == key:
                pos = packed & ((1 << POS_BITS) - 1)
                if self.alive[pos]:
                    return pos
        return None

    def entry(self, pos: int) -> dict:
        return {
            "clientTelNo": decode(self.numbers[pos]),
            "registerTime": sens_time(self.times[pos]),
            "registerType": "C" if self.ars[pos] else "M",
        }

    # ------------------------------------------------------------ list

    def page_positions(self, start: int | None, end: int | None, index: int, size: int) -> list[int]:
        """Positions registered in [start, end] (ms, inclusive), newest first, page `index` of `size`."""
        times = self.times
        lo = 0 if start is None else bisect_left(times, start)
        hi = len(times) if end is None else bisect_right(times, end)
        top = self._nth_live_from_top(lo, hi, index * size)
        out: list[int] = []
        alive = self.alive
        while top >= lo and len(out) < size:
            pos = alive.rfind(1, lo, top + 1)
            if pos < 0:
                break
            out.append(pos)
            top = pos - 1
        return out

    def page(self, start: int | None, end: int | None, index: int, size: int) -> list[dict]:
        return [self.entry(pos) for pos in self.page_positions(start, end, index, size)]

    def to_json(self, positions: list[int]) -> bytes:
        """Entries as the JSON array SENS sends. Every value is digits, a timestamp or C/M (nothing
        to escape), so it is assembled directly: listing and registering are the hot paths."""
        numbers, times, ars = self.numbers, self.times, self.ars
        items = []
        last_ms, last_text = -1, ""
        for pos in positions:
            ms = times[pos]
            if ms != last_ms:  # a registration batch shares one time
                last_ms, last_text = ms, sens_time(ms)
            items.append(f'{{"clientTelNo":"{str(numbers[pos])[1:]}","registerTime":"{last_text}",'
                         f'"registerType":"{"C" if ars[pos] else "M"}"}}')
        return ("[" + ",".join(items) + "]").encode()

    def one(self, key: int, start: int | None, end: int | None) -> list[dict]:
        pos = self.position(key)
        if pos is None:
            return []
        t = self.times[pos]
        if (start is not None and t < start) or (end is not None and t > end):
            return []
        return [self.entry(pos)]

    def _dead_between(self, a: int, b: int) -> int:
        return bisect_left(self.dead, b) - bisect_left(self.dead, a)

    def _nth_live_from_top(self, lo: int, hi: int, skip: int) -> int:
        """The highest position p in [lo, hi) with exactly `skip` live entries in (p, hi);
        lo - 1 when the range holds no more than `skip` live entries."""
        if not self.dead or self._dead_between(lo, hi) == 0:
            return hi - 1 - skip
        # live(p) = live entries in [p, hi) falls as p grows; find the largest p with live(p) > skip.
        a, b = lo, hi  # invariant: live(a) > skip unless no such p exists, live(b) <= skip
        if (hi - lo) - self._dead_between(lo, hi) <= skip:
            return lo - 1
        while b - a > 1:
            mid = (a + b) // 2
            if (hi - mid) - self._dead_between(mid, hi) > skip:
                a = mid
            else:
                b = mid
        return a

    # ------------------------------------------------------------ changes

    def register(self, numbers: list[str], now: int) -> list[int]:
        """Add numbers not yet present (manual registration, time `now`); a number already present
        keeps its original time. -> the position of every distinct number, in request order."""
        times = self.times
        if times and times[-1] > now:
            now = times[-1]  # keep times ascending even if the clock stepped back
        # The lookup of `position` inlined: this loop runs for every number of a 1,000-number request.
        later, index, alive, size = self._later, self._index, self.alive, self._index_len
        mask = (1 << POS_BITS) - 1
        out: list[int] = []
        new: list[int] = []
        next_pos = len(times)
        for digits in dict.fromkeys(numbers):
            key = int("1" + digits)
            pos = later.get(key)
            if pos is None:
                i = bisect_left(index, key << POS_BITS)
                if i < size and index[i] >> POS_BITS == key and alive[index[i] & mask]:
                    pos = index[i] & mask
                else:
                    pos = later[key] = next_pos
                    next_pos += 1
                    new.append(key)
            out.append(pos)
        if new:
            times.extend([now] * len(new))
            self.numbers.extend(new)
            self.ars.extend(bytes(len(new)))
            alive.extend(b"\x01" * len(new))
        return out

    def delete(self, numbers: list[str]) -> int:
        """Remove the numbers present; returns how many were."""
        gone = []
        for digits in dict.fromkeys(numbers):
            key = encode(digits)
            pos = self.position(key)
            if pos is None:
                continue
            self.alive[pos] = 0
            self._later.pop(key, None)
            gone.append(pos)
        if gone:
            gone.sort()
            self.dead.extend(gone)
            self.dead.sort()  # two sorted runs: Timsort merges them in linear time
        return len(gone)

    def contains(self, digits: str) -> bool:
        return self.position(encode(digits)) is not None
