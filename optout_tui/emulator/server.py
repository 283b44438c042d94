"""Serve the emulator on a loopback port from a daemon thread (for the demo, tests and benchmarks)."""

from __future__ import annotations

import socket
import threading
import time

from .config import EmulatorConfig

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

    def __init__(self, config: EmulatorConfig | None = None, host: str = "127.0.0.1", port: int = 0,
                 sock: socket.socket | None = None) -> None:
        """`sock`: a listening socket to serve on, made by a parent process (see process.DemoEmulator)."""
        self.config = config if config is not None else EmulatorConfig()
        self.host = host
        self.port = port
        self._server = None
        self._thread: threading.Thread | None = None
        self._app = None
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

    def start(self) -> "EmulatorServer":
        if self._thread is not None:
            return self
        from .app import create_app
        from .http_server import HttpServer

        self._app = create_app(self.config)
        if self._sock is None:
            self._sock = listening_socket(self.host, self.port)
            self.port = self._sock.getsockname()[1]
        self._server = HttpServer(self._app, self._sock)
        self._thread = threading.Thread(target=self._run, name="optout-emulator", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the emulator did not start on {self.host}:{self.port}")
            time.sleep(0.001)
        return self

    def _run(self) -> None:
        import asyncio  # here, not at the top: the dashboard imports this module first thing (demo)

        asyncio.run(self._server.serve())  # type: ignore[union-attr]

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._sock is not None:
            self._sock.close()
        self._server = None
        self._thread = None
        self._sock = None

    def __enter__(self) -> "EmulatorServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
