"""NHN Cloud Email block receivers over real loopback HTTP against the emulator, in each of its modes."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import timedelta

import pytest

from optout_tui.api.base import ListFilter
from optout_tui.api.errors import ApiError
from optout_tui.api.http import VendorHttp
from optout_tui.api.nhn_email import CODES, NhnEmailList
from optout_tui.api.nhn_envelope import checked_body, explained, secret_key_auth
from optout_tui.emulator import DEMO, EmulatorConfig, EmulatorServer

from .conftest import FAST_RETRY, control

ANCHOR_MS = 1_795_392_000_000  # fixed, so the sample data is the same on every run
BOTH_STATUSES = pytest.mark.parametrize("failure_status", ["200", "http"])


@asynccontextmanager
async def nhn_email(
    count: int = 40, *, page_size: int = 25, secret=DEMO.nhn_email_secret_key, app_key=DEMO.nhn_email_app_key, **config
):
    """An emulator with `count` sample entries and `config` (nhn_email_* without the prefix), and a list on it."""
    settings = {f"nhn_email_{key}": value for key, value in config.items()}
    cfg = EmulatorConfig(sms_count=0, email_count=20, nhn_email_count=count, anchor_ms=ANCHOR_MS, **settings)
    with EmulatorServer(cfg) as server:
        http = VendorHttp("NHN Cloud Email", server.base_url, auth=secret_key_auth(secret), retry=FAST_RETRY)
        lst = NhnEmailList(http, app_key, page_size=page_size)
        try:
            yield lst, server
        finally:
            await lst.aclose()


async def everything(lst, flt: ListFilter | None = None):
    pages = [page async for page in lst.pages(flt or ListFilter())]
    return pages, [entry for page in pages for entry in page.entries]


def statuses(outcomes) -> list[str]:
    return [outcome.status.value for outcome in outcomes]


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize("count,size", [(0, 25), (25, 25), (26, 25), (60, 7), (3, 1)])
@pytest.mark.parametrize("order", ["newest", "oldest"])
async def test_pages_are_one_based_and_end_at_the_total(count, size, order):
    async with nhn_email(count, page_size=size, order=order) as (lst, _):
        pages, entries = await everything(lst)
    assert len(entries) == count == len({e.address for e in entries})
    assert len(pages) == max(1, -(-count // size))
    assert [p.last for p in pages] == [False] * (len(pages) - 1) + [True]
    assert all(p.total == count for p in pages)
    times = [e.blocked_at for e in entries]
    assert times == sorted(times, reverse=order == "newest")  # the vendor's own order, as it came


@pytest.mark.parametrize("end_inclusive", [True, False])
async def test_a_date_range_takes_exactly_its_entries_whatever_the_end_means(end_inclusive):
    async with nhn_email(60, end_inclusive=end_inclusive) as (lst, _):
        _, every = await everything(lst)
        times = sorted(e.blocked_at for e in every)
        since, until = times[10], times[40]  # entries' own instants, milliseconds and all: both ends included
        _, chosen = await everything(lst, ListFilter(since=since, until=until))
        _, later = await everything(lst, ListFilter(since=times[50] + timedelta(milliseconds=1)))
    assert sorted(e.blocked_at for e in chosen) == times[10:41]
    assert sorted(e.blocked_at for e in later) == times[51:]


@pytest.mark.parametrize("case_sensitive", [False, True])
@pytest.mark.parametrize("match", ["exact", "partial"])
async def test_lookup_finds_an_address_whatever_case_is_typed_and_only_that_address(case_sensitive, match):
    async with nhn_email(5, case_sensitive=case_sensitive, address_match=match) as (lst, _):
        await lst.register(["Minsu.Kim@example.kr", "lee.jiwoo@example.kr", "xlee.jiwoo@example.kr"])
        for typed in ("Lee.Jiwoo@example.kr", "LEE.JIWOO@EXAMPLE.KR", "lee.jiwoo@example.kr"):
            found = await lst.lookup(typed)
            assert found is not None and found.address == "lee.jiwoo@example.kr", typed
        mixed = ["Minsu.Kim@example.kr"] + ([] if case_sensitive else ["minsu.kim@example.kr", "MINSU.KIM@example.kr"])
        for typed in mixed:
            found = await lst.lookup(typed)
            assert found is not None and found.address == "Minsu.Kim@example.kr", typed
        assert await lst.lookup("jiwoo@example.kr") is None  # a part of listed addresses is not one of them
        assert await lst.lookup("lee.jiwoo@example.com") is None


# ---------------------------------------------------------------- what became of each value


@pytest.mark.parametrize(
    "failure_status,bad_in_batch,listed",
    [
        ("200", "refuse", "keep"),
        ("http", "partial", "overwrite"),
        ("200", "partial", "-2310"),
        ("http", "refuse", "-2304"),
    ],
)
async def test_a_bulk_registration_and_removal_say_what_became_of_each_address(failure_status, bad_in_batch, listed):
    """A few hundred new addresses, some listed already, some the vendor refuses: one call each way, and each
    value's own outcome, however the vendor treats a listed address or an invalid one among valid ones."""
    async with nhn_email(60, failure_status=failure_status, bad_in_batch=bad_in_batch, listed=listed) as (lst, srv):
        _, every = await everything(lst)
        old = {e.address: e.blocked_at for e in every[:30]}
        new = [f"person{i}@example.kr" for i in range(300)]
        bad = [f"bad{i}@localhost" for i in range(4)]
        values = new[:100] + list(old) + bad[:2] + new[100:] + bad[2:]
        outcomes = await lst.register(values)
        assert (
            statuses(outcomes)
            == ["registered"] * 100 + ["already"] * 30 + ["invalid"] * 2 + ["registered"] * 200 + ["invalid"] * 2
        )
        assert all("not a valid email address" in o.detail for o in outcomes if o.status == "invalid")
        for address, when in old.items():  # never sent again: the date the person opted out stands
            assert (await lst.lookup(address)).blocked_at == when
        assert len(srv.state.nhn_email) == 60 + 300
        removed = await lst.remove([*new[:250], "never.there@example.kr", *old])
        assert statuses(removed) == ["removed"] * 250 + ["not_on_list"] + ["removed"] * 30
        assert len(srv.state.nhn_email) == 60 + 300 - 280


