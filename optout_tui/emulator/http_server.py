"""The emulator's HTTP/1.1 server: the Starlette app served on asyncio streams with h11.

Why not uvicorn: the emulator needs the plainest of servers (loopback, keep-alive, one ASGI
app, whole bodies), and every request of the benchmarks and every demo launch pays for what it
carries beyond that: ~25 ms of imports before the demo's first rows can be answered, and a share
of the emulator's CPU per request, which bounds the bulk benchmark's send phase. h11 does the
protocol (the same parser the clients use); this module only moves bytes and calls the app.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

import h11

App = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]

READ_SIZE = 64 * 1024
KEEP_ALIVE_S = 30.0
_ERROR = b"Internal Server Error"


class StampedReader(asyncio.StreamReader):
    """A stream reader that notes when bytes arrive while it is unstamped: the arrival of a request
    as the event loop saw it, before the handlers of requests that came in with it have run. The
    latency gate counts from there, so answers to eight requests sent at once all leave after the
    configured latency (CPU permitting), not one handler's work later each."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arrived: float | None = None
        self._clock = asyncio.get_running_loop().time

    def feed_data(self, data: bytes) -> None:
        if self.arrived is None and data:
            self.arrived = self._clock()
        super().feed_data(data)


class HttpServer:
    """Serve `app` on a listening socket until `stop()`; run it with `serve()` on an event loop."""

    def __init__(self, app: App, sock: socket.socket) -> None:
        self.app = app
        self.sock = sock
        self.started = False
        self._server: asyncio.base_events.Server | None = None
        self._connections: set[asyncio.Task] = set()
        self._stopping: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()

        def protocol() -> asyncio.StreamReaderProtocol:  # as asyncio.start_server builds it, with our reader
            return asyncio.StreamReaderProtocol(StampedReader(limit=READ_SIZE), self._connection)

        self._server = await self._loop.create_server(protocol, sock=self.sock, backlog=512)
        self.started = True
        try:
            await self._stopping.wait()
        finally:
            self._server.close()
            for task in list(self._connections):
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)

    def stop(self) -> None:
        """From any thread: stop accepting, drop open connections, let `serve()` return."""
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)

    async def _connection(self, reader: StampedReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._connections.add(task)  # type: ignore[arg-type]
        conn = h11.Connection(h11.SERVER)
        peer = writer.get_extra_info("peername")
        local = writer.get_extra_info("sockname")
        try:
            while True:
                try:
                    request = await self._next_request(conn, reader)
                except h11.RemoteProtocolError as exc:  # not HTTP/1.1 as h11 reads it: say so, then close
                    if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                        writer.write(conn.send(h11.Response(status_code=exc.error_status_hint or 400,
                                                            headers=[(b"content-length", b"0")])))
                        await writer.drain()
                    return
                if request is None:
                    return
                arrived = reader.arrived
                if conn.client_is_waiting_for_100_continue:  # curl does this for bodies over 1 KB
                    writer.write(conn.send(h11.InformationalResponse(status_code=100, headers=[])))
                body = await self._body(conn, reader)
                if body is None:
                    return
                reader.arrived = None  # bytes from here on are the next request's (if already
                # buffered, that request counts from when it is read: later, never earlier)
                await self._respond(conn, writer, request, body, peer, local, arrived)
                if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                    return  # either side asked to close
                conn.start_next_cycle()
        except (ConnectionError, h11.ProtocolError, TimeoutError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:  # the server is stopping: end quietly (asyncio's stream
            pass  # protocol would log a cancelled connection task as an unhandled exception)
        finally:
            self._connections.discard(task)  # type: ignore[arg-type]
            writer.close()

    async def _event(self, conn: h11.Connection, reader: asyncio.StreamReader):
        while True:
            event = conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            async with asyncio.timeout(KEEP_ALIVE_S):  # an idle connection is closed after this
                data = await reader.read(READ_SIZE)
            conn.receive_data(data)

    async def _next_request(self, conn: h11.Connection, reader: asyncio.StreamReader) -> h11.Request | None:
        event = await self._event(conn, reader)
        return event if isinstance(event, h11.Request) else None

    async def _body(self, conn: h11.Connection, reader: asyncio.StreamReader) -> bytes | None:
        chunks: list[bytes] = []
        while True:
            event = await self._event(conn, reader)
            if isinstance(event, h11.Data):
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                return b"".join(chunks)
            else:
                return None

    async def _respond(self, conn: h11.Connection, writer: asyncio.StreamWriter, request: h11.Request,
                       body: bytes, peer: Any, local: Any, arrived: float | None = None) -> None:
        target = bytes(request.target)
        path, _, query = target.partition(b"?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": request.http_version.decode(),
            "method": request.method.decode(),
            "scheme": "http",
            "path": _unquote(path),
            "raw_path": path,
            "query_string": query,
            "root_path": "",
            "headers": list(request.headers),
            "client": peer[:2] if peer else None,
            "server": local[:2] if local else None,
            "state": {"arrived": arrived},  # loop time the request's first bytes came in (see StampedReader)
        }
        sent_body = False
        start: dict | None = None
        parts: list[bytes] = []

        async def receive() -> dict:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.Event().wait()  # nothing more will come: wait to be cancelled
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))

        try:
            await self.app(scope, receive, send)
        except Exception:  # a bug in a handler: answer 500 like any server would, keep serving
            start = None
        if start is None:
            start, parts = {"status": 500, "headers": [(b"content-type", b"text/plain")]}, [_ERROR]
        content = b"".join(parts)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        if start["status"] not in (204, 304) and request.method != b"HEAD":
            headers.append((b"content-length", str(len(content)).encode()))
        out = conn.send(h11.Response(status_code=start["status"], headers=headers))
        if content and request.method != b"HEAD":
            out += conn.send(h11.Data(data=content))
        out += conn.send(h11.EndOfMessage())
        writer.write(out)
        await writer.drain()


def _unquote(path: bytes) -> str:
    """The path as ASGI gives it: percent-escapes and UTF-8 decoded (as uvicorn does)."""
    text = path.decode("ascii", "replace")
    return unquote(text) if "%" in text else text
