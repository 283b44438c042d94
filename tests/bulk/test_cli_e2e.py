"""`optout-tui add/remove/jobs/audit` end to end: real subprocesses against a standalone emulator."""

from __future__ import annotations

import csv
import json
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

BIN = [sys.executable, "-m", "optout_tui"]


@pytest.fixture(scope="module")
def standalone():
    proc = subprocess.Popen(
        [*BIN, "emulator", "--port", "0", "--sms-count", "0", "--email-count", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    env, base_url, deadline = {}, None, time.monotonic() + 30
    while time.monotonic() < deadline and "NHN_SECRET_ACCESS_KEY" not in env:
        line = proc.stdout.readline()
        if not line:
            break
        if match := re.search(r"listening on (http://127\.0\.0\.1:\d+)", line):
            base_url = match.group(1)
        if match := re.match(r"^\s*export ([A-Z_]+)=(\S+)\s*$", line):
            env[match.group(1)] = match.group(2)
    assert base_url and env, "the emulator did not start"
    yield base_url, env
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def emu(standalone):
    base_url, _ = standalone
    control = httpx.Client(base_url=f"{base_url}/_emulator")
    yield control
    control.post("/config", json={"latency_ms": 0, "fault_rate": 0})
    control.close()


@pytest.fixture
def cli(standalone, tmp_path):
    env = {**os.environ, **standalone[1]}

    def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*BIN, *args], check=False, capture_output=True, text=True, env=env, input=input, cwd=tmp_path, timeout=120
        )

    run.env = env
    return run


