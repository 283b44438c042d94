"""A standalone emulator in a child process (`optout-tui emulator --port 0 ...`).

For end-to-end tests of the real command and for benchmarks, where the emulator must not share
an interpreter (and its GIL) with the client being measured.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Self

# What a Python child needs from its parent's environment, and no more: the demo's emulator must not
# hold the user's secrets (NCLOUD_*, NHN_*), settings (OPTOUT_*) or anything else it has no use for.
# The executable is an absolute path, so PATH is only for whatever the child might look up; HOME
# (APPDATA on Windows) and PYTHONUSERBASE / PYTHONNOUSERSITE find a `pip install --user` package;
# PYTHONPATH / PYTHONHOME / PYTHONSAFEPATH one run from a checkout or an unusual install; LD_LIBRARY_PATH
# a libpython outside the system's paths; SYSTEMROOT is needed by Windows' sockets and random numbers;
# the locale and TZ keep text and times as the parent's. Nothing here is secret.
CHILD_ENV = frozenset(
    [
        "PATH",
        "HOME",
        "APPDATA",
        "SYSTEMROOT",
        "LANG",
        "LANGUAGE",
        "TZ",
        "LD_LIBRARY_PATH",
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONSAFEPATH",
        "PYTHONUSERBASE",
        "PYTHONNOUSERSITE",
        "PYTHONUTF8",
        "PYTHONIOENCODING",
    ]
)
CHANGES = ("register", "delete", "deregister")  # the emulator's route names (stats) that change its data


def child_environment(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The part of `environ` a Python child may see: `CHILD_ENV` and LC_*."""
    return {k: v for k, v in environ.items() if k.upper() in CHILD_ENV or k.upper().startswith("LC_")}


class EmulatorProcess:
    def __init__(self, *args: str, start_timeout: float = 60.0) -> None:
        self.args = args
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self.base_url = ""
        self.env: dict[str, str] = {}  # the OPTOUT_* / key variables the emulator prints

    def start(self) -> Self:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "optout_tui", "emulator", "--port", "0", *self.args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + self.start_timeout
        seen = []
        while time.monotonic() < deadline:
            line = self._readline()
            if not line:
                break
            seen.append(line)
            match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            if match:
                self.base_url = match.group(1)
            for name, value in re.findall(r"^\s*(?:export\s+)?([A-Z_]+)=(\S+)\s*$", line):
                self.env[name] = value.strip("'\"")
            if self.base_url and "NHN_SECRET_ACCESS_KEY" in self.env:
                return self
        self.stop()
        raise RuntimeError("the emulator did not start:\n" + "".join(seen))

    def _readline(self) -> str:
        """A line of the child's output, "" at its end (both starts give the child a stdout pipe)."""
        assert self.proc is not None and self.proc.stdout is not None
        return self.proc.stdout.readline()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class DemoEmulator(EmulatorProcess):
    """The demo's emulator: a lean child process (no click) that exits when its parent does.

    Starting it first thing lets it build its sample data on the other core while the dashboard
    imports Textual, so the demo's first rows arrive about when its first frame does.
    """

    def __init__(self, *args: str) -> None:
        super().__init__(*args)
        from .config import DEMO

        self.credentials = DEMO

    def spawn(self) -> Self:
        """Start the child. Where file descriptors can be passed (not Windows), the listening socket
        is made here and handed over: the address is known at once, and a request sent before the
        child serves waits in the socket's backlog instead of anyone waiting for the child."""
        argv = [sys.executable, "-m", "optout_tui.emulator.process", "--watch-stdin", *self.args]
        sock = None
        if sys.platform != "win32":
            from .server import listening_socket

            sock = listening_socket()
            argv += ["--fd", str(sock.fileno())]
            self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        try:
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                pass_fds=(sock.fileno(),) if sock is not None else (),
                env=child_environment(),
            )
        finally:
            if sock is not None:
                sock.close()  # the child's copy is the only one: if it dies, connecting fails at once
        return self

    def start(self) -> Self:
        if self.proc is None:
            self.spawn()
        deadline = time.monotonic() + self.start_timeout
        while not self.base_url and time.monotonic() < deadline:
            line = self._readline()
            if not line:
                break
            match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            if match:
                self.base_url = match.group(1)
        if not self.base_url:
            self.stop()
            raise RuntimeError("the demo emulator did not start")
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()  # the child's cue to exit
        super().stop()


def main(argv: list[str] | None = None) -> None:
    """`python -m optout_tui.emulator.process`: the emulator with no command-line framework loaded."""
    import argparse
    import signal
    import threading

    from .config import EmulatorConfig
    from .server import EmulatorServer

    parser = argparse.ArgumentParser(prog="optout_tui.emulator.process")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--sms-count", type=int, default=5000)
    parser.add_argument("--email-count", type=int, default=1200)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--watch-stdin", action="store_true", help="exit when standard input closes")
    parser.add_argument("--fd", type=int, help="serve on this inherited listening socket")
    parser.add_argument("--anchor-ms", type=int, help="end of the sample data's window (default: today, UTC)")
    parser.add_argument(
        "--forget-on-change",
        type=Path,
        metavar="DIR",
        help="delete the snapshot files (snapshot-*) in DIR on exit if the data was changed",
    )
    args = parser.parse_args(argv)
    stop = threading.Event()
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):  # SIGHUP: its terminal closed (not on Windows)
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: stop.set())
    if args.watch_stdin:

        def watch() -> None:
            sys.stdin.read()  # EOF: the parent closed the pipe or died
            stop.set()

        threading.Thread(target=watch, daemon=True).start()
    config = EmulatorConfig(
        sms_count=args.sms_count, email_count=args.email_count, latency_ms=args.latency_ms, anchor_ms=args.anchor_ms
    )
    sock = None
    if args.fd is not None:
        import socket

        sock = socket.socket(fileno=args.fd)
    server = EmulatorServer(config, port=args.port, sock=sock).start()
    print(f"listening on {server.base_url}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        if args.forget_on_change is not None and any(r.endswith(CHANGES) for r in server.state.stats.by_route):
            forget_copies(args.forget_on_change)


def forget_copies(folder: Path) -> None:
    """Delete the snapshot files in `folder`. A copy of data this emulator changed describes nothing that
    will ever be served again (the next emulator starts from the sample data), so it must not outlive it."""
    for path in folder.glob("snapshot-*"):
        path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
