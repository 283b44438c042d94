"""Every list at once, against the emulator over loopback HTTP: a value looked up on each list it can be on
(one down: the others still answer), and one job for every list of its values' kinds, with per-list outcomes,
one audit entry and a resume that finishes every list."""

from __future__ import annotations

import dataclasses
import socket
import sqlite3
from contextlib import closing

import pytest

from optout_tui.api.factory import build_lists
from optout_tui.bulk.engine import Action, BulkEngine, BulkRun, ListedOutcome, settle
from optout_tui.bulk.everywhere import job_targets, lookup_everywhere
from optout_tui.bulk.journal import JobState, Journal
from optout_tui.bulk.plan import preview_lines
from optout_tui.demo import demo_settings
from optout_tui.kinds import ListKind

from .conftest import FAST_RETRY


async def found_on(lists, value: str, kind: ListKind) -> list[str]:
    """The lists `value` is on, by target name (the emulator's NHN lists hold sample data besides)."""
    answers = await lookup_everywhere(lists, kind, value)
    assert not [a.error for a in answers if a.error]
    return [a.target.name for a in answers if a.entry is not None]


@pytest.fixture
def dead_port():
    """A loopback port that refuses connections (bound, never listening) for as long as the test runs."""
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


async def test_the_targets_are_every_configured_list_of_each_kind_and_each_live_080_number(lists):
    numbers = [n.number for n in await lists.nhn_sms.numbers080() if "TERMINATE" not in n.status]
    targets = await job_targets(lists, [ListKind.EMAIL, ListKind.SMS, ListKind.NHN_EMAIL])
    assert numbers and [t.name for t in targets] == [
        "email",
        "nhn-email",
        "sms",
        *(f"nhn-sms {number}" for number in numbers),
    ]
    assert targets[3].label.startswith("NHN SMS 080-") and targets[3].extra == {"number080": numbers[0]}
    assert [t.name for t in await job_targets(lists, [ListKind.N080])] == ["080"]


async def test_a_lookup_asks_every_list_the_value_can_be_on(lists, profile, journal, audit):
    await BulkEngine(lists.sms, profile, journal=journal, audit=audit).run(Action.REGISTER, ["01077001001"])
    await BulkEngine(lists.nhn_email, profile, journal=journal, audit=audit).run(Action.REGISTER, ["everywhere@ex.kr"])
    phone = await lookup_everywhere(lists, ListKind.SMS, "01077001001")
    assert [a.target.kind for a in phone][:2] == [ListKind.SMS, ListKind.NHN_SMS] and len(phone) > 2
    assert [(a.entry is not None, a.error) for a in phone] == [(True, None)] + [(False, None)] * (len(phone) - 1)
    address = await lookup_everywhere(lists, ListKind.EMAIL, "Everywhere@ex.kr")
    assert [(a.target.name, a.entry is not None, a.error) for a in address] == [
        ("email", False, None),
        ("nhn-email", True, None),
    ]
    only = await lookup_everywhere(lists, ListKind.EMAIL, "everywhere@ex.kr", only=ListKind.EMAIL)
    assert [a.target.name for a in only] == ["email"]


async def test_a_list_that_is_down_says_so_in_one_line_and_the_others_still_answer(emulator, dead_port):
    profile, secrets = demo_settings(emulator)
    down = dataclasses.replace(profile, mailer_url=f"http://127.0.0.1:{dead_port}/api/v1")
    lists = build_lists(down, secrets, retry=FAST_RETRY)
    try:
        answers = await lookup_everywhere(lists, ListKind.EMAIL, "nobody-here@ex.kr")
    finally:
        await lists.aclose()
    mailer, nhn = answers
    assert mailer.target.name == "email" and mailer.entry is None and mailer.error.is_network
    assert "\n" not in mailer.error.line and "Outbound Mailer" in mailer.error.line
    assert (nhn.target.name, nhn.entry, nhn.error) == ("nhn-email", None, None)


