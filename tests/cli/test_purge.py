"""`optout-tui purge --before DATE`: old job results and stale snapshots go, for good; the audit trail stays."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from .conftest import BIN

BEFORE = "2025-06-01"
OLD_ISO, OLD_MS = (
    "2025-01-01T00:00:00.000+00:00",
    1_735_689_600_000,
)  # before BEFORE, in the journal's and the snapshot's forms


def data_file(*parts: str) -> Path:
    return Path(os.environ["XDG_DATA_HOME"]).joinpath("optout-tui", *parts)


def snapshot_files() -> list[Path]:
    return sorted((Path(os.environ["XDG_CACHE_HOME"]) / "optout-tui").glob("snapshot-*.sqlite3*"))


def old_job(optout, *values: str) -> str:
    """A job through the real command, made to look as if it finished before BEFORE."""
    added = optout("add", "sms", *values, "--reason", "complaint #7", input="")
    assert added.returncode == 0, added.stdout + added.stderr
    job_id = re.search(r"^(\d{8}-\w+)\s", optout("jobs").stdout, re.MULTILINE).group(1)
    with closing(sqlite3.connect(data_file("journal.sqlite3"))) as db, db:
        db.execute("UPDATE jobs SET updated = ? WHERE id = ?", (OLD_ISO, job_id))
    return job_id


def test_purge_deletes_old_job_results_and_stale_snapshots_and_keeps_the_audit_trail(optout):
    assert optout("sync").returncode == 0
    job_id = old_job(optout, "010-5555-0001", "010-5555-0002")

    def addresses(kind: str) -> list[str]:
        found = optout("search", "naver", "--list", kind, "--format", "jsonl", "--limit", "5000").stdout.splitlines()
        return [json.loads(line)["address"] for line in found]

    # an address the Mailer alone holds (the NHN Email sample shares some, and its snapshot is not stale)
    address = next(a for a in addresses("email") if a not in addresses("nhn-email"))
    with closing(sqlite3.connect(snapshot_files()[0])) as db, db:  # the Email copy was last refreshed long ago
        db.execute("UPDATE sync_state SET synced_at = ? WHERE kind = 'email'", (OLD_MS,))

    dry = optout("purge", "--before", BEFORE, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        "dry run: would delete:",
        f"  results of 1 bulk job(s) finished before {BEFORE}: 2 values",
        "  the Email snapshot of profile default: 150 entries, last synced 2025-01-01",
        "kept: the audit trail",
    ]
    assert address.encode() in b"".join(path.read_bytes() for path in snapshot_files())

    refused = optout("purge", "--before", BEFORE, input="")
    assert refused.returncode == 2 and refused.stderr.strip().splitlines() == [
        "optout-tui: purge deletes for good and there is no terminal to confirm on: add --yes (or --dry-run)"
    ]
    assert len(optout("jobs", "show", job_id, "--format", "jsonl").stdout.splitlines()) == 2  # nothing deleted yet

    done = optout("purge", "--before", BEFORE, "--yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "purged: the results of 1 job(s) (2 values) and 150 snapshot entries"
    assert optout("jobs", "show", job_id, "--format", "jsonl").stdout == ""
    shown = optout("jobs", "show", job_id).stdout
    assert "2 values" in shown and "note: per-value results purged" in shown
    assert optout("search", "naver", "--list", "email").returncode == 2  # never synced now: the next sync is a full one
    assert optout("search", "010", "--list", "sms").returncode == 0  # synced since BEFORE: kept
    assert address.encode() not in b"".join(path.read_bytes() for path in snapshot_files())
    audit = [json.loads(line) for line in optout("audit", "--format", "jsonl").stdout.splitlines()]
    assert [entry["values"] for entry in audit if entry["job_id"] == job_id] == [["01055550001", "01055550002"]]
    assert optout("purge", "--before", BEFORE, "--dry-run").stdout.startswith(f"nothing older than {BEFORE} to purge")


def test_a_date_nobody_can_mean_is_one_line(optout):
    for text in ("99999999999999999999d", "9999-12-31 25:00", "soon"):
        out = optout("purge", "--before", text, "--dry-run")
        assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
def test_purge_asks_on_a_terminal_and_deletes_only_on_yes(optout, standalone, tmp_path):
    import pty

    job_id = old_job(optout, "010-5555-0003")

    def answer(reply: str) -> subprocess.CompletedProcess:
        main, terminal = pty.openpty()
        try:
            proc = subprocess.Popen(
                [*BIN, "purge", "--before", BEFORE],
                stdin=terminal,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, **standalone.env},
                cwd=tmp_path,
            )
            os.write(main, reply.encode() + b"\n")
            out, err = proc.communicate(timeout=120)
        finally:
            os.close(terminal)
            os.close(main)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    declined = answer("n")
    assert declined.returncode == 1 and "Delete them for good? [y/N]" in declined.stderr
    assert "nothing was deleted." in declined.stderr
    assert optout("jobs", "show", job_id, "--format", "jsonl").stdout.count("\n") == 1
    accepted = answer("y")
    assert accepted.returncode == 0, accepted.stderr
    assert optout("jobs", "show", job_id, "--format", "jsonl").stdout == ""


def test_purge_beside_a_running_sync_is_one_line_and_deletes_nothing(optout):
    from optout_tui.snapshot.lock import SyncLock

    assert optout("sync", "--list", "sms").returncode == 0
    job_id = old_job(optout, "010-5555-0004")
    with SyncLock(snapshot_files()[0]):  # as a sync in another window holds it
        out = optout("purge", "--before", "2099-01-01", "--yes")
    assert out.returncode == 2 and out.stderr.strip().splitlines() == [
        "optout-tui: another sync of this profile's snapshot is running (dashboard or command line): "
        "wait for it to finish, then purge again"
    ]
    assert optout("jobs", "show", job_id, "--format", "jsonl").stdout.count("\n") == 1
