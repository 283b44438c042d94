"""Sync against the emulator: a full sync equals the vendor's list; incremental syncs pick up new
registrations and notice deletions without fetching everything again."""

from __future__ import annotations

import pytest

from optout_tui.api.base import ListFilter, ListKind
from optout_tui.api.errors import ApiError
from optout_tui.records import as_record
from optout_tui.snapshot import Syncer
from optout_tui.snapshot.rows import entry_from_row
from optout_tui.snapshot.schema import SPECS

from .conftest import control


def snapshot_records(store, kind):
    spec = SPECS[kind]
    rows = store.conn().execute(f"SELECT {', '.join(spec.columns)} FROM {spec.table}").fetchall()
    return sorted((as_record(entry_from_row(kind, row)) for row in rows), key=_record_key)


async def vendor_records(lists, kind):
    return sorted([as_record(e) async for e in lists.get(kind).entries(ListFilter())], key=_record_key)


def _record_key(record: dict) -> tuple:
    return tuple(str(value) for value in record.values())


async def test_a_full_sync_equals_each_list(lists, store):
    reports = await Syncer(store, lists).sync()
    modes = {r.kind: r.mode for r in reports if not r.skipped}
    assert modes == {ListKind.SMS: "full", ListKind.EMAIL: "full", ListKind.N080: "whole"} | {
        lst.kind: "whole" for lst in lists.available() if lst.kind in (ListKind.NHN_SMS, ListKind.NHN_EMAIL)
    }
    assert [r.kind for r in reports if r.skipped] == [k for k in ListKind if lists.get(k) is None]
    for kind in (lst.kind for lst in lists.available()):
        assert snapshot_records(store, kind) == await vendor_records(lists, kind)
        state = store.state(kind)
        assert state.complete and state.synced_at is not None and state.rows == store.count(kind)
    assert store.count(ListKind.SMS) == 450 and store.count(ListKind.EMAIL) == 230


async def test_progress_reports_rows_pages_and_rate(lists, store):
    seen = []
    await Syncer(store, lists, progress=seen.append).sync([ListKind.SMS])
    assert seen[-1].phase == "done" and seen[-1].rows == 450 and seen[-1].pages >= 5
    assert seen[-1].rate > 0 and "450 rows" in seen[-1].line()


async def test_an_incremental_sync_picks_up_new_registrations(lists, store, emulator):
    syncer = Syncer(store, lists)
    await syncer.sync([ListKind.SMS, ListKind.EMAIL])
    await lists.sms.register(["01055550001", "01055550002"])
    await lists.email.register(["new.person@example.com"])
    control(emulator, "reset-stats")

    sms, email = await syncer.sync([ListKind.SMS, ListKind.EMAIL])

    requests = control(emulator, "stats")["by_route"]
    assert requests["sens.list"] <= 3 and requests["mailer.list"] <= 3  # not the 5+ pages of a full walk
    assert (sms.mode, sms.added, email.mode, email.added) == ("incremental", 2, "incremental", 1)
    assert snapshot_records(store, ListKind.SMS) == await vendor_records(lists, ListKind.SMS)
    assert snapshot_records(store, ListKind.EMAIL) == await vendor_records(lists, ListKind.EMAIL)


async def test_deletions_are_noticed_by_counting_ranges_not_refetching_everything(lists, store, emulator):
    syncer = Syncer(store, lists, leaf_rows=20)  # small leaves: the bisection really halves ranges
    await syncer.sync([ListKind.SMS, ListKind.EMAIL])
    old_number = store.conn().execute("SELECT number FROM sms ORDER BY registered_at LIMIT 1 OFFSET 100").fetchone()[0]
    old_address = store.conn().execute("SELECT address FROM email ORDER BY blocked_at LIMIT 1 OFFSET 40").fetchone()[0]
    await lists.sms.remove([old_number])
    await lists.email.remove([old_address])
    control(emulator, "reset-stats")

    sms, email = await syncer.sync([ListKind.SMS, ListKind.EMAIL])

    stats = control(emulator, "stats")["by_route"]
    assert (sms.mode, sms.removed, email.mode, email.removed) == ("incremental", 1, "incremental", 1)
    assert snapshot_records(store, ListKind.SMS) == await vendor_records(lists, ListKind.SMS)
    assert snapshot_records(store, ListKind.EMAIL) == await vendor_records(lists, ListKind.EMAIL)
    # halving 450 rows down to leaves of 20: a count check per range plus one 20-row leaf fetched again,
    # not the whole list again
    assert stats["sens.list"] < 25, stats


