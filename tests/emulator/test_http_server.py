"""The emulator's own HTTP server: stopping it with connections open is quiet."""

from __future__ import annotations

import asyncio
import logging
import socket

from optout_tui.emulator.http_server import HttpServer


async def test_stopping_with_an_idle_keep_alive_connection_logs_nothing(caplog):
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    sock = socket.create_server(("127.0.0.1", 0))
    server = HttpServer(app, sock)
    serving = asyncio.ensure_future(server.serve())
    while not server.started:
        await asyncio.sleep(0.001)
    reader, writer = await asyncio.open_connection("127.0.0.1", sock.getsockname()[1])
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    head = await reader.readuntil(b"\r\n\r\n")  # then the connection stays open for a next request
    assert head.startswith(b"HTTP/1.1 204")
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        server.stop()
        await serving
        await asyncio.sleep(0.01)  # done-callbacks of the connection tasks run
    writer.close()
    sock.close()
    assert not [r for r in caplog.records if r.name == "asyncio"], caplog.text
