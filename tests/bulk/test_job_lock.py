"""A job runs while its process holds the job's lock, which the OS lets go of when that process dies:
a killed job is interrupted (never "running"), and resumable whatever process now has its old pid."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from optout_tui.bulk.journal import JobBusyError, JobState, Journal
from optout_tui.emulator.process import EmulatorProcess

BIN = [sys.executable, "-m", "optout_tui"]

# A process that opens the journal, waits for a line, claims the job, says how it went, and keeps
# whatever it got until its stdin closes.
_CLAIMER = """
import sys
from optout_tui.bulk.journal import JobBusyError, Journal
journal = Journal(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
try:
    journal.claim(sys.argv[2])
    print("claimed", flush=True)
except JobBusyError as exc:
    print(exc, flush=True)
sys.stdin.read()
"""


def journal_path() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "optout-tui" / "journal.sqlite3"


def interrupted_job(path: Path, values: list[str] | None = None) -> str:
    """A job whose row says running, written by a process that has ended without finishing it."""
    code = (
        "import sys; from optout_tui.bulk.journal import Journal; "
        "print(Journal(sys.argv[1]).create_job(profile='default', kind='sms', action='register', "
        f"values={values or ['01055550000']!r}, batch_size=1000))"
    )
    return subprocess.run([*BIN[:1], "-c", code, str(path)], capture_output=True, text=True, check=True).stdout.strip()


def set_pid(path: Path, job_id: str, pid: int) -> None:
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE jobs SET pid = ? WHERE id = ?", (pid, job_id))


def claimers(path: Path, job_id: str, count: int) -> list[subprocess.Popen]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CLAIMER, str(path), job_id],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    assert [proc.stdout.readline() for proc in procs] == ["ready\n"] * count
    return procs


def let_go(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.stdin.close()
        proc.wait(timeout=30)


@pytest.mark.parametrize("holder", ["this test", "the test's parent"])
def test_a_running_job_whose_pid_now_belongs_to_a_live_process_is_interrupted_and_resumable(tmp_path, holder):
    path = tmp_path / "j.sqlite3"
    job = interrupted_job(path)
    set_pid(path, job, os.getpid() if holder == "this test" else os.getppid())  # alive, and not running the job
    journal = Journal(path)
    info = journal.job(job)
    assert info.state == JobState.INTERRUPTED and info.resumable
    assert journal.claim(job).state == JobState.RUNNING
    lock = Path(f"{path}.job-{job}.lock")
    assert lock.stat().st_mode & 0o077 == 0  # owner-only, as the journal beside it
    journal.finish(job, JobState.CANCELLED)
    assert not lock.exists()  # a finished job leaves no lock file behind


def test_two_resumers_at_once_one_takes_the_job_and_the_other_is_told_in_one_line(tmp_path):
    path = tmp_path / "j.sqlite3"
    job = interrupted_job(path)
    procs = claimers(path, job, 2)
    try:
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        answers = sorted(proc.stdout.readline().strip() for proc in procs)
        assert answers[0] == "claimed"
        assert re.fullmatch(
            rf"job {job} is already running in an optout-tui \(pid \d+\); wait for it to finish", answers[1]
        )
        journal = Journal(path)
        assert journal.job(job).state == JobState.RUNNING
        with pytest.raises(JobBusyError):
            journal.claim(job)
    finally:
        let_go(procs)
    assert journal.job(job).state == JobState.INTERRUPTED  # the winner ended without finishing
    assert journal.claim(job).state == JobState.RUNNING


def test_jobs_resume_of_a_job_another_process_runs_is_one_clear_line():
    job = interrupted_job(journal_path())
    procs = claimers(journal_path(), job, 1)
    try:
        procs[0].stdin.write("go\n")
        procs[0].stdin.flush()
        assert procs[0].stdout.readline() == "claimed\n"
        out = subprocess.run([*BIN, "jobs", "resume", job], check=False, capture_output=True, text=True, timeout=120)
    finally:
        let_go(procs)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip().splitlines() == [
        f"optout-tui: job {job} is still running in another optout-tui; wait for it or stop it first"
    ]


@pytest.fixture(scope="module")
def emulator():
    with EmulatorProcess("--sms-count", "0", "--email-count", "0") as server:
        yield server


def test_a_job_killed_mid_run_is_interrupted_and_resume_sends_every_value(emulator, tmp_path):
    env = {**os.environ, **emulator.env}
    values = [f"0107{i:07d}" for i in range(3_000)]
    (tmp_path / "in.txt").write_text("\n".join(values), encoding="utf-8")
    control = httpx.Client(base_url=f"{emulator.base_url}/_emulator")
    control.post("/config", json={"latency_ms": 20_000}).raise_for_status()  # every request is still out when killed
    sent_before = control.get("/stats").json()["requests"]
    proc = subprocess.Popen(
        [*BIN, "add", "sms", "--file", "in.txt"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        job = _wait_for_requests(proc, control, sent_before)
        assert Journal(journal_path()).job(job).state == JobState.RUNNING
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        control.post("/config", json={"latency_ms": 0}).raise_for_status()
        control.close()
    set_pid(journal_path(), job, os.getpid())  # its pid recycled: a live process that is not running the job

    def optout(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*BIN, *args], check=False, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
        )

    assert re.search(rf"^{job}\s.*\binterrupted\b", optout("jobs").stdout, re.MULTILINE)
    resumed = optout("jobs", "resume", job)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    info = Journal(journal_path()).job(job)
    assert info.state == JobState.DONE and info.unsent == 0 and sum(info.counts.values()) == len(values)
    listed = optout("list", "sms", "--format", "csv").stdout
    assert sorted(n for n in re.findall(r"\b0107\d{7}\b", listed)) == values


def _wait_for_requests(proc: subprocess.Popen, control: httpx.Client, before: int, timeout: float = 60) -> str:
    """The job's id, once it is in the journal and its first requests have reached the emulator."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if journal_path().exists() and control.get("/stats").json()["requests"] > before:
            jobs = Journal(journal_path()).jobs()
            if jobs:
                return jobs[0].id
        time.sleep(0.02)
    raise AssertionError("the job did not start sending")
