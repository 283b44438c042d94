#!/usr/bin/env python3
"""Throttling figures (issue 13): the command line against a gateway that allows R requests a second.

For each rate R, a standalone emulator with `--rate-limit R` (SENS, Mailer and Hub each their own
bucket) serves a SENS list of `--entries` entries; the real commands run against it: `list sms` (every
page, 100 entries a page, the last one short or empty) and then `add sms --file` of `--numbers` new
numbers (1,000 a request). For each it prints the wall time (less the interpreter's start-up, measured
apart: the same command against an empty list), the ideal time (requests / R, the requests the job needs), their ratio, and the share of the
requests the emulator saw that it refused with 429 (from its /_emulator/throttle counters). Asserts
nothing; the targets are a ratio of at most 1.25 and a refused share of at most 15%.

    .venv/bin/python scripts/bench_throttle.py [--rates 20,5] [--numbers 50000] [--entries 30000] [--latency-ms 10]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from benchlib import compile_package

from optout_tui.emulator.process import EmulatorProcess

BIN = [sys.executable, "-m", "optout_tui"]


def counters(server: EmulatorProcess) -> dict[str, int]:
    return httpx.get(f"{server.base_url}/_emulator/throttle").json()["services"]["sens"]


def timed(args: list[str], env: dict[str, str], server: EmulatorProcess) -> tuple[float, dict[str, int], str]:
    """Run a command; its wall time, what the emulator's SENS gateway counted meanwhile, and its output's tail."""
    before = counters(server)
    started = time.perf_counter()
    out = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = counters(server)
    if out.returncode != 0:
        sys.exit(f"{' '.join(args[2:4])} exited {out.returncode}: {out.stderr.strip()[-400:]}")
    return elapsed, {key: after[key] - before[key] for key in after}, out.stdout


def command_env(server: EmulatorProcess, folder: Path) -> dict[str, str]:
    """The commands' environment: the emulator's settings, and data, config and cache of their own."""
    dirs = {f"XDG_{name}_HOME": str(folder / name.lower()) for name in ("DATA", "CONFIG", "CACHE")}
    return {**os.environ, **server.env, **dirs, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}


def report(what: str, rate: float, needed: int, elapsed: float, start_up: float, seen: dict[str, int]) -> None:
    ideal = needed / rate
    work = elapsed - start_up
    share = seen["refused"] / max(1, seen["requests"])
    print(
        f"  {what:<8} {work:6.2f} s (+{start_up:.2f} s start-up), ideal {needed} / {rate:g} = {ideal:6.2f} s,"
        f" time/ideal {work / ideal:.2f}; requests {seen['requests']}, refused {seen['refused']} ({share:.1%})"
    )


def main() -> None:
    compile_package()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", default="20,5", help="comma-separated requests a second, one run each")
    parser.add_argument("--numbers", type=int, default=50_000, help="numbers registered (1,000 a request)")
    parser.add_argument("--entries", type=int, default=30_000, help="entries listed (100 a page)")
    parser.add_argument("--latency-ms", type=float, default=10.0, help="the emulator's latency per answer")
    args = parser.parse_args()
    pages = args.entries // 100 + 1  # paging ends on a short page: an exact multiple of 100 needs an empty one
    chunks = -(-args.numbers // 1000)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        numbers = work / "numbers.txt"
        numbers.write_text("".join(f"010{50_000_000 + i:08d}\n" for i in range(args.numbers)))
        with EmulatorProcess("--sms-count", "0", "--email-count", "0") as server:  # the commands' fixed cost
            start_up = min(
                timed([*BIN, "list", "sms"], command_env(server, work / "empty"), server)[0] for _ in range(3)
            )
        print(
            f"throttled SENS gateway: list {args.entries:,} entries ({pages} pages), add {args.numbers:,} numbers"
            f" ({chunks} requests); emulator latency {args.latency_ms:g} ms"
        )
        for rate in (float(r) for r in args.rates.split(",")):
            emulator_args = ["--rate-limit", f"{rate:g}", "--latency-ms", f"{args.latency_ms:g}"]
            with EmulatorProcess(*emulator_args, "--sms-count", str(args.entries), "--email-count", "0") as server:
                env = command_env(server, work / f"at-{rate:g}")
                print(f"R = {rate:g} requests/s")
                listed = timed([*BIN, "list", "sms", "--format", "jsonl"], env, server)
                if (rows := len(listed[2].splitlines())) != args.entries:
                    sys.exit(f"list sms gave {rows:,} rows, not {args.entries:,}")
                report("list", rate, pages, listed[0], start_up, listed[1])
                added = timed([*BIN, "add", "sms", "--file", str(numbers), "--reason", "bench"], env, server)
                report("add", rate, chunks, added[0], start_up, added[1])


if __name__ == "__main__":
    main()