async def test_addresses_differing_in_case_are_one_person_sent_once():
    async with nhn_email(0, case_sensitive=True, repeat="refuse") as (lst, srv):
        outcomes = await lst.register(["Dup.Person@example.kr", "dup.person@example.kr"])
        assert statuses(outcomes) == ["registered", "registered"]
        assert [address for address, _ in srv.state.nhn_email.select(None, None, None, True)] == [outcomes[0].value]
        removed = await lst.remove(["Dup.Person@example.kr"])
        assert statuses(removed) == ["removed"] and len(srv.state.nhn_email) == 0


@pytest.mark.parametrize("case_sensitive", [False, True])
async def test_a_removal_sends_the_address_as_it_is_listed(case_sensitive):
    async with nhn_email(0, case_sensitive=case_sensitive) as (lst, srv):
        await lst.register(["kim.minsu@example.kr"])
        assert statuses(await lst.remove(["Kim.Minsu@example.kr"])) == ["removed"]
        assert len(srv.state.nhn_email) == 0


@pytest.mark.parametrize("remove_missing", ["ignore", "partial", "error"])
async def test_removing_addresses_not_listed_is_not_sent_however_the_vendor_would_take_it(remove_missing):
    async with nhn_email(30, remove_missing=remove_missing) as (lst, srv):
        _, every = await everything(lst)
        control(srv, "reset-stats")
        outcomes = await lst.remove(["gone@example.kr", every[3].address, "also.gone@example.kr"])
        assert statuses(outcomes) == ["not_on_list", "removed", "not_on_list"]
        assert control(srv, "stats")["by_route"]["nhn-email.remove"] == 1
        assert statuses(await lst.remove(["gone@example.kr"])) == ["not_on_list"]
        assert control(srv, "stats")["by_route"]["nhn-email.remove"] == 1


