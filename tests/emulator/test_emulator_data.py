"""Sample data: deterministic for a seed, realistic, and lean enough for a million SMS entries."""

from __future__ import annotations

import random
import re
from array import array
from collections import Counter

from optout_tui.emulator.sample_data import TWO_YEARS_MS, email_rows, numbers_080, sms_arrays
from optout_tui.emulator.sms_store import SmsStore, decode, encode

from .conftest import ANCHOR_MS

MOBILE = re.compile(r"^01[016789]\d{7,8}$")


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not():
    a, b, c = (sms_arrays(2000, seed, ANCHOR_MS) for seed in (7, 7, 8))
    assert (a.times, a.numbers, a.ars, a.index) == (b.times, b.numbers, b.ars, b.index)
    assert a.numbers != c.numbers
    assert email_rows(300, 7, ANCHOR_MS) == email_rows(300, 7, ANCHOR_MS) != email_rows(300, 8, ANCHOR_MS)
    assert numbers_080(7, ANCHOR_MS) == numbers_080(7, ANCHOR_MS) != numbers_080(8, ANCHOR_MS)


def test_sms_numbers_look_korean_and_times_span_two_years():
    data = sms_arrays(20_000, 1, ANCHOR_MS)
    numbers = [decode(k) for k in data.numbers]
    assert len(set(numbers)) == 20_000
    assert all(MOBILE.match(n) for n in numbers)
    prefixes = Counter(n[:3] for n in numbers)
    assert prefixes["010"] > 18_000
    assert {"011", "016", "017", "019"} <= prefixes.keys()
    assert list(data.times) == sorted(data.times)
    assert ANCHOR_MS - TWO_YEARS_MS * 1.01 < data.times[0] < ANCHOR_MS - TWO_YEARS_MS * 0.98
    assert data.times[-1] < ANCHOR_MS
    assert 0.25 < sum(data.ars) / len(data.ars) < 0.45  # both sources, mostly manual


def test_emails_spread_over_common_korean_domains_and_both_sources():
    rows = email_rows(1200, 1, ANCHOR_MS)
    assert len({a.lower() for a in rows.addresses}) == 1200
    domains = Counter(a.split("@")[1] for a in rows.addresses)
    assert {"naver.com", "daum.net", "gmail.com", "kakao.com"} <= domains.keys()
    assert domains.most_common(1)[0][0] == "naver.com"
    assert any(d.endswith(".co.kr") for d in domains)
    assert 0.15 < sum(rows.by_manager) / 1200 < 0.35
    assert rows.times == sorted(rows.times)


def test_080_numbers_have_korean_and_english_company_names():
    numbers = numbers_080(1, ANCHOR_MS)
    assert len(numbers) == 12
    assert any(re.search(r"[가-힣]", n.company) for n in numbers)
    assert any(re.fullmatch(r"[A-Za-z .,]+", n.company) for n in numbers)
    assert all(n.deleted_ms for n in numbers if n.status == "TERMINATED")


def test_a_million_entries_are_built_in_flat_arrays():
    data = sms_arrays(1_000_000, 20261123, ANCHOR_MS)
    assert all(isinstance(col, array) for col in (data.times, data.numbers, data.index))
    assert len(data.times) == len(data.numbers) == len(data.index) == len(data.ars) == 1_000_000
    assert len(set(data.numbers)) == 1_000_000
    store = SmsStore(data)
    number = decode(data.numbers[123_456])
    assert store.one(encode(number), None, None)[0]["clientTelNo"] == number
    assert len(store.page(None, None, 9_999, 100)) == 100
    assert store.page(None, None, 10_000, 100) == []


