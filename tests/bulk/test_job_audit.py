"""A job's audit entry counts every value however many runs it took, a job cut off after its last answer
still gets its entry, and a disk that refuses the end leaves the journal and the audit consistent."""

from __future__ import annotations

import pytest

from optout_tui.bulk.db import JournalError
from optout_tui.bulk.engine import Action, BulkEngine, BulkRun, settle
from optout_tui.bulk.journal import JobState


def numbers(start: int, count: int) -> list[str]:
    return [f"0105{i:07d}" for i in range(start, start + count)]


def entries_of(audit, job_id: str) -> list:
    return [entry for entry in audit.entries() if entry.job_id == job_id]


async def cut_off_after_last_chunk(lists, profile, journal, audit, values) -> str:
    """Every chunk sent and recorded, then the process 'dies' before its end: its job lock is let go."""
    run = BulkRun(BulkEngine(lists.sms, profile, journal=journal, audit=audit), Action.REGISTER)
    for chunk in await run.plan(values):
        await run.send(chunk)
    await run.record()
    journal._let_go(run.job_id)  # what the OS does with the lock of a killed process
    return run.job_id


async def test_a_job_killed_after_its_last_chunk_gets_one_entry_counting_all_its_values_on_resume(
    lists, profile, journal, audit
):
    values = numbers(0, 2_500)
    job_id = await cut_off_after_last_chunk(lists, profile, journal, audit, values)
    info = journal.job(job_id)
    assert (info.state, info.unsent, info.resumable, entries_of(audit, job_id)) == (JobState.INTERRUPTED, 0, True, [])
    result = await BulkEngine(lists.sms, profile, journal=journal, audit=audit).resume(job_id)
    assert (result.done, result.pending, result.requests) == (2_500, 0, 0)
    assert [entry.count for entry in entries_of(audit, job_id)] == [2_500]
    assert journal.job(job_id).state == JobState.DONE


async def test_a_job_killed_after_its_last_chunk_gets_its_entry_when_the_next_job_starts(
    lists, profile, journal, audit
):
    job_id = await cut_off_after_last_chunk(lists, profile, journal, audit, numbers(3_000, 30))
    await BulkEngine(lists.sms, profile, journal=journal, audit=audit).run(Action.REGISTER, numbers(4_000, 5))
    [entry] = entries_of(audit, job_id)
    assert (entry.count, entry.values, journal.job(job_id).state) == (30, numbers(3_000, 30), JobState.DONE)
    assert settle(journal) == []  # once


async def test_a_resumed_jobs_entry_counts_all_its_values(lists, profile, journal, audit):
    values = numbers(5_000, 2_500)
    run = BulkRun(BulkEngine(lists.sms, profile, journal=journal, audit=audit), Action.REGISTER)
    chunks = await run.plan(values)
    await run.send(chunks[0])
    await run.record()
    first = await run.finish(cancelled=True)
    assert first.pending == 1_500
    resumed = await BulkEngine(lists.sms, profile, journal=journal, audit=audit).resume(run.job_id)
    assert resumed.answered_now == 1_500
    assert [entry.count for entry in entries_of(audit, run.job_id)] == [2_500, 2_500]


def fill_the_disk(journal) -> None:
    """Cap the journal's file at its size on this connection and fill it: every later write that needs
    a page fails as on a full disk (SQLITE_FULL)."""
    journal.query("PRAGMA max_page_count = 1")  # at least the pages the file has
    with pytest.raises(JournalError, match="full"):
        for _ in range(100_000):  # the smallest entries, until not even one more fits
            journal.query(
                "INSERT INTO audit (at, os_user, profile, list, action, count) VALUES ('', '', '', '', '', 0)"
            )


async def test_a_full_disk_at_the_end_leaves_neither_the_end_nor_the_entry_and_a_resume_writes_both(
    lists, profile, journal, audit
):
    engine = BulkEngine(lists.sms, profile, journal=journal, audit=audit)
    run = BulkRun(engine, Action.REGISTER)
    for chunk in await run.plan(numbers(8_000, 1_200)):
        await run.send(chunk)
    await run.record()
    fill_the_disk(journal)
    with pytest.raises(JournalError, match=r"^the disk holding the journal at .* is full; free some space"):
        await run.finish()
    assert (journal.job(run.job_id).state, entries_of(audit, run.job_id)) == (JobState.INTERRUPTED, [])
    journal.query("PRAGMA max_page_count = 1073741823")  # space freed
    result = await engine.resume(run.job_id)
    assert (result.done, result.pending) == (1_200, 0)
    assert [entry.count for entry in entries_of(audit, run.job_id)] == [1_200]
    assert journal.job(run.job_id).state == JobState.DONE
