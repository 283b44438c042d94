"""Serve the emulator with uvicorn on a loopback port from a daemon thread (for the demo, tests and benchmarks)."""

from __future__ import annotations

import socket
import threading
import time
from typing import TYPE_CHECKING, Self

from .config import EmulatorConfig

if TYPE_CHECKING:  # both load only when a server starts: the demo's dashboard imports this module first thing
    import uvicorn
    from starlette.applications import Starlette

START_TIMEOUT = 15.0


def listening_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A TCP socket bound to `host:port` (0: any free port) and listening."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP,
    # and without it every keep-alive response stalls ~40 ms (Nagle against delayed ACKs).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
        sock.listen(512)
    except OSError:
        sock.close()
        raise
    return sock


class EmulatorServer:
    """The emulator's HTTP server in a daemon thread; `start()` returns once it serves.

    with EmulatorServer(EmulatorConfig(sms_count=100)) as server:
        httpx.get(server.base_url + "/_emulator/stats")
    """

    def __init__(
        self,
        config: EmulatorConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        sock: socket.socket | None = None,
    ) -> None:
        """`sock`: a listening socket to serve on, made by a parent process (see process.DemoEmulator)."""
        self.config = config if config is not None else EmulatorConfig()
        self.host = host
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._app: Starlette | None = None
        self._sock = sock
        if sock is not None:
            self.host, self.port = sock.getsockname()[:2]

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def state(self):
        """The emulator's data and counters, in process (for assertions, not for clients)."""
        if self._app is None:
            raise RuntimeError("the emulator has not been started")
        return self._app.state.emulator

    def start(self) -> Self:
        if self._thread is not None:
            return self
        import uvicorn

        from .app import create_app

        self._app = create_app(self.config)
        if self._sock is None:
            self._sock = listening_socket(self.host, self.port)
            self.port = self._sock.getsockname()[1]
        # The socket is ours (not uvicorn's host/port or fd): bound before the thread starts, so a bad
        # port fails here, and made with the TCP proto (see listening_socket). log_config=None leaves the
        # host process's logging alone; uvicorn's own log is off, because stopping cuts the requests still
        # in flight (a "timeout" fault hangs 30 s) and uvicorn reports each cut request with a traceback.
        config = uvicorn.Config(
            self._app,
            log_config=None,
            log_level="critical",
            access_log=False,
            lifespan="off",
            timeout_keep_alive=30,
            timeout_graceful_shutdown=0,
        )
        self._server = server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [self._sock]}, name="optout-emulator", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the emulator did not start on {self.host}:{self.port}")
            time.sleep(0.001)
        return self

    def stop(self) -> None:
        """Stop serving: open connections are closed and requests in flight cut, without waiting for them."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._sock is not None:
            self._sock.close()
        self._server = None
        self._thread = None
        self._sock = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
