"""The HTTP layer on httpx's own transport, over real loopback sockets (small asyncio servers stand
in for a vendor and for a proxy): connections are pooled and limited, TLS is verified against the
process's one context, proxy variables are honoured, a request is never sent again except as a
reported retry, and every failure is one line that quotes no header value."""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl
import traceback

import httpx
import pytest
import trustme

from optout_tui.api.errors import ApiError
from optout_tui.api.http import RetryPolicy, VendorHttp, tls_context

from .loopback_vendor import OK, LoopbackVendor

NO_RETRY = RetryPolicy(attempts=1)
QUICK_RETRY = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.01)
STORED_KEY = "Zm9vYmFyYmF6\nqux"  # a key pasted with its line break: HTTP cannot carry it


class Heard(list):
    """The retries a client reports to it, as (message, attempt)."""

    def __call__(self, error: ApiError, attempt: int, _delay: float) -> None:
        self.append((error.message, attempt))


@pytest.fixture
def retries():
    return Heard()


def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)
    return context


@pytest.fixture
def trusted_ca(tmp_path, monkeypatch):
    """A CA the process trusts through SSL_CERT_FILE, as a company's own CA would be."""
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    tls_context.cache_clear()
    yield ca
    tls_context.cache_clear()


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


async def test_no_more_connections_than_the_clients_limit():
    async def slow(_head: bytes) -> bytes:
        await asyncio.sleep(0.1)
        return OK

    async with LoopbackVendor(slow) as server:
        http = VendorHttp("SENS", server.url, retry=NO_RETRY, max_connections=2)
        try:
            answers = await asyncio.gather(*(http.request("GET", "/list") for _ in range(6)))
        finally:
            await http.aclose()
    assert [answer.status_code for answer in answers] == [200] * 6
    assert server.connections == 2


async def test_an_encoded_body_is_sent_as_given_with_its_content_type():
    async with LoopbackVendor() as server:
        http = VendorHttp("SENS", server.url, retry=NO_RETRY)
        try:
            response = await http.request(
                "POST", "/add", content=b'[{"clientTelNo":"01012345678"}]', headers={"Content-Type": "application/json"}
            )
        finally:
            await http.aclose()
    assert response.request.headers["content-type"] == "application/json"
    assert server.requests[0][1] == b'[{"clientTelNo":"01012345678"}]'


async def test_a_proxy_in_the_environment_gets_the_request_as_signed(monkeypatch):
    async def sign(request: httpx.Request) -> None:
        request.headers["X-Signature"] = f"{request.method} {request.url.raw_path.decode()}"

    async with LoopbackVendor() as vendor, LoopbackVendor() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        http = VendorHttp("SENS", vendor.url, auth=sign, retry=NO_RETRY)
        try:
            assert (await http.request("GET", "/list", params={"pageSize": 1})).json() == []
        finally:
            await http.aclose()
    assert vendor.requests == []
    assert proxy.request_lines == [f"GET {vendor.url}/list?pageSize=1 HTTP/1.1"]
    assert b"\r\nX-Signature: GET /list?pageSize=1\r\n" in proxy.requests[0][0]


def test_every_client_shares_one_verifying_tls_context():
    context = tls_context()
    assert context is tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


async def test_tls_to_a_certificate_from_a_ca_in_ssl_cert_file_works_on_one_connection(trusted_ca):
    async with LoopbackVendor(tls=server_tls(trusted_ca)) as vendor:
        http = VendorHttp("SENS", vendor.url, retry=NO_RETRY)
        try:
            for _ in range(3):
                assert (await http.request("GET", "/list")).json() == []
        finally:
            await http.aclose()
    assert vendor.connections == 1


async def test_a_certificate_nobody_vouches_for_is_refused_in_one_line():
    async with LoopbackVendor(tls=server_tls(trustme.CA())) as vendor:
        http = VendorHttp("SENS", vendor.url, retry=NO_RETRY)  # the real, verifying context
        try:
            with pytest.raises(ApiError) as caught:
                await http.request("GET", "/list")
        finally:
            await http.aclose()
    line = caught.value.line
    assert "could not reach" in line and "CERTIFICATE_VERIFY_FAILED" in line and "\n" not in line


async def test_a_refused_connection_is_one_line_that_names_the_cause():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"  # closed again before use: nothing listens there
    http = VendorHttp("SENS", url, retry=NO_RETRY)
    try:
        with pytest.raises(ApiError) as caught:
            await http.request("GET", "/list")
    finally:
        await http.aclose()
    line = caught.value.line
    assert f"could not reach {url}: [Errno {errno.ECONNREFUSED}]" in line and "\n" not in line


async def test_a_vendor_that_stalls_is_a_timeout_retried_on_a_new_connection(retries):
    stalled = asyncio.Event()

    async def stall_once(_head: bytes) -> bytes:
        if not stalled.is_set():
            stalled.set()
            await asyncio.Event().wait()  # never answers; cancelled when the server stops
        return OK

    async with LoopbackVendor(stall_once) as vendor:
        http = VendorHttp("SENS", vendor.url, retry=QUICK_RETRY, timeout=httpx.Timeout(10, read=1.0))
        http.retry_hooks.append(retries)
        try:
            assert (await http.request("GET", "/list")).json() == []
        finally:
            await http.aclose()
    assert retries == [("the request timed out", 1)]
    assert vendor.connections == 2  # the stalled connection was not reused


async def test_an_answer_cut_short_is_an_error_not_data():
    async def cut(_head: bytes) -> bytes:
        return b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[1,2"

    async with LoopbackVendor(cut, close_after_answer=True) as vendor:
        http = VendorHttp("SENS", vendor.url, retry=NO_RETRY)
        try:
            with pytest.raises(ApiError) as caught:
                await http.request("GET", "/list")
        finally:
            await http.aclose()
    assert caught.value.is_network and "\n" not in caught.value.line


async def test_a_post_the_vendor_read_then_dropped_is_sent_again_only_as_a_reported_retry(retries):
    answered = asyncio.Event()

    async def answer_first_only(_head: bytes) -> bytes | None:
        if answered.is_set():
            return None  # read the request, hang up without answering
        answered.set()
        return OK

    async with LoopbackVendor(answer_first_only) as vendor:
        http = VendorHttp("SENS", vendor.url, retry=QUICK_RETRY)
        http.retry_hooks.append(retries)
        try:
            await http.request("POST", "/add", content=b"first")
            with pytest.raises(ApiError) as caught:
                await http.request("POST", "/add", content=b"second")  # on the kept connection
        finally:
            await http.aclose()
    assert [body for _head, body in vendor.requests] == [b"first", b"second", b"second"]
    assert [attempt for _message, attempt in retries] == [1]  # the one repeat is the counted, reported retry
    assert "could not reach" in caught.value.line and "\n" not in caught.value.line


async def test_a_header_http_cannot_carry_fails_at_once_in_words_that_do_not_repeat_it(retries):
    async with LoopbackVendor() as vendor:
        http = VendorHttp("SENS", vendor.url, retry=QUICK_RETRY)
        http.retry_hooks.append(retries)
        try:
            with pytest.raises(ApiError) as caught:
                await http.request("GET", "/list", headers={"x-ncp-apigw-signature-v2": STORED_KEY})
        finally:
            await http.aclose()
    assert "could not be sent" in caught.value.line and "\n" not in caught.value.line
    assert "Zm9vYmFyYmF6" not in "".join(traceback.format_exception(caught.value))  # nor in any cause
    assert retries == [] and vendor.requests == []
