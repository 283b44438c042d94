"""The HTTP layer's own pooled transport: connections are reused, a connection the server closed
while idle is replaced, and proxy variables in the environment are still honoured. Real loopback
sockets throughout (small asyncio servers standing in for a vendor and for a proxy)."""

from __future__ import annotations

import asyncio

import pytest

from optout_tui.api.http import RetryPolicy, VendorHttp, tls_context

from .loopback_vendor import LoopbackVendor

NO_RETRY = RetryPolicy(attempts=1)


async def test_requests_reuse_one_pooled_connection():
    async with LoopbackVendor() as server:
        http = VendorHttp("SENS", server.url, retry=NO_RETRY)
        try:
            for i in range(5):
                response = await http.request("GET", "/list", params={"pageIndex": i})
                assert response.json() == []
        finally:
            await http.aclose()
    assert server.connections == 1
    assert server.request_lines == [f"GET /list?pageIndex={i} HTTP/1.1" for i in range(5)]


async def test_a_connection_the_server_closed_while_idle_is_replaced_not_an_error():
    async with LoopbackVendor(close_after_answer=True) as server:
        http = VendorHttp("SENS", server.url, retry=NO_RETRY)  # no retries: a stale connection would fail
        try:
            for _ in range(3):
                server.closed.clear()
                assert (await http.request("GET", "/list")).json() == []
                await asyncio.wait_for(server.closed.wait(), 10)  # closed while idle in the pool
        finally:
            await http.aclose()
    assert server.connections == 3


async def test_an_encoded_body_is_sent_as_given_with_its_content_type():
    async with LoopbackVendor() as server:
        http = VendorHttp("SENS", server.url, retry=NO_RETRY)
        try:
            response = await http.request("POST", "/add", content=b'[{"clientTelNo":"01012345678"}]',
                                          headers={"Content-Type": "application/json"})
        finally:
            await http.aclose()
    assert response.request.headers["content-type"] == "application/json"
    assert response.request.content == b'[{"clientTelNo":"01012345678"}]'


async def test_a_proxy_in_the_environment_is_still_used(monkeypatch):
    async with LoopbackVendor() as vendor, LoopbackVendor() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        http = VendorHttp("SENS", vendor.url, retry=NO_RETRY)
        try:
            assert (await http.request("GET", "/list", params={"pageSize": 1})).json() == []
        finally:
            await http.aclose()
    assert vendor.request_lines == []
    assert proxy.request_lines == [f"GET {vendor.url}/list?pageSize=1 HTTP/1.1"]


def test_every_client_shares_one_verifying_tls_context():
    import ssl

    context = tls_context()
    assert context is tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


@pytest.mark.parametrize("url", ["https://sens.apigw.ntruss.com", "http://127.0.0.1:9"])
async def test_clients_for_https_and_loopback_http_open_and_close(url):
    http = VendorHttp("SENS", url)
    await http.aclose()
