"""Search, export and overview figures read from a snapshot synced from the emulator."""

from __future__ import annotations

import csv
import gc
import io
import json
import sys
from collections import Counter

import pytest

from optout_tui.api.base import ListFilter, ListKind
from optout_tui.records import EntryWriter, as_record
from optout_tui.snapshot import Syncer, overview, search, search_all
from optout_tui.snapshot.export import export_entries
from optout_tui.snapshot.schema import SPECS, restore_key_index
from optout_tui.snapshot.search import number_fragment


@pytest.fixture
async def synced(lists, store):
    await Syncer(store, lists).sync()
    return store


def numbers(store):
    return [r[0] for r in store.conn().execute("SELECT number FROM sms")]


def test_typed_numbers_become_digit_fragments():
    assert number_fragment("010-1234") == "0101234"
    assert number_fragment(" 010 12 ") == "01012"
    assert number_fragment("+82 10-1234") == "0101234"
    assert number_fragment("０１０－１２") == "01012"
    assert number_fragment("kim") is None


async def test_search_by_prefix_typed_with_hyphens_lists_prefix_matches_first(synced):
    number = numbers(synced)[17]
    typed = f"{number[:3]}-{number[3:6]}"
    result = search(synced, ListKind.SMS, typed, limit=500)
    expected = {n for n in numbers(synced) if number[:6] in n}
    assert {e.number for e in result.entries} == expected and not result.more
    starts = [e.number.startswith(number[:6]) for e in result.entries]
    assert starts == sorted(starts, reverse=True)  # every prefix match before any other match
    assert result.synced and "synced" in result.age


async def test_search_by_any_part_of_a_number(synced):
    middle = numbers(synced)[5][4:8]
    result = search(synced, ListKind.SMS, middle, limit=1000)
    assert {e.number for e in result.entries} == {n for n in numbers(synced) if middle in n}


async def test_short_queries_match_by_prefix_and_limit_reports_more(synced):
    result = search(synced, ListKind.SMS, "01", limit=10)
    assert len(result.entries) == 10 and result.more
    assert all(e.number.startswith("01") for e in result.entries)


async def test_search_addresses_by_any_part_ignoring_case(synced):
    addresses = [r[0] for r in synced.conn().execute("SELECT address FROM email")]
    part = addresses[3].split("@")[0][2:6]
    result = search(synced, ListKind.EMAIL, part.upper(), limit=1000)
    assert {e.address for e in result.entries} == {a for a in addresses if part.lower() in a.lower()}


async def test_underscore_in_an_address_query_is_literal(lists, store):
    await lists.email.register(["a_b_c@example.com", "axbxc@example.com"])
    await Syncer(store, lists).sync([ListKind.EMAIL])
    assert [e.address for e in search(store, ListKind.EMAIL, "a_b_c").entries] == ["a_b_c@example.com"]


async def test_search_all_skips_lists_the_text_cannot_match(synced):
    kinds = [r.kind for r in search_all(synced, "kim")]
    assert ListKind.SMS not in kinds and ListKind.EMAIL in kinds


async def test_export_of_a_filtered_view_as_csv_and_json(synced, lists):
    number = numbers(synced)[0]
    frag = number[:5]

    def export(kind, fmt, **flt) -> tuple[int, str]:
        out = io.StringIO()
        writer = EntryWriter(out, kind, fmt)
        writer.write(export_entries(synced, kind, **flt))
        writer.close()
        return writer.count, out.getvalue()

    count, text = export(ListKind.SMS, "csv", search=frag)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert count == len(rows) == len([n for n in numbers(synced) if frag in n])
    vendor = {e.number: as_record(e) async for e in lists.sms.entries(ListFilter())}
    assert all(row == {k: str(v) for k, v in vendor[row["number"]].items()} for row in rows)

    count, text = export(ListKind.EMAIL, "json")
    data = json.loads(text)
    assert count == len(data) == 230
    assert sorted(data, key=lambda r: r["address"]) == sorted(
        [as_record(e) async for e in lists.email.entries(ListFilter())], key=lambda r: r["address"]
    )


async def test_an_export_cut_short_closes_quietly(synced, monkeypatch):
    """`export | head`: the reader goes away mid-export; closing it must not raise from a closed database."""
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    entries = export_entries(synced, ListKind.SMS)
    next(entries)
    entries.close()
    del entries
    gc.collect()
    assert unraisable == []


async def test_export_since_a_date(synced, lists):
    entries = [e async for e in lists.sms.entries(ListFilter())]
    cut = sorted(e.registered_at for e in entries)[-25]
    from optout_tui.times import to_ms

    entries = list(export_entries(synced, ListKind.SMS, since=to_ms(cut)))
    assert len(entries) == 25


async def test_overview_figures_match_the_vendor_data(synced, lists):
    sms = [e async for e in lists.sms.entries(ListFilter())]
    email = [e async for e in lists.email.entries(ListFilter())]
    n080 = [e async for e in lists.n080.entries(ListFilter())]
    figures = overview(synced, days=3650, weeks=520)
    assert figures.counts == {
        kind: len([e async for e in lists.get(kind).entries(ListFilter())]) if lists.get(kind) else 0
        for kind in ListKind
    }
    assert figures.sms_sources == Counter(e.source for e in sms)
    assert figures.email_registered_by == Counter("admin" if e.by_admin else "recipient" for e in email)
    assert figures.n080_statuses == Counter(e.status for e in n080)
    assert sum(n for _, n in figures.per_day[ListKind.SMS]) == len(sms)
    assert sum(n for _, n in figures.per_week[ListKind.EMAIL]) == len(email)
    by_day = Counter(e.registered_at.date() for e in sms)  # entries carry Korean time
    assert {d: n for d, n in figures.per_day[ListKind.SMS] if n} == by_day
    assert all(monday.weekday() == 0 for monday, _ in figures.per_week[ListKind.SMS])
    assert abs(sum(figures.share(figures.sms_sources).values()) - 1) < 1e-9


def test_a_load_that_delivered_a_row_twice_keeps_one_and_its_index(store):
    spec = SPECS[ListKind.SMS]
    conn = store.conn()
    conn.execute(f"DROP INDEX {spec.key_index}")
    conn.executemany(
        "INSERT INTO sms(number, registered_at, source) VALUES (?, ?, ?)",
        [("01011112222", 1, "ARS"), ("01011112222", 1, "ARS"), ("01033334444", 2, "manual")],
    )
    conn.execute("INSERT INTO sms_fts(rowid, number) SELECT id, number FROM sms")
    assert restore_key_index(conn, spec) == 1
    assert [r[0] for r in conn.execute("SELECT number FROM sms ORDER BY number")] == ["01011112222", "01033334444"]
    assert [e.number for e in search(store, ListKind.SMS, "1111").entries] == ["01011112222"]
