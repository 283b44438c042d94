"""The Notification Hub as NHN documents it (prefix search, official result codes, the shared-number rule)
and as it may refuse an expired token (each reading the emulator can play), over loopback."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from optout_tui.api.base import ListFilter, OutcomeStatus
from optout_tui.api.errors import ApiError
from optout_tui.api.factory import build_lists
from optout_tui.api.numbers080 import search_fragment
from optout_tui.demo import demo_settings
from optout_tui.emulator import DEMO, EmulatorConfig, EmulatorServer

from .conftest import FAST_RETRY, control

HUB_PATH = "/sender/v1.0/unsubscribe-phone-numbers"


class Always200(httpx.AsyncHTTPTransport):
    """Sends `X-NC-ALWAYS-200-OK: true` on every request, so each failure comes back as HTTP 200."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["X-NC-ALWAYS-200-OK"] = "true"
        return await super().handle_async_request(request)


@pytest.fixture(scope="module")
def hub_server():
    with EmulatorServer(EmulatorConfig(sms_count=0, email_count=0)) as server:
        yield server


def hub_lists(server, mode: str = "plain", *, app_key: str | None = None, secret: str | None = None):
    """`build_lists` over `server`; "always-200" has every failure answered as HTTP 200."""
    profile, secrets = demo_settings(server)
    if app_key is not None:
        profile = dataclasses.replace(profile, nhn_app_key=app_key)
    if secret is not None:
        secrets = dataclasses.replace(secrets, nhn_secret_access_key=secret)
    transport = Always200() if mode == "always-200" else None
    return build_lists(profile, secrets, retry=FAST_RETRY, transport=transport)


def calls(server) -> dict[str, int]:
    return control(server, "stats")["by_route"]


def bearer_headers(server) -> dict[str, str]:
    token = httpx.post(
        f"{server.base_url}/oauth2/token/create",
        auth=(DEMO.nhn_user_access_key_id, DEMO.nhn_secret_access_key),
        data={"grant_type": "client_credentials"},
    ).json()["access_token"]
    return {"X-NC-APP-KEY": DEMO.nhn_app_key, "X-NHN-Authorization": f"Bearer {token}"}


# ------------------------------------------------------------ what a person types in the 080 search


@pytest.mark.parametrize(
    "typed, sent",
    [("080-12", "08012"), (" 0801 234 ", "0801234"), ("080_1", "080_1"), ("_8", "_8"), ("0", "0"), ("080.1", "0801")],
)
def test_the_080_search_reads_the_start_of_a_number_with_underscore_for_any_digit(typed, sent):
    assert search_fragment(typed) == sent


@pytest.mark.parametrize("typed", ["080%1234", "1234", "081", "abc", "", "-", "080*"])
def test_what_the_080_search_cannot_mean_is_refused_in_one_line_saying_it_is_a_prefix_match(typed):
    with pytest.raises(ValueError, match="matches the start of a number") as refused:
        search_fragment(typed)
    assert "\n" not in str(refused.value)


async def test_an_underscore_matches_one_digit_and_nothing_else(hub_server):
    lists = hub_lists(hub_server)
    try:
        numbers = [e.number async for e in lists.n080.entries(ListFilter())]
        number = numbers[4]
        pattern = search_fragment(number[:3] + "_" + number[4:6])
        hits = [e.number async for e in lists.n080.entries(ListFilter(search=pattern))]
        assert number in hits and hits == [n for n in numbers if n[:3] == number[:3] and n[4:6] == number[4:6]]
        eleven = [e.number async for e in lists.n080.entries(ListFilter(search="_" * 11))]
        assert eleven == [n for n in numbers if len(n) == 11] and eleven
    finally:
        await lists.aclose()


async def test_rows_the_vendor_adds_for_a_percent_sign_are_dropped_here(hub_server):
    """NHN names no escape, and the emulator reads `%` as SQL LIKE does (any run of characters): the
    adapter's own exact filter still keeps only numbers starting with the fragment as given."""
    lists = hub_lists(hub_server)
    try:
        numbers = [e.number async for e in lists.n080.entries(ListFilter())]
        fragment = "080%" + numbers[2][-3:]
        wide = httpx.get(
            hub_server.base_url + HUB_PATH,
            params={"unsubscribePhoneNumber": fragment},
            headers=bearer_headers(hub_server),
        ).json()
        assert wide["totalCount"] >= 1  # the vendor's reading gives rows
        page = await lists.n080.fetch_page(ListFilter(search=fragment), 0)
        assert page.entries == [] and page.total is None and page.last
    finally:
        await lists.aclose()


# ------------------------------------------------------------ official result codes, with and without HTTP 200


