"""Outbound Mailer unsubscribers over real loopback HTTP against the emulator."""

from __future__ import annotations

import pytest

from optout_tui.api.base import ListFilter, OutcomeStatus
from optout_tui.emulator import EmulatorConfig, EmulatorServer, mailer
from optout_tui.times import now_ms

from .conftest import control, make_lists


async def collect(lst, flt: ListFilter | None = None):
    pages = [page async for page in lst.pages(flt or ListFilter())]
    return pages, [e for p in pages for e in p.entries]


@pytest.mark.parametrize("count,cap", [(0, 100), (100, 100), (130, 100), (130, 30)])
async def test_pages_follow_the_answer_not_the_requested_size(count, cap):
    config = EmulatorConfig(sms_count=0, email_count=count, mailer_max_page_size=cap)
    with EmulatorServer(config) as server:
        lists = make_lists(server)
        try:
            pages, entries = await collect(lists.email)
        finally:
            await lists.aclose()
    assert len(entries) == count == len({e.address for e in entries})
    assert len(pages) == max(1, -(-count // cap))
    assert all(p.total == count for p in pages)


async def test_newest_first_and_source_filter(lists):
    _, entries = await collect(lists.email)
    times = [e.blocked_at for e in entries]
    assert times == sorted(times, reverse=True)
    _, admins = await collect(lists.email, ListFilter(by_admin=True))
    assert admins and all(e.by_admin for e in admins)
    assert len(admins) == sum(e.by_admin for e in entries)


async def test_lookup_register_and_delete_report_counts(lists):
    address = "new.person@example.kr"
    assert await lists.email.lookup(address) is None
    first = await lists.email.register([address, "other.person@example.kr"])
    assert [o.status for o in first] == [OutcomeStatus.REGISTERED] * 2
    again = await lists.email.register([address])
    assert again[0].status is OutcomeStatus.ALREADY
    found = await lists.email.lookup(address)
    assert found is not None and found.by_admin
    removed = await lists.email.remove([address, "other.person@example.kr"])
    assert all(o.status is OutcomeStatus.REMOVED for o in removed)
    assert await lists.email.lookup(address) is None


@pytest.mark.parametrize("case_sensitive", [False, True])
async def test_lookup_finds_the_entry_whatever_case_was_typed(case_sensitive):
    """Whether the vendor's `emailAddress` filter ignores case or not: an entry stored in lower case is found
    whatever case is typed, one stored in mixed case when typed so (or in any case, if the filter ignores it)."""
    config = EmulatorConfig(sms_count=0, email_count=5, mailer_case_sensitive=case_sensitive)
    with EmulatorServer(config) as server:
        lists = make_lists(server)
        try:
            await lists.email.register(["Minsu.Kim@example.kr", "lee.jiwoo@example.kr"])
            for typed in ("Lee.Jiwoo@example.kr", "LEE.JIWOO@example.kr", "lee.jiwoo@example.kr"):
                found = await lists.email.lookup(typed)
                assert found is not None and found.address == "lee.jiwoo@example.kr", typed
            mixed = ["Minsu.Kim@example.kr"] + (
                [] if case_sensitive else ["minsu.kim@example.kr", "MINSU.KIM@example.kr"]
            )
            for typed in mixed:
                found = await lists.email.lookup(typed)
                assert found is not None and found.address == "Minsu.Kim@example.kr", typed
            assert await lists.email.lookup("Lee.Jiwoo@example.com") is None
        finally:
            await lists.aclose()


async def test_missing_date_range_is_a_77102_error(emulator, lists):
    from optout_tui.api.errors import ApiError

    with pytest.raises(ApiError) as caught:
        await lists.email._http.request("GET", "/unsubscribers", params={"size": 10})
    assert caught.value.status == 400 and caught.value.code == "77102"


# ---------------------------------------------------------------- what became of each value


async def test_a_registration_says_of_each_address_whether_it_was_there_or_refused(emulator, lists):
    _, entries = await collect(lists.email)
    old = [entries[-1].address, entries[-2].address]  # the sample data's oldest
    new = ["mixed.one@example.kr", "mixed.two@example.kr"]
    outcomes = await lists.email.register([new[0], old[0], "no-domain@localhost", old[1], new[1]])
    assert [o.status for o in outcomes] == ["registered", "already", "invalid", "already", "registered"]
    assert "ignored" in outcomes[2].detail
    lookups = control(emulator, "stats")["by_route"]["mailer.list"]
    assert [o.status for o in await lists.email.register(["mixed.three@example.kr"])] == ["registered"]
    assert control(emulator, "stats")["by_route"]["mailer.list"] == lookups  # nothing ignored: nothing looked up


async def test_a_removal_says_of_each_address_whether_it_was_on_the_list(lists):
    _, entries = await collect(lists.email)
    present = [entries[5].address, entries[6].address]
    outcomes = await lists.email.remove([present[0], "never.there@example.kr", present[1]])
    assert [o.status for o in outcomes] == ["removed", "not_on_list", "removed"]
    assert [await lists.email.lookup(a) for a in present] == [None, None]


@pytest.mark.parametrize("gap_ms,expected", [(1, ["already", "registered"]), (0, ["unknown", "unknown"])])
async def test_the_count_ignored_splits_the_addresses_by_time_stamp_and_a_tie_is_unknown(
    lists, monkeypatch, gap_ms, expected
):
    """The Mailer says how many it ignored, not which: those already there are the oldest stamped. Two
    addresses stamped the same millisecond, one of them there before, cannot be told apart."""
    clock = {"now": now_ms()}  # the emulator's clock, in this process: set by the test, not by how often it is read
    monkeypatch.setattr(mailer, "now_ms", lambda: clock["now"])
    first, second = f"tie.{gap_ms}.a@example.kr", f"tie.{gap_ms}.b@example.kr"
    assert [o.status for o in await lists.email.register([first])] == ["registered"]
    clock["now"] += gap_ms
    outcomes = await lists.email.register([second, first])
    assert [o.status for o in outcomes] == expected[::-1]
    assert all("cannot be told" in o.detail for o in outcomes if o.status == "unknown")
