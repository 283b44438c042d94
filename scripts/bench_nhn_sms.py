#!/usr/bin/env python3
"""NHN Cloud SMS bulk figures (issue 14): `add nhn-sms --file` at 10 recipients a call, in parallel.

A standalone emulator with `--latency-ms` serves the demo's NHN SMS 080 numbers; the real command registers
`--numbers` new recipients on one of them. Each chunk of 10 first finds which are already listed (so `already` is
exact): the number's whole list read once while it is a few pages, else a lookup each; then the new ones go in one
call. Prints the wall time (less the interpreter's start-up, measured apart with a dry run),
the calls the emulator saw by route, and the time one call after another would take (calls x latency), and
their ratio. Asserts nothing.

    .venv/bin/python scripts/bench_nhn_sms.py [--numbers 2000] [--latency-ms 10]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from bench_throttle import BIN, command_env
from benchlib import compile_package

from optout_tui.emulator.process import EmulatorProcess


def run(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    out = subprocess.run([*BIN, *args], env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"{' '.join(args[:2])} exited {out.returncode}: {out.stderr.strip()[-400:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=2000)
    parser.add_argument("--latency-ms", type=float, default=10.0)
    args = parser.parse_args()
    compile_package()
    with EmulatorProcess("--latency-ms", f"{args.latency_ms:g}") as server, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = command_env(server, folder)
        numbers = folder / "numbers.txt"
        numbers.write_text("".join(f"0107{i:07d}\n" for i in range(args.numbers)))
        base = server.env["OPTOUT_NHN_SMS_URL"]
        key = server.env["NHN_SMS_APP_KEY"]
        headers = {"X-Secret-Key": server.env["NHN_SMS_SECRET_KEY"]}
        listed = httpx.get(f"{base}/sms/v3.0/appKeys/{key}/blockservice/unsubscribe-nos", headers=headers).json()
        number = listed["body"]["data"][0]["unsubscribeNo"]
        common = ["add", "nhn-sms", "--file", str(numbers), "--080", number]
        start_up = run([*common, "--dry-run"], env)
        httpx.post(f"{server.base_url}/_emulator/reset-stats").raise_for_status()
        elapsed = run([*common, "--reason", "bench"], env) - start_up
        routes = httpx.get(f"{server.base_url}/_emulator/stats").json()["by_route"]
    calls = {name: count for name, count in routes.items() if name.startswith("nhn-sms.")}
    total = sum(calls.values())
    one_by_one = total * args.latency_ms / 1000
    print(f"add nhn-sms, {args.numbers:,} new recipients, {args.latency_ms:g} ms latency")
    print(f"  calls: {total} ({', '.join(f'{k} {v}' for k, v in sorted(calls.items()))})")
    print(f"  {elapsed:.2f} s (+{start_up:.2f} s start-up); one call after another: {one_by_one:.2f} s")
    print(f"  one after another / this run: {one_by_one / elapsed:.1f}x")


if __name__ == "__main__":
    main()
