"""HTTP/1.1 for httpx on plain asyncio streams, with h11 speaking the protocol.

Why not httpx's own transport: it goes through httpcore, whose connection pool and locks run on
anyio, and whose network backend is anyio's. For the two jobs this tool is judged on that is the
largest cost left: ~35 ms of imports before the dashboard's first rows (httpcore, anyio and its
asyncio backend), and about a third of the client's CPU per request in a 1,000-number bulk call. This
transport keeps httpx's requests, responses and exceptions, and h11's parser; what it adds is the
small part in between: a keep-alive pool per origin with a connection limit, the four httpx
timeouts (connect, read, write, pool), and the reuse rules.

- An idle connection is reused only if nothing arrived on it while idle (no stray bytes, no close
  from the server) and it was used within `keepalive_expiry`.
- A request that fails on a reused connection before any byte of an answer arrived is sent once
  more on a new connection when that is safe: its write failed, or its method is idempotent (a
  server that closed after reading a POST may have acted on it; the caller's counted retries decide).
- Anything unexpected (a timeout, a cancel, a protocol error) closes the connection: its state is
  unknown, so it is never handed to another request.
- Failures are httpx's own exceptions (ConnectError, ReadTimeout, ...), so callers see no change.
"""

from __future__ import annotations

import asyncio
import select
import ssl
import sys
import time
from typing import Any

import h11
import httpx

_DEFAULT_PORTS = {"http": 80, "https": 443}
_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
_READ_SIZE = 64 * 1024


class _Stale(Exception):
    """A reused connection turned out closed before anything came back: try a new one."""


def _readable(sock: Any) -> bool:
    """True when an idle connection's socket has something to read: the server closed it (an
    HTTP/1.1 server says nothing unasked)."""
    fd = sock.fileno() if sock is not None else -1
    if fd < 0:
        return True
    if sys.platform == "win32" or not hasattr(select, "poll"):
        return bool(select.select([fd], [], [], 0)[0])
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class _Connection:
    """One TCP (or TLS) connection and its h11 state."""

    __slots__ = ("reader", "writer", "h11", "socket", "last_used")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(our_role=h11.CLIENT)
        self.socket = writer.get_extra_info("socket")
        self.last_used = time.monotonic()

    def usable(self, expiry: float) -> bool:
        """Idle, recent, and nothing arrived since its last answer: bytes the event loop already read
        into the stream's buffer (a stray `408`, say) or on the socket, or its end."""
        return (self.h11.our_state is h11.IDLE and time.monotonic() - self.last_used < expiry
                and not self.reader.at_eof() and not getattr(self.reader, "_buffer", b"")
                and not _readable(self.socket))

    def close(self) -> None:
        self.writer.close()

    async def exchange(self, request: httpx.Request, timeouts: dict[str, float | None], reused: bool) -> httpx.Response:
        """Send `request`, read the whole answer. On a reused connection, `_Stale` means it can go
        again on a new one: the write failed, or the server closed before answering a request
        that is safe to repeat (for a POST the server may have acted on it: that is for the
        caller's own, counted, retries to decide)."""
        conn = self.h11
        try:
            head = h11.Request(method=request.method, target=request.url.raw_path, headers=request.headers.raw)
            body = request.content
            out = conn.send(head) + (conn.send(h11.Data(data=body)) if body else b"") + conn.send(h11.EndOfMessage())
        except h11.LocalProtocolError:  # h11's message would quote the header's value: it may be a key
            raise httpx.LocalProtocolError(
                "a request header holds a character HTTP does not allow (a line break in a stored key?)",
                request=request) from None
        try:
            self.writer.write(out)
            async with asyncio.timeout(timeouts.get("write")):
                await self.writer.drain()
        except TimeoutError:
            raise httpx.WriteTimeout("timed out sending the request", request=request) from None
        except OSError as exc:
            if reused:
                raise _Stale from exc
            raise httpx.WriteError(str(exc) or type(exc).__name__, request=request) from None
        repeatable = reused and request.method in _IDEMPOTENT

        read_timeout = timeouts.get("read")
        got_bytes = False
        answer: h11.Response | None = None
        chunks: list[bytes] = []
        while True:
            try:
                event = conn.next_event()
            except h11.RemoteProtocolError as exc:
                raise httpx.RemoteProtocolError(str(exc), request=request) from None
            if event is h11.NEED_DATA:
                try:
                    async with asyncio.timeout(read_timeout):
                        data = await self.reader.read(_READ_SIZE)
                except TimeoutError:
                    raise httpx.ReadTimeout("timed out waiting for the answer", request=request) from None
                except OSError as exc:
                    if repeatable and not got_bytes:
                        raise _Stale from exc
                    raise httpx.ReadError(str(exc) or type(exc).__name__, request=request) from None
                if not data and not got_bytes:
                    if repeatable:
                        raise _Stale
                    raise httpx.RemoteProtocolError("the server closed the connection without answering",
                                                    request=request)
                got_bytes = got_bytes or bool(data)
                conn.receive_data(data)  # b"" says the server closed: h11 then errors or ends the body
            elif isinstance(event, h11.Response):
                answer = event
            elif isinstance(event, h11.Data):
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                break
            elif isinstance(event, h11.InformationalResponse):
                continue
            elif event is h11.PAUSED or isinstance(event, h11.ConnectionClosed):
                raise httpx.RemoteProtocolError("the server closed the connection mid-answer", request=request)
        assert answer is not None
        return httpx.Response(
            answer.status_code,
            headers=answer.headers,
            content=b"".join(chunks),
            request=request,
            extensions={"http_version": b"HTTP/" + answer.http_version, "reason_phrase": answer.reason},
        )

    def finish(self) -> bool:
        """After an answer: ready the connection for the next request; False if it cannot be reused
        (either side is closing, or the server sent more than the answer)."""
        conn = self.h11
        if conn.our_state is h11.DONE and conn.their_state is h11.DONE and not conn.trailing_data[0]:
            conn.start_next_cycle()
            self.last_used = time.monotonic()
            return True
        return False


