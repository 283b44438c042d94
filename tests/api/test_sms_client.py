"""SENS opt-out numbers over real loopback HTTP against the emulator."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from optout_tui.api import sms
from optout_tui.api.answers import CallWindow, call_window
from optout_tui.api.base import ListFilter, OutcomeStatus
from optout_tui.emulator import EmulatorConfig, EmulatorServer
from optout_tui.times import to_ms

from .conftest import control, make_lists


async def collect(lst, flt: ListFilter | None = None):
    pages = [page async for page in lst.pages(flt or ListFilter())]
    return pages, [e for p in pages for e in p.entries]


@pytest.mark.parametrize("count,expected_pages", [(0, 1), (100, 2), (250, 3)])
async def test_paging_ends_on_the_first_short_or_empty_page(count, expected_pages):
    with EmulatorServer(EmulatorConfig(sms_count=count, email_count=0)) as server:
        lists = make_lists(server)
        try:
            pages, entries = await collect(lists.sms)
        finally:
            await lists.aclose()
    assert len(entries) == count
    assert len({e.number for e in entries}) == count
    assert len(pages) == expected_pages  # 100 entries: one full page, then an empty one ends it
    assert pages[-1].last


async def test_entries_are_typed_with_source_and_aware_time(lists):
    _, entries = await collect(lists.sms)
    assert {e.source for e in entries} == {"ARS", "manual"}
    assert all(e.registered_at.tzinfo is not None for e in entries)
    assert all(e.number.isdigit() and e.number.startswith("01") for e in entries)


async def test_date_range_filters_on_registration_time(lists):
    _, everything = await collect(lists.sms)
    cut = sorted(e.registered_at for e in everything)[len(everything) // 2]
    _, recent = await collect(lists.sms, ListFilter(since=cut))
    assert recent and all(e.registered_at >= cut for e in recent)
    assert len(recent) == sum(1 for e in everything if e.registered_at >= cut)
    future = datetime.now(UTC) + timedelta(days=30)
    pages, none = await collect(lists.sms, ListFilter(since=future))
    assert none == [] and len(pages) == 1


async def test_lookup_is_exact(lists):
    _, entries = await collect(lists.sms)
    target = entries[7]
    assert await lists.sms.lookup(target.number) == target
    assert await lists.sms.lookup("01000000001") is None


async def test_register_then_delete_in_chunks_of_at_most_1000(emulator, lists):
    numbers = [f"0109{i:07d}" for i in range(2100)]
    before = control(emulator, "stats")["by_route"].get("sens.register", 0)
    present = {n for n in numbers if emulator.state.sms.contains(n)}  # the sample data may hold one or two
    outcomes = await lists.sms.register(numbers)
    assert [o.status for o in outcomes] == [
        OutcomeStatus.ALREADY if n in present else OutcomeStatus.REGISTERED for n in numbers
    ]
    assert control(emulator, "stats")["by_route"]["sens.register"] - before == 3  # 1000 + 1000 + 100
    found = await lists.sms.lookup(numbers[-1])
    assert found is not None and found.source == "manual"
    removed = await lists.sms.remove(numbers)
    assert all(o.ok for o in removed)
    assert await lists.sms.lookup(numbers[-1]) is None


async def test_a_429_then_success_is_retried_and_reported_to_the_lists_listener_while_it_listens(emulator, lists):
    seen = []
    with lists.sms.retries(lambda err, attempt, delay: seen.append((err.status, attempt))):
        control(emulator, "fail-next", {"count": 2, "status": 429, "route": "sens", "retry_after": 0})
        page = await lists.sms.fetch_page(ListFilter(), 0)
    assert len(page.entries) == 100
    assert seen == [(429, 1), (429, 2)]
    control(emulator, "fail-next", {"count": 1, "status": 429, "route": "sens", "retry_after": 0})
    assert len((await lists.sms.fetch_page(ListFilter(), 0)).entries) == 100
    assert seen == [(429, 1), (429, 2)]  # the listener has left


async def test_retries_are_bounded_and_end_in_one_line(emulator, lists):
    from optout_tui.api.errors import ApiError

    from .conftest import FAST_RETRY

    control(emulator, "fail-next", {"count": FAST_RETRY.attempts, "status": 503, "route": "sens"})
    with pytest.raises(ApiError) as caught:
        await lists.sms.fetch_page(ListFilter(), 0)
    assert caught.value.status == 503 and caught.value.retryable
    assert "\n" not in caught.value.line and "retry later" in caught.value.line


async def test_a_hung_request_times_out_and_is_retried(emulator):
    lists = make_lists(emulator, timeout=0.5)
    try:
        control(emulator, "fail-next", {"count": 1, "status": "timeout", "route": "sens"})
        page = await lists.sms.fetch_page(ListFilter(), 0)
    finally:
        await lists.aclose()
    assert len(page.entries) == 100


def test_unusual_rows_take_the_careful_path_and_read_the_same():
    """Rows in the usual shape are parsed on a short path; anything else goes through `_entry`."""
    from optout_tui.api.sms import _entries, _entry

    rows = [
        {"clientTelNo": "01071251990", "registerTime": "2026-11-23T08:59:59.999", "registerType": "C"},
        {"clientTelNo": "01071251990", "registerTime": "2026-11-23T08:59:59", "registerType": "m"},
        {"clientTelNo": 1071251990, "registerTime": "2026-11-23T08:59:59.999+09:00", "registerType": "M"},
        {"clientTelNo": "0101", "registerTime": "2026-13-23T08:59:59.999", "registerType": "M"},
        {"clientTelNo": "0101", "registerTime": "2026-11-23 08:59:59.999", "registerType": "X"},
        {},
    ]
    entries = _entries(rows)
    assert entries == [_entry(row) for row in rows]
    assert entries[0].registered_at == datetime(2026, 11, 23, 8, 59, 59, 999000, tzinfo=timezone(timedelta(hours=9)))
    assert entries[0].source == "ARS" and entries[1].source == "manual" and entries[3].registered_at is None


def test_a_register_body_is_json_whatever_the_values():
    import json

    from optout_tui.api.sms import _body

    assert _body(["01012345678", "01087654321"]) == b'[{"clientTelNo":"01012345678"},{"clientTelNo":"01087654321"}]'
    odd = ['010"1\\2', "", "０１０"]
    assert json.loads(_body(odd)) == [{"clientTelNo": v} for v in odd]
    assert _body([]) == b"[]"


async def test_a_refused_value_in_a_batch_is_found_by_halving_and_the_rest_go_through(emulator, lists):
    numbers = [f"0108{i:07d}" for i in range(64)]
    numbers[37] = "0108x000037"  # the vendor refuses non-digits with a 400 for the whole batch
    before = control(emulator, "stats")["by_route"].get("sens.register", 0)
    outcomes = await lists.sms.register(numbers)
    sent = control(emulator, "stats")["by_route"]["sens.register"] - before
    assert [o.value for o in outcomes] == numbers
    assert outcomes[37].status is OutcomeStatus.INVALID
    assert all(o.status is OutcomeStatus.REGISTERED for i, o in enumerate(outcomes) if i != 37)
    assert sent <= 1 + 2 * 6  # one batch, then two halves per level down to the bad value
    await lists.sms.remove([n for i, n in enumerate(numbers) if i != 37])


# ---------------------------------------------------------------- what became of each value


@pytest.fixture(params=["every", "new"])
async def sens_mode(request):
    """An emulator whose registration answers every number asked for, or only those it added (the docs show
    an example only), with its lists."""
    with EmulatorServer(EmulatorConfig(sms_count=60, email_count=0, sens_register_answer=request.param)) as server:
        lists = make_lists(server)
        try:
            yield server, lists
        finally:
            await lists.aclose()


async def test_a_registration_says_of_each_number_whether_it_was_there_already(sens_mode):
    _, lists = sens_mode
    _, entries = await collect(lists.sms)
    old = [
        next(e.number for e in entries if e.source == "manual"),
        next(e.number for e in entries if e.source == "ARS"),
    ]
    new = ["01077770001", "01077770002", "01077770003"]
    outcomes = await lists.sms.register([new[0], old[0], new[1], old[1], new[2]])
    assert [(o.value, o.status) for o in outcomes] == [
        (new[0], "registered"),
        (old[0], "already"),
        (new[1], "registered"),
        (old[1], "already"),
        (new[2], "registered"),
    ]
    assert [await lists.sms.lookup(n) for n in old] == [e for n in old for e in entries if e.number == n]  # times kept


async def test_a_removal_says_of_each_number_whether_it_was_on_the_list(sens_mode):
    _, lists = sens_mode
    _, entries = await collect(lists.sms)
    present = [entries[3].number, entries[4].number]
    outcomes = await lists.sms.remove([present[0], "01066660001", present[1], "01066660002"])
    assert [o.status for o in outcomes] == ["removed", "not_on_list", "removed", "not_on_list"]
    assert [await lists.sms.lookup(n) for n in present] == [None, None]


def edge_of(stamp_ms: int):
    """A `call_window` that puts the call's earliest arrival half a second after `stamp_ms`."""

    def window(response, sent_ms, elapsed_s):
        return dataclasses.replace(call_window(response, sent_ms, elapsed_s), earliest=stamp_ms + 500)

    return window