async def test_an_everywhere_job_sends_each_value_of_a_mixed_input_to_the_lists_of_its_kind(
    lists, profile, journal, audit
):
    lines = ["phone,name", "010-7700-2001,Kim", "ev1@ex.kr", "not a value", "+82 10 7700 2002", "EV1@ex.kr"]
    preview = preview_lines(lines, None)
    targets = await job_targets(lists, [ListKind.SMS, ListKind.EMAIL])
    engine = BulkEngine(lists, profile, journal=journal, audit=audit)
    result = await engine.run(
        Action.REGISTER, preview.values, reason="call 7", distinct=True, preview=preview, targets=targets
    )
    numbers, addresses = ["01077002001", "01077002002"], ["ev1@ex.kr"]
    assert [(label, counts) for label, counts in result.per_list] == [
        (t.label, {"registered": 1 if t.kind in (ListKind.EMAIL, ListKind.NHN_EMAIL) else 2}) for t in targets
    ]
    assert (result.done, result.failed, result.pending) == (2 * len(targets) - 2, 0, 0)
    assert all(isinstance(o, ListedOutcome) and o.list for o in result.outcomes)
    for value in numbers:
        assert await found_on(lists, value, ListKind.SMS) == [t.name for t in targets if "sms" in t.name]
    assert await found_on(lists, "ev1@ex.kr", ListKind.EMAIL) == ["email", "nhn-email"]

    job = journal.job(result.job_id)
    assert (job.state, job.kind, [t.name for t in job.targets]) == (
        JobState.DONE,
        "sms+nhn-sms+email+nhn-email",
        [t.name for t in targets],
    )
    rows = journal.job_results(job.id)
    assert rows.fields == ["line", "input", "value", "list", "outcome", "reason"]
    records = [rows.record(row) for row in rows]
    assert {r["list"] for r in records if r["outcome"] == "registered"} == {t.name for t in targets}
    assert [(r["line"], r["outcome"]) for r in records if not r["list"]] == [(4, "invalid"), (6, "duplicate")]
    assert [r["line"] for r in records if r["list"] == "nhn-email"] == [3]
    [entry] = [e for e in audit.entries() if e.job_id == job.id]
    assert (entry.count, sorted(entry.values), entry.list) == (3, sorted(numbers + addresses), job.kind)
    assert "NHN Email: registered 1" in entry.answer and "SMS: registered 2" in entry.answer


async def test_a_list_that_refuses_stops_alone_and_resume_finishes_every_list(emulator, profile, journal, audit):
    _, secrets = demo_settings(emulator)
    good = build_lists(profile, secrets, retry=FAST_RETRY)
    refused = build_lists(profile, dataclasses.replace(secrets, nhn_email_secret_key="Wrong888"), retry=FAST_RETRY)
    values = ["01077003001", "01077003002", "ev3@ex.kr", "ev4@ex.kr"]
    try:
        targets = await job_targets(refused, [ListKind.SMS, ListKind.EMAIL])
        first = await BulkEngine(refused, profile, journal=journal, audit=audit).run(
            Action.REGISTER, values, reason="ticket 9", targets=targets
        )
        by_label = dict(first.per_list)
        assert by_label.pop("NHN Email") == {"pending": 2} and "NHN Cloud Email" in first.stopped
        assert all(counts == {"registered": 2} for counts in by_label.values())
        assert journal.job(first.job_id).state == JobState.STOPPED and journal.job(first.job_id).resumable
        with pytest.raises(Exception, match="is for the sms\\+nhn-sms\\+email\\+nhn-email list, not sms"):
            await BulkEngine(good.sms, profile, journal=journal, audit=audit).resume(first.job_id)
        again = await BulkEngine(good, profile, journal=journal, audit=audit).resume(first.job_id)
        assert (again.resumed, again.answered_now, again.pending, again.done) == (True, 2, 0, 2 * len(targets))
        assert dict(again.per_list)["NHN Email"] == {"registered": 2}
        for value in values:
            kind = ListKind.EMAIL if "@" in value else ListKind.SMS
            assert await found_on(good, value, kind) == [t.name for t in targets if t.kind.value.endswith(kind)]
    finally:
        await good.aclose()
        await refused.aclose()
    assert journal.job(first.job_id).state == JobState.DONE
    entries = [e for e in audit.entries() if e.job_id == first.job_id]
    assert [(e.count, e.values) for e in entries] == [(4, values), (4, values)]  # each value once, each run
    assert entries[1].answer.startswith("resumed: ") and "NHN Email: registered 2" in entries[1].answer


