"""The NHN lists' tables: rows through the sync's own writer and back, search, export, the Overview's
figures, and a snapshot of the previous schema kept (its tables gain the new ones, its rows stay)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime

from optout_tui.api.base import ListKind, NhnEmailEntry, NhnSmsEntry, SmsEntry
from optout_tui.records import as_display, as_record
from optout_tui.snapshot import SnapshotStore, overview, search
from optout_tui.snapshot.export import export_entries
from optout_tui.snapshot.rows import page_json
from optout_tui.snapshot.schema import SCHEMA_VERSION
from optout_tui.snapshot.writer import SnapshotWriter
from optout_tui.times import KST, to_ms

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=KST)
RECIPIENTS = [
    NhnSmsEntry("0801234567", "01012345678", datetime(2026, 11, 18, 9, 30, tzinfo=KST)),
    NhnSmsEntry("08012345678", "01012345678", datetime(2026, 11, 19, 10, 0, tzinfo=KST)),  # same person, 2nd number
    NhnSmsEntry("0801234567", "01098765432", datetime(2026, 11, 20, 8, 15, tzinfo=KST)),
]
BLOCKED = [
    NhnEmailEntry("Kim.Minsu@naver.com", datetime(2026, 11, 17, 23, 0, tzinfo=KST)),
    NhnEmailEntry("lee@example.kr", datetime(2026, 11, 20, 7, 0, tzinfo=KST)),
]


async def write(store, kind: ListKind, entries) -> SnapshotWriter:
    writer = SnapshotWriter(store, kind).start()
    try:
        await writer.add(page_json(kind, entries), len(entries))
        await writer.call(SnapshotWriter.write_state, synced_at=to_ms(NOW), complete=1, row_count=len(entries))
    finally:
        await writer.close()
    return writer


async def test_one_recipient_on_two_080_numbers_is_two_rows_and_reads_back_equal(store):
    writer = await write(store, ListKind.NHN_SMS, RECIPIENTS)
    assert writer.added == 3 and store.count(ListKind.NHN_SMS) == 3
    assert sorted(export_entries(store, ListKind.NHN_SMS), key=repr) == sorted(RECIPIENTS, key=repr)
    again = await write(store, ListKind.NHN_SMS, RECIPIENTS[:1])  # the same pair again: updated in place
    assert again.added == 0 and store.count(ListKind.NHN_SMS) == 3


async def test_nhn_sms_search_finds_a_recipient_by_prefix_and_an_080_number_by_any_part(store):
    await write(store, ListKind.NHN_SMS, RECIPIENTS)
    by_recipient = search(store, ListKind.NHN_SMS, "010-1234")
    assert {(e.number080, e.recipient) for e in by_recipient.entries} == {
        ("0801234567", "01012345678"),
        ("08012345678", "01012345678"),
    }
    by_080 = search(store, ListKind.NHN_SMS, "080-1234-5678")
    assert [(e.number080, e.recipient) for e in by_080.entries] == [("08012345678", "01012345678")]
    across = search(store, ListKind.NHN_SMS, "56780801")  # the end of a recipient and the start of its 080 number
    assert across.entries == [] and by_recipient.synced


async def test_nhn_email_search_ignores_case_and_export_filters_by_blocked_time(store):
    await write(store, ListKind.NHN_EMAIL, BLOCKED)
    assert [e.address for e in search(store, ListKind.NHN_EMAIL, "kim.minsu").entries] == ["Kim.Minsu@naver.com"]
    since = to_ms(datetime(2026, 11, 19, tzinfo=KST))
    assert list(export_entries(store, ListKind.NHN_EMAIL, since=since)) == BLOCKED[1:]


async def test_records_of_the_new_lists(store):
    assert as_record(RECIPIENTS[0]) == {
        "number080": "0801234567",
        "recipient": "01012345678",
        "requested_at": "2026-11-18T09:30:00.000+09:00",
    }
    assert as_display(RECIPIENTS[1])["number080"] == "080-1234-5678"
    assert as_record(BLOCKED[1]) == {"address": "lee@example.kr", "blocked_at": "2026-11-20T07:00:00.000+09:00"}


async def test_overview_counts_and_days_of_the_new_lists(store):
    await write(store, ListKind.NHN_SMS, RECIPIENTS)
    await write(store, ListKind.NHN_EMAIL, BLOCKED)
    figures = overview(store, days=7, weeks=2, now=NOW)
    assert figures.counts[ListKind.NHN_SMS] == 3 and figures.counts[ListKind.NHN_EMAIL] == 2
    assert [n for _, n in figures.per_day[ListKind.NHN_SMS]][-3:] == [1, 1, 1]
    assert [n for _, n in figures.per_day[ListKind.NHN_EMAIL]][-4:] == [1, 0, 0, 1]
    assert figures.states[ListKind.NHN_SMS] is not None and figures.states[ListKind.SMS] is None


async def test_a_snapshot_of_the_previous_schema_keeps_its_rows_and_gains_the_new_tables(tmp_path):
    path = tmp_path / "snapshot-old.sqlite3"
    old = SnapshotStore(path)
    await write(old, ListKind.SMS, [SmsEntry("01011112222", NOW, "ARS")])
    old.close()
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:  # as version 1 left it
        for table in ("nhn_sms_fts", "nhn_sms", "nhn_email_fts", "nhn_email"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("PRAGMA user_version=1")
    reopened = SnapshotStore(path)
    try:
        assert [e.number for e in export_entries(reopened, ListKind.SMS)] == ["01011112222"]
        await write(reopened, ListKind.NHN_SMS, RECIPIENTS)
        assert search(reopened, ListKind.NHN_SMS, "0109876").entries == [RECIPIENTS[2]]
    finally:
        reopened.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'nhn_sms_pair'").fetchone()[0] == 1
