"""The HTTP layer's own pooled transport: connections are reused, a connection the server closed
while idle is replaced, and proxy variables in the environment are still honoured. Real loopback
sockets throughout (small asyncio servers standing in for a vendor and for a proxy)."""

from __future__ import annotations

import asyncio

import pytest

from optout_tui.api.http import RetryPolicy, VendorHttp, tls_context

NO_RETRY = RetryPolicy(attempts=1)


class TinyServer:
    """Answers every HTTP/1.1 request with `[]`; records request lines and connections;
    `close_after_answer` closes each connection right after its answer (without saying so)."""

    def __init__(self, close_after_answer: bool = False) -> None:
        self.close_after_answer = close_after_answer
        self.request_lines: list[str] = []
        self.connections = 0
        self.closed = asyncio.Event()  # set each time the server has closed a connection
        self.url = ""
        self._server: asyncio.base_events.Server | None = None
        self._handlers: set[asyncio.Task] = set()

    async def __aenter__(self) -> "TinyServer":
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.close()
        for task in self._handlers:
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._handlers.add(asyncio.current_task())
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.request_lines.append(head.split(b"\r\n", 1)[0].decode())
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]")
                await writer.drain()
                if self.close_after_answer:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, asyncio.CancelledError):
                pass
            self.closed.set()


async def test_requests_reuse_one_pooled_connection():
    async with TinyServer() as server:
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
    async with TinyServer(close_after_answer=True) as server:
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
    async with TinyServer() as server:
        http = VendorHttp("SENS", server.url, retry=NO_RETRY)
        try:
            response = await http.request("POST", "/add", content=b'[{"clientTelNo":"01012345678"}]',
                                          headers={"Content-Type": "application/json"})
        finally:
            await http.aclose()
    assert response.request.headers["content-type"] == "application/json"
    assert response.request.content == b'[{"clientTelNo":"01012345678"}]'


async def test_a_proxy_in_the_environment_is_still_used(monkeypatch):
    async with TinyServer() as vendor, TinyServer() as proxy:
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