def test_paging_stays_exact_through_deletes_and_re_registrations():
    """Compare the array store with a plain list model over random changes."""
    rnd = random.Random(5)
    store = SmsStore(sms_arrays(600, 3, ANCHOR_MS))
    model = [store.entry(p) for p in range(599, -1, -1)]  # newest first
    now = ANCHOR_MS
    for step in range(40):
        if rnd.random() < 0.6:
            gone = {e["clientTelNo"] for e in rnd.sample(model, min(len(model), rnd.randrange(1, 40)))}
            store.delete(sorted(gone))
            model = [e for e in model if e["clientTelNo"] not in gone]
        else:
            now += 1000
            numbers = [f"0109{rnd.randrange(10**7):07d}" for _ in range(rnd.randrange(1, 20))]
            for entry in map(store.entry, store.register(numbers, now)):
                if entry["clientTelNo"] not in {e["clientTelNo"] for e in model}:
                    model.insert(0, entry)
        size = rnd.choice((1, 7, 50))
        pages = [store.page(None, None, i, size) for i in range(len(model) // size + 2)]
        assert [e for p in pages for e in p] == model, step
        if len(model) > 10:
            time_of = {e["clientTelNo"]: store.times[store.position(encode(e["clientTelNo"]))] for e in model}
            first = rnd.randrange(len(model) - 5)
            end, start = time_of[model[first]["clientTelNo"]], time_of[model[first + 4]["clientTelNo"]]
            expected = [e for e in model if start <= time_of[e["clientTelNo"]] <= end]
            got = [e for i in range(len(expected) // 2 + 2) for e in store.page(start, end, i, 2)]
            assert got == expected, step


def test_registering_a_mix_of_sample_deleted_known_and_new_numbers_matches_a_plain_model():
    """register() takes a vectorised path (a sample-number filter, map() in C); compare it with a
    dict model over requests that mix every kind of number, repeats included."""
    rnd = random.Random(11)
    store = SmsStore(sms_arrays(2000, 7, ANCHOR_MS))
    model = {decode(store.numbers[p]): p for p in range(2000)}  # number -> position
    deleted: set[str] = set()
    sample = list(model)
    now = ANCHOR_MS
    for step in range(60):
        now += 1000
        pool = [rnd.choice(sample) for _ in range(5)] + [f"0108{rnd.randrange(10**7):07d}" for _ in range(5)]
        pool += list(rnd.sample(sorted(model), 3))
        numbers = [rnd.choice(pool) for _ in range(rnd.randrange(1, 30))]
        if rnd.random() < 0.3:
            gone = sorted(set(numbers[:5]))
            store.delete(gone)
            for n in gone:
                if n in model:
                    deleted.add(n)
                    del model[n]
            continue
        expected = []
        next_pos = first_new = len(store.times)
        for n in dict.fromkeys(numbers):
            if n not in model:
                model[n] = next_pos
                next_pos += 1
            expected.append(model[n])
        assert store.register(numbers, now) == expected, step
        assert all(store.times[p] == now for p in expected if p >= first_new)  # new: registered now
        assert all(store.times[p] < now for p in expected if p < first_new)  # known: their own time
    assert len(store) == len(model)
    assert all(store.position(encode(n)) == p for n, p in model.items())
    assert all(store.position(encode(n)) is None for n in deleted - set(model))


def test_the_sms_answer_is_the_json_of_its_entries():
    """to_json assembles the body by hand (a registration batch shares one tail): it must be exactly
    the JSON of the entries."""
    import json

    store = SmsStore(sms_arrays(500, 4, ANCHOR_MS))
    positions = [*store.page_positions(None, None, 0, 100), 0, 0, 1]
    assert json.loads(store.to_json(positions)) == [store.entry(p) for p in positions]
    batch = store.register([f"0107{i:07d}" for i in range(50)] + [decode(store.numbers[3])], ANCHOR_MS + 5)
    assert json.loads(store.to_json(batch)) == [store.entry(p) for p in batch]
    assert store.to_json([]) == b"[]"


def test_sens_time_is_kst_wall_time_to_the_millisecond():
    from datetime import datetime

    from optout_tui.emulator.clock import KST, sens_time

    rnd = random.Random(2)
    for ms in [0, 999, -1, ANCHOR_MS, 4_102_444_800_123] + [rnd.randrange(-(10**12), 5 * 10**12) for _ in range(2000)]:
        moment = datetime.fromtimestamp(ms / 1000, KST)
        assert sens_time(ms) == moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}", ms