@pytest.mark.parametrize("mode", ["plain", "always-200"])
async def test_each_official_code_becomes_its_outcome(hub_server, mode):
    lists = hub_lists(hub_server, mode)
    n080 = lists.n080
    new = "0805551200" if mode == "plain" else "0805551201"
    try:
        entries = [e async for e in n080.entries(ListFilter())]
        assert [o.status for o in await n080.register([new], company="코드")] == [OutcomeStatus.REGISTERED]
        assert [o.status for o in await n080.register([new], company="코드")] == [OutcomeStatus.ALREADY]  # 404221
        assert [o.status for o in await n080.register(["08012"], company="코드")] == [OutcomeStatus.INVALID]  # 400311
        assert await n080.lookup("0800000001") is None  # 404222
        assert [o.status for o in await n080.remove(["0800000001"])] == [OutcomeStatus.NOT_ON_LIST]  # 404222
        assert [o.status for o in await n080.remove([new])] == [OutcomeStatus.REMOVED]

        shared = next(e for e in entries if e.share_status == "SECONDARY" and e.status == "IN_USE")
        (refused,) = await n080.remove([shared.number])  # 400220
        assert refused.status is OutcomeStatus.FAILED and not refused.error.retryable and not refused.error.is_auth
        assert refused.detail == "a shared 080 number in use cannot be cancelled (NHN's rule)"
        assert (
            "400220" in refused.error.line and refused.detail in refused.error.line and "\n" not in refused.error.line
        )
        assert (await n080.lookup(shared.number)).status == "IN_USE"
        internal = next(e for e in entries if e.provider == "INTERNAL" and e.status not in ("IN_USE", "TERMINATED"))
        (not_external,) = await n080.remove([internal.number])  # 400520
        assert not_external.status is OutcomeStatus.FAILED and "only an external one" in not_external.detail
    finally:
        await lists.aclose()


@pytest.mark.parametrize("mode", ["plain", "always-200"])
async def test_a_wrong_app_key_is_a_credentials_error_in_one_line(hub_server, mode):
    lists = hub_lists(hub_server, mode, app_key="SomeoneElsesAppKey00")
    try:
        with pytest.raises(ApiError) as refused:
            await lists.n080.fetch_page(ListFilter(), 0)
        assert refused.value.code == "400300" and refused.value.is_auth
        assert "check the credentials" in refused.value.line and "\n" not in refused.value.line
        (outcome,) = await lists.n080.remove(["0805550999"])
        assert outcome.status is OutcomeStatus.FAILED and outcome.error.is_auth  # a bulk run stops on it
    finally:
        await lists.aclose()


async def test_a_wrong_or_revoked_user_access_key_is_one_line_after_one_token_request(hub_server):
    lists = hub_lists(hub_server, secret="no-longer-valid")
    control(hub_server, "reset-stats")
    try:
        with pytest.raises(ApiError) as refused:
            await lists.n080.fetch_page(ListFilter(), 0)
        line = refused.value.line
        assert line.startswith("NHN Cloud OAuth error (HTTP 401, code invalid_client)") and "\n" not in line
        assert "check the credentials" in line and "no-longer-valid" not in line
        assert calls(hub_server) == {"oauth.create": 1}
    finally:
        await lists.aclose()


# ------------------------------------------------------------ an expired token, however the Hub refuses it


@pytest.mark.parametrize("mode", ["plain", "always-200"])
@pytest.mark.parametrize("reading", ["401", "403", "200"])
async def test_an_expired_token_costs_one_new_token_and_one_retry(reading, mode):
    with EmulatorServer(EmulatorConfig(sms_count=0, email_count=0, hub_expired_token=reading)) as server:
        lists = hub_lists(server, mode)
        n080 = lists.n080
        try:
            number = (await n080.fetch_page(ListFilter(), 0)).entries[0].number

            async def listed() -> bool:
                return bool((await n080.fetch_page(ListFilter(), 0)).entries)

            async def found() -> bool:
                return await n080.lookup(number) is not None

            async def registered() -> bool:
                return (await n080.register(["0805559000"], company="만료"))[0].status is OutcomeStatus.REGISTERED

            async def removed() -> bool:
                return (await n080.remove(["0805559000"]))[0].status is OutcomeStatus.REMOVED

            for step in (listed, found, registered, removed):
                control(server, "expire-tokens")
                control(server, "reset-stats")
                assert await step(), step.__name__
                hub_calls = {route: n for route, n in calls(server).items() if route.startswith("hub.")}
                assert sum(hub_calls.values()) == 2 and len(hub_calls) == 1  # refused once, then answered
                assert calls(server)["oauth.create"] == 1
            assert n080._auth.tokens.fetch_count == 5
        finally:
            await lists.aclose()


@pytest.mark.parametrize("reading", ["401", "403", "200"])
async def test_concurrent_callers_share_the_one_renewal(reading):
    import asyncio

    with EmulatorServer(EmulatorConfig(sms_count=0, email_count=0, hub_expired_token=reading)) as server:
        lists = hub_lists(server)
        try:
            await lists.n080.fetch_page(ListFilter(), 0)
            control(server, "expire-tokens")
            pages = await asyncio.gather(*(lists.n080.fetch_page(ListFilter(), 0) for _ in range(8)))
            assert all(page.entries for page in pages)
            assert lists.n080._auth.tokens.fetch_count == 2
        finally:
            await lists.aclose()
