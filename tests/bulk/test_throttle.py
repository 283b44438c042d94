"""Bulk jobs against a throttling gateway: under a rate limit a job finishes with few requests refused; a used-up
daily quota stops it at once with one line, resumable once the quota is lifted."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx

from optout_tui.bulk.engine import Action, BulkEngine
from optout_tui.bulk.journal import JobState
from optout_tui.demo import demo_settings
from optout_tui.emulator import EmulatorConfig, EmulatorServer
from optout_tui.emulator.process import EmulatorProcess

from .conftest import FAST_RETRY, build_lists


def numbers(first: int, count: int) -> list[str]:
    return [f"010{first + i:08d}" for i in range(count)]


def throttle(base_url: str) -> dict:
    return httpx.get(f"{base_url}/_emulator/throttle").json()["services"]["sens"]


async def test_a_job_under_a_gateway_rate_limit_finishes_with_few_requests_refused(journal, audit):
    values = numbers(30_000_000, 60_000)  # 60 requests at 20 a second
    with EmulatorServer(EmulatorConfig(sms_count=0, email_count=0, rate_limit=20)) as server:
        profile, secrets = demo_settings(server)
        lists = build_lists(profile, secrets, retry=FAST_RETRY)
        try:
            result = await BulkEngine(lists.sms, profile, journal=journal, audit=audit).run(Action.REGISTER, values)
        finally:
            await lists.aclose()
        sens = throttle(server.base_url)
    assert (result.done, result.failed, result.pending) == (60_000, 0, 0)
    assert sens["refused"] > 0  # the gateway's limit was met
    assert sens["refused"] / sens["requests"] < 0.15


def test_a_used_up_quota_stops_the_job_in_one_line_and_resume_finishes_it_once_lifted(tmp_path):
    values = numbers(40_000_000, 5_000)
    (tmp_path / "in.txt").write_text("\n".join(values) + "\n")
    with EmulatorProcess("--sms-count", "0", "--email-count", "0", "--quota", "0") as server:
        env = {**os.environ, **server.env}

        def cli(*args: str) -> subprocess.CompletedProcess:
            command = [sys.executable, "-m", "optout_tui", *args]
            return subprocess.run(command, check=False, capture_output=True, text=True, env=env, cwd=tmp_path)

        stopped = cli("add", "sms", "--file", "in.txt", "--reason", "quota")
        job_id = re.search(r"job (\w+)", stopped.stdout).group(1)
        httpx.post(f"{server.base_url}/_emulator/throttle", json={"quota": None}).raise_for_status()
        resumed = cli("jobs", "resume", job_id)
        listing = cli("list", "sms", "--format", "csv")
        jobs = cli("jobs")
        counts = throttle(server.base_url)
    assert stopped.returncode == 3, stopped.stdout + stopped.stderr  # as for any vendor error: nothing was taken
    quota_lines = [line for line in stopped.stdout.splitlines() if "quota" in line]
    assert len(quota_lines) == 1 and quota_lines[0].startswith("stopped: ")
    assert "daily API quota is used up" in quota_lines[0]
    assert f"jobs resume {job_id}" in stopped.stdout and "Traceback" not in stopped.stderr
    assert counts["quota_refused"] <= 2  # stopped at once, not after a round of retries
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert sorted(line.split(",")[0] for line in listing.stdout.splitlines()[1:]) == values
    assert JobState.DONE.value in next(line for line in jobs.stdout.splitlines() if job_id in line)
