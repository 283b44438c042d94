"""The audit trail and job results as paged row sources (ui/history.py), over a real journal file."""

from __future__ import annotations

from datetime import datetime, timedelta

from optout_tui.bulk.audit import AuditLog
from optout_tui.bulk.history import PAGE, AuditFilter, History, search_term
from optout_tui.bulk.journal import Journal


def audit_with(path, count: int) -> AuditLog:
    audit = AuditLog(path)
    for i in range(count):
        audit.append(
            profile="demo" if i % 2 else "work",
            list_kind="sms",
            action="register",
            values=[f"0100000{i:04d}"],
            answer=f"done 1, already 0 #{i}",
            reason=f"ticket {i}",
        )
    return audit


def test_the_audit_reads_newest_first_a_page_at_a_time(tmp_path):
    path = tmp_path / "journal.sqlite3"
    audit_with(path, PAGE * 2 + 50)
    rows = History(path).audit()
    assert rows.count == PAGE * 2 + 50
    first = rows.rows(0, PAGE)
    assert len(first) == PAGE and first[0].reason == f"ticket {PAGE * 2 + 49}"
    last = rows.rows(PAGE * 2, PAGE)
    assert len(last) == 50 and last[-1].reason == "ticket 0"
    assert [e.id for e in rows] == sorted((e.id for e in rows), reverse=True)


def test_the_audit_filters_by_time_and_by_a_value_in_any_form(tmp_path):
    path = tmp_path / "journal.sqlite3"
    audit_with(path, 30)
    history = History(path)
    assert history.audit(AuditFilter(since=datetime.now() + timedelta(days=1))).count == 0
    assert history.audit(AuditFilter(until=datetime.now() - timedelta(days=1))).count == 0
    assert history.audit(AuditFilter(since=datetime.now() - timedelta(days=1))).count == 30
    found = history.audit(AuditFilter(search="+82 10-0000-0017"))
    assert found.count == 1 and found.rows(0, 10)[0].values == ["01000000017"]
    assert search_term("010 0000 0017") == "01000000017"
    assert history.audit(AuditFilter(search="ticket 2")).count == 11  # 2 and 20..29
    assert history.audit(AuditFilter(search="100%")).count == 0  # LIKE wildcards are taken literally


def test_job_results_in_input_order_filtered_by_outcome(tmp_path):
    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    values = [f"0109{i:07d}" for i in range(PAGE + 30)]
    job_id = journal.create_job(profile="demo", kind="sms", action="register", values=values, batch_size=100)
    journal.record_chunks(
        job_id,
        [(0, "done", 1, [(i, "done" if i % 10 else "failed", "" if i % 10 else "HTTP 500") for i in range(100)])],
    )
    history = History(path)
    every = history.job_results(job_id)
    assert every.count == PAGE + 30
    assert [r.value for r in every.rows(PAGE, PAGE)] == values[PAGE:]
    failed = history.job_results(job_id, "failed")
    assert failed.count == 10 and all(r.detail == "HTTP 500" for r in failed.rows(0, PAGE))
    not_sent = history.job_results(job_id, None)
    assert not_sent.count == PAGE + 30 - 100
    assert not_sent.record(not_sent.rows(0, 1)[0])["outcome"] == "unknown"  # it may have reached the vendor