async def test_remove_everywhere_takes_each_value_off_every_list_it_is_on(lists, profile, journal, audit):
    targets = await job_targets(lists, [ListKind.SMS])
    engine = BulkEngine(lists, profile, journal=journal, audit=audit)
    await engine.run(Action.REGISTER, ["01077004001"], targets=targets[:2])  # on SENS and one 080 number only
    result = await engine.run(Action.REMOVE, ["01077004001"], reason="asked to", targets=targets)
    assert [counts for _, counts in result.per_list] == [{"removed": 1}] * 2 + [{"not_on_list": 1}] * (len(targets) - 2)
    assert await found_on(lists, "01077004001", ListKind.SMS) == []


async def test_a_version_5_journal_is_upgraded_in_place_and_its_jobs_read_and_resume_as_before(
    lists, profile, tmp_path
):
    path = tmp_path / "v5.sqlite3"
    journal = Journal(path)
    values = ["01077005001", "01077005002"]
    job = journal.create_job(profile=profile.name, kind="sms", action="register", values=values, batch_size=1)
    journal.record_chunks(job, [(0, "done", 1, [(0, "registered", "")])])
    journal.finish(job, JobState.CANCELLED)
    journal.close()
    with closing(sqlite3.connect(path)) as raw, raw:  # as version 5 wrote it
        raw.executescript(
            """
            DROP VIEW job_values;
            DROP TABLE job_targets;
            ALTER TABLE job_chunks DROP COLUMN target;
            CREATE VIEW job_values (job_id, seq, chunk, value, status, detail) AS
            SELECT c.job_id, c.first_seq + v.key, c.chunk, v.value,
                   CASE WHEN o.seq IS NULL THEN c.status ELSE o.status END,
                   CASE WHEN o.seq IS NULL THEN c.detail ELSE o.detail END
            FROM job_chunks AS c JOIN json_each(c.vals) AS v
            LEFT JOIN job_outcomes AS o ON o.job_id = c.job_id AND o.seq = c.first_seq + v.key;
            PRAGMA user_version = 5;
            """
        )
    journal = Journal(path)
    try:
        info = journal.job(job)
        assert [(t.index, t.kind, t.name, t.batch_size, t.counts) for t in info.targets] == [
            (0, "sms", "sms", 1, {"registered": 1, "pending": 1})
        ]
        assert journal.unresolved(job) == [(1, [(1, values[1])])] and journal.chunk_targets(job) == {0: 0, 1: 0}
        rows = journal.job_results(job)
        assert rows.fields == ["line", "input", "value", "outcome", "reason"]
        assert [rows.record(r)["outcome"] for r in rows] == ["registered", "unknown"]
        result = await BulkEngine(lists.sms, profile, journal=journal).resume(job)
        assert (result.resumed, result.answered_now, result.done, result.per_list) == (True, 1, 2, [])
        assert await lists.sms.lookup(values[1]) is not None and journal.job(job).state == JobState.DONE
    finally:
        journal.close()


async def test_an_everywhere_job_cut_off_after_its_last_answer_is_settled_with_one_entry(
    lists, profile, journal, audit
):
    targets = await job_targets(lists, [ListKind.EMAIL])
    run = BulkRun(BulkEngine(lists, profile, journal=journal, audit=audit), Action.REGISTER, targets=targets)
    for chunk in await run.plan(["settle1@ex.kr", "settle2@ex.kr"]):
        await run.send(chunk)
    await run.record()
    journal._let_go(run.job_id)  # what the OS does with the lock of a killed process
    assert journal.job(run.job_id).state == JobState.INTERRUPTED
    assert settle(journal) == [run.job_id]
    [entry] = [e for e in audit.entries() if e.job_id == run.job_id]
    assert (entry.count, entry.values, entry.list) == (2, ["settle1@ex.kr", "settle2@ex.kr"], "email+nhn-email")
    assert entry.answer == (
        "completed after an interruption: Email: registered 2, already 0, invalid 0, failed 0; "
        "NHN Email: registered 2, already 0, invalid 0, failed 0"
    )