async def test_a_chunk_small_against_its_list_is_looked_up_value_by_value():
    """Reading 3 pages of 1000 would cost more than 3 lookups: the first page says so, then each is looked up."""
    async with nhn_email(2100) as (lst, srv):
        first, second = (address for address, _ in srv.state.nhn_email.select(None, None, None, True)[:2])
        control(srv, "reset-stats")
        outcomes = await lst.register([first, "new.one@example.kr", second.upper()])
        assert statuses(outcomes) == ["already", "registered", "already"]
        assert control(srv, "stats")["by_route"]["nhn-email.list"] == 1 + 3


@pytest.mark.parametrize("listed", ["-2310", "-2304"])
async def test_a_call_refused_for_a_listed_address_is_sent_apart_and_that_address_is_already(listed):
    """Listed between the lookup and the call (as here, by sending it as if new): the vendor refuses the whole
    call; the others still go in, and the listed one is `already`, as the notes read those codes."""
    async with nhn_email(10, listed=listed) as (lst, _):
        _, every = await everything(lst)
        send = {"a@example.kr": "a@example.kr", every[0].address: every[0].address, "b@example.kr": "b@example.kr"}
        outcomes = await lst._write(True, send)
        assert {v: o.status.value for v, o in outcomes.items()} == {
            "a@example.kr": "registered",
            every[0].address: "already",
            "b@example.kr": "registered",
        }
        assert CODES[listed].meaning in outcomes[every[0].address].detail


async def test_a_smaller_cap_per_call_than_1000_costs_calls_not_values():
    async with nhn_email(0, max_list=7) as (lst, srv):
        values = [f"capped{i}@example.kr" for i in range(40)]
        assert statuses(await lst.register(values)) == ["registered"] * 40
        assert statuses(await lst.remove(values)) == ["removed"] * 40
        assert len(srv.state.nhn_email) == 0


@BOTH_STATUSES
async def test_a_failing_registration_fails_each_value_with_the_reason(failure_status):
    async with nhn_email(5, service="failing", failure_status=failure_status) as (lst, _):
        outcomes = await lst.register(["one@example.kr", "two@example.kr"])
    assert statuses(outcomes) == ["failed", "failed"]
    error = outcomes[0].error
    assert error.code == "-2309" and "failed to add" in error.line and "retry later" in error.line


async def test_a_failed_lookup_before_a_change_sends_nothing():
    async with nhn_email(5) as (lst, srv):
        control(srv, "fail-next", {"count": FAST_RETRY.attempts, "status": "503", "route": "nhn-email"})
        outcomes = await lst.register(["one@example.kr"])
        assert "nhn-email.register" not in control(srv, "stats")["by_route"]
        assert await lst.lookup("one@example.kr") is None
    assert statuses(outcomes) == ["failed"] and outcomes[0].error.status == 503
    assert "-9999" in str(outcomes[0].error) and "retry later" in outcomes[0].error.line


async def test_a_passing_fault_is_retried():
    async with nhn_email(5) as (lst, srv):
        control(srv, "fail-next", {"count": 2, "status": "503", "route": "nhn-email"})
        assert await lst.lookup("nobody@example.kr") is None
        assert control(srv, "stats")["faults"] == 2


# ---------------------------------------------------------------- every error code as one clear line

WRONG_SECRET, WRONG_APP_KEY = {"secret": "Wrong123"}, {"app_key": "NotTheAppKey"}
AUTH_CASES = [
    ("-1000", WRONG_APP_KEY, 401),
    ("-1001", {"service": "missing"}, 401),
    ("-1002", {"service": "disabled"}, 401),
    ("-1004", WRONG_SECRET, 401),
    ("-1004", {"secret": ""}, 401),
]


@BOTH_STATUSES
@pytest.mark.parametrize("code,settings,http_status", AUTH_CASES)
async def test_credential_failures_point_at_the_credentials(failure_status, code, settings, http_status):
    async with nhn_email(5, failure_status=failure_status, **settings) as (lst, _):
        with pytest.raises(ApiError) as caught:
            await lst.fetch_page(ListFilter(), 0)
        outcomes = await lst.register(["one@example.kr"])
    error = caught.value
    assert (error.code, error.status) == (code, 200 if failure_status == "200" else http_status)
    assert error.is_auth and "credentials" in error.line and "\n" not in error.line
    assert CODES[code].meaning in error.line
    assert statuses(outcomes) == ["failed"] and outcomes[0].error.is_auth


