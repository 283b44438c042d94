"""The bulk engine against the emulator over loopback HTTP: nothing is lost, everything is recorded."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from optout_tui.api.factory import build_lists
from optout_tui.bulk.engine import Action, BulkEngine, ReadOnlyProfileError
from optout_tui.bulk.journal import JobState
from optout_tui.demo import demo_settings
from optout_tui.emulator import EmulatorConfig, EmulatorServer
from optout_tui.settings import Secrets

from .conftest import FAST_RETRY, listed, stats


def numbers(start: int, count: int) -> list[str]:
    return [f"0107{i:07d}" for i in range(start, start + count)]


async def test_register_then_the_list_equals_the_input(lists, profile, journal, audit):
    values = numbers(0, 2_500)
    engine = BulkEngine(lists.sms, profile, journal=journal, audit=audit)
    result = await engine.run(Action.REGISTER, values, reason="complaint export")
    assert (result.done, result.failed, result.pending, result.requests) == (2_500, 0, 0, 3)
    assert sorted(await listed(lists.sms)) == values
    assert journal.job(result.job_id).state == JobState.DONE


async def test_remove_takes_values_off_and_reports_absent_ones_as_already(lists, profile, journal, audit):
    values = [f"bulk{i}@example.kr" for i in range(30)]
    engine = BulkEngine(lists.email, profile, journal=journal, audit=audit)
    await engine.run(Action.REGISTER, values)
    result = await engine.run(Action.REMOVE, values[:10])
    assert result.done == 10 and not result.failed
    again = await engine.run(Action.REMOVE, values[:10])
    assert again.already == 10 and again.done == 0
    assert sorted(await listed(lists.email)) == sorted(values[10:])


async def test_faults_and_latency_still_register_every_number_and_show_retries_as_progress(journal, audit):
    config = EmulatorConfig(sms_count=0, email_count=0, fault_rate=0.2, latency_ms=3, hang_seconds=0.2)
    with EmulatorServer(config) as server:
        profile, secrets = demo_settings(server)
        lists = build_lists(profile, secrets, retry=FAST_RETRY)
        try:
            seen = []
            values = numbers(100_000, 5_000)
            engine = BulkEngine(lists.sms, profile, journal=journal, audit=audit)
            engine.round_delay = 0.05
            result = await engine.run(Action.REGISTER, values, on_progress=seen.append)
            assert (result.done + result.already, result.failed, result.pending) == (5_000, 0, 0)
            assert sorted(await listed(lists.sms)) == values
        finally:
            await lists.aclose()
    assert result.retries > 0 and seen[-1].retries == result.retries
    assert any("retrying in" in p.note for p in seen)
    assert seen[-1].values_done == seen[-1].values_total == 5_000


async def test_a_cancelled_run_keeps_what_was_done_and_resume_finishes_it(emulator, profile, journal, audit):
    from .conftest import set_config

    profile_, secrets = demo_settings(emulator)
    lists = build_lists(profile_, secrets, retry=FAST_RETRY)
    engine = BulkEngine(lists.email, profile, journal=journal, audit=audit)
    engine.lst.limits = dataclasses.replace(engine.lst.limits, batch_size=10, max_in_flight=2)
    values = [f"cancel{i}@example.kr" for i in range(200)]
    set_config(emulator, latency_ms=20)
    try:
        progress = []
        task = asyncio.create_task(engine.run(Action.REGISTER, values, on_progress=progress.append))
        while not progress or progress[-1].chunks_done < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        result = await task
        assert result.cancelled and 0 < result.pending < 200
        assert journal.job(result.job_id).state == JobState.CANCELLED
        resumed = await engine.resume(result.job_id)
        assert (resumed.done + resumed.already, resumed.pending, resumed.cancelled) == (200, 0, False)
    finally:
        set_config(emulator, latency_ms=0)
        await lists.aclose()
    assert set(values) <= set(await _listed_fresh(emulator))


async def _listed_fresh(server):
    profile, secrets = demo_settings(server)
    lists = build_lists(profile, secrets, retry=FAST_RETRY)
    try:
        return await listed(lists.email)
    finally:
        await lists.aclose()


async def test_080_needs_one_call_per_number_and_is_audited(lists, profile, journal, audit):
    engine = BulkEngine(lists.n080, profile, journal=journal, audit=audit)
    result = await engine.run(
        Action.REGISTER, ["0809990001", "0809990002"], extra={"company": "Example Co."}, reason="new campaign"
    )
    assert result.done == 2 and result.requests == 2
    entry = list(audit.entries())[-1]
    assert (entry.list, entry.action, entry.values, entry.reason) == (
        "080",
        "register",
        ["0809990001", "0809990002"],
        "new campaign",
    )
    assert "registered 2" in entry.answer and entry.job_id == result.job_id
    gone = await engine.run(Action.REMOVE, ["0809990001"])
    assert gone.done == 1
    assert [e.action for e in audit.entries()][-2:] == ["register", "remove"]


async def test_every_kind_of_change_leaves_an_audit_entry(lists, profile, journal, audit):
    sms = BulkEngine(lists.sms, profile, journal=journal, audit=audit, os_user="agent7")
    await sms.run(Action.REGISTER, ["01055550000"], reason="called in")
    bulk = numbers(500_000, 150)
    big = await sms.run(Action.REGISTER, bulk, reason="export")
    await sms.run(Action.REMOVE, ["01055550000"], reason="asked to undo")
    entries = list(audit.entries())[-3:]
    assert [(e.action, e.count, e.os_user, e.profile) for e in entries] == [
        ("register", 1, "agent7", "demo"),
        ("register", 150, "agent7", "demo"),
        ("remove", 1, "agent7", "demo"),
    ]
    assert entries[0].values == ["01055550000"] and entries[0].answer.startswith("registered 1")
    assert entries[1].values is None and entries[1].job_id == big.job_id  # big jobs are named by their job
    assert entries[2].reason == "asked to undo"


async def test_a_read_only_profile_refuses_before_anything_is_written_or_sent(emulator, lists, profile, journal):
    before = stats(emulator)["requests"]
    engine = BulkEngine(lists.sms, dataclasses.replace(profile, read_only=True), journal=journal)
    with pytest.raises(ReadOnlyProfileError, match="read-only and refuses every change"):
        await engine.run(Action.REGISTER, ["01012340000"])
    assert journal.jobs() == [] and stats(emulator)["requests"] == before


async def test_wrong_credentials_stop_the_run_and_leave_it_resumable(emulator, journal, audit):
    profile, secrets = demo_settings(emulator)
    bad = Secrets(ncloud_access_key=secrets.ncloud_access_key, ncloud_secret_key="wrong")
    lists = build_lists(profile, bad, retry=FAST_RETRY)
    try:
        result = await BulkEngine(lists.sms, profile, journal=journal, audit=audit).run(
            Action.REGISTER, numbers(900_000, 3_000)
        )
    finally:
        await lists.aclose()
    assert result.stopped and "credentials" in result.stopped
    assert result.api_failed_entirely and result.pending == 3_000 and result.requests <= 3
    assert journal.job(result.job_id).state == JobState.STOPPED and journal.job(result.job_id).resumable


async def test_chunks_the_client_gave_up_on_are_sent_again_later_then_recorded_failed_never_dropped(journal, audit):
    from optout_tui.api.http import RetryPolicy

    config = EmulatorConfig(sms_count=0, email_count=0, fault_rate=0.6, hang_seconds=0.05)
    with EmulatorServer(config) as server:
        profile, secrets = demo_settings(server)
        lists = build_lists(profile, secrets, retry=RetryPolicy(attempts=1))  # the client does not retry
        try:
            engine = BulkEngine(lists.email, profile, journal=journal, audit=audit)
            engine.lst.limits = dataclasses.replace(engine.lst.limits, batch_size=5)
            engine.round_delay = 0.01
            values = [f"flaky{i}@example.kr" for i in range(200)]
            result = await engine.run(Action.REGISTER, values)
            assert result.done + result.already + result.failed == 200 and result.pending == 0
            assert result.requests > 40  # failed chunks went round again
            assert 0 < result.failed < 200  # 0.6 ** 3 of the chunks fail three times running
            assert sorted(result.failed_values) == sorted(
                r.value for r in journal.results(result.job_id) if r.status == "failed"
            )
            assert journal.job(result.job_id).state == JobState.FAILED
            httpx_post = __import__("httpx").post
            httpx_post(f"{server.base_url}/_emulator/config", json={"fault_rate": 0})
            resumed = await engine.resume(result.job_id)
            assert (resumed.failed, resumed.done + resumed.already) == (0, 200)
            assert sorted(await listed(lists.email)) == sorted(values)
        finally:
            await lists.aclose()


async def test_an_unreachable_vendor_stops_the_run_at_once_and_leaves_it_resumable(emulator, journal, audit):
    profile, secrets = demo_settings(emulator)
    down = dataclasses.replace(profile, sens_url="http://127.0.0.1:1")  # nothing listens there
    lists = build_lists(down, secrets, retry=FAST_RETRY)
    try:
        result = await BulkEngine(lists.sms, down, journal=journal, audit=audit).run(
            Action.REGISTER, numbers(700_000, 5_000)
        )
    finally:
        await lists.aclose()
    assert "could not reach" in result.stopped and result.api_failed_entirely
    assert result.pending == 5_000 and result.requests <= 8
    assert "stopped" in list(audit.entries())[-1].answer


@pytest.mark.parametrize(
    "kind,values",
    [
        ("sms", numbers(200_000, 2_100)),  # every answer alike: booked per chunk in one run
        ("sms", [*numbers(210_000, 700), "0" * 19, *numbers(210_700, 300)]),  # one refused value in a chunk
        ("email", [*(f"mix{i}@example.kr" for i in range(40)), "mix3@example.kr"]),  # 5 of them already on it
    ],
)
async def test_the_summary_of_a_fresh_job_is_what_the_journal_holds(lists, profile, journal, audit, kind, values):
    """A fresh job's result is made from what the run itself recorded, without reading the journal
    back: it must say exactly what the journal says, value by value."""
    lst = lists.sms if kind == "sms" else lists.email
    engine = BulkEngine(lst, profile, journal=journal, audit=audit)
    if kind == "email":
        await engine.run(Action.REGISTER, values[:5])  # some are already on the list
    result = await engine.run(Action.REGISTER, values)
    rows = list(journal.results(result.job_id))
    assert [(o.value, o.status.value, o.detail) for o in result.outcomes] == [
        (r.value, r.status, r.detail) for r in rows
    ]
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("registered", "already", "invalid", "failed")}
    assert (result.done, result.already, result.invalid, result.failed, result.pending) == (
        counts["registered"],
        counts["already"],
        counts["invalid"],
        counts["failed"],
        0,
    )
    assert journal.job(result.job_id).counts == {s: n for s, n in counts.items() if n}
    if kind == "email":  # the Mailer says "n changed, m ignored" for the batch: lookups say which
        assert (result.done, result.already) == (35, 5)
        assert [o.status for o in result.outcomes[:6]] == ["already"] * 5 + ["registered"]
    else:
        assert result.invalid == (1 if len(values) == 1_001 else 0)


async def test_a_cancel_while_the_job_is_being_finished_still_writes_its_audit_entry(
    lists, profile, journal, audit, monkeypatch
):
    import asyncio
    import time

    from optout_tui.bulk.engine import Action, BulkEngine

    finishing = asyncio.Event()
    loop = asyncio.get_running_loop()
    real_finish = journal.finish

    def slow_finish(*args, **kwargs):
        loop.call_soon_threadsafe(finishing.set)
        time.sleep(0.3)  # the window in which the user presses esc
        return real_finish(*args, **kwargs)

    monkeypatch.setattr(journal, "finish", slow_finish)
    engine = BulkEngine(lists.sms, profile, journal=journal, audit=audit)
    task = asyncio.create_task(engine.run(Action.REGISTER, ["01055500001", "01055500002"], reason="ticket 7"))
    await finishing.wait()
    task.cancel()
    result = await task
    assert result.cancelled and result.done == 2
    entries = [e for e in audit.entries() if e.job_id == result.job_id]
    assert len(entries) == 1 and entries[0].reason == "ticket 7"
