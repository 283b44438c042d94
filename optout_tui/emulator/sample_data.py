"""Deterministic, realistic sample data for one seed: SMS opt-outs, email unsubscribers, 080 numbers.

SMS data is built for size (up to millions of entries in a couple of seconds): numbers and times are
drawn in bulk from `random.randbytes` and kept in flat arrays, never one object per entry.
"""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass
from itertools import accumulate

from .clock import DAY_MS

TWO_YEARS_MS = 730 * DAY_MS

# Phone numbers are stored as int("1" + digits): the leading 1 keeps the leading zero (see sms_store).
_MOBILE_010 = 1010 * 10**8  # "010" + 8 digits
_NEW_SPACE = 80_000_000  # middle block 2000-9999
_OLD_PREFIXES = (1011, 1016, 1017, 1019)  # "011", "016", "017", "019" + 7 digits
_OLD_SPACE = 4_000_000
_ARS_SHARE = 90  # of 256: about 35% of SMS opt-outs came in by ARS (registerType C)
POS_BITS = 21  # positions packed beside the number in the lookup index


@dataclass(slots=True)
class SmsArrays:
    times: array  # epoch ms, ascending
    numbers: array  # int("1" + digits), in the same order as times
    ars: bytearray  # 1 = registered by ARS (C), 0 = manual (M)
    index: array  # sorted (number << 21 | position): exact lookup by bisect


def _rng(kind: str, seed: int) -> random.Random:
    return random.Random(f"{kind}:{seed}")


def _number_key(u: int) -> int:
    if u < _NEW_SPACE:
        return _MOBILE_010 + 20_000_000 + u
    j = u - _NEW_SPACE
    return _OLD_PREFIXES[j & 3] * 10**7 + 2_000_000 + (j >> 2) * 7 + (j & 3)


