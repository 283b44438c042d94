"""The asyncio transport under what a vendor connection can do: TLS with a certificate that is
trusted and one that is not, chunked answers, a server that stalls or hangs up mid-answer, and
more requests than connections. Real loopback sockets; tiny asyncio servers play the vendor."""

from __future__ import annotations

import asyncio
import ssl

import httpx
import pytest
import trustme

from optout_tui.api.http import RetryPolicy, VendorHttp
from optout_tui.api.transport import AsyncioTransport

from .loopback_vendor import OK, LoopbackVendor, ok

@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


def server_tls(ca) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)
    return context


def client_tls(ca=None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca is not None:
        ca.configure_trust(context)
    return context


async def test_tls_to_a_trusted_certificate_works_and_the_connection_is_kept(ca):
    async with LoopbackVendor(ok, tls=server_tls(ca)) as vendor:
        async with httpx.AsyncClient(transport=AsyncioTransport(ssl_context=client_tls(ca))) as http:
            for _ in range(3):
                response = await http.get(f"{vendor.url}/list")
                assert (response.status_code, response.json()) == (200, [])
    assert vendor.connections == 1


async def test_a_certificate_nobody_vouches_for_is_refused_in_one_line(ca):
    async with LoopbackVendor(ok, tls=server_tls(ca)) as vendor:
        http = VendorHttp("SENS", vendor.url, retry=RetryPolicy(attempts=1))  # the real, verifying context
        try:
            with pytest.raises(Exception) as caught:
                await http.request("GET", "/list")
        finally:
            await http.aclose()
    assert "could not reach" in caught.value.line and "CERTIFICATE_VERIFY_FAILED" in caught.value.line


async def test_a_chunked_answer_is_read_whole():
    async def chunked(_head: bytes) -> bytes:
        return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"3\r\n[1,\r\n2\r\n2]\r\n0\r\n\r\n")

    async with LoopbackVendor(chunked) as vendor:
        async with httpx.AsyncClient(transport=AsyncioTransport()) as http:
            assert (await http.get(f"{vendor.url}/list")).json() == [1, 2]


async def test_a_server_that_stalls_is_a_read_timeout_and_its_connection_is_dropped():
    calls = 0

    async def stall_once(_head: bytes) -> bytes:
        nonlocal calls
        calls += 1
        if calls == 1:
            await asyncio.sleep(5)
        return OK

    async with LoopbackVendor(stall_once) as vendor:
        async with httpx.AsyncClient(transport=AsyncioTransport(), timeout=httpx.Timeout(5, read=0.2)) as http:
            with pytest.raises(httpx.ReadTimeout):
                await http.get(f"{vendor.url}/list")
            assert (await http.get(f"{vendor.url}/list")).json() == []
    assert vendor.connections == 2  # the stalled connection was not reused


async def test_a_server_hanging_up_mid_answer_or_without_one_is_a_protocol_error():
    async def cut(_head: bytes) -> bytes:
        return b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[1,2"

    async def hang_up(_head: bytes) -> None:
        return None

    for answer in (cut, hang_up):
        async with LoopbackVendor(answer, close_after_answer=True) as vendor:
            async with httpx.AsyncClient(transport=AsyncioTransport()) as http:
                with pytest.raises(httpx.RemoteProtocolError):
                    await http.get(f"{vendor.url}/list")  # a new connection: not sent again
        assert vendor.connections == 1


async def test_no_more_connections_than_the_limit_and_a_pool_timeout_when_none_frees_up():
    async def slow(_head: bytes) -> bytes:
        await asyncio.sleep(0.3)
        return OK

    async with LoopbackVendor(slow) as vendor:
        transport = AsyncioTransport(max_connections=2)
        async with httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(5)) as http:
            answers = await asyncio.gather(*(http.get(f"{vendor.url}/list") for _ in range(6)))
            assert [a.status_code for a in answers] == [200] * 6
        assert vendor.connections == 2
        async with httpx.AsyncClient(transport=AsyncioTransport(max_connections=1),
                                     timeout=httpx.Timeout(5, pool=0.05)) as http:
            results = await asyncio.gather(http.get(f"{vendor.url}/a"), http.get(f"{vendor.url}/b"),
                                           return_exceptions=True)
    assert sum(isinstance(r, httpx.PoolTimeout) for r in results) == 1


def test_a_transport_used_again_from_a_new_event_loop_starts_afresh():
    from optout_tui.emulator import EmulatorConfig, EmulatorServer

    transport = AsyncioTransport(max_connections=1)  # the limit, like the idle connection, is per loop

    async def once(url: str) -> int:
        response = await transport.handle_async_request(httpx.Request("GET", f"{url}/_emulator/stats"))
        return response.status_code  # the connection stays idle in the pool, the transport open

    with EmulatorServer(EmulatorConfig(sms_count=0, email_count=0)) as server:  # its own thread: outlives a loop
        assert asyncio.run(once(server.base_url)) == 200
        assert asyncio.run(once(server.base_url)) == 200  # not the first loop's connection, nor its semaphore


async def test_a_connection_that_received_anything_while_idle_is_not_reused():
    """A server may say `408 Request Timeout` on an idle connection before it closes it: that answer
    must not be taken for the next request's."""
    seen: list[bytes] = []

    async def serve(reader, writer):
        seen.append((await reader.readuntil(b"\r\n\r\n")).split(b"\r\n")[0])
        writer.write(OK)
        await writer.drain()
        await asyncio.sleep(0.1)
        writer.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        await asyncio.sleep(5)
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        async with httpx.AsyncClient(transport=AsyncioTransport()) as http:
            assert (await http.get(f"{url}/a")).status_code == 200
            await asyncio.sleep(0.3)  # the 408 has arrived; the connection is not closed yet
            assert (await http.get(f"{url}/b")).status_code == 200
    finally:
        server.close()
    assert seen == [b"GET /a HTTP/1.1", b"GET /b HTTP/1.1"]


async def test_a_post_the_server_read_then_dropped_is_not_sent_again_behind_the_callers_back():
    bodies: list[bytes] = []

    async def serve(reader, writer):
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            bodies.append(await reader.readexactly(length))
            if len(bodies) > 1:  # reads the second request, then hangs up without answering
                writer.close()
                return
            writer.write(OK)
            await writer.drain()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        async with httpx.AsyncClient(transport=AsyncioTransport()) as http:
            await http.post(f"{url}/add", content=b"first")
            with pytest.raises(httpx.RemoteProtocolError, match="without answering"):
                await http.post(f"{url}/add", content=b"second")
    finally:
        server.close()
    assert bodies == [b"first", b"second"]  # once: a repeat is the caller's (counted, reported) decision


async def test_a_header_http_cannot_carry_fails_in_words_that_do_not_repeat_it():
    async with LoopbackVendor() as vendor:
        async with httpx.AsyncClient(transport=AsyncioTransport()) as http:
            with pytest.raises(httpx.LocalProtocolError) as caught:
                await http.get(f"{vendor.url}/list", headers={"x-ncp-apigw-signature-v2": "secret\nvalue"})
    assert "secret" not in str(caught.value)
