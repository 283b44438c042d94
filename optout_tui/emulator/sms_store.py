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
from collections import deque
from itertools import compress, repeat
from operator import is_

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
        self._filter: tuple[bytearray, int] | None = None  # see _sample_filter
        self._sample_filter()  # built now, not on the first registration a client times

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

    def _sample_filter(self) -> tuple[bytearray, int]:
        """A byte per slot of (number & mask), set for every sample number: most numbers sent to
        register are new, and a zero byte says so without bisecting the index. Built with the store:
        sixteen to thirty-two bytes per sample number, ~10 ms per 100,000."""
        if self._filter is None:
            mask = (1 << max(12, (16 * self._index_len).bit_length())) - 1  # ~1 in 20 slots set
            table = bytearray(mask + 1)
            for packed in self._index:
                table[(packed >> POS_BITS) & mask] = 1
            self._filter = (table, mask)
        return self._filter

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

    def to_json(self, positions: list[int], digits: list[str] | None = None) -> bytes:
        """Entries as the JSON array SENS sends. Every value is digits, a timestamp or C/M (nothing
        to escape), so it is assembled directly: listing and registering are the hot paths. Entries
        in a row with the same time and type (a registration batch) share one formatted tail and are
        joined in one go. `digits`: the numbers of `positions` as text, when the caller has them."""
        numbers, times, ars = self.numbers, self.times, self.ars
        if digits is None:
            digits = [str(numbers[pos])[1:] for pos in positions]
        groups = []
        count = len(positions)
        i = 0
        while i < count:
            pos = positions[i]
            ms, ars_flag = times[pos], ars[pos]
            j = i + 1
            while j < count and times[positions[j]] == ms and ars[positions[j]] == ars_flag:
                j += 1
            tail = f'","registerTime":"{sens_time(ms)}","registerType":"{"C" if ars_flag else "M"}"}}'
            groups.append('{"clientTelNo":"' + (tail + ',{"clientTelNo":"').join(digits[i:j]) + tail)
            i = j
        return ("[" + ",".join(groups) + "]").encode()

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

    def register(self, numbers: list[str], now: int, *, distinct: bool = False) -> list[int]:
        """Add numbers not yet present (manual registration, time `now`); a number already present
        keeps its original time. -> the position of every distinct number, in request order.
        `distinct`: the caller has de-duplicated `numbers` already."""
        times = self.times
        if times and times[-1] > now:
            now = times[-1]  # keep times ascending even if the clock stepped back
        # This runs for every number of a 1,000-number request, so the per-number steps are done by
        # map() in C; only numbers the sample filter cannot rule out get a Python-level look.
        later = self._later
        keys = list(map(int, map("1".__add__, numbers if distinct else dict.fromkeys(numbers))))  # encode()
        # Positions of numbers registered after generation; skipped when none of these is one.
        known = None if not later or later.keys().isdisjoint(keys) else list(map(later.get, keys))
        maybe_sample, sample_mask = self._sample_filter()
        in_sample = bytes(map(maybe_sample.__getitem__, map(sample_mask.__and__, keys)))
        index, alive, size = self._index, self.alive, self._index_len
        mask = (1 << POS_BITS) - 1
        in_index: dict[int, int] = {}  # i -> position of a live sample entry
        i = in_sample.find(1)
        while i >= 0:
            if known is None or known[i] is None:
                key = keys[i]
                j = bisect_left(index, key << POS_BITS)
                if j < size and index[j] >> POS_BITS == key and alive[index[j] & mask]:
                    in_index[i] = index[j] & mask
            i = in_sample.find(1, i + 1)
        if known is None and not in_index:  # all new: the usual import
            placed = range(len(times), len(times) + len(keys))
            out: list[int | None] = list(placed)
            new = keys
        else:
            out = known if known is not None else [None] * len(keys)
            for i, pos in in_index.items():
                out[i] = pos
            missing = list(compress(range(len(out)), map(is_, out, repeat(None))))
            placed = range(len(times), len(times) + len(missing))
            new = list(map(keys.__getitem__, missing))
            deque(map(out.__setitem__, missing, placed), maxlen=0)  # out[i] = pos, in C
        later.update(zip(new, placed, strict=True))
        if new:
            times.extend(array(times.typecode, (now,)) * len(new))
            self.numbers.extend(new)
            self.ars.extend(bytes(len(new)))
            self.alive.extend(b"\x01" * len(new))
        return out  # type: ignore[return-value]

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
