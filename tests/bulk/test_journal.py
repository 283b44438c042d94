"""The journal keeps every value of a job on disk; the audit trail only ever grows."""

import sqlite3
import subprocess
import sys
import threading
from contextlib import closing

import pytest

from optout_tui.bulk import db
from optout_tui.bulk.audit import AuditLog
from optout_tui.bulk.db import JournalError
from optout_tui.bulk.journal import JobState, Journal, UnknownJobError

from .conftest import open_at_once


def make_job(journal, values, batch=2):
    return journal.create_job(
        profile="p",
        kind="sms",
        action="register",
        values=values,
        batch_size=batch,
        reason="complaint #12",
        os_user="agent",
    )


def test_every_value_is_written_with_its_chunk_before_anything_is_sent(tmp_path):
    journal = Journal(tmp_path / "j.sqlite3")
    job = make_job(journal, ["01000000001", "01000000002", "01000000003"])
    rows = list(journal.results(job))
    assert [(r.seq, r.chunk, r.value, r.status) for r in rows] == [
        (0, 0, "01000000001", None),
        (1, 0, "01000000002", None),
        (2, 1, "01000000003", None),
    ]
    info = journal.job(job)
    assert (info.state, info.total, info.chunks, info.pending) == (JobState.RUNNING, 3, 2, 3)


def test_the_journal_is_readable_by_its_owner_only(tmp_path):
    Journal(tmp_path / "j.sqlite3").close()
    assert (tmp_path / "j.sqlite3").stat().st_mode & 0o077 == 0


def test_recorded_chunks_leave_only_unknown_and_failed_values_to_resume(tmp_path):
    journal = Journal(tmp_path / "j.sqlite3")
    job = make_job(journal, ["a1", "a2", "a3", "a4", "a5"])
    journal.record_chunks(
        job,
        [
            (0, "done", 1, [(0, "done", ""), (1, "already", "")]),
            (1, "failed", 3, [(2, "failed", "HTTP 503"), (3, "done", "")]),
        ],
    )
    assert journal.unresolved(job) == [(1, [(2, "a3")]), (2, [(4, "a5")])]
    journal.finish(job, JobState.FAILED)
    info = journal.job(job[:12])  # a unique prefix is enough
    assert info.counts == {"done": 2, "already": 1, "failed": 1, "pending": 1}
    assert info.resumable and journal.resumable_jobs()[0].id == job


def test_unknown_and_ambiguous_job_ids_say_so(tmp_path):
    journal = Journal(tmp_path / "j.sqlite3")
    with pytest.raises(UnknownJobError, match="no job 'nope'"):
        journal.job("nope")