def _ascending_times(rnd: random.Random, count: int, anchor_ms: int) -> array:
    """`count` ascending times ending just before `anchor_ms` and spanning about two years: random
    gaps summed in C (`accumulate`), which is much faster than sorting random times."""
    if count == 0:
        return array("q")
    raw = array("I")
    raw.frombytes(rnd.randbytes(4 * count))
    mean_gap = max(1, TWO_YEARS_MS // count)
    gaps = [x % (2 * mean_gap) for x in raw]
    gaps[0] = 0
    start = anchor_ms - 1 - sum(gaps)
    return array("q", accumulate(gaps, initial=start))[1:]


def sms_arrays(count: int, seed: int, anchor_ms: int) -> SmsArrays:
    """`count` distinct Korean mobile numbers (mostly 010, some 011/016/017/019) registered over the
    two years before `anchor_ms`, about a third by ARS."""
    if count >= 1 << POS_BITS:
        raise ValueError("sms_count too large for the lookup index")
    rnd = _rng("sms", seed)
    space = _NEW_SPACE + _OLD_SPACE
    keys: dict[int, None] = {}
    while len(keys) < count:
        need = count - len(keys)
        draw = need + need // 64 + 16
        raw = array("I")
        raw.frombytes(rnd.randbytes(4 * draw))
        keys.update(dict.fromkeys([_number_key(x % space) for x in raw]))
    numbers = array("q", list(keys)[:count])

    times = _ascending_times(rnd, count, anchor_ms)

    ars = bytearray(rnd.randbytes(count).translate(bytes(1 if b < _ARS_SHARE else 0 for b in range(256))))
    index = array("q", sorted([(key << POS_BITS) | pos for pos, key in enumerate(numbers)]))
    return SmsArrays(times, numbers, ars, index)


# ---------------------------------------------------------------- email

_GIVEN = (
    "minji",
    "seoyeon",
    "jiwoo",
    "hayoon",
    "jiho",
    "minjun",
    "seojun",
    "dohyun",
    "yerin",
    "sumin",
    "jihoon",
    "hyunwoo",
    "eunji",
    "soyoung",
    "jaehyun",
    "yuna",
    "taeyang",
    "dahye",
    "sungmin",
    "hana",
    "junho",
    "eunbi",
    "kyungsoo",
    "mina",
    "donghyun",
    "jiyeon",
    "woojin",
    "seungho",
    "nari",
    "haneul",
)
_FAMILY = ("kim", "lee", "park", "choi", "jung", "kang", "cho", "yoon", "jang", "lim", "han", "oh", "seo", "shin")
_DOMAINS = (
    ("naver.com", 34),
    ("gmail.com", 22),
    ("daum.net", 12),
    ("hanmail.net", 6),
    ("kakao.com", 8),
    ("nate.com", 4),
    ("hanbit-logistics.co.kr", 4),
    ("seoul-fintech.kr", 3),
    ("mirae-foods.com", 3),
    ("example-corp.co.kr", 4),
)


@dataclass(slots=True)
class EmailRows:
    times: list[int]  # epoch ms, ascending
    addresses: list[str]
    by_manager: list[bool]


def email_rows(count: int, seed: int, anchor_ms: int) -> EmailRows:
    """`count` distinct addresses across common Korean domains and a few company domains; about a
    quarter registered by an admin (isRegByManager), the rest by the recipient."""
    rnd = _rng("email", seed)
    domains = [d for d, _ in _DOMAINS]
    weights = [w for _, w in _DOMAINS]
    seen: set[str] = set()
    addresses: list[str] = []
    while len(addresses) < count:
        given, family = rnd.choice(_GIVEN), rnd.choice(_FAMILY)
        style = rnd.randrange(5)
        if style == 0:
            local = f"{given}.{family}"
        elif style == 1:
            local = f"{given}{rnd.randrange(70, 100):02d}"
        elif style == 2:
            local = f"{family}_{given}{rnd.randrange(1, 1000)}"
        elif style == 3:
            local = f"{given[0]}{family}{rnd.randrange(1, 100)}"
        else:
            local = f"{given}.{family}{rnd.randrange(1, 10000)}"
        address = f"{local}@{rnd.choices(domains, weights)[0]}"
        if address not in seen:
            seen.add(address)
            addresses.append(address)
    times = sorted(anchor_ms - 1 - rnd.randrange(TWO_YEARS_MS) for _ in range(count))
    by_manager = [rnd.random() < 0.25 for _ in range(count)]
    return EmailRows(times, addresses, by_manager)


# ---------------------------------------------------------------- 080 numbers

# (company, share status, provider, status, terminable, started?, deleted?)
_NUMBERS_080 = (
    ("(주)한빛물산", "PRIMARY", "INTERNAL", "IN_USE", False, True, False),
    ("Mirae Foods Co., Ltd.", "PRIMARY", "EXTERNAL", "IN_USE", True, True, False),
    ("서울핀테크 주식회사", "SECONDARY", "INTERNAL", "IN_USE", False, True, False),
    ("Blue Harbor Travel", "PRIMARY", "EXTERNAL", "READY", True, False, False),
    ("(주)다온커머스", "PRIMARY", "INTERNAL", "READY", True, False, False),
    ("Hanbit Logistics", "SECONDARY", "EXTERNAL", "RESERVE_USE", True, False, False),
    ("누리보험 서비스", "PRIMARY", "EXTERNAL", "RESERVE_USE", True, False, False),
    ("Orbit Games Korea", "PRIMARY", "INTERNAL", "TERMINATED", False, True, True),
    ("(주)별빛여행사", "SECONDARY", "EXTERNAL", "TERMINATED", False, True, True),
    ("Green Leaf Cosmetics", "PRIMARY", "EXTERNAL", "IN_USE", False, True, False),
    ("한결통신 주식회사", "SECONDARY", "INTERNAL", "RESERVE_USE", True, False, False),
    ("Daehan Motors Service", "PRIMARY", "INTERNAL", "IN_USE", True, True, False),
)
# These have 8 digits after 080 (080-1234-5678, as in NHN's own examples): an external number that can
# be deregistered, and internal ones (which the single-number answer may send as a JSON number).
_LONG_080 = frozenset({1, 4, 10})


@dataclass(slots=True)
class Number080:
    number: str
    company: str
    share_status: str
    provider: str
    status: str
    terminable: bool
    requested_ms: int | None
    started_ms: int | None = None
    deleted_ms: int | None = None


def numbers_080(seed: int, anchor_ms: int) -> list[Number080]:
    """A dozen 080 numbers covering every status, both providers, both share statuses, both
    terminable values and both lengths, with Korean and English company names; oldest request first."""
    rnd = _rng("080", seed)
    numbers = rnd.sample(range(2_000_000, 10_000_000), len(_NUMBERS_080))
    requested = sorted(anchor_ms - rnd.randrange(60 * DAY_MS, TWO_YEARS_MS) for _ in _NUMBERS_080)
    out = []
    for i, (spec, number, req) in enumerate(zip(_NUMBERS_080, numbers, requested, strict=True)):
        company, share, provider, status, terminable, started, deleted = spec
        start_ms = req + rnd.randrange(1, 14) * DAY_MS if started else None
        end_ms = start_ms + rnd.randrange(30, 300) * DAY_MS if deleted and start_ms else None
        digits = f"080{number % 9 + 1}{number:07d}" if i in _LONG_080 else f"080{number:07d}"
        out.append(Number080(digits, company, share, provider, status, terminable, req, start_ms, end_ms))
    return out
