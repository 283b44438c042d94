"""A tiny HTTP/1.1 server on loopback standing in for a vendor (or a proxy), for the HTTP layer's
tests: it answers each request with `answer(request_head)` (bytes; None hangs up without an
answer), records each request's head and body and the connections, and can speak TLS or hang up
after each answer."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from typing import Self

OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]"


async def ok(_head: bytes) -> bytes:
    return OK


class LoopbackVendor:
    def __init__(self, answer=ok, *, tls: ssl.SSLContext | None = None, close_after_answer: bool = False) -> None:
        self.answer = answer
        self.tls = tls
        self.close_after_answer = close_after_answer
        self.requests: list[tuple[bytes, bytes]] = []  # (head, body) as received
        self.connections = 0
        self.closed = asyncio.Event()  # set each time the server has closed a connection
        self.url = ""
        self._handlers: set[asyncio.Task] = set()

    @property
    def request_lines(self) -> list[str]:
        return [head.split(b"\r\n", 1)[0].decode() for head, _body in self.requests]

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"https://localhost:{port}" if self.tls else f"http://127.0.0.1:{port}"
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
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                self.requests.append((head, await reader.readexactly(length)))
                out = await self.answer(head)
                if out is None:
                    break
                writer.write(out)
                await writer.drain()
                if self.close_after_answer:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError, asyncio.CancelledError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, ssl.SSLError, asyncio.CancelledError):
                await writer.wait_closed()
            self.closed.set()