class AsyncioTransport(httpx.AsyncBaseTransport):
    """A keep-alive pool of HTTP/1.1 connections, at most `max_connections` at once."""

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None, max_connections: int = 16,
                 keepalive_expiry: float = 5.0) -> None:
        self._ssl_context = ssl_context
        self._keepalive_expiry = keepalive_expiry
        self._max_connections = max_connections
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._slots = asyncio.Semaphore(max_connections)
        self._busy: set[_Connection] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    def _bind(self) -> None:
        """Connections and the limit belong to one event loop; used from another (a second
        `asyncio.run`), start afresh rather than touch the old loop's sockets."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            if self._loop is not None:
                self._idle.clear()
                self._busy.clear()
                self._slots = asyncio.Semaphore(self._max_connections)
            self._loop = loop

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._bind()
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        url = request.url
        origin = (url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme, 80))
        try:
            async with asyncio.timeout(timeouts.get("pool")):
                await self._slots.acquire()
        except TimeoutError:
            raise httpx.PoolTimeout("timed out waiting for a free connection", request=request) from None
        try:
            connection = self._take_idle(origin)
            if connection is not None:
                try:
                    return await self._exchange(connection, origin, request, timeouts, reused=True)
                except _Stale:
                    pass  # closed by the server while idle: it never saw the request
            connection = await self._connect(origin, request, timeouts.get("connect"))
            return await self._exchange(connection, origin, request, timeouts, reused=False)
        finally:
            self._slots.release()

    def _take_idle(self, origin: tuple[str, str, int]) -> _Connection | None:
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()
            if connection.usable(self._keepalive_expiry):
                return connection
            connection.close()
        return None

    async def _exchange(self, connection: _Connection, origin: tuple[str, str, int], request: httpx.Request,
                        timeouts: dict[str, float | None], *, reused: bool) -> httpx.Response:
        self._busy.add(connection)
        ok = False
        try:
            response = await connection.exchange(request, timeouts, reused)
            ok = connection.finish()
            return response
        finally:
            self._busy.discard(connection)
            if ok:
                self._idle.setdefault(origin, []).append(connection)
            else:
                connection.close()

    async def _connect(self, origin: tuple[str, str, int], request: httpx.Request,
                       timeout: float | None) -> _Connection:
        scheme, host, port = origin
        tls = self._ssl_context if scheme == "https" else None
        if scheme == "https" and tls is None:
            raise httpx.UnsupportedProtocol("https needs a TLS context", request=request)
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=tls, server_hostname=host if tls else None, limit=_READ_SIZE)
        except TimeoutError:
            raise httpx.ConnectTimeout(f"timed out connecting to {host}:{port}", request=request) from None
        except (OSError, ssl.SSLError, UnicodeError) as exc:  # UnicodeError: a host name IDNA refuses
            raise httpx.ConnectError(str(exc) or type(exc).__name__, request=request) from None
        return _Connection(reader, writer)

    async def aclose(self) -> None:
        for connection in [c for idle in self._idle.values() for c in idle] + list(self._busy):
            connection.close()
        self._idle.clear()
        self._busy.clear()