async def test_an_unchanged_list_costs_a_couple_of_requests(lists, store, emulator):
    syncer = Syncer(store, lists)
    await syncer.sync([ListKind.SMS])
    control(emulator, "reset-stats")
    [report] = await syncer.sync([ListKind.SMS])
    assert (report.added, report.removed) == (0, 0)
    assert control(emulator, "stats")["by_route"]["sens.list"] == 2  # the new window + one count check


async def test_a_full_resync_removes_what_the_vendor_no_longer_has(lists, store):
    syncer = Syncer(store, lists)
    await syncer.sync()
    gone = [e.number for e in (await lists.sms.fetch_page(ListFilter(), 2)).entries[:3]]
    await lists.sms.remove(gone)
    [report] = await syncer.sync([ListKind.SMS], full=True)
    assert report.mode == "full" and report.removed == 3
    assert snapshot_records(store, ListKind.SMS) == await vendor_records(lists, ListKind.SMS)


async def test_the_080_list_is_synced_whole_including_removals(lists, store):
    syncer = Syncer(store, lists)
    await syncer.sync([ListKind.N080])
    external = [e for e in [x async for x in lists.n080.entries(ListFilter())] if e.can_deregister[0]]
    assert external, "the sample data has a deregistrable number"
    await lists.n080.remove([external[0].number])
    await lists.n080.register(["0807770001"], company="Snapshot Test Co")
    [report] = await syncer.sync([ListKind.N080])
    assert report.mode == "whole"
    assert snapshot_records(store, ListKind.N080) == await vendor_records(lists, ListKind.N080)


async def test_a_failed_sync_keeps_what_it_wrote_and_the_next_one_starts_over(lists, store, emulator):
    control(emulator, "fail-next", {"count": 1, "status": "401", "route": "sens"})
    with pytest.raises(ApiError):
        await Syncer(store, lists).sync([ListKind.SMS])
    assert not store.state(ListKind.SMS).complete
    control(emulator, "reset-stats")
    [report] = await Syncer(store, lists).sync([ListKind.SMS])
    assert report.mode == "full" and store.state(ListKind.SMS).complete
    assert snapshot_records(store, ListKind.SMS) == await vendor_records(lists, ListKind.SMS)


async def test_a_list_that_is_not_set_up_is_skipped_or_refused_by_name(store):
    from optout_tui.api.base import Lists
    from optout_tui.settings import ConfigError

    lists = Lists(problems={ListKind.SMS: "SMS list is not set up: missing OPTOUT_SENS_SERVICE_ID"})
    reports = await Syncer(store, lists).sync()
    assert all(r.skipped for r in reports) and "OPTOUT_SENS_SERVICE_ID" in reports[0].line()
    with pytest.raises(ConfigError, match="OPTOUT_SENS_SERVICE_ID"):
        await Syncer(store, lists).sync([ListKind.SMS])


async def test_a_second_sync_of_the_same_snapshot_is_refused_while_one_runs(lists, store):
    from optout_tui.snapshot import SnapshotBusy
    from optout_tui.snapshot.lock import SyncLock

    with SyncLock(store.path), pytest.raises(SnapshotBusy, match="another sync"):
        await Syncer(store, lists).sync([ListKind.SMS])
    [report] = await Syncer(store, lists).sync([ListKind.SMS])
    assert report.mode == "full"


async def test_a_deletion_is_noticed_when_the_checked_range_holds_a_multiple_of_the_page_size(tmp_path):
    """400 rows before the window = 4 full pages: the count check must see that page 3 is no longer
    full, not just that page 4 is empty (as it would be either way)."""
    from optout_tui.api.factory import build_lists
    from optout_tui.demo import demo_settings
    from optout_tui.emulator import EmulatorConfig, EmulatorServer
    from optout_tui.snapshot import SnapshotStore

    from .conftest import ANCHOR_MS

    with EmulatorServer(EmulatorConfig(sms_count=401, email_count=0, anchor_ms=ANCHOR_MS)) as server:
        lists = build_lists(*demo_settings(server))
        store = SnapshotStore(tmp_path / "snapshot-401.sqlite3")
        try:
            syncer = Syncer(store, lists, leaf_rows=1000)
            await syncer.sync([ListKind.SMS])
            newest, second = [
                r[0] for r in store.conn().execute("SELECT registered_at FROM sms ORDER BY registered_at DESC LIMIT 2")
            ]
            assert newest - second > 8
            syncer.overlap_ms = (newest - second) // 2  # the new-entries window holds the newest row only
            victim = store.conn().execute("SELECT number FROM sms ORDER BY registered_at LIMIT 1").fetchone()[0]
            await lists.sms.remove([victim])
            [report] = await syncer.sync([ListKind.SMS])
            assert (report.mode, report.removed, store.count(ListKind.SMS)) == ("incremental", 1, 400)
        finally:
            store.close()
            await lists.aclose()
