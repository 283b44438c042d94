"""Latency counts from when a request's bytes arrived, not from when its handler got its turn.

A single-threaded emulator handles requests that came in together one after another; if each
answer were held `latency` after its handler started, the eighth of eight would wait seven
handlers longer than the first, and latency would grow with the requests in flight.
"""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from optout_tui.emulator import EmulatorConfig
from optout_tui.emulator.app import create_app
from optout_tui.emulator.http_server import HttpServer, StampedReader

from .conftest import SENS_PATH


async def test_the_reader_stamps_the_first_bytes_of_each_request():
    loop = asyncio.get_running_loop()
    reader = StampedReader()
    assert reader.arrived is None
    before = loop.time()
    reader.feed_data(b"POST / HTTP/1.1\r\n")
    first = reader.arrived
    assert first is not None and first >= before
    reader.feed_data(b"Host: x\r\n\r\n")  # more of the same request: the stamp stays
    assert reader.arrived == first
    reader.arrived = None  # the server's cue that the request is complete
    await asyncio.sleep(0.001)
    reader.feed_data(b"GET / HTTP/1.1\r\n")
    assert reader.arrived is not None and reader.arrived > first


async def test_the_server_hands_the_arrival_to_the_app_before_the_app_runs():
    seen: list[tuple[float | None, float]] = []

    async def app(scope, receive, send):
        seen.append((scope["state"]["arrived"], asyncio.get_running_loop().time()))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    sock = socket.create_server(("127.0.0.1", 0))
    server = HttpServer(app, sock)
    serving = asyncio.ensure_future(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.001)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}") as client:
            for _ in range(3):  # one keep-alive connection: each request gets its own stamp
                assert (await client.post("/", content=b"x" * 100_000)).text == "ok"
    finally:
        server.stop()
        await serving
        sock.close()
    assert len(seen) == 3
    assert all(arrived is not None and arrived <= called for arrived, called in seen)
    assert seen[0][0] < seen[1][0] < seen[2][0]


@pytest.mark.parametrize("arrived_ago,expected_wait", [(None, 0.5), (0.2, 0.3), (10.0, None)],
                         ids=["no stamp: counts from now", "arrived 0.2 s ago", "arrived long ago"])
async def test_the_gate_holds_an_answer_until_latency_after_arrival(monkeypatch, arrived_ago, expected_wait):
    app = create_app(EmulatorConfig(sms_count=10, email_count=10, latency_ms=500))
    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(delay, *args, **kwargs):
        waits.append(delay)
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    now = asyncio.get_running_loop().time()
    scope = {"type": "http", "method": "GET", "path": SENS_PATH, "raw_path": SENS_PATH.encode(), "query_string": b"",
             "headers": [], "http_version": "1.1", "scheme": "http", "root_path": "", "server": None,
             "client": None, "state": {"arrived": None if arrived_ago is None else now - arrived_ago}}
    messages: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        messages.append(message)

    await app(scope, receive, send)
    assert messages[0]["status"] == 401  # unsigned: the gateway's answer, after the latency like any other
    if expected_wait is None:
        assert waits == []
    else:
        # the cases differ by 0.2 s: a handler slower than 0.15 s would be needed to blur them
        assert len(waits) == 1 and expected_wait - 0.15 < waits[0] <= expected_wait
