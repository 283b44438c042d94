#!/usr/bin/env python
"""Dashboard speed, measured (figures printed; nothing asserted).

(a) Launch to first rows: `optout-tui --demo` in a real pseudo-terminal, from spawn to the first
    SMS row in the terminal output, against a minimal Textual app's first paint, side by side in
    one run (alternating, median of N). Target: ratio <= 1.5.
(b) With 200,000 rows loaded in a tab (the emulator in its own process, so its data does not
    count): median key-to-frame for PageDown and End (key sent -> next frame composed), and the
    dashboard process's resident memory. Targets: < 50 ms, < 250 MB.

    .venv/bin/python scripts/bench_ui.py [--runs 5] [--rows 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import os
import pty
import re
import select
import statistics
import struct
import subprocess
import sys
import termios
import textwrap
import time
from pathlib import Path

from benchlib import compile_package

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
OPTOUT = str(Path(PYTHON).with_name("optout-tui"))

MINIMAL_APP = textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import Static

    class Minimal(App):
        def compose(self):
            yield Static("first-paint-marker")

    Minimal().run()
    """
)

WINDOW_SIZE = struct.pack("HHHH", 36, 120, 0, 0)  # rows, columns (pixels unused)
SMS_ROW = re.compile(rb"01\d-\d{3,4}-\d{4}\s+\d{4}-\d\d-\d\d")


# ---------------------------------------------------------------- (a) launch to first rows


def time_to_output(argv: list[str], marker: re.Pattern[bytes], env: dict[str, str], timeout: float = 30.0) -> float:
    """Seconds from spawning `argv` in a 120x36 pty until `marker` appears in what it writes.

    The window size is set by the child on its own terminal before it execs, so both programs
    find 120x36 whenever they first ask (no race with the parent)."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child: stdout is the pty's terminal end
        fcntl.ioctl(1, termios.TIOCSWINSZ, WINDOW_SIZE)
        os.execve(argv[0], argv, env)
    os.set_blocking(fd, False)
    seen = b""
    try:
        while True:
            left = timeout - (time.perf_counter() - started)
            if left <= 0:
                raise TimeoutError(f"{argv} showed nothing matching in {timeout} s")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                raise RuntimeError(f"{argv} ended before showing its first rows") from None
            seen = (seen + chunk)[-200_000:]
            if marker.search(seen):
                return time.perf_counter() - started
    finally:
        with contextlib.suppress(ProcessLookupError):  # the whole session the pty started (the demo's emulator
            os.killpg(pid, 9)  # too), so no leftover process takes CPU from the next run
        os.waitpid(pid, 0)
        os.close(fd)


def bench_launch(runs: int) -> None:
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36"}
    minimal_file = Path("/tmp/optout_bench_minimal_app.py")
    minimal_file.write_text(MINIMAL_APP, encoding="utf-8")
    minimal_argv = [PYTHON, str(minimal_file)]
    demo_argv = [OPTOUT, "--demo"]
    # warm the file cache and bytecode once each
    time_to_output(minimal_argv, re.compile(rb"first-paint-marker"), env)
    time_to_output(demo_argv, SMS_ROW, env)
    minimal, demo = [], []
    for _ in range(runs):
        minimal.append(time_to_output(minimal_argv, re.compile(rb"first-paint-marker"), env))
        demo.append(time_to_output(demo_argv, SMS_ROW, env))
    m, d = statistics.median(minimal), statistics.median(demo)
    print("(a) launch to first rows, real pty 120x36, median of", runs)
    print(
        f"    minimal Textual app, first paint : {m * 1000:7.0f} ms   (runs: {', '.join(f'{x * 1000:.0f}' for x in minimal)})"
    )
    print(
        f"    optout-tui --demo, first SMS rows: {d * 1000:7.0f} ms   (runs: {', '.join(f'{x * 1000:.0f}' for x in demo)})"
    )
    print(f"    ratio: {d / m:.2f}x   (target <= 1.5x)")


# ---------------------------------------------------------------- (b) 200k rows: keys and memory

EMULATOR_CHILD = textwrap.dedent(
    """
    import sys, time
    from optout_tui.emulator import EmulatorConfig, EmulatorServer
    server = EmulatorServer(EmulatorConfig(sms_count=int(sys.argv[1]))).start()
    print(server.base_url, flush=True)
    sys.stdin.read()
    server.stop()
    """
)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def bench_keys(rows: int, presses: int) -> None:
    from types import SimpleNamespace

    from optout_tui.api.factory import build_lists
    from optout_tui.demo import demo_settings
    from optout_tui.ui.app import OptOutApp

    child = subprocess.Popen(
        [PYTHON, "-c", EMULATOR_CHILD, str(rows)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        base_url = child.stdout.readline().strip()
        profile, secrets = demo_settings(SimpleNamespace(base_url=base_url))
        frames: list[float] = []

        class TimedApp(OptOutApp):
            def _display(self, screen, renderable):  # every composed frame, headless or not
                if renderable is not None:
                    frames.append(time.perf_counter())
                super()._display(screen, renderable)

        lists = build_lists(profile, secrets)
        app = TimedApp(lists, profile, secrets=secrets, owns_lists=True)
        async with app.run_test(size=(120, 36)) as pilot:
            await app.workers.wait_for_complete()
            entry_list = app.active_pane.entry_list
            started = time.perf_counter()
            # read every page, as scrolling through the tab would (8 at a time); the widget keeps the
            # most recent ones in its LRU cache and fetches others again when they come into view
            async for page in lists.sms.pages(entry_list.flt):
                entry_list._store(page.index, page.entries)
            load_s = time.perf_counter() - started
            await pilot.pause()
            print(
                f"(b) {entry_list.state.loaded:,} rows loaded in the SMS tab in {load_s:.1f} s "
                f"(exact: {entry_list.exact}, rows: {entry_list.row_count:,})"
            )

            async def key_to_frame(key: str) -> float:
                await pilot.pause()
                await asyncio.sleep(0.02)
                t0 = time.perf_counter()
                await pilot.press(key)
                deadline = t0 + 2.0
                while time.perf_counter() < deadline:
                    after = [f for f in frames if f > t0]
                    if after:
                        return after[0] - t0
                    await asyncio.sleep(0.0005)
                return float("nan")

            page_down = [await key_to_frame("pagedown") for _ in range(presses)]
            ends = []
            for _ in range(max(5, presses // 3)):
                await pilot.press("home")
                ends.append(await key_to_frame("end"))
            print(
                f"    PageDown key-to-frame: median {statistics.median(page_down) * 1000:6.1f} ms, "
                f"max {max(page_down) * 1000:6.1f} ms over {len(page_down)} presses   (target < 50 ms)"
            )
            print(
                f"    End      key-to-frame: median {statistics.median(ends) * 1000:6.1f} ms, "
                f"max {max(ends) * 1000:6.1f} ms over {len(ends)} presses   (target < 50 ms)"
            )
            print(f"    dashboard process RSS: {rss_mb():.0f} MB   (target < 250 MB; emulator in its own process)")
    finally:
        child.stdin.close()
        child.wait(timeout=10)


def main() -> None:
    os.environ["XDG_STATE_HOME"] = "/tmp/optout_bench_state"  # the dashboard opens on SMS, whatever tab was left
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--skip-launch", action="store_true")
    parser.add_argument("--skip-keys", action="store_true")
    args = parser.parse_args()
    os.chdir(ROOT)
    compile_package()
    if not args.skip_launch:
        bench_launch(args.runs)
    if not args.skip_keys:
        asyncio.run(bench_keys(args.rows, args.presses))


if __name__ == "__main__":
    main()
