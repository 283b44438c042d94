"""The NCP gateway may check signature v2 over the query as sent or percent-decoded (shared/api/README.md
section 5): every SENS and Mailer call works against the emulator playing either reading, over loopback."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from optout_tui.api.base import ListFilter
from optout_tui.api.errors import ApiError
from optout_tui.api.factory import build_lists
from optout_tui.demo import demo_settings
from optout_tui.emulator import EmulatorConfig, EmulatorServer
from optout_tui.times import now_ms

from .conftest import FAST_RETRY

PLUS = "a+b@example.com"  # `+` must be escaped in a query: the one value whose two readings differ


class Recorder(httpx.AsyncHTTPTransport):
    """httpx's own transport, noting each request as it went on the wire and the status it got."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str, int]] = []  # (method, raw target, status)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        self.seen.append((request.method, request.url.raw_path.decode("ascii"), response.status_code))
        return response

    def take(self) -> list[tuple[str, str, int]]:
        seen, self.seen = self.seen, []
        return seen


@pytest.fixture(scope="module", params=["sent", "decoded"])
def gateway(request):
    """An emulator whose gateway reads the signed query one way, with `PLUS` on the Mailer's list."""
    config = EmulatorConfig(sms_count=150, email_count=30, ncp_signature_reading=request.param)
    with EmulatorServer(config) as server:
        server.state.mail.register([PLUS], now_ms())  # in-process, so no signed call has run before a test's own
        yield server


async def lists_for(server, **secrets):
    profile, right = demo_settings(server)
    recorder = Recorder()
    lists = build_lists(profile, dataclasses.replace(right, **secrets), retry=FAST_RETRY, transport=recorder)
    return lists, recorder


async def test_every_call_succeeds_under_either_reading(gateway):
    lists, wire = await lists_for(gateway)
    try:
        found = await lists.email.lookup(PLUS)
        assert found is not None and found.address == PLUS
        entries = [e async for p in lists.email.pages(ListFilter(newest_first=True)) for e in p.entries]
        assert len(entries) == 31 and [e.blocked_at for e in entries] == sorted(
            (e.blocked_at for e in entries), reverse=True
        )
        numbers = [e async for p in lists.sms.pages(ListFilter()) for e in p.entries]
        assert len(numbers) == 150
        assert (await lists.sms.lookup(numbers[7].value)) == numbers[7]
        assert await lists.sms.lookup("01000000000") is None
    finally:
        await lists.aclose()
    refused = [target for _, target, status in wire.seen if status == 401]
    # Only the lookup of `PLUS` reads differently decoded, and only the decoded gateway refuses its first form.
    assert len(refused) == (gateway.config.ncp_signature_reading == "decoded")
    assert all("emailAddress=a%2Bb@example.com" in target for target in refused)


async def test_queries_send_commas_colons_and_at_signs_unescaped(gateway):
    lists, wire = await lists_for(gateway)
    try:
        await lists.email.lookup("kim@x.kr")
        await lists.sms.lookup("01012345678")
    finally:
        await lists.aclose()
    (mailer_method, mailer, mailer_status), (_, sens, sens_status) = wire.take()
    assert (mailer_method, mailer_status, sens_status) == ("GET", 200, 200)
    path, _, query = mailer.partition("?")
    assert path == "/api/v1/unsubscribers" and "%" not in query
    assert "sort=createUtc,desc" in query.split("&") and "emailAddress=kim@x.kr" in query.split("&")
    assert sens.startswith("/sms/v2/services/ncp:sms:kr:") and "%" not in sens
    assert "clientTelNo=01012345678" in sens.partition("?")[2].split("&")


async def test_the_other_reading_is_tried_once_per_host_and_kept(gateway):
    decoded = gateway.config.ncp_signature_reading == "decoded"
    lists, wire = await lists_for(gateway)
    try:
        assert (await lists.email.lookup(PLUS)) is not None
        assert [status for _, _, status in wire.take()] == ([401, 200] if decoded else [200])
        for address in ("c+d@example.com", "e+f@example.com", PLUS):  # remembered: one request each
            await lists.email.lookup(address)
            assert [status for _, _, status in wire.take()] == [200]
        await lists.sms.lookup("01012345678")  # its own host and signer: nothing to try
        assert [status for _, _, status in wire.take()] == [200]
    finally:
        await lists.aclose()


async def test_lookups_refused_together_each_retry_once_under_the_reading_found(gateway):
    """Lookups in flight together are all refused under the wrong reading; the first refusal switches it, the
    others (signed before the switch) retry under the new one instead of switching it back."""
    lists, wire = await lists_for(gateway)
    others = [f"p{i}+q@example.com" for i in range(23)]
    try:
        found = await lists.email.lookup_all([PLUS, *others])
    finally:
        await lists.aclose()
    assert found[PLUS] is not None and [found[address] for address in others] == [None] * 23  # no ApiError
    statuses = [status for _, _, status in wire.take()]
    assert statuses.count(200) == 24
    at_once = lists.email.limits.max_in_flight  # refused at most once each, and only those sent before the switch
    assert statuses.count(401) in (range(1, at_once + 1) if gateway.config.ncp_signature_reading == "decoded" else [0])


@pytest.mark.parametrize("value", [PLUS, "kim@x.kr"])
async def test_a_wrong_secret_fails_in_one_line_after_at_most_two_requests(gateway, value):
    wrong = "not-the-secret-key-0000000000000000000000"
    lists, wire = await lists_for(gateway, ncloud_secret_key=wrong)
    try:
        for call in range(3):  # the flip never turns into a loop, nor grows from call to call
            with pytest.raises(ApiError) as caught:
                await lists.email.lookup(value)
            assert [status for _, _, status in wire.take()] == ([401, 401] if "+" in value else [401]), call
            line = caught.value.line
            assert len(line.splitlines()) == 1 and "credentials" in line and wrong not in line
            assert caught.value.is_auth and caught.value.code == "200"
        with pytest.raises(ApiError) as caught:
            await lists.sms.lookup("01012345678")
        assert [status for _, _, status in wire.take()] == [401]
        assert "credentials" in caught.value.line
    finally:
        await lists.aclose()
