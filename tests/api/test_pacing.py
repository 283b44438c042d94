"""Pacing over real loopback HTTP: the limit of requests in flight halves on a 429 and grows back, the NCP
gateway's throttling codes are retried and its quota is not, and a listing under an emulated gateway limit
is refused rarely."""

from __future__ import annotations

import json

import httpx
import pytest

from optout_tui.api.base import ListFilter
from optout_tui.api.errors import ApiError, QuotaExceeded
from optout_tui.api.http import RetryPolicy, VendorHttp
from optout_tui.emulator import EmulatorConfig, EmulatorServer

from .conftest import make_lists
from .loopback_vendor import OK, LoopbackVendor

QUICK_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.01)


def gateway_429(code: str, retry_after: str | None = None) -> bytes:
    body = json.dumps({"error": {"errorCode": code, "message": "Rate limited"}}).encode()
    extra = f"Retry-After: {retry_after}\r\n" if retry_after else ""
    head = f"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n{extra}Content-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


def refusing(*numbers: int, code: str = "420", retry_after: str | None = None):
    """An answer refusing the requests with these numbers (1-based) with a gateway 429, the others OK."""
    seen = []

    async def answer(_head: bytes) -> bytes:
        seen.append(1)
        return gateway_429(code, retry_after) if len(seen) in numbers else OK

    return answer


async def test_the_limit_halves_on_a_429_and_grows_back_while_answers_are_fine():
    limits_at_retry = []
    async with LoopbackVendor(refusing(13)) as vendor:
        http = VendorHttp("SENS", vendor.url, retry=QUICK_RETRY, max_connections=8)
        http.retry_hooks.append(lambda *_: limits_at_retry.append(http.pacing.limit))
        try:
            start = http.pacing.limit
            for _ in range(12):
                await http.request("GET", "/list")
            grown = http.pacing.limit
            await http.request("GET", "/list")  # refused once, then answered
            for _ in range(40):
                await http.request("GET", "/list")
        finally:
            await http.aclose()
    assert start < grown <= 8
    assert limits_at_retry == [grown / 2]
    assert http.pacing.limit >= grown
    assert len(vendor.requests) == 54


@pytest.mark.parametrize("code", ["410", "420"])
async def test_throttled_and_rate_limited_answers_are_retried_honouring_retry_after(code):
    delays = []
    async with LoopbackVendor(refusing(1, code=code, retry_after="0.2")) as vendor:
        http = VendorHttp("SENS", vendor.url, retry=QUICK_RETRY)
        http.retry_hooks.append(lambda error, _attempt, delay: delays.append((error.status, error.code, delay)))
        try:
            assert (await http.request("GET", "/list")).json() == []
        finally:
            await http.aclose()
    assert delays == [(429, code, 0.2)]
    assert len(vendor.requests) == 2


async def test_a_used_up_quota_is_not_retried_and_says_so_in_one_line():
    heard = []
    async with LoopbackVendor(refusing(1, 2, 3, code="400")) as vendor:
        http = VendorHttp("SENS", vendor.url, retry=QUICK_RETRY)
        http.retry_hooks.append(lambda *args: heard.append(args))
        try:
            with pytest.raises(QuotaExceeded) as caught:
                await http.request("GET", "/list")
        finally:
            await http.aclose()
    assert heard == [] and len(vendor.requests) == 1
    assert isinstance(caught.value, ApiError) and not caught.value.retryable
    line = caught.value.line
    assert "daily API quota is used up" in line and "tomorrow" in line and "\n" not in line


async def test_a_listing_under_a_gateway_rate_limit_is_refused_rarely():
    with EmulatorServer(EmulatorConfig(sms_count=8_000, email_count=0, rate_limit=40)) as server:
        lists = make_lists(server)
        try:
            rows = [entry async for page in lists.sms.pages(ListFilter()) for entry in page.entries]
        finally:
            await lists.aclose()
        sens = httpx.get(f"{server.base_url}/_emulator/throttle").json()["services"]["sens"]
    assert len(rows) == 8_000
    assert sens["refused"] > 0  # the gateway's limit was met
    assert sens["refused"] / sens["requests"] < 0.15
