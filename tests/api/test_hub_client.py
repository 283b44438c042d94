"""NHN Notification Hub 080 numbers, with the shared access token, against the emulator."""

from __future__ import annotations

import asyncio

import pytest

from optout_tui.api.base import ListFilter, OutcomeStatus
from optout_tui.emulator import EmulatorConfig, EmulatorServer

from .conftest import control, make_lists


async def test_list_covers_every_status_and_provider(lists):
    entries = [e async for e in lists.n080.entries(ListFilter())]
    assert len(entries) >= 12
    assert {"READY", "RESERVE_USE", "IN_USE", "TERMINATED"} <= {e.status for e in entries}
    assert {"INTERNAL", "EXTERNAL"} <= {e.provider for e in entries}
    assert all(e.number.startswith("080") for e in entries)
    assert {len(e.number) for e in entries} == {10, 11}  # 080-123-4567 and 080-1234-5678


async def test_prefix_search_and_single_lookup(lists):
    entries = [e async for e in lists.n080.entries(ListFilter())]
    fragment = entries[3].number[:6]
    hits = [e async for e in lists.n080.entries(ListFilter(search=fragment))]
    assert hits == [e for e in entries if e.number.startswith(fragment)] and entries[3] in hits
    for entry in entries:  # some single answers carry the number unquoted: both readings work
        assert (await lists.n080.lookup(entry.number)).number == entry.number
    assert await lists.n080.lookup("0809999999") is None


async def test_register_external_then_deregister(lists):
    number = "0805550123"
    done = await lists.n080.register([number], company="테스트 주식회사")
    assert done[0].status is OutcomeStatus.REGISTERED
    entry = await lists.n080.lookup(number)
    assert entry.provider == "EXTERNAL" and entry.company == "테스트 주식회사"
    again = await lists.n080.register([number], company="테스트 주식회사")
    assert again[0].status is OutcomeStatus.ALREADY
    invalid = await lists.n080.register(["0801"], company="x")
    assert invalid[0].status is OutcomeStatus.INVALID
    gone = await lists.n080.remove([number])
    assert gone[0].ok
    missing = await lists.n080.remove(["0809999998"])
    assert missing[0].status is OutcomeStatus.NOT_ON_LIST


@pytest.mark.parametrize("style", ["mixed", "string", "number"])
async def test_an_080_number_with_8_digits_registers_looks_up_lists_and_goes(style):
    """NHN's own example 080-1234-1234: even when the single answer drops its leading zero (a JSON number)."""
    with EmulatorServer(EmulatorConfig(sms_count=0, email_count=0, hub_number_json=style)) as server:
        lists = make_lists(server)
        try:
            number = "08012341234"
            assert [o.status for o in await lists.n080.register([number], company="열한자리")] == [
                OutcomeStatus.REGISTERED
            ]
            entry = await lists.n080.lookup(number)
            assert (entry.number, entry.company, entry.provider) == (number, "열한자리", "EXTERNAL")
            listed = [e.number async for e in lists.n080.entries(ListFilter(search=number))]
            assert listed == [number]
            assert number in [e.number async for e in lists.n080.entries(ListFilter())]
            for other in [e async for e in lists.n080.entries(ListFilter())]:  # the sample's long ones too
                assert (await lists.n080.lookup(other.number)).number == other.number
            assert (await lists.n080.remove([number]))[0].ok
        finally:
            await lists.aclose()


async def test_one_token_is_shared_by_concurrent_callers(emulator):
    lists = make_lists(emulator)
    try:
        await asyncio.gather(*(lists.n080.fetch_page(ListFilter(), 0) for _ in range(20)))
        assert lists.n080._auth.tokens.fetch_count == 1
    finally:
        await lists.aclose()


async def test_a_token_that_expires_mid_run_is_renewed_once(emulator):
    lists = make_lists(emulator)
    try:
        await lists.n080.fetch_page(ListFilter(), 0)
        control(emulator, "expire-tokens", {})
        page = await lists.n080.fetch_page(ListFilter(), 0)
        assert page.entries and lists.n080._auth.tokens.fetch_count == 2
    finally:
        await lists.aclose()


async def test_a_short_token_life_is_renewed_before_it_expires():
    with EmulatorServer(EmulatorConfig(sms_count=0, email_count=0, token_ttl=2)) as server:
        lists = make_lists(server)
        try:
            await lists.n080.fetch_page(ListFilter(), 0)
            await asyncio.sleep(2.1)
            await lists.n080.fetch_page(ListFilter(), 0)
            assert lists.n080._auth.tokens.fetch_count == 2
        finally:
            await lists.aclose()


async def test_a_mixed_batch_says_of_each_080_number_what_became_of_it(lists):
    external = [e.number async for e in lists.n080.entries(ListFilter()) if e.provider == "EXTERNAL"]
    existing = external[0]
    new = "0805550777"
    outcomes = await lists.n080.register([existing, new], company="섞인 회사")
    assert [(o.value, o.status) for o in outcomes] == [(existing, "already"), (new, "registered")]
    outcomes = await lists.n080.remove(["0805550778", new])
    assert [(o.value, o.status) for o in outcomes] == [("0805550778", "not_on_list"), (new, "removed")]