def test_a_locked_journal_gives_one_clear_line(tmp_path):
    path = tmp_path / "j.sqlite3"
    Journal(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        journal = Journal(path, timeout=0.1)
        with pytest.raises(JournalError, match=r"another optout-tui is writing the journal at .*; close it or wait"):
            make_job(journal, ["x"])
    finally:
        holder.execute("ROLLBACK")


def test_a_damaged_journal_says_to_move_it_aside(tmp_path):
    path = tmp_path / "j.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(JournalError, match=r"the journal at .* is damaged; move it aside"):
        Journal(path)


def test_the_audit_trail_is_append_only_and_filters_by_time(tmp_path):
    from datetime import UTC, datetime, timedelta

    audit = AuditLog(tmp_path / "j.sqlite3")
    first = audit.append(
        profile="p",
        list_kind="sms",
        action="register",
        values=["01012345678"],
        answer="done 1",
        reason="asked by phone",
        user="agent",
    )
    audit.append(
        profile="p",
        list_kind="email",
        action="remove",
        values=[f"u{i}@x.kr" for i in range(500)],
        answer="done 500",
        job_id="20260101-abcdef",
        user="agent",
    )
    entries = list(audit.entries())
    assert entries[0].values == ["01012345678"]
    assert entries[1].values is None and entries[1].job_id == "20260101-abcdef" and entries[1].count == 500
    assert list(audit.entries(since=datetime.now(UTC) + timedelta(minutes=1))) == []
    raw = sqlite3.connect(tmp_path / "j.sqlite3")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("UPDATE audit SET answer = 'forged' WHERE id = ?", (first.id,))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("DELETE FROM audit")


def test_outcomes_are_written_as_runs_of_alike_consecutive_values():
    from optout_tui.bulk.journal import value_runs

    items = [
        (0, "done", ""),
        (1, "done", ""),
        (2, "invalid", "bad"),
        (3, "invalid", "bad"),
        (5, "invalid", "bad"),
        (6, "done", ""),
        (7, "failed", "HTTP 503"),
        (8, "failed", "timeout"),
    ]
    assert list(value_runs(items)) == [
        (0, 1, "done", ""),
        (2, 3, "invalid", "bad"),
        (5, 5, "invalid", "bad"),
        (6, 6, "done", ""),
        (7, 7, "failed", "HTTP 503"),
        (8, 8, "failed", "timeout"),
    ]
    assert list(value_runs([])) == []


def test_a_whole_chunk_answer_is_one_row_and_a_later_partial_answer_overrides_it(tmp_path):
    journal = Journal(tmp_path / "j.sqlite3")
    job = make_job(journal, ["b1", "b2", "b3", "b4"])
    journal.record_runs(job, [(0, "failed", 1, [(0, 1, "failed", "HTTP 503")]), (1, "done", 1, [(2, 3, "done", "")])])
    journal.record_runs(job, [(0, "done", 2, [(1, 1, "done", "")])])  # a resume got b2 through
    assert [(r.value, r.status, r.detail) for r in journal.results(job)] == [
        ("b1", "failed", "HTTP 503"),
        ("b2", "done", ""),
        ("b3", "done", ""),
        ("b4", "done", ""),
    ]
    assert journal.job(job).counts == {"failed": 1, "done": 3}
    journal.record_runs(job, [(0, "done", 3, [(0, 1, "done", "")])])  # the whole chunk again: no leftovers
    assert journal.job(job).counts == {"done": 4}
    assert journal.unresolved(job) == []


V1_SCHEMA = """
        CREATE TABLE jobs (id TEXT PRIMARY KEY, created TEXT NOT NULL, updated TEXT NOT NULL, os_user TEXT NOT NULL,
            profile TEXT NOT NULL, kind TEXT NOT NULL, action TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',
            extra TEXT NOT NULL DEFAULT '{}', batch_size INTEGER NOT NULL, total INTEGER NOT NULL,
            chunks INTEGER NOT NULL, state TEXT NOT NULL, pid INTEGER, host TEXT, note TEXT NOT NULL DEFAULT '');
        CREATE TABLE job_chunks (job_id TEXT NOT NULL REFERENCES jobs(id), chunk INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (job_id, chunk)) WITHOUT ROWID;
        CREATE TABLE job_values (job_id TEXT NOT NULL REFERENCES jobs(id), seq INTEGER NOT NULL,
            chunk INTEGER NOT NULL, value TEXT NOT NULL, status TEXT, detail TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (job_id, seq)) WITHOUT ROWID;
"""


def version_1_journal(path, rows_sql: str = "") -> None:
    """A journal as version 1 wrote it (a row per value, WAL mode), with `rows_sql` inserted."""
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("PRAGMA journal_mode=WAL")
    old.executescript(V1_SCHEMA + rows_sql)
    old.close()


def test_a_journal_written_by_version_1_is_migrated_with_every_job(tmp_path):
    path = tmp_path / "j.sqlite3"
    version_1_journal(
        path,
        """        INSERT INTO jobs VALUES ('20260101-aaaaaa', '2026-01-01', '2026-01-01', 'agent', 'p', 'sms', 'register', '',
            '{}', 2, 3, 2, 'failed', NULL, NULL, '');
        INSERT INTO job_chunks VALUES ('20260101-aaaaaa', 0, 'done', 1), ('20260101-aaaaaa', 1, 'failed', 3);
        INSERT INTO job_values VALUES ('20260101-aaaaaa', 2, 1, '01000000003', 'failed', 'HTTP 503'),
            ('20260101-aaaaaa', 1, 0, '01000000002', 'already', ''),
            ('20260101-aaaaaa', 0, 0, '01000000001', 'done', '');  -- stored out of order: read back in order
        INSERT INTO jobs VALUES ('20260101-bbbbbb', '2026-01-01', '2026-01-01', 'agent', 'p', 'sms', 'remove', '',
            '{}', 2, 2, 1, 'done', NULL, NULL, '');
        INSERT INTO job_chunks VALUES ('20260101-bbbbbb', 0, 'done', 1);
        INSERT INTO job_values VALUES ('20260101-bbbbbb', 0, 0, '01000000001', 'done', ''),
            ('20260101-bbbbbb', 1, 0, '01000000004', 'already', '');
    """,
    )
    journal = Journal(path)
    assert [(r.seq, r.chunk, r.value, r.status, r.detail) for r in journal.results("20260101-aaaaaa")] == [
        (0, 0, "01000000001", "registered", ""),
        (1, 0, "01000000002", "already", ""),
        (2, 1, "01000000003", "failed", "HTTP 503"),
    ]
    assert journal.job("20260101-a").counts == {"registered": 1, "already": 1, "failed": 1}
    assert [r.status for r in journal.results("20260101-b")] == ["removed", "not_on_list"]  # a removal's words
    assert journal.unresolved("20260101-aaaaaa") == [(1, [(2, "01000000003")])]
    journal.close()
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    assert check.execute("SELECT type FROM sqlite_master WHERE name = 'job_values'").fetchone()[0] == "view"


def test_two_processes_upgrading_one_journal_at_once_both_open_it(tmp_path):
    path = tmp_path / "j.sqlite3"
    values = ",".join(f"('j1', {i}, {i // 1000}, '010{i:08d}', 'done', '')" for i in range(20_000))
    chunks = ",".join(f"('j1', {c}, 'done', 1)" for c in range(20))
    version_1_journal(
        path,
        "INSERT INTO jobs VALUES ('j1', 't', 't', 'u', 'p', 'sms', 'register', '', '{}', 1000,"
        f" 20000, 20, 'done', NULL, NULL, ''); INSERT INTO job_chunks VALUES {chunks};"
        f" INSERT INTO job_values VALUES {values};",
    )
    code = "import sys; from optout_tui.bulk import db; db.connect(sys.argv[1]); print('opened')"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [out.strip() for out, _ in outs] == ["opened", "opened"], [err for _, err in outs]
    assert Journal(path).job("j1").counts == {"registered": 20_000}


def test_a_new_journal_waits_for_another_process_that_is_turning_it_to_wal(tmp_path):
    """Turning a new file to WAL needs its write lock, and SQLite answers "locked" at once instead of
    calling the busy handler (here: a connection holds the lock, as the other process's switch does)."""
    path = tmp_path / "j.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(0.2, holder.rollback).start()
    Journal(path, timeout=60).close()
    holder.close()


def test_processes_creating_a_fresh_journal_at_once_all_open_it(tmp_path):
    paths = [tmp_path / str(i) / "journal.sqlite3" for i in range(20)]
    assert open_at_once("optout_tui.bulk.journal:Journal", paths) == []
    for path in paths:
        with closing(sqlite3.connect(path)) as check:
            assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert check.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION


@pytest.mark.parametrize(
    "values",
    [
        ["01012345678", "01098765432"],
        ["kim@example.kr", "lee.minsu+ads@example.co.kr"],
        ['"quoted"@example.kr', "back\\slash@example.kr"],
        ["tab\there@example.kr", "bell\x07@example.kr", "del\x7f@example.kr"],
        ["김민수@example.kr", "minsu@예시.kr"],
        [],
    ],
    ids=["numbers", "addresses", "quotes and backslashes", "control characters", "hangul", "empty"],
)
def test_a_chunk_is_stored_as_the_json_array_of_its_values(values):
    """Plain chunks are joined by hand (the usual case); anything JSON escapes goes through the encoder."""
    import json

    from optout_tui.bulk.journal import _json_array

    assert json.loads(_json_array(values)) == values


def backdate(path, job_id: str) -> None:
    with closing(sqlite3.connect(path)) as raw, raw:
        raw.execute("UPDATE jobs SET updated = '2025-01-01T00:00:00.000+00:00' WHERE id = ?", (job_id,))


def test_purge_deletes_the_values_of_jobs_finished_before_the_date_keeping_their_counts(tmp_path):
    from datetime import UTC, datetime

    path = tmp_path / "j.sqlite3"
    journal = Journal(path)
    old = make_job(journal, [f"0109999{i:04d}" for i in range(300)], batch=100)
    journal.record_chunks(
        old,
        [
            (c, "done", 1, [(s, "failed" if s == 150 else "done", "") for s in range(c * 100, c * 100 + 100)])
            for c in range(3)
        ],
    )
    journal.finish(old, JobState.FAILED)
    recent = make_job(journal, ["01077770001"])
    journal.record_chunks(recent, [(0, "done", 1, [(0, "done", "")])])
    journal.finish(recent, JobState.DONE)
    running = make_job(journal, ["01088880001"])  # still running here: its values have to reach the list
    for job in (old, running):
        backdate(path, job)

    def on_disk() -> bytes:
        return b"".join(p.read_bytes() for p in tmp_path.glob("j.sqlite3*"))

    cutoff = datetime(2025, 6, 1, tzinfo=UTC)
    dry = journal.purge(cutoff, dry_run=True)
    assert ([j.id for j in dry.jobs], [j.id for j in dry.kept], dry.values, dry.unsent) == ([old], [running], 300, 1)
    assert b"01099990" in on_disk() and journal.job(old).counts == {"done": 299, "failed": 1}
    assert [j.id for j in journal.purge(cutoff).jobs] == [old]
    info = journal.job(old)
    assert info.counts == {"done": 299, "failed": 1} and info.purged and "results purged" in info.note
    assert not info.resumable and list(journal.results(old)) == [] and journal.unresolved(old) == []
    with pytest.raises(JournalError, match=f"the values of job {old} were purged"):
        journal.claim(old)
    assert journal.purge(cutoff).jobs == [] and journal.job(recent).counts == {"done": 1}
    journal.close()
    assert b"01099990" not in on_disk() and b"01088880001" in on_disk()  # overwritten, not merely let go


def test_a_version_2_journal_gains_the_purge_columns_and_keeps_its_jobs(tmp_path):
    from datetime import UTC, datetime, timedelta

    path = tmp_path / "j.sqlite3"
    journal = Journal(path)
    job = make_job(journal, ["a1"])
    journal.finish(job, JobState.CANCELLED)
    journal.close()
    with closing(sqlite3.connect(path)) as raw, raw:
        for statement in (
            "ALTER TABLE jobs DROP COLUMN purged",
            "ALTER TABLE jobs DROP COLUMN counts",
            "PRAGMA user_version = 2",
        ):
            raw.execute(statement)
    journal = Journal(path)
    assert journal.job(job).counts == {"pending": 1}
    assert [j.id for j in journal.purge(datetime.now(UTC) + timedelta(days=1)).jobs] == [job]
    assert journal.job(job).counts == {"pending": 1} and journal.job(job).purged
