#!/usr/bin/env python3
"""Bulk registration figures: 100,000 SMS numbers through `optout-tui add sms --file`, end to end.

Runs a standalone emulator (10 ms latency) in a subprocess and the real command line against it,
first clean, then with 20% injected faults (429 / 503 / timeouts), and verifies each run by listing
the emulator's SMS list afterwards. Prints wall time, requests seen by the emulator, retries and
the ideal time (requests x latency / requests in flight) for comparison.

    .venv/bin/python scripts/bench_bulk.py [--count 100000] [--latency-ms 10] [--fault-rate 0.2]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BIN = [sys.executable, "-m", "optout_tui"]


def start_emulator(latency_ms: float) -> tuple[subprocess.Popen, str, dict[str, str]]:
    proc = subprocess.Popen(
        [*BIN, "emulator", "--port", "0", "--sms-count", "0", "--email-count", "0", "--latency-ms", str(latency_ms)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    env: dict[str, str] = {}
    base = None
    while "NHN_SECRET_ACCESS_KEY" not in env:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the emulator did not start")
        if match := re.search(r"listening on (http://127\.0\.0\.1:\d+)", line):
            base = match.group(1)
        if match := re.match(r"^\s*export ([A-Z_]+)=(\S+)\s*$", line):
            env[match.group(1)] = match.group(2)
    assert base
    return proc, base, env


def run_once(
    label: str, count: int, offset: int, control: httpx.Client, env: dict[str, str], workdir: Path, latency_ms: float
) -> dict:
    values = [f"010{offset + i:08d}" for i in range(count)]
    bad = max(1, count // 10_000)
    lines = values[:]
    for k in range(bad):  # some bad lines, as in a real export
        lines.insert(k * 997 + 3, f"not-a-number-{k}")
    path = workdir / f"{label}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    before = control.get("/stats").json()
    started = time.perf_counter()
    out = subprocess.run(
        [*BIN, "add", "sms", "--file", str(path), "--reason", f"bench {label}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=3600,
        check=False,  # a run with failed values exits non-zero; its summary is still read below
    )
    elapsed = time.perf_counter() - started
    after = control.get("/stats").json()

    parse_started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from optout_tui.bulk.plan import preview_lines, read_values_file;"
            "from optout_tui.api.base import ListKind; preview_lines(read_values_file(sys.argv[1]), ListKind.SMS)",
            str(path),
        ],
        check=True,
        env=env,
    )
    parse_s = time.perf_counter() - parse_started  # includes interpreter start, like the real run

    sent = re.search(r"sent:\s+([\d,]+) values in ([\d,]+) requests(?: \(([\d,]+) retries\))?", out.stdout)
    accepted = re.search(r"accepted:\s+([\d,]+)", out.stdout)
    control.post("/config", json={"fault_rate": 0})
    listing = subprocess.run(
        [*BIN, "list", "sms", "--format", "jsonl"], capture_output=True, text=True, env=env, timeout=3600, check=True
    )
    listed = {json.loads(line)["number"] for line in listing.stdout.splitlines()}
    missing = len(set(values) - listed)
    in_flight = 8
    calls = int(sent.group(2).replace(",", "")) if sent else 0
    return {
        "label": label,
        "exit": out.returncode,
        "seconds": elapsed,
        "parse_seconds": parse_s,
        "engine_calls": calls,
        "http_requests": after["requests"] - before["requests"],
        "faults": after.get("faults", 0) - before.get("faults", 0),
        "retries": int((sent.group(3) or "0").replace(",", "")) if sent else 0,
        "accepted": int(accepted.group(1).replace(",", "")) if accepted else 0,
        "ideal_seconds": calls * latency_ms / 1000 / in_flight,
        "missing_after": missing,
        "stderr_tail": out.stderr.strip().splitlines()[-1:] if out.returncode not in (0, 1) else [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--latency-ms", type=float, default=10.0)
    parser.add_argument("--fault-rate", type=float, default=0.2)
    parser.add_argument(
        "--hang-seconds",
        type=float,
        default=2.0,
        help="how long an injected timeout hangs before its 504 (the client gives up at its timeout)",
    )
    args = parser.parse_args()

    proc, base, emulator_env = start_emulator(args.latency_ms)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            env = {
                **os.environ,
                **emulator_env,
                "XDG_DATA_HOME": str(work / "data"),
                "XDG_CONFIG_HOME": str(work / "config"),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
            }
            with httpx.Client(base_url=f"{base}/_emulator", timeout=30) as control:
                control.post("/config", json={"hang_seconds": args.hang_seconds})
                results = [run_once("clean", args.count, 10_000_000, control, env, work, args.latency_ms)]
                control.post("/config", json={"fault_rate": args.fault_rate})
                results.append(
                    run_once(
                        f"faults{int(args.fault_rate * 100)}",
                        args.count,
                        20_000_000,
                        control,
                        env,
                        work,
                        args.latency_ms,
                    )
                )
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    print(
        f"bulk add sms: {args.count:,} numbers (+ {max(1, args.count // 10_000)} bad lines), "
        f"emulator latency {args.latency_ms:g} ms, 8 requests in flight"
    )
    for r in results:
        budget = 2 * r["ideal_seconds"] + r["parse_seconds"]
        print(
            f"  {r['label']:<9} exit {r['exit']}  {r['seconds']:6.2f} s  "
            f"engine calls {r['engine_calls']:,}  HTTP requests {r['http_requests']:,}  "
            f"injected faults {r['faults']:,}  client retries {r['retries']:,}  "
            f"accepted {r['accepted']:,}  missing after listing {r['missing_after']:,}"
        )
        print(
            f"            ideal (calls x latency / in flight) {r['ideal_seconds']:.2f} s, parse+start "
            f"{r['parse_seconds']:.2f} s, 2x ideal + parse {budget:.2f} s -> ratio {r['seconds'] / budget:.2f}"
        )
        for line in r["stderr_tail"]:
            print(f"            stderr: {line}")
    ok = all(r["missing_after"] == 0 and r["accepted"] == args.count for r in results)
    print("verified: every number is on the list" if ok else "NOT VERIFIED: some numbers are missing")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