async def test_a_number_stamped_about_when_the_call_reached_sens_is_unknown(sens_mode, monkeypatch):
    _, lists = sens_mode
    _, entries = await collect(lists.sms)
    manual = sorted((e for e in entries if e.source == "manual"), key=lambda e: e.registered_at)
    older, edge = manual[0], manual[-1]
    monkeypatch.setattr(sms, "call_window", edge_of(to_ms(edge.registered_at)))
    outcomes = await lists.sms.register([older.number, edge.number])
    assert [o.status for o in outcomes] == ["already", "unknown"]
    assert "about when this change reached the vendor" in outcomes[1].detail


async def test_without_a_date_header_a_recent_number_is_unknown_and_an_old_one_already(sens_mode, monkeypatch):
    _, lists = sens_mode
    _, entries = await collect(lists.sms)
    old = next(e.number for e in entries if e.source == "manual")
    assert [o.status for o in await lists.sms.register(["01055550001"])] == ["registered"]
    monkeypatch.setattr(
        sms, "call_window", lambda response, sent_ms, elapsed_s: call_window(httpx.Response(200), sent_ms, elapsed_s)
    )  # the answer as if it had come without a Date header
    outcomes = await lists.sms.register(["01055550001", old])
    assert [o.status for o in outcomes] == ["unknown", "already"]
    assert "no Date header" in outcomes[0].detail
    assert [o.status for o in await lists.sms.register(["01055550002"])] == ["unknown"]


def test_a_call_window_places_a_stamp_before_it_in_it_or_with_no_clock():
    window = CallWindow(earliest=10_000, elapsed=40, vendor_clock=True)
    assert [window.status(t) for t in (8_999, 9_000, 9_999, 10_000, 50_000)] == [
        "already",
        "unknown",
        "unknown",
        "registered",
        "registered",
    ]
    assert window.status(10_000, newest=10_041) == "already"  # further back than the call's own stamps reach
    assert window.status(10_001, newest=10_041) == "registered"
    ours = CallWindow(earliest=10_000, elapsed=40, vendor_clock=False)
    assert [ours.status(t) for t in (9_999, 10_000, 50_000)] == ["already", "unknown", "unknown"]
    for date in ("", "not a date"):
        assert call_window(httpx.Response(200, headers={"Date": date}), 400_000, 0.1).vendor_clock is False
    assert call_window(httpx.Response(200, headers={"Date": "Tue, 24 Nov 2026 00:00:01 GMT"}), 0, 0.0101) == CallWindow(
        to_ms(datetime(2026, 11, 24, 0, 0, 1, tzinfo=UTC)) - 11, 11, True
    )
