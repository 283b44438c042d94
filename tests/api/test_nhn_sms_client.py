"""NHN Cloud SMS 080 recipients, the client against the emulator over loopback, in each of the emulator's modes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from optout_tui.api.base import ListFilter, NhnSmsEntry
from optout_tui.api.errors import ApiError
from optout_tui.api.http import VendorHttp
from optout_tui.api.nhn_envelope import NhnError, explained, secret_key_auth
from optout_tui.api.nhn_sms import CODES, NhnSmsList
from optout_tui.emulator import DEMO, EmulatorConfig, EmulatorServer

from .conftest import FAST_RETRY, control

ANCHOR_MS = 1_795_392_000_000  # fixed, so the sample data is the same on every run
USER = "alice@demo"
# Every reading of each open question: the defaults, then the other way of each.
MODES = {
    "documented": {},
    "other-readings": {
        "nhn_sms_failure_status": "200",
        "nhn_sms_remove_param": "recipientNo",
        "nhn_sms_remove_missing": "reject",
        "nhn_sms_register_existing": "renew",
        "nhn_sms_list_needs_number": True,
        "nhn_sms_page_size_echo": "rows",
        "nhn_sms_one_number_data": "object",
        "nhn_sms_end_inclusive": False,
    },
    "partial-removes": {"nhn_sms_remove_missing": "partial", "nhn_sms_end_inclusive": False},
}
_servers: dict[tuple, EmulatorServer] = {}


@pytest.fixture(scope="module", autouse=True)
def _stop_servers():
    yield
    for server in _servers.values():
        server.stop()
    _servers.clear()


def server_for(**options) -> EmulatorServer:
    """One emulator per set of options for the module, reset to its sample data for each test."""
    key = tuple(sorted(options.items()))
    if key not in _servers:
        config = EmulatorConfig(sms_count=0, email_count=0, anchor_ms=ANCHOR_MS, hang_seconds=1.0, **options)
        _servers[key] = EmulatorServer(config).start()
    control(_servers[key], "reset", {})
    return _servers[key]


def nhn_sms(server, *, secret=DEMO.nhn_sms_secret_key, app_key=DEMO.nhn_sms_app_key, **options) -> NhnSmsList:
    http = VendorHttp("NHN Cloud SMS", server.base_url, auth=secret_key_auth(secret), retry=FAST_RETRY)
    return NhnSmsList(http, app_key, update_user=USER, **options)


@pytest.fixture(params=list(MODES))
async def mode(request):
    server = server_for(**MODES[request.param])
    lst = nhn_sms(server)
    yield server, lst
    await lst.aclose()


def numbers(server) -> dict:
    return server.state.nhn_sms.numbers


def number_with(server, count: int) -> str:
    return next(n for n, entry in numbers(server).items() if len(entry.recipients) == count)


def newest_first(server, number: str) -> list[str]:
    listed = numbers(server)[number].recipients
    return sorted(listed, key=listed.__getitem__, reverse=True)


def stats(server) -> dict:
    return control(server, "stats")["by_route"]


# ---------------------------------------------------------------- the company's 080 numbers


async def test_the_company_080_numbers_every_status_and_each_one(mode):
    server, lst = mode
    found = await lst.numbers080()
    assert [n.number for n in found] == list(numbers(server))
    assert {n.status for n in found} == {"USED", "RESERVE_USE", "EXTERNAL_REGIST", "TERMINATE", "EXTERNAL_TERMINATE"}
    assert {n.share_type for n in found} == {"MASTER", "SHARE"} and {len(n.number) for n in found} == {10, 11}
    reserved = next(n for n in found if n.status == "RESERVE_USE")
    assert reserved.started_at is None and reserved.requested_at is not None
    for number in found:  # the one-number answer as a list of one or as an object
        assert await lst.number080_info(number.number) == number
    assert await lst.number080_info("0800000000") is None


# ---------------------------------------------------------------- pages


async def test_paging_edges_one_based_with_a_total(mode):
    server, _ = mode
    lst = nhn_sms(server, page_size=10)
    try:
        empty = await lst.fetch_page(ListFilter(number080=number_with(server, 0)), 0)
        assert (empty.entries, empty.last, empty.total, empty.page_count) == ([], True, 0, 1)

        three = number_with(server, 3)  # fewer than a page
        pages = [p async for p in lst.pages(ListFilter(number080=three))]
        assert [(len(p.entries), p.last, p.total) for p in pages] == [(3, True, 3)]

        short = number_with(server, 42)  # 10, 10, 10, 10, 2: the last page short
        pages = [p async for p in lst.pages(ListFilter(number080=short))]
        assert [len(p.entries) for p in pages] == [10, 10, 10, 10, 2] and [p.last for p in pages][-2:] == [False, True]
        assert [e.recipient for p in pages for e in p.entries] == newest_first(server, short)
        second = await lst.fetch_page(ListFilter(number080=short), 1)  # index 1 is the vendor's pageNum 2
        assert [e.recipient for e in second.entries] == newest_first(server, short)[10:20]
        assert all(isinstance(e, NhnSmsEntry) and e.number080 == short for p in pages for e in p.entries)
    finally:
        await lst.aclose()
    exact = nhn_sms(server, page_size=15)  # exactly one full page
    try:
        pages = [p async for p in exact.pages(ListFilter(number080=number_with(server, 15)))]
        assert [(len(p.entries), p.last, p.page_count) for p in pages] == [(15, True, 1)]
    finally:
        await exact.aclose()


async def test_every_080_number_one_after_another(mode):
    server, _ = mode
    lst = nhn_sms(server, page_size=20)
    try:
        every = {(n, r) for n, entry in numbers(server).items() for r in entry.recipients}
        streamed = [(e.number080, e.recipient) async for e in lst.entries(ListFilter())]
        assert len(streamed) == len(every) and set(streamed) == every
        index, seen = 0, []
        while True:  # random access across the numbers, as the dashboard reads it
            page = await lst.fetch_page(ListFilter(), index)
            assert page.total == len(every)
            seen += [(e.number080, e.recipient) for e in page.entries]
            if page.last:
                break
            index += 1
        assert sorted(seen) == sorted(every) and index + 1 == page.page_count
    finally:
        await lst.aclose()


async def test_recipients_added_while_reading_are_neither_repeated_nor_push_rows_out(mode):
    server, _ = mode
    lst = nhn_sms(server, page_size=10, in_flight=1)
    try:
        number = number_with(server, 25)
        before = newest_first(server, number)
        seen = []
        async for page in lst.pages(ListFilter(number080=number), in_flight=1):
            seen += [e.recipient for e in page.entries]
            if page.index == 0:  # newest first: new rows push every row on
                new = [f"0105550100{i}" for i in range(6)]  # 31 rows: the end moves onto a fourth page
                assert [o.status for o in await lst.register(new, number080=number)] == ["registered"] * 6
        assert len(seen) == len(set(seen)) and set(before) <= set(seen)
    finally:
        await lst.aclose()


async def test_a_date_range_includes_both_ends_whatever_the_vendor_reads(mode):
    server, lst = mode
    number = number_with(server, 42)
    entries = [e async for e in lst.entries(ListFilter(number080=number))]
    edge = entries[5].requested_at
    until = [e.recipient async for e in lst.entries(ListFilter(number080=number, until=edge))]
    since = [e.recipient async for e in lst.entries(ListFilter(number080=number, since=edge))]
    assert entries[5].recipient in until and entries[5].recipient in since
    assert set(until) == {e.recipient for e in entries if e.requested_at <= edge}
    assert set(since) == {e.recipient for e in entries if e.requested_at >= edge}
    with pytest.raises(ApiError) as refused:  # a start after the end: -1005
        await lst.fetch_page(ListFilter(number080=number, since=edge, until=edge - timedelta(days=1)), 0)
    assert refused.value.code == "-1005" and "search condition" in refused.value.line


# ---------------------------------------------------------------- lookup


async def test_lookup_on_one_080_number_and_across_all_of_them(mode):
    server, lst = mode
    first, second = list(numbers(server))[:2]
    shared = next(r for r in numbers(server)[first].recipients if r in numbers(server)[second].recipients)
    only_first = next(r for r in numbers(server)[first].recipients if r not in numbers(server)[second].recipients)
    each = await lst.lookup_each(shared)
    assert {n for n, found in each.items() if found is not None} == {first, second}
    assert each[second].recipient == shared and each[second].number080 == second
    assert (await lst.lookup(shared)).number080 == first
    assert (await lst.lookup(only_first, number080=first)).recipient == only_first
    assert await lst.lookup(only_first, number080=second) is None
    assert await lst.lookup("01099990000") is None
    assert (await lst.lookup_all([shared, "01099990000"]))["01099990000"] is None


async def test_the_company_080_numbers_are_read_once_for_many_lookups_and_again_when_asked(mode):
    server, lst = mode
    control(server, "reset-stats")
    await asyncio.gather(*(lst.lookup_each(f"0109999000{i}") for i in range(5)))
    await lst.on(next(iter(numbers(server)))).lookup_each("01099990009")  # a narrowed copy shares them
    assert stats(server).get("nhn-sms.numbers") == 1
    await lst.numbers080(fresh=True)
    assert stats(server)["nhn-sms.numbers"] == 2


# ---------------------------------------------------------------- changes


async def test_25_recipients_register_in_3_calls_of_at_most_10(mode):
    server, lst = mode
    number = number_with(server, 3)
    values = [f"0107777{i:04d}" for i in range(25)]
    control(server, "reset-stats", {})
    outcomes = await lst.register(values, number080=number)
    assert [o.status for o in outcomes] == ["registered"] * 25
    assert stats(server)["nhn-sms.register"] == 3
    assert set(values) <= set(numbers(server)[number].recipients)


async def test_a_chunk_on_a_small_080_number_reads_its_list_once_instead_of_a_lookup_each(mode):
    server, lst = mode
    number = number_with(server, 15)
    listed = newest_first(server, number)[:2]
    values = [*listed, *(f"0107666{i:04d}" for i in range(8))]
    control(server, "reset-stats", {})
    outcomes = await lst.register(values, number080=number)
    assert [o.status for o in outcomes] == ["already"] * 2 + ["registered"] * 8
    assert (stats(server)["nhn-sms.list"], stats(server)["nhn-sms.register"]) == (1, 1)


async def test_each_value_says_what_became_of_it(mode):
    server, lst = mode
    number = number_with(server, 15)
    listed = newest_first(server, number)[0]
    dated = numbers(server)[number].recipients[listed]
    outcomes = await lst.register([listed, "01044440001", "0101"], number080=number)
    assert [o.status for o in outcomes] == ["already", "registered", "invalid"]
    assert outcomes[2].error.code == "-2019" and "invalid" in outcomes[2].error.line
    assert numbers(server)[number].recipients[listed] == dated  # never sent again: its opt-out date stays
    outcomes = await lst.remove([listed, "01044440001", "01044440002"], number080=number)
    assert [o.status for o in outcomes] == ["removed", "removed", "not_on_list"]
    assert server.state.nhn_sms.removals == [(number, listed, USER), (number, "01044440001", USER)]
    assert listed not in numbers(server)[number].recipients


async def test_the_remove_parameter_is_found_once_then_kept(mode):
    server, lst = mode
    number = number_with(server, 42)
    first, second = newest_first(server, number)[:2]
    control(server, "reset-stats", {})
    assert [o.status for o in await lst.remove([first], number080=number)] == ["removed"]
    other_name = server.config.nhn_sms_remove_param == "recipientNo"
    assert stats(server)["nhn-sms.delete"] == (2 if other_name else 1)  # the URL's name first, then the table's
    assert [o.status for o in await lst.remove([second], number080=number)] == ["removed"]
    assert stats(server)["nhn-sms.delete"] == (3 if other_name else 2)


async def test_a_recipient_gone_before_its_removal_call_leaves_the_others_removed(mode):
    """Someone else removed one between the lookup and the call: whatever the vendor does with a missing one
    (ignore it, refuse the call, refuse it after removing the others), each value ends removed."""
    server, lst = mode
    number = number_with(server, 42)
    gone, other = newest_first(server, number)[:2]
    view = lst.on(number)
    assert [o.status for o in await view.remove([gone])] == ["removed"]
    control(server, "reset-stats", {})
    outcomes = await view._remove([gone, other])  # both were on the list at the lookup
    assert {v: o.status for v, o in outcomes.items()} == {gone: "removed", other: "removed"}
    refused = server.config.nhn_sms_remove_missing != "ignore"
    expected = {"nhn-sms.delete": 2 if server.config.nhn_sms_remove_missing == "reject" else 1}
    assert stats(server) == ({**expected, "nhn-sms.list": 2} if refused else expected)  # looked up again, sent again
    assert other not in numbers(server)[number].recipients


async def test_changes_need_the_080_number_and_an_unknown_one_fails_each_value(mode):
    _server, lst = mode
    with pytest.raises(ApiError) as missing:
        await lst.register(["01012345678"])
    assert "--080" in missing.value.line and "\n" not in missing.value.line
    with pytest.raises(ApiError) as missing:
        await lst.remove(["01012345678"])
    assert "--080" in missing.value.line
    outcomes = await lst.register(["01012345678", "01012345679"], number080="0800000000")
    assert [o.status for o in outcomes] == ["failed", "failed"]
    assert outcomes[0].error.code == "-6004" and "not one of the project's" in outcomes[0].error.line


async def test_a_vendor_failure_fails_each_value_with_its_error(mode):
    server, lst = mode
    number = number_with(server, 15)
    control(server, "fail-next", {"count": 8, "status": "500", "route": "nhn-sms"})
    outcomes = await lst.register(["01033330001", "01033330002"], number080=number)
    assert [o.status for o in outcomes] == ["failed", "failed"]
    assert outcomes[0].error.code == "-9999" and outcomes[0].error.status == 500 and not outcomes[0].ok


# ---------------------------------------------------------------- credentials and the project's state


@pytest.mark.parametrize("answer", ["-1004", "-1000", "401"])
@pytest.mark.parametrize("failures", ["http", "200"])
async def test_a_wrong_secret_key_is_a_credentials_error(answer, failures):
    server = server_for(nhn_sms_bad_secret=answer, nhn_sms_failure_status=failures)
    for secret in ("wrong123", ""):
        lst = nhn_sms(server, secret=secret)
        try:
            with pytest.raises(ApiError) as refused:
                await lst.numbers080()
        finally:
            await lst.aclose()
        error = refused.value
        assert error.is_auth and "credentials" in error.line and "\n" not in error.line
        assert error.code == (None if answer == "401" else answer)
        assert error.status == (
            401 if answer == "401" else 200 if failures == "200" else {"-1004": 403}.get(answer, 401)
        )
        assert secret not in error.line or not secret


@pytest.mark.parametrize("failures", ["http", "200"])
@pytest.mark.parametrize(("app_key", "code"), [("WrongAppKey000000000", "-1001"), ("bad key!", "-1000")])
async def test_a_wrong_app_key_is_a_credentials_error(failures, app_key, code):
    lst = nhn_sms(server_for(nhn_sms_failure_status=failures), app_key=app_key)
    try:
        with pytest.raises(ApiError) as refused:
            await lst.fetch_page(ListFilter(), 0)
    finally:
        await lst.aclose()
    assert refused.value.code == code and refused.value.is_auth and "app key" in refused.value.line


@pytest.mark.parametrize("failures", ["http", "200"])
@pytest.mark.parametrize(
    ("account", "code", "words"),
    [
        ("disabled", "-1002", "disabled"),
        ("ip-denied", "-1004", "IP address"),
        ("blocked", "-1008", "blocked"),
        ("not-joined", "-6000", "not joined the 080"),
        ("failing", "-9999", "internal error"),
    ],
)
async def test_each_refusal_of_the_project_is_one_clear_line(failures, account, code, words):
    server = server_for(nhn_sms_account=account, nhn_sms_failure_status=failures)
    lst = nhn_sms(server)
    try:
        with pytest.raises(ApiError) as refused:
            await lst.lookup("01012345678")
        outcomes = await lst.register(["01012345678"], number080=next(iter(numbers(server))))
    finally:
        await lst.aclose()
    error = refused.value
    assert error.code == code and words in error.line and "\n" not in error.line
    assert error.is_auth is (code == "-1004")
    assert [(o.status, o.error.code) for o in outcomes] == [("failed", code)]


def test_every_code_of_the_notes_reads_as_one_line_with_what_to_do():
    notes = [
        "4",
        "-1000",
        "-1001",
        "-1002",
        "-1004",
        "-1008",
        "-1005",
        "-2000",
        "-2019",
        "-6000",
        "-6001",
        "-6004",
        "-9995",
        "-9996",
        "-9997",
        "-9998",
        "-9999",
    ]
    assert sorted(CODES) == sorted(notes)
    for status in (200, 400):
        for code in notes:
            error = explained(ApiError("NHN Cloud SMS", "메시지", status=status, code=code), CODES)
            assert isinstance(error, NhnError) and "\n" not in error.line
            assert error.line.startswith(f"NHN Cloud SMS error (HTTP {status}, code {code}): {CODES[code].meaning}")
            assert "(NHN: 메시지)" in error.line and error.hint in error.line


async def test_the_page_size_answer_is_never_read_as_the_page_size():
    """The vendor's `pageSize` may be the rows found: paging goes by the size asked for and the total."""
    server = server_for(nhn_sms_page_size_echo="rows")
    lst = nhn_sms(server, page_size=20)
    try:
        number = number_with(server, 42)
        pages = [len(p.entries) async for p in lst.pages(ListFilter(number080=number))]
        assert pages == [20, 20, 2]
    finally:
        await lst.aclose()


async def test_a_failed_layout_of_all_numbers_is_measured_again(mode):
    server, lst = mode
    control(server, "fail-next", {"count": 4, "status": "503", "route": "nhn-sms"})
    with pytest.raises(ApiError) as failed:
        await lst.fetch_page(ListFilter(), 1)
    assert failed.value.status == 503
    page = await lst.fetch_page(ListFilter(), 1)
    assert page.entries and page.total == sum(len(e.recipients) for e in numbers(server).values())