async def send(lst, method: str, path: str = "", **request) -> ApiError:
    """What a request the client itself never sends is answered: as the client reads any answer."""
    try:
        response = await lst._http.request(method, lst._path + path, **request)
        checked_body(response, lst._http.service, CODES)
    except ApiError as exc:
        return explained(exc, CODES)
    raise AssertionError("the request went through")


TEXT = {"Content-Type": "text/plain"}
JSON = {"Content-Type": "application/json"}
REQUEST_CASES = [
    ("-1005", {"service": "blocked"}, ("GET", "", {}), 403),
    ("-2000", {}, ("GET", "", {"params": {"startBlockDate": "2026-01-01"}}), 400),
    ("-2048", {}, ("GET", "", {"params": {"pageSize": 1001}}), 400),
    ("-2302", {}, ("GET", "", {"params": {"pageNum": 0}}), 400),
    ("-2302", {}, ("PUT", "", {"json": {"deleted": False, "blockReceiverList": [{"mailAddress": "a@b.kr"}]}}), 400),
    ("-2303", {"max_list": 2}, ("POST", "", {"json": {"blockReceiverList": [{"mailAddress": "a@b.kr"}] * 3}}), 400),
    ("-2304", {"listed": "-2304"}, ("POST", "", {"json": {"blockReceiverList": [{"mailAddress": "LISTED"}]}}), 400),
    ("-2305", {}, ("POST", "", {"json": {"blockReceiverList": []}}), 400),
    ("-2308", {}, ("POST", "", {"json": {"blockReceiverList": [{"mailAddress": "nobody"}]}}), 400),
    ("-2309", {"service": "failing"}, ("POST", "", {"json": {"blockReceiverList": [{"mailAddress": "a@b.kr"}]}}), 500),
    ("-2310", {"listed": "-2310"}, ("POST", "", {"json": {"blockReceiverList": [{"mailAddress": "LISTED"}]}}), 400),
    ("-2310", {}, ("POST", "", {"json": {"blockReceiverList": [{"mailAddress": "a@b.kr"}] * 2}}), 400),
    ("-9993", {}, ("GET", "", {"params": {"pageSize": "ten"}}), 400),
    ("-9995", {}, ("POST", "", {"json": [{"mailAddress": "a@b.kr"}]}), 400),
    ("-9996", {}, ("POST", "", {"content": b'{"blockReceiverList": []}', "headers": TEXT}), 415),
    ("-9997", {}, ("POST", "", {"content": b'{"blockReceiverList": [', "headers": JSON}), 400),
    ("-9998", {}, ("DELETE", "", {}), 404),
    ("-9998", {}, ("GET", "/all", {}), 404),
]


@BOTH_STATUSES
@pytest.mark.parametrize("code,settings,call,http_status", REQUEST_CASES)
async def test_every_documented_code_is_one_clear_line(failure_status, code, settings, call, http_status):
    async with nhn_email(5, failure_status=failure_status, **settings) as (lst, srv):
        method, path, request = call
        if "LISTED" in str(request):
            listed = srv.state.nhn_email.select(None, None, None, True)[0][0]
            request = {"json": {"blockReceiverList": [{"mailAddress": listed}]}}
        error = await send(lst, method, path, **request)
    assert (error.code, error.status) == (code, 200 if failure_status == "200" else http_status)
    assert CODES[code].meaning in error.line and "NHN Cloud Email" in error.line and "\n" not in error.line
    assert not error.is_auth


async def test_an_internal_error_is_retried_then_one_line():
    async with nhn_email(5) as (lst, srv):
        control(srv, "fail-next", {"count": FAST_RETRY.attempts, "status": "500", "route": "nhn-email"})
        with pytest.raises(ApiError) as caught:
            await lst.fetch_page(ListFilter(), 0)
    error = caught.value
    assert (error.status, error.code) == (500, "-9999") and error.retryable
    assert "internal error" in error.line and "retry later" in error.line