def listed(cli, kind: str) -> list[str]:
    out = cli("list", kind, "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    key = "address" if kind == "email" else "number"
    return sorted(json.loads(line)[key] for line in out.stdout.splitlines())


def journal_path() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "optout-tui" / "journal.sqlite3"


def test_a_file_with_bad_lines_and_duplicates_is_accounted_for_line_by_line(cli, tmp_path):
    rows, prefix = 6_000, "0104"
    lines = ["phone,name"] + [f"{prefix[:3]}-{prefix[3]}{i // 1000:03d}-{i % 1000:04d},Kim" for i in range(rows)]
    lines[10] = "010-12,short"
    lines[20] = "hello,world"
    lines.append(lines[5])
    (tmp_path / "in.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = cli("add", "sms", "-f", "in.csv", "--reason", "complaint export")
    assert out.returncode == 1, out.stderr  # invalid lines make it a partial success
    assert re.search(rf"read:\s+{rows + 1:,} values", out.stdout)
    assert re.search(r"invalid input:\s+2\b", out.stdout) and re.search(r"duplicates:\s+1\b", out.stdout)
    assert re.search(rf"accepted:\s+{rows - 2:,}\b", out.stdout) and "line 11 of in.csv" not in out.stdout
    assert "line 11: '010-12,short'" in out.stdout and "line 21:" in out.stdout
    assert "Traceback" not in out.stderr
    assert len([n for n in listed(cli, "sms") if n.startswith(prefix)]) == rows - 2


def test_a_file_that_cannot_be_read_is_one_clear_line(cli, tmp_path):
    (tmp_path / "export.xlsx").write_bytes(b"PK\x03\x04" + bytes(1000))
    (tmp_path / "a-folder").mkdir()
    for name, says in [
        (
            "export.xlsx",
            (
                "optout-tui: export.xlsx is an Excel (.xlsx) or zip file, not text: save it as "
                "CSV (UTF-8) or plain text, one value a line"
            ),
        ),
        ("a-folder", "optout-tui: cannot read a-folder: Is a directory"),
        ("missing.txt", "optout-tui: cannot read missing.txt: No such file or directory"),
    ]:
        out = cli("add", "sms", "010-1234-5678", "--file", name)
        assert (out.returncode, out.stderr.strip(), out.stdout) == (2, says, "")


def test_remove_asks_first_and_then_takes_the_values_off(cli):
    assert cli("add", "email", "keep@example.kr", "drop@example.kr").returncode == 0
    declined = cli("remove", "email", "drop@example.kr", "--reason", "sent by mistake", input="n\n")
    assert declined.returncode == 1 and "from the Email opt-out list" in declined.stderr
    assert "drop@example.kr" in listed(cli, "email")
    done = cli("remove", "email", "drop@example.kr", "--yes", "--reason", "sent by mistake")
    assert done.returncode == 0 and re.search(r"accepted:\s+1\b", done.stdout)
    assert "drop@example.kr" not in listed(cli, "email") and "keep@example.kr" in listed(cli, "email")
    audit = [json.loads(line) for line in cli("audit", "--format", "jsonl").stdout.splitlines()]
    assert audit[-1]["action"] == "remove" and audit[-1]["values"] == ["drop@example.kr"]
    assert audit[-1]["reason"] == "sent by mistake" and audit[-1]["os_user"]


def test_dry_run_prints_the_plan_and_sends_nothing(cli, emu, tmp_path):
    (tmp_path / "many.txt").write_text("\n".join(f"0105{i:07d}" for i in range(2_345)), encoding="utf-8")
    before = emu.get("/stats").json()["requests"]
    out = cli("add", "sms", "--file", "many.txt", "--dry-run")
    assert out.returncode == 0, out.stderr
    assert "3 requests of up to 1,000 values" in out.stdout and "nothing is sent" in out.stdout
    assert emu.get("/stats").json()["requests"] == before


def test_add_080_needs_a_company_and_is_audited(cli):
    assert cli("add", "080", "080-777-0001").returncode == 2
    out = cli("add", "080", "080-777-0001", "--company", "Example Co.", "--reason", "new line")
    assert out.returncode == 0, out.stdout + out.stderr
    audit = [json.loads(line) for line in cli("audit", "--format", "jsonl").stdout.splitlines()]
    assert (audit[-1]["list"], audit[-1]["values"], audit[-1]["reason"]) == ("080", ["0807770001"], "new line")


def test_a_job_killed_midway_is_resumed_and_the_list_equals_the_input_exactly(cli, emu, tmp_path):
    values = [f"0106{i:07d}" for i in range(24_000)]
    (tmp_path / "big.txt").write_text("\n".join(values), encoding="utf-8")
    emu.post("/config", json={"latency_ms": 250})
    proc = subprocess.Popen(
        [*BIN, "add", "sms", "--file", "big.txt"],
        env=cli.env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        done = _wait_for_some_chunks(proc)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    emu.post("/config", json={"latency_ms": 0})
    assert 0 < done < 24, "the job was not midway when killed"
    listing = cli("jobs")
    job_id = re.search(r"^(\S+)\s.*\binterrupted\b", listing.stdout, re.MULTILINE).group(1)
    resumed = cli("jobs", "resume", job_id)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert re.search(r"not confirmed", resumed.stdout) is None
    assert [n for n in listed(cli, "sms") if n.startswith("0106")] == values
    shown = cli("jobs", "show", job_id, "--format", "csv").stdout.splitlines()
    assert len(shown) == 24_001 and {row[3] for row in csv.reader(shown[1:])} <= {"registered", "already", "unknown"}


def _wait_for_some_chunks(proc, timeout: float = 60) -> int:
    """Chunks recorded done by the running job (once at least one is, while others are not)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        row = None
        if journal_path().exists():
            try:
                with closing(sqlite3.connect(journal_path(), timeout=1)) as db:
                    row = db.execute("SELECT count(*) FROM job_chunks WHERE state = 'done'").fetchone()
            except sqlite3.OperationalError:  # not created yet
                pass
        if row and row[0] > 0:
            return row[0]
        time.sleep(0.02)
    return -1


def test_a_damaged_journal_is_one_clear_line(cli):
    journal_path().parent.mkdir(parents=True, exist_ok=True)
    journal_path().write_bytes(b"garbage" * 1000)
    out = cli("add", "sms", "010-1111-0000")
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        (
            f"optout-tui: the journal at {journal_path()} is damaged; move it aside "
            f"(e.g. mv '{journal_path()}' '{journal_path()}.damaged') and retry"
        )
    ]
    assert cli("jobs").returncode == 2


def test_a_locked_journal_is_one_clear_line(cli):
    journal_path().parent.mkdir(parents=True, exist_ok=True)
    holder = sqlite3.connect(journal_path(), isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        out = cli("add", "sms", "010-1111-0001")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "another optout-tui is writing the journal" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_a_read_only_profile_refuses_every_change(cli, emu, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('default_profile = "audit"\n[profiles.audit]\nread_only = true\n', encoding="utf-8")
    before = emu.get("/stats").json()["requests"]
    out = cli("--config", str(config), "add", "sms", "010-2222-0000")
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "optout-tui: profile 'audit' is read-only and refuses every change; use a profile "
        "that may write (--profile NAME) or set read_only = false for it in the config"
    )
    assert emu.get("/stats").json()["requests"] == before
