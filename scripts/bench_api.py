"""Client speed against the emulator at 10 ms latency (issue 2). Prints figures; asserts nothing.

1. `list sms` of 100,000 entries (1,000 pages, no total count): page after page, then the
   speculative window of 8 requests in flight; the ratio is what matters. Also the CPU each side
   spends per page in the window: on a shared machine the window is bound by it, not by latency.
2. `add sms` of 100,000 numbers from a file: requests sent (must be exactly 100), time, and the
   budget 2 x (100 x 10 ms / requests in flight) + the time to parse the file. The parse is timed
   through the command's own function (`cli.changes.read_input`), and the command's wall time minus
   start-up is compared with that budget.

With --repeat N the whole set runs N times and the medians are printed at the end.

    .venv/bin/python scripts/bench_api.py [--entries 100000] [--latency-ms 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from benchlib import compile_package

from optout_tui.api.base import ListFilter
from optout_tui.api.factory import build_lists
from optout_tui.emulator.process import EmulatorProcess
from optout_tui.settings import Profile, Secrets


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a running process (Linux /proc); 0.0 where that is not available."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def stats(server) -> dict:
    return httpx.get(f"{server.base_url}/_emulator/stats").json()


def reset(server) -> None:
    httpx.post(f"{server.base_url}/_emulator/reset-stats", json={})


def settings_from_env(env: dict[str, str]) -> tuple[Profile, Secrets]:
    profile = Profile(
        name="bench",
        sens_url=env["OPTOUT_SENS_URL"],
        mailer_url=env["OPTOUT_MAILER_URL"],
        hub_url=env["OPTOUT_HUB_URL"],
        nhn_oauth_url=env["OPTOUT_NHN_OAUTH_URL"],
        sens_service_id=env["OPTOUT_SENS_SERVICE_ID"],
        nhn_app_key=env["OPTOUT_NHN_APP_KEY"],
    )
    secrets = Secrets(
        env["NCLOUD_ACCESS_KEY"], env["NCLOUD_SECRET_KEY"], env["NHN_USER_ACCESS_KEY_ID"], env["NHN_SECRET_ACCESS_KEY"]
    )
    return profile, secrets


async def bench_list(server, in_flight: int) -> dict:
    lists = build_lists(*settings_from_env(server.env), in_flight=in_flight)
    sms = lists.sms
    try:
        started = time.perf_counter()
        index, sequential = 0, 0
        while True:
            page = await sms.fetch_page(ListFilter(), index)
            sequential += len(page.entries)
            if page.last:
                break
            index += 1
        t_seq = time.perf_counter() - started

        reset(server)
        cpu_client, cpu_server = time.process_time(), cpu_seconds(server.proc.pid)
        started = time.perf_counter()
        windowed = 0
        async for page in sms.pages(ListFilter(), in_flight=in_flight):
            windowed += len(page.entries)
        t_win = time.perf_counter() - started
        cpu_client = time.process_time() - cpu_client
        cpu_server = cpu_seconds(server.proc.pid) - cpu_server
        requests = stats(server)["requests"]
    finally:
        await lists.aclose()
    print(f"list sms: {sequential:,} entries page after page in {t_seq:.2f} s ({index + 1} requests)")
    print(
        f"list sms: {windowed:,} entries with {in_flight} in flight in {t_win:.2f} s ({requests} requests);"
        f" CPU per page: client {1000 * cpu_client / requests:.2f} ms, emulator {1000 * cpu_server / requests:.2f} ms"
    )
    print(f"list sms: speed-up {t_seq / t_win:.1f}x (target >= 5x)")
    return {
        "list speed-up (x)": t_seq / t_win,
        "list windowed (s)": t_win,
        "list page after page (s)": t_seq,
        "list client CPU per page (ms)": 1000 * cpu_client / requests,
        "list emulator CPU per page (ms)": 1000 * cpu_server / requests,
    }


def bench_add(server, count: int, latency_ms: float, in_flight: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "numbers.txt"
        lines = [f"010-7{i // 10000:03d}-{i % 10000:04d}" for i in range(count)]
        lines[5:8] = ["not a number", "010-12", "hello@example.kr"]  # a few bad lines, as in real files
        path.write_text("\n".join(lines) + "\n")

        from optout_tui.api.base import ListKind
        from optout_tui.cli.changes import read_input

        started = time.perf_counter()
        preview = read_input((), str(path), ListKind.SMS)  # the command's own parse
        t_parse = time.perf_counter() - started

        env = {
            **os.environ,
            **server.env,
            "XDG_DATA_HOME": str(Path(tmp) / "data"),
            "XDG_CONFIG_HOME": str(Path(tmp) / "config"),
            "XDG_CACHE_HOME": str(Path(tmp) / "cache"),
        }
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import optout_tui.cli"], env=env, check=True)
        t_start = time.perf_counter() - started
        reset(server)
        cpu_before, cpu_server = resource.getrusage(resource.RUSAGE_CHILDREN), cpu_seconds(server.proc.pid)
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "optout_tui", "add", "sms", "--file", str(path)],
            check=False,
            env=env,
            capture_output=True,
            text=True,
        )
        t_add = time.perf_counter() - started
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_client = cpu_after.ru_utime + cpu_after.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime
        cpu_server = cpu_seconds(server.proc.pid) - cpu_server
        requests = stats(server)["by_route"].get("sens.register", 0)
    budget = 2 * (100 * latency_ms / 1000 / in_flight) + t_parse
    print(f"add sms: parsed {count:,} lines in {t_parse:.2f} s ({preview.ok:,} ok, {preview.invalid} invalid)")
    print(
        f"add sms: command took {t_add:.2f} s wall, of which ~{t_start:.2f} s is interpreter + import start-up;"
        f" {requests} register requests (target exactly 100); exit {out.returncode}"
    )
    print(
        f"add sms: budget 2 x (100 x {latency_ms:g} ms / {in_flight}) + parse = {budget:.2f} s;"
        f" command minus start-up = {t_add - t_start:.2f} s ({(t_add - t_start) / budget:.2f}x of budget)"
    )
    loose = 2 * (100 * latency_ms / 1000 / in_flight + t_parse)
    print(
        f"add sms: read as 2 x (100 x {latency_ms:g} ms / {in_flight} + parse) = {loose:.2f} s:"
        f" {(t_add - t_start) / loose:.2f}x of it"
    )
    print(f"add sms: CPU: command {cpu_client:.2f} s (start-up included), emulator {cpu_server:.2f} s")
    tail = out.stdout.strip().splitlines()[-6:]
    print("add sms: summary ->", " | ".join(tail))
    return {
        "add parse (s)": t_parse,
        "add command minus start-up (s)": t_add - t_start,
        "add x of budget": (t_add - t_start) / budget,
        "add x of 2 x (ideal + parse)": (t_add - t_start) / loose,
        "add command CPU (s)": cpu_client,
        "add emulator CPU (s)": cpu_server,
    }


def main() -> None:
    compile_package()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--latency-ms", type=float, default=10.0)
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--skip-add", action="store_true")
    parser.add_argument("--skip-list", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="run everything N times; print the medians")
    args = parser.parse_args()
    emulator_args = ["--sms-count", str(args.entries), "--email-count", "100", "--latency-ms", str(args.latency_ms)]
    runs: list[dict] = []
    for run in range(args.repeat):
        # A fresh emulator each time, so every run lists the same 100,000 entries.
        with EmulatorProcess(*emulator_args) as server:
            if run == 0:
                print(f"emulator: {args.entries:,} SMS entries, {args.latency_ms:g} ms latency")
            if args.repeat > 1:
                print(f"--- run {run + 1} of {args.repeat}")
            figures = {} if args.skip_list else asyncio.run(bench_list(server, args.in_flight))
            if not args.skip_add:
                figures |= bench_add(server, 100_000, args.latency_ms, args.in_flight)
        runs.append(figures)
    if args.repeat > 1:
        print(f"--- median of {args.repeat} runs")
        for name in runs[0]:
            print(f"{name}: {statistics.median(r[name] for r in runs):.2f}")
        if "add x of budget" in runs[0]:
            print("add x of budget, run by run:", " ".join(f"{r['add x of budget']:.2f}" for r in runs))


if __name__ == "__main__":
    main()
