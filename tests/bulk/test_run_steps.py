"""Each step of a bulk run on its own (plan, send a chunk, record, finish), against the emulator over
loopback HTTP, and the clients' retries reaching a run through the list interface."""

from __future__ import annotations

import dataclasses

import httpx

from optout_tui.api.factory import build_lists
from optout_tui.bulk.engine import Action, BulkEngine, BulkRun
from optout_tui.bulk.journal import JobState
from optout_tui.demo import demo_settings
from optout_tui.settings import Secrets

from .conftest import FAST_RETRY, stats


def numbers(start: int, count: int) -> list[str]:
    return [f"0106{i:07d}" for i in range(start, start + count)]


def new_run(lst, profile, journal, audit, **kwargs) -> BulkRun:
    return BulkRun(BulkEngine(lst, profile, journal=journal, audit=audit), Action.REGISTER, **kwargs)


def fail_next(server, route: str, count: int, status: int) -> None:
    """The emulator answers the next `count` requests to `route` with `status`."""
    httpx.post(
        f"{server.base_url}/_emulator/fail-next",
        json={"count": count, "status": status, "route": route, "retry_after": 0},
    ).raise_for_status()


def statuses(journal, job_id: str) -> list[str | None]:
    return [row.status for row in journal.results(job_id)]


async def test_plan_cuts_the_values_by_the_lists_batch_size_and_journals_them_before_anything_is_sent(
    emulator, lists, profile, journal, audit
):
    before = stats(emulator)["requests"]
    values = numbers(0, 2_500)
    run = new_run(lists.sms, profile, journal, audit)
    chunks = await run.plan(values)
    assert [(c.index, list(c.seqs), c.values) for c in chunks] == [
        (0, list(range(1_000)), values[:1_000]),
        (1, list(range(1_000, 2_000)), values[1_000:2_000]),
        (2, list(range(2_000, 2_500)), values[2_000:]),
    ]
    job = journal.job(run.job_id)
    assert (job.total, job.chunks, job.state, job.counts) == (2_500, 3, JobState.RUNNING, {"pending": 2_500})
    hub = new_run(lists.n080, profile, journal, audit)  # the Hub takes one number a call
    assert [c.values for c in await hub.plan(["0809990101", "0809990102"])] == [["0809990101"], ["0809990102"]]
    assert stats(emulator)["requests"] == before


async def test_send_makes_one_call_for_a_chunk_and_books_its_answer(emulator, lists, profile, journal, audit):
    values = numbers(10_000, 1_500)
    run = new_run(lists.sms, profile, journal, audit)
    chunks = await run.plan(values)
    before = stats(emulator)["by_route"].get("sens.register", 0)
    answer = await run.send(chunks[1])
    assert stats(emulator)["by_route"]["sens.register"] - before == 1
    assert (answer.runs, answer.answered, answer.again, answer.error) == (
        [(1_000, 1_499, "registered", "")],
        500,
        None,
        None,
    )
    assert run.unrecorded == [(1, "done", 1, answer.runs)]
    progress = run.progress()
    assert (progress.chunks_done, progress.values_done, progress.values_total) == (1, 500, 1_500)
    assert await lists.sms.lookup(values[1_000]) is not None and await lists.sms.lookup(values[999]) is None


async def test_send_books_a_value_the_vendor_refuses_on_its_own(lists, profile, journal, audit):
    values = [*numbers(20_000, 5), "0" * 19]
    run = new_run(lists.sms, profile, journal, audit)
    [chunk] = await run.plan(values)
    answer = await run.send(chunk)
    assert [run_[:3] for run_ in answer.runs] == [(0, 4, "registered"), (5, 5, "invalid")]
    assert answer.runs[1][3] and (answer.answered, answer.failed, answer.again) == (6, 0, None)


async def test_send_queues_what_the_vendor_did_not_answer_and_fails_it_for_good_in_the_last_round(
    emulator, lists, profile, journal, audit
):
    lists.email.limits = dataclasses.replace(lists.email.limits, batch_size=4)
    values = [f"again{i}@example.kr" for i in range(4)]
    run = new_run(lists.email, profile, journal, audit)
    [chunk] = await run.plan(values)
    fail_next(emulator, "mailer", FAST_RETRY.attempts, 503)  # more than the client retries
    answer = await run.send(chunk)
    assert (answer.runs, answer.answered, answer.error.status) == ([], 0, 503)
    assert (answer.again.seqs, answer.again.values, answer.again.attempt) == ([0, 1, 2, 3], values, 2)
    assert run.unrecorded == [(0, "retrying", 1, [])]
    assert "4 values will be sent again later" in run.progress().note
    fail_next(emulator, "mailer", FAST_RETRY.attempts, 503)
    last = await run.send(dataclasses.replace(answer.again, attempt=BulkEngine.max_rounds))
    assert last.again is None and last.failed == 4 and last.runs == [(0, 3, "failed", last.error.line)]
    assert run.unrecorded[-1] == (0, "failed", 1, last.runs) and run.progress().chunks_done == 1


