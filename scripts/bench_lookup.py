#!/usr/bin/env python3
"""All-lists lookup figures (issue 14): a value asked on every list it can be on, against the slowest list alone.

An in-process emulator with `--latency-ms` on every request serves the demo's five lists. A mobile number is
looked up on every list of its kind (SENS and each of the company's NHN 080 numbers, all in parallel, the
company's 080 numbers read once and reused) and, apart, on SENS alone and on one NHN 080 number alone; an
address on the Mailer and NHN Email, and on each alone. Prints the medians and the ratio of the all-lists
lookup to its slowest single list: within one round trip of the slowest list means a ratio near 1 (one more
round trip at this latency would be about 2). Asserts nothing.

    .venv/bin/python scripts/bench_lookup.py [--latency-ms 50] [--runs 15]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from benchlib import compile_package

from optout_tui.api.factory import build_lists
from optout_tui.bulk.everywhere import lookup_everywhere
from optout_tui.demo import demo_settings
from optout_tui.emulator import EmulatorConfig, EmulatorServer
from optout_tui.kinds import ListKind


async def median_ms(runs: int, ask) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await ask()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def measure(server: EmulatorServer, runs: int) -> None:
    profile, secrets = demo_settings(server)
    lists = build_lists(profile, secrets)
    try:
        number, address = "01099990000", "nobody@example.kr"  # on no list: every list answers in full
        assert lists.sms and lists.nhn_sms and lists.email and lists.nhn_email
        one080 = (await lists.nhn_sms.numbers080())[0].number
        await lookup_everywhere(lists, ListKind.SMS, number)  # warm: connections open, 080 numbers read
        await lookup_everywhere(lists, ListKind.EMAIL, address)
        rows = [
            ("mobile, every list", await median_ms(runs, lambda: lookup_everywhere(lists, ListKind.SMS, number))),
            ("mobile, SENS alone", await median_ms(runs, lambda: lists.sms.lookup(number))),
            ("mobile, one NHN 080", await median_ms(runs, lambda: lists.nhn_sms.lookup(number, one080))),
            ("address, every list", await median_ms(runs, lambda: lookup_everywhere(lists, ListKind.EMAIL, address))),
            ("address, Mailer alone", await median_ms(runs, lambda: lists.email.lookup(address))),
            ("address, NHN Email", await median_ms(runs, lambda: lists.nhn_email.lookup(address))),
        ]
    finally:
        await lists.aclose()
    for what, ms in rows:
        print(f"  {what:<22} {ms:7.1f} ms")
    figures = dict(rows)
    mobile = figures["mobile, every list"] / max(figures["mobile, SENS alone"], figures["mobile, one NHN 080"])
    mail = figures["address, every list"] / max(figures["address, Mailer alone"], figures["address, NHN Email"])
    print(f"  every list / slowest single list: mobile {mobile:.2f}x, address {mail:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    compile_package()
    with EmulatorServer(EmulatorConfig(sms_count=5000, email_count=1200, latency_ms=args.latency_ms)) as server:
        print(f"lookup on every list, {args.latency_ms:g} ms latency, median of {args.runs}")
        asyncio.run(measure(server, args.runs))


if __name__ == "__main__":
    main()
