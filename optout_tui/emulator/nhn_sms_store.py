"""NHN Cloud SMS 080 opt-out data: the project's 080 numbers and, per number, its opted-out recipients.

Sample data for one seed: six 080 numbers covering every status and both share types, one of them with 8 digits
after 080 and one with no recipients, holding a few hundred recipients in all; some recipients are on two numbers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ..times import from_ms
from .clock import DAY_MS

TWO_YEARS_MS = 730 * DAY_MS

# (company, status, share type, recipients)
_NUMBERS = (
    ("(주)한빛물산", "USED", "MASTER", 137),
    ("Mirae Foods Co., Ltd.", "USED", "SHARE", 37),  # 42 with the 5 it shares with the first
    ("누리보험 서비스", "RESERVE_USE", "MASTER", 0),
    ("Blue Harbor Travel", "EXTERNAL_REGIST", "MASTER", 15),
    ("Orbit Games Korea", "TERMINATE", "MASTER", 3),
    ("Green Leaf Cosmetics", "EXTERNAL_TERMINATE", "SHARE", 25),
)
_LONG = 3  # this one has 8 digits after 080 (080-1234-5678, as NHN's own examples)
_SHARED = 5  # the first recipients of the first number are on the second one too


@dataclass(slots=True)
class SmsNumber080:
    number: str
    company: str
    status: str
    share_type: str
    requested_ms: int
    started_ms: int | None
    recipients: dict[str, int] = field(default_factory=dict)  # recipient -> requested ms, oldest first


def sample_numbers(seed: int, anchor_ms: int) -> list[SmsNumber080]:
    rnd = random.Random(f"nhn-sms:{seed}")
    out = []
    for i, (company, status, share, count) in enumerate(_NUMBERS):
        digits = rnd.randrange(1_000_000, 10_000_000)
        number = f"080{rnd.randrange(1, 10)}{digits:07d}" if i == _LONG else f"080{digits:07d}"
        requested = anchor_ms - TWO_YEARS_MS - rnd.randrange(DAY_MS, 90 * DAY_MS)
        started = None if status == "RESERVE_USE" else requested + rnd.randrange(1, 14) * DAY_MS
        entry = SmsNumber080(number, company, status, share, requested, started)
        times = sorted(anchor_ms - 1 - rnd.randrange(TWO_YEARS_MS) for _ in range(count))
        for k, moment in enumerate(times):  # whole seconds, tenths and milliseconds: Java prints `.0`, `.5`, `.123`
            recipient = f"010{rnd.randrange(20_000_000, 100_000_000):08d}"
            entry.recipients.setdefault(recipient, moment - moment % (1000, 100, 1)[k % 3])
        out.append(entry)
    first, second = out[0], out[1]
    for recipient in list(first.recipients)[:_SHARED]:
        second.recipients.setdefault(recipient, first.recipients[recipient])
    second.recipients = dict(sorted(second.recipients.items(), key=lambda item: item[1]))
    return out


def java_time(ms: int) -> str:
    """`2018-05-14 17:07:29.0`: a Java Timestamp's text in KST (1 to 3 fraction digits, trailing zeros dropped)."""
    fraction = f"{ms % 1000:03d}".rstrip("0") or "0"
    return from_ms(ms).strftime("%Y-%m-%d %H:%M:%S.") + fraction


def plain_time(ms: int | None) -> str | None:
    return None if ms is None else from_ms(ms).strftime("%Y-%m-%d %H:%M:%S")


class NhnSmsStore:
    def __init__(self, numbers: list[SmsNumber080]) -> None:
        self.numbers = {n.number: n for n in numbers}
        self.removals: list[tuple[str, str, str]] = []  # (080 number, recipient, updateUser), for tests

    def recipients(
        self,
        number080: str | None,
        recipient: str | None,
        start_ms: int | None,
        end_ms: int | None,
        end_inclusive: bool,
    ) -> list[tuple[str, str, int]]:
        """(080 number, recipient, requested ms), newest first."""
        rows = []
        for entry in self.numbers.values() if number080 is None else [self.numbers[number080]]:
            for who, moment in entry.recipients.items():
                if recipient is not None and who != recipient:
                    continue
                if start_ms is not None and moment < start_ms:
                    continue
                if end_ms is not None and (moment > end_ms if end_inclusive else moment >= end_ms):
                    continue
                rows.append((entry.number, who, moment))
        rows.sort(key=lambda row: row[2], reverse=True)
        return rows

    def register(self, number080: str, recipients: list[str], now: int, refresh: bool) -> None:
        listed = self.numbers[number080].recipients
        for recipient in recipients:
            if refresh or recipient not in listed:
                listed.pop(recipient, None)
                listed[recipient] = now

    def remove(self, number080: str, recipients: list[str], user: str) -> None:
        listed = self.numbers[number080].recipients
        for recipient in recipients:
            if listed.pop(recipient, None) is not None:
                self.removals.append((number080, recipient, user))

    @staticmethod
    def render_number(entry: SmsNumber080) -> dict:
        return {
            "unsubscribeNo": entry.number,
            "enterpriseName": entry.company,
            "requestDateTime": plain_time(entry.requested_ms),
            "startDateTime": plain_time(entry.started_ms),
            "status": entry.status,
            "shareType": entry.share_type,
        }
