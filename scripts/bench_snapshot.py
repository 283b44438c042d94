"""Benchmark the snapshot: full sync speed against page-after-page, and search latency at 1,000,000 rows.

    .venv/bin/python scripts/bench_snapshot.py [--rows 1000000] [--latency-ms 10] [--seq-pages 300]

The emulator runs in a child process (its own interpreter and GIL), serving 1,000,000 SMS entries
(10,000 pages of 100, no total count) with 10 ms latency per request. The sequential rate is measured
on a prefix of --seq-pages pages and extrapolated to the whole list (said so in the output).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


async def _loop_lag(stop: asyncio.Event, lags: list[float]) -> None:
    """How late a 10 ms timer fires on the event loop: what a dashboard would feel."""
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - start - 0.01)


async def sequential_pages(sms, flt, start: int, count: int) -> tuple[int, float]:
    """Page after page, one request at a time, the rows converted as a sync would: (pages, seconds)."""
    from optout_tui.snapshot.rows import page_json

    began = time.perf_counter()
    done = 0
    for index in range(start, start + count):
        page = await sms.fetch_page(flt, index)
        page_json(sms.kind, page.entries)
        done += 1
        if page.last:
            break
    return done, time.perf_counter() - began


async def bench_sync(lists, store, seq_pages: int, in_flight: int) -> tuple[float, float, int]:
    from optout_tui.api.base import ListFilter, ListKind
    from optout_tui.snapshot.sync import Syncer
    from optout_tui.times import from_ms, now_ms

    sms = lists.sms
    flt = ListFilter(until=from_ms(now_ms()))
    # The sequential rate is sampled before and after the full sync (half the pages each, from the
    # start and from the middle of the list), so a change in machine load during the run biases
    # the ratio less.
    half = max(1, seq_pages // 2)
    pages_a, seconds_a = await sequential_pages(sms, flt, 0, half)

    last = [0.0]

    def progress(p) -> None:
        if p.elapsed - last[0] >= 5 or p.phase != "full sync":
            last[0] = p.elapsed
            print(f"  {p.elapsed:5.1f} s  {p.line()}", flush=True)

    stop = asyncio.Event()
    lags: list[float] = []
    ticker = asyncio.create_task(_loop_lag(stop, lags))
    start = time.perf_counter()
    [report] = await Syncer(store, lists, in_flight=in_flight, progress=progress).sync([ListKind.SMS], full=True)
    full_seconds = time.perf_counter() - start
    stop.set()
    await ticker
    print(f"full sync, {in_flight} in flight: {report.line()}")
    print(
        f"  event loop during the sync (a 10 ms timer, as a dashboard would feel it): lag median "
        f"{statistics.median(lags) * 1000:.1f} ms, p99 {_pct(lags, 0.99) * 1000:.1f} ms, max {max(lags) * 1000:.1f} ms"
    )
    pages_b, seconds_b = await sequential_pages(sms, flt, report.pages // 2, half)

    # Keeping it current: an incremental sync with nothing new, then one after deletions deep in
    # the list (noticed by comparing counts per time range, not by fetching everything again).
    syncer = Syncer(store, lists, in_flight=in_flight)
    [quiet] = await syncer.sync([ListKind.SMS])
    print(f"incremental sync, nothing changed: {quiet.requests} requests, {quiet.seconds:.2f} s")
    conn = store.conn()
    total = store.count(ListKind.SMS)
    gone = [
        row[0] for row in conn.execute("SELECT number FROM sms ORDER BY registered_at LIMIT 3 OFFSET ?", (total // 10,))
    ]
    gone += [
        row[0]
        for row in conn.execute("SELECT number FROM sms ORDER BY registered_at LIMIT 2 OFFSET ?", (total * 7 // 10,))
    ]
    await sms.remove(gone)
    await sms.register(["01000000001", "01000000002"])
    [changed] = await syncer.sync([ListKind.SMS])
    print(
        f"incremental sync after 5 deletions spread over the list and 2 new registrations: "
        f"-{changed.removed} +{changed.added} in {changed.requests} requests, {changed.seconds:.2f} s "
        f"(a full sync takes {report.requests:,})"
    )
    [again] = await syncer.sync([ListKind.SMS], full=True)
    print(f"full re-sync over the existing snapshot (upserts, deletions by absence): {again.seconds:.1f} s")
    per_page = (seconds_a + seconds_b) / (pages_a + pages_b)
    print(
        f"sequential sample: {pages_a + pages_b} pages page after page "
        f"({pages_a} before the sync from page 0, {pages_b} after it from page {report.pages // 2:,}): "
        f"{per_page * 1000:.1f} ms per page"
    )
    return per_page, full_seconds, report.pages


def bench_search(store, rounds: int) -> None:
    from optout_tui.api.base import ListKind
    from optout_tui.snapshot.search import search

    conn = store.conn()
    total = store.count(ListKind.SMS)
    rnd = random.Random(7)
    ids = [rnd.randint(1, total) for _ in range(rounds)]
    numbers = [conn.execute("SELECT number FROM sms WHERE id = ?", (i,)).fetchone()[0] for i in ids]
    queries: dict[str, list[str]] = {"substring 3-8 digits": [], "prefix (typed 010-xxxx)": [], "1-2 characters": []}
    for n in numbers:
        length = rnd.randint(3, 8)
        at = rnd.randint(0, len(n) - length)
        queries["substring 3-8 digits"].append(n[at : at + length])
        cut = rnd.randint(4, len(n))
        typed = n[:3] + "-" + n[3:cut] if cut > 3 else n[:cut]
        queries["prefix (typed 010-xxxx)"].append(typed)
        queries["1-2 characters"].append(n[rnd.randint(0, len(n) - 2) :][: rnd.randint(1, 2)])
    misses = ["99999999", "12345678", "000000", "987654"]
    queries["no match"] = [misses[i % len(misses)] + str(i) for i in range(max(20, rounds // 5))]
    everything: list[float] = []
    print(f"search over {total:,} SMS rows (limit 50, results include the snapshot age):")
    for name, qs in queries.items():
        times = []
        for q in qs:
            start = time.perf_counter()
            result = search(store, ListKind.SMS, q, limit=50)
            times.append(time.perf_counter() - start)
            assert result.state is not None
        everything += times
        print(
            f"  {name:<26} n={len(qs):4d}  median {statistics.median(times) * 1000:6.2f} ms  "
            f"p90 {_pct(times, 0.9) * 1000:6.2f} ms  max {max(times) * 1000:6.2f} ms"
        )
    median = statistics.median(everything) * 1000
    print(f"search median over all {len(everything)} queries: {median:.2f} ms (target < 50 ms)")


def bench_email_search(tmp: Path, rows: int, rounds: int) -> None:
    """Addresses: a million synthetic ones written through the snapshot's own writer, then searched."""
    from optout_tui.api.base import ListKind
    from optout_tui.snapshot.search import search
    from optout_tui.snapshot.store import SnapshotStore
    from optout_tui.snapshot.writer import SnapshotWriter

    rnd = random.Random(11)
    names = ["kim", "lee", "park", "choi", "jung", "kang", "cho", "yoon", "jang", "lim", "han", "oh"]
    domains = ["naver.com", "gmail.com", "daum.net", "kakao.com", "nate.com", "example.co.kr"]
    store = SnapshotStore(tmp / "snapshot-email-bench.sqlite3")

    async def load() -> None:
        writer = SnapshotWriter(store, ListKind.EMAIL).start()
        await writer.call(SnapshotWriter.begin_bulk)
        batch = []
        for i in range(rows):
            address = f"{rnd.choice(names)}.{rnd.choice(names)}{i}@{rnd.choice(domains)}"
            batch.append([address, 1_700_000_000_000 + i * 1000, i % 4 == 0])
            if len(batch) == 100:
                import json

                await writer.add(json.dumps(batch), len(batch))
                batch = []
        await writer.call(SnapshotWriter.end_bulk)
        await writer.close()

    started = time.perf_counter()
    asyncio.run(load())
    print(f"email: {rows:,} synthetic addresses written through the writer in {time.perf_counter() - started:.1f} s")
    addresses = [
        r[0]
        for r in store.conn().execute(
            f"SELECT address FROM email WHERE id IN ({','.join(str(rnd.randint(1, rows)) for _ in range(rounds))})"
        )
    ]
    queries = [a[rnd.randint(0, len(a) - 6) :][: rnd.randint(3, 8)] for a in addresses]
    times = []
    for q in queries:
        start = time.perf_counter()
        search(store, ListKind.EMAIL, q, limit=50)
        times.append(time.perf_counter() - start)
    print(
        f"  address substrings (3-8 chars) n={len(times)}  median {statistics.median(times) * 1000:.2f} ms  "
        f"p90 {_pct(times, 0.9) * 1000:.2f} ms  max {max(times) * 1000:.2f} ms (target < 50 ms)"
    )
    store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--latency-ms", type=float, default=10.0)
    parser.add_argument("--seq-pages", type=int, default=300)
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--search-rounds", type=int, default=400)
    args = parser.parse_args()

    from optout_tui.api.factory import build_lists
    from optout_tui.demo import demo_settings
    from optout_tui.emulator.process import EmulatorProcess
    from optout_tui.snapshot.store import SnapshotStore

    print(f"starting the emulator (child process): {args.rows:,} SMS entries, {args.latency_ms:g} ms latency")
    with (
        EmulatorProcess(
            "--sms-count", str(args.rows), "--email-count", "0", "--latency-ms", str(args.latency_ms)
        ) as emulator,
        tempfile.TemporaryDirectory() as tmp,
    ):
        profile, secrets = demo_settings(emulator)
        store = SnapshotStore(Path(tmp) / "snapshot-bench.sqlite3")

        async def run_sync():
            lists = build_lists(profile, secrets, in_flight=args.in_flight)
            try:
                return await bench_sync(lists, store, args.seq_pages, args.in_flight)
            finally:
                await lists.aclose()

        per_page, full_seconds, pages = asyncio.run(run_sync())
        sequential = per_page * pages
        print(
            f"page after page, extrapolated from that {args.seq_pages}-page sample to all {pages:,} pages: "
            f"{sequential:.1f} s (measured on a sample, not run in full)"
        )
        print(
            f"full sync with {args.in_flight} in flight: {full_seconds:.1f} s  ->  "
            f"{sequential / full_seconds:.1f}x faster (target >= 5x)"
        )
        bench_search(store, args.search_rounds)
        bench_email_search(Path(tmp), args.rows, args.search_rounds)
        size = store.path.stat().st_size / 1e6
        print(f"snapshot file: {size:.0f} MB")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
