"""Outbound Mailer unsubscribers over real loopback HTTP against the emulator."""

from __future__ import annotations

import pytest

from optout_tui.api.base import ListFilter, OutcomeStatus
from optout_tui.emulator import EmulatorConfig, EmulatorServer

from .conftest import make_lists


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
    assert [o.status for o in first] == [OutcomeStatus.DONE] * 2
    again = await lists.email.register([address])
    assert again[0].status is OutcomeStatus.ALREADY
    found = await lists.email.lookup(address)
    assert found is not None and found.by_admin
    removed = await lists.email.remove([address, "other.person@example.kr"])
    assert all(o.status is OutcomeStatus.DONE for o in removed)
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
            mixed = ["Minsu.Kim@example.kr"] + ([] if case_sensitive else ["minsu.kim@example.kr", "MINSU.KIM@example.kr"])
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