async def test_send_with_wrong_credentials_stops_the_run_and_books_nothing(emulator, profile, journal, audit):
    _, secrets = demo_settings(emulator)
    lists = build_lists(
        profile, Secrets(ncloud_access_key=secrets.ncloud_access_key, ncloud_secret_key="wrong"), retry=FAST_RETRY
    )
    try:
        run = new_run(lists.sms, profile, journal, audit)
        [chunk] = await run.plan(numbers(30_000, 3))
        answer = await run.send(chunk)
    finally:
        await lists.aclose()
    assert answer.error.is_auth and run.fatal is answer.error
    assert (run.unrecorded, run.values_done) == ([], 0)
    result = await run.finish()
    assert "credentials" in result.stopped and result.pending == 3 and result.api_failed_entirely
    assert journal.job(run.job_id).state == JobState.STOPPED


async def test_record_writes_the_booked_answers_to_the_journal(lists, profile, journal, audit):
    lists.email.limits = dataclasses.replace(lists.email.limits, batch_size=5)
    run = new_run(lists.email, profile, journal, audit)
    chunks = await run.plan([f"record{i}@example.kr" for i in range(15)])
    await run.send(chunks[0])
    await run.send(chunks[2])
    assert statuses(journal, run.job_id) == [None] * 15  # booked, not written yet
    await run.record()
    assert run.unrecorded == []
    assert statuses(journal, run.job_id) == ["registered"] * 5 + [None] * 5 + ["registered"] * 5
    assert journal.job(run.job_id).counts == {"registered": 10, "pending": 5}


async def test_finish_writes_the_jobs_end_and_its_audit_entry(lists, profile, journal, audit):
    lists.email.limits = dataclasses.replace(lists.email.limits, batch_size=5)
    values = [f"finish{i}@example.kr" for i in range(10)]
    run = new_run(lists.email, profile, journal, audit, reason="ticket 12")
    chunks = await run.plan(values)
    await run.send(chunks[0])
    await run.record()
    result = await run.finish(cancelled=True)
    assert (result.done, result.pending, result.cancelled, result.requests, result.answered_now) == (5, 5, True, 1, 5)
    assert [(o.value, o.status.value) for o in result.outcomes] == [(v, "registered") for v in values[:5]]
    job = journal.job(run.job_id)
    assert job.state == JobState.CANCELLED and job.resumable
    entry = list(audit.entries())[-1]
    assert (entry.job_id, entry.reason, entry.values) == (run.job_id, "ticket 12", values)
    assert entry.answer == "registered 5, already 0, invalid 0, failed 0, not sent 5; cancelled"


async def test_a_resumed_run_plans_what_is_left_and_finishes_from_the_journal(lists, profile, journal, audit):
    lists.email.limits = dataclasses.replace(lists.email.limits, batch_size=10)
    values = [f"resume{i}@example.kr" for i in range(25)]
    first = new_run(lists.email, profile, journal, audit)
    chunks = await first.plan(values)
    await first.send(chunks[1])
    await first.record()
    await first.finish(cancelled=True)
    again = new_run(lists.email, profile, journal, audit, resuming=journal.claim(first.job_id))
    left = await again.plan()
    assert [(c.index, list(c.seqs)) for c in left] == [(0, list(range(10))), (2, list(range(20, 25)))]
    assert (again.values_done, again.chunks_done, again.values) == (10, 1, values[:10] + values[20:])
    for chunk in left:
        await again.send(chunk)
    await again.record()
    result = await again.finish()
    assert (result.done, result.pending, result.resumed, result.answered_now) == (25, 0, True, 15)
    assert journal.job(again.job_id).state == JobState.DONE
    assert list(audit.entries())[-1].answer == "resumed: registered 25, already 0, invalid 0, failed 0"


async def test_retries_reach_a_run_through_its_list_while_it_runs_and_only_then(
    emulator, lists, profile, journal, audit
):
    seen = []
    run = new_run(lists.sms, profile, journal, audit, on_progress=seen.append)
    chunks = await run.plan(numbers(40_000, 10))
    fail_next(emulator, "sens", 2, 429)
    result = await run.execute(chunks)
    assert (result.done, result.retries) == (10, 2)
    assert [p.retries for p in seen if "throttled (HTTP 429), retrying in" in p.note] == [1, 2]
    fail_next(emulator, "sens", 1, 429)
    assert await lists.sms.lookup(numbers(40_000, 1)[0]) is not None  # retried once, after the run
    assert run.retries == 2
