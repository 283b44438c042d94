"""NHN Cloud Email block receivers: address -> block time (epoch ms), and the demo's sample of them.

Addresses compare ignoring case, or exactly with `case_sensitive`; the `mailAddress` filter matches the whole
address or any part of it (`partial`): the docs say neither (EmulatorConfig.nhn_email_case_sensitive,
nhn_email_address_match).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from .sample_data import TWO_YEARS_MS, email_rows


class NhnEmailStore:
    def __init__(self, rows: Sequence[tuple[str, int]], case_sensitive: bool = False, partial: bool = False) -> None:
        self._key = str if case_sensitive else str.lower
        self._partial = partial
        self._rows = {self._key(address): (address, ms) for address, ms in rows}

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, address: str) -> tuple[str, int] | None:
        return self._rows.get(self._key(address))

    def select(self, address: str | None, start: int | None, end: int | None, newest_first: bool) -> list[tuple]:
        """(address, ms) of the entries matching the filter, by block time (`end` is compared as given)."""
        if address is None:
            rows = list(self._rows.values())
        elif self._partial:
            part = self._key(address)
            rows = [row for key, row in self._rows.items() if part in key]
        else:
            rows = [row] if (row := self.get(address)) is not None else []
        rows = [(a, t) for a, t in rows if (start is None or t >= start) and (end is None or t <= end)]
        return sorted(rows, key=lambda row: (row[1], row[0]), reverse=newest_first)

    def put(self, address: str, ms: int) -> None:
        """Add the address, or set its block time (the listed one keeps its spelling)."""
        old = self.get(address)
        self._rows[self._key(address)] = (old[0] if old else address, ms)

    def remove(self, address: str) -> bool:
        return self._rows.pop(self._key(address), None) is not None


def sample_rows(count: int, seed: int, anchor_ms: int, mailer: Sequence[str] = ()) -> list[tuple[str, int]]:
    """`count` addresses blocked over the two years before `anchor_ms`: a fifth of them also on the Mailer's list
    (`mailer`: one company's customers, on both vendors), a few with capitals as a console upload kept them."""
    rnd = random.Random(f"nhn-email:{seed}")
    shared = rnd.sample(list(mailer), min(len(mailer), count // 5))
    addresses = list(dict.fromkeys([*shared, *email_rows(count, seed + 1, anchor_ms).addresses]))[:count]
    rnd.shuffle(addresses)
    addresses = [a[0].upper() + a[1:] if rnd.random() < 0.05 else a for a in addresses]
    times = sorted(anchor_ms - 1 - rnd.randrange(TWO_YEARS_MS) for _ in addresses)
    return list(zip(addresses, times, strict=True))
