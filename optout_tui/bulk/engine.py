"""Send a bulk change to one list, or to every list of its values' kinds, in chunks, journalled so that
nothing is ever lost.

`BulkEngine` starts or resumes a job; a `BulkRun` carries it out in steps: it plans chunks from each
list's limits and writes the job before the first request, sends them with bounded concurrency
under each vendor's rate limit, records each chunk's outcomes as they arrive, and finishes with the
job's state and one audit entry. A job for several lists (its targets) is one job: each list has its
own queue, rate and failures (a list whose credentials are refused stops alone, resumable), and the
entry counts each value once. The clients retry 429/5xx/timeouts themselves (reported as progress
through the list's `retries`); a chunk that still fails is sent again later in the run (a bounded
number of times) and only then recorded as failed. Cancelling the task stops sending; what was done
stays in the journal and the job can be resumed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import Any

from ..api.base import ListKind, Lists, OptOutList, Outcome, OutcomeStatus, UniformOutcomes
from ..api.errors import ApiError, QuotaExceeded
from ..api.pacing import RateLimiter
from ..normalize import classify, value_kind
from ..settings import Profile
from .audit import INLINE_VALUES, AuditLog, new_entry
from .audit import os_user as current_os_user
from .everywhere import Target, label_of, target_of
from .journal import JobBusyError, JobInfo, JobPart, JobState, Journal, new_job_id, value_runs
from .plan import Preview


class Action(StrEnum):
    REGISTER = "register"
    REMOVE = "remove"


@dataclass(slots=True)
class Progress:
    chunks_done: int
    chunks_total: int
    values_done: int
    values_total: int
    retries: int
    rate_per_s: float
    eta_s: float | None
    note: str = ""  # e.g. "SMS vendor throttled (HTTP 429), retrying in 1.2 s"


@dataclass(slots=True)
class ListedOutcome(Outcome):
    """An outcome in a job for several lists: which list it is from (its label)."""

    list: str = ""


@dataclass(slots=True)
class JobResult:
    job_id: str | None
    action: Action
    outcomes: Sequence[Outcome]
    done: int  # registered or removed, as the action was
    already: int  # already on the list (register) or not on it (remove)
    invalid: int
    failed: int
    cancelled: bool
    pending: int = 0  # values not answered yet (cancelled or stopped): `jobs resume` sends them
    requests: int = 0  # register/remove calls made in this run (client-level retries not counted)
    retries: int = 0  # client-level retries seen in this run
    stopped: str = ""  # why the run stopped early (one line), if it did
    resumed: bool = False
    answered_now: int = 0  # values answered in this run (the counts above are for the whole job)
    unknown: int = 0  # the vendor took them, but what it did cannot be told (see each outcome's detail)
    # A job for several lists: each list's label and its counts (as JobInfo.counts); the counts above are
    # per list and value (a number sent to two lists counts twice), `outcomes` are ListedOutcomes.
    per_list: list[tuple[str, dict[str, int]]] = field(default_factory=list)

    @property
    def failed_values(self) -> list[str]:
        return [o.value for o in self.outcomes if o.status == OutcomeStatus.FAILED]

    @property
    def sent(self) -> int:
        return self.done + self.already + self.invalid + self.failed + self.unknown

    @property
    def api_failed_entirely(self) -> bool:
        """Nothing got an answer from the vendor (every request failed, or the run stopped first)."""
        return self.done + self.already + self.invalid + self.unknown == 0 and (self.failed > 0 or bool(self.stopped))


class ReadOnlyProfileError(Exception):
    """The profile is marked read-only; every write is refused before anything is sent."""


class JobMismatchError(Exception):
    """A job is resumed with a different profile or list than it was made with."""


def check_writable(profile: Profile) -> None:
    """Refuse, before anything is written or sent, when the profile is read-only."""
    if profile.read_only:
        raise ReadOnlyProfileError(
            f"profile {profile.name!r} is read-only and refuses every change; "
            "use a profile that may write (--profile NAME) or set read_only = false for it in the config"
        )


_TEXT = {status: status.value for status in OutcomeStatus}
_STATUS = {status.value: status for status in OutcomeStatus}


class _Answers(Sequence[Outcome]):
    """A job's outcomes in seq order, where a plain answer is held as its status alone: 100,000
    values answered "registered" are a list of references, and an `Outcome` is made when looked at."""

    __slots__ = ("_labels", "_slots", "_values")

    def __init__(
        self, values: Sequence[str], slots: Sequence[Outcome | OutcomeStatus], labels: Sequence[str] | None = None
    ) -> None:
        self._values = values
        self._slots = slots
        self._labels = labels  # a job for several lists: the list of each (its outcomes are ListedOutcomes)

    @classmethod
    def answered(
        cls, values: Sequence[str], slots: list[Outcome | OutcomeStatus | None], labels: Sequence[str] | None = None
    ) -> _Answers:
        """The values that have an answer (all of them, unless the run was cut short)."""
        if None not in slots:
            return cls(values, slots, labels)  # type: ignore[arg-type]
        keep = [i for i, slot in enumerate(slots) if slot is not None]
        return cls(
            [values[i] for i in keep],
            [slots[i] for i in keep],  # type: ignore[misc]
            None if labels is None else [labels[i] for i in keep],
        )

    def __len__(self) -> int:
        return len(self._slots)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        slot = self._slots[index]
        if isinstance(slot, Outcome):
            return slot
        if self._labels is not None:
            return ListedOutcome(self._values[index], slot, list=self._labels[index])
        return Outcome(self._values[index], slot)


def _uniform_status(outcomes: Sequence[Outcome], values: Sequence[str]) -> OutcomeStatus | None:
    """The one status of `outcomes` when they answer `values` in order, all alike and plain (not
    failed, no detail, no error); else None."""
    if not outcomes or len(outcomes) != len(values):
        return None
    if isinstance(outcomes, UniformOutcomes):  # the usual answer, already known to be all alike
        return outcomes.status if outcomes.plain and outcomes.values == values else None
    status = outcomes[0].status
    if status is OutcomeStatus.FAILED:
        return None
    for outcome, value in zip(outcomes, values, strict=True):
        if outcome.status is not status or outcome.value != value or outcome.detail or outcome.error is not None:
            return None
    return status


def _retry_note(service: str, error: ApiError, delay: float) -> str:
    if error.status == 429:
        what = "throttled (HTTP 429)"
    elif error.status is None:
        what = "did not answer in time"
    else:
        what = f"answered HTTP {error.status}"
    return f"{service} {what}, retrying in {delay:.1f} s"


def _answer(per_list: Sequence[tuple[str, dict[str, int]]], action: Action) -> str:
    """A job's counts for the audit: as `summary`, list by list for a job for several lists."""
    if len(per_list) == 1:
        return summary(per_list[0][1], action)
    return "; ".join(f"{label}: {summary(counts, action)}" for label, counts in per_list)


def summary(counts: dict[str, int], action: Action) -> str:
    names = ("registered", "already") if action is Action.REGISTER else ("removed", "not_on_list")
    parts = [f"{name} {counts.get(name, 0):,}" for name in (*names, "invalid", "failed")]
    if counts.get("unknown"):
        parts.append(f"unknown {counts['unknown']:,}")
    if counts.get("pending"):
        parts.append(f"not sent {counts['pending']:,}")
    return ", ".join(parts)


def settle(journal: Journal) -> list[str]:
    """Finish the jobs cut off after their last answer was recorded (killed before their end, or refused it by
    a full disk): nothing is left to send, so their end state and audit entry are written now. The ids settled."""
    settled = []
    for job in journal.jobs(limit=200):
        if job.state != JobState.INTERRUPTED or job.unsent or job.purged:
            continue
        try:
            info = journal.claim(job.id)
        except JobBusyError:  # someone else took it over meanwhile
            continue
        several = len(info.targets) > 1  # each value once, though it went to several lists
        values = (
            list(dict.fromkeys(row.value for row in journal.results(info.id) if row.sent))
            if info.total <= INLINE_VALUES or several
            else []
        )
        per_list = [(label_of(t.kind, t.extra), t.counts) for t in info.targets] if several else [("", info.counts)]
        entry = new_entry(
            profile=info.profile,
            list_kind=info.kind,
            action=info.action,
            values=values,
            count=len(values) if several else info.total,
            reason=info.reason,
            job_id=info.id,
            user=info.os_user,
            answer=f"completed after an interruption: {_answer(per_list, Action(info.action))}",
        )
        journal.finish(info.id, JobState.DONE, "", entry)
        settled.append(info.id)
    return settled


async def _in_thread(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a journal call in a thread; if we are cancelled meanwhile, let it finish first."""
    task = asyncio.ensure_future(asyncio.to_thread(fn, *args, **kwargs))
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await asyncio.wait([task])
        raise


def _uncancel() -> None:
    """Take back a cancel that has been handled here, so that the task can still await its clean-up."""
    task = asyncio.current_task()
    if task is not None:
        task.uncancel()


class BulkEngine:
    """Runs register/remove jobs against one list of one profile, or against several (given its `Lists`)."""

    #: how many times a chunk is sent in all (the clients retry inside each send as well)
    max_rounds = 3
    #: seconds before a failed chunk is sent again (it goes to the back of the queue)
    round_delay = 1.0

    def __init__(
        self,
        lst: OptOutList | Lists,
        profile: Profile,
        *,
        journal: Journal | None = None,
        audit: AuditLog | None = None,
        os_user: str | None = None,
    ) -> None:
        self.lists = lst if isinstance(lst, Lists) else None  # to resume a job on any of the profile's lists
        self.lst: OptOutList | None = None if isinstance(lst, Lists) else lst  # the one list `run` sends to
        self.profile = profile
        self._journal = journal
        self._audit = audit
        self.os_user = os_user or current_os_user()

    @property
    def journal(self) -> Journal:
        """The journal given, else the default one in the user data dir (opened on first use)."""
        if self._journal is None:
            self._journal = Journal()
        return self._journal

    @property
    def audit(self) -> AuditLog:
        if self._audit is None:
            self._audit = AuditLog(self.journal.path)
        return self._audit

    async def run(
        self,
        action: Action | str,
        values: Sequence[str],
        *,
        reason: str = "",
        extra: dict[str, str] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        distinct: bool = False,
        preview: Preview | None = None,
        targets: Sequence[Target] = (),
    ) -> JobResult:
        """Journal `values` (canonical; de-duplicated here unless the caller says they are `distinct`,
        as a Preview's are: hashing 100,000 fresh strings again is ~20 ms before the first request).
        The `preview` they came from, when given, is journalled with them: every input line stays with the job.

        With `targets` (see `everywhere.job_targets`) the job goes to each of them, every value to the targets
        of its kind (the preview's `kinds` for a mixed input), instead of to the engine's one list with `extra`."""
        check_writable(self.profile)
        unique = values if distinct else list(dict.fromkeys(values))
        await _in_thread(lambda: self.audit)  # open both (in a thread) before anything is written
        await _in_thread(settle, self.journal)
        run = BulkRun(self, Action(action), reason=reason, extra=extra, on_progress=on_progress, targets=targets)
        run.preview = preview
        try:
            chunks = await run.plan(unique)
        except asyncio.CancelledError:  # cancelled while the job was being written: nothing was sent
            _uncancel()
            await _in_thread(self.journal.finish, run.job_id, JobState.CANCELLED, "cancelled before sending")
            return JobResult(run.job_id, run.action, [], 0, 0, 0, 0, cancelled=True, pending=len(unique))
        return await run.execute(chunks)

    async def resume(self, job_id: str, on_progress: Callable[[Progress], None] | None = None) -> JobResult:
        """Send every value of a job whose outcome is unknown or failed; finish the job."""
        check_writable(self.profile)
        await _in_thread(lambda: self.audit)
        info: JobInfo = await _in_thread(self.journal.job, job_id)
        targets = [self._target(info, target.kind, target.extra) for target in info.targets]
        if info.profile != self.profile.name:
            raise JobMismatchError(
                f"job {info.id} was made with profile {info.profile!r}; resume it with --profile {info.profile}"
            )
        info = await _in_thread(self.journal.claim, info.id)
        run = BulkRun(
            self,
            Action(info.action),
            reason=info.reason,
            extra=info.extra,
            on_progress=on_progress,
            resuming=info,
            targets=targets,
        )
        return await run.execute(await run.plan())

    def _target(self, info: JobInfo, kind: str, extra: dict[str, str]) -> Target:
        """A job's target on this engine's list or lists, or why it cannot be resumed here."""
        if self.lists is not None:
            target = target_of(self.lists, kind, extra)
            if target is None:
                raise JobMismatchError(
                    f"job {info.id} sends to the {kind} list, which is not set up here: "
                    + self.lists.problems.get(ListKind(kind), "not configured")
                )
            return target
        assert self.lst is not None
        if kind != self.lst.kind.value:
            raise JobMismatchError(f"job {info.id} is for the {info.kind} list, not {self.lst.kind.value}")
        return Target(self.lst, extra)


@dataclass(slots=True)
class Chunk:
    """Values sent in one vendor call: a journal chunk, or the part of one that is sent again."""

    index: int  # the journal's chunk number
    seqs: Sequence[int]  # ascending; a range for a chunk sent whole
    values: list[str]  # values[i] is the value of seqs[i]
    attempt: int = 1
    not_before: float = 0.0  # loop time before which it is not sent (a chunk sent again waits)
    target: int = 0  # the run's target it goes to


@dataclass(slots=True, eq=False)
class _Lane:
    """One list of a run: its queue of chunks, its rate, its failures. Targets on the same list (NHN SMS's 080
    numbers) share it, so the vendor sees one list's concurrency and rate whatever the number of targets."""

    lst: OptOutList
    queue: asyncio.Queue[Chunk] = field(default_factory=asyncio.Queue)
    chunks: int = 0  # chunks planned for it
    successes: int = 0
    failures_in_a_row: int = 0
    stopped: ApiError | None = None  # why nothing more is sent to it


@dataclass(slots=True)
class Answer:
    """What one vendor call came to: final outcomes, and what goes round again."""

    runs: list[tuple[int, int, str, str]]  # final outcomes as runs of seqs: (first, last, status, detail)
    answered: int  # values with a final outcome, failed ones included
    again: Chunk | None = None  # the values to send again later
    failed: int = 0  # values failed for good
    error: ApiError | None = None  # why values failed: an auth failure if any, else the first


class BulkRun:
    """One run of a job against its lists, in the steps `plan`, `send` (one chunk), `record`, `finish`.

    `execute` drives them: for each list up to its `max_in_flight` sends at a time under its vendor's rate,
    a recorder that writes answers as they arrive, and the end. Each step stands on its own so it can be
    tested against a real list; the state they share is the run's counters and its lists' queues of chunks.
    """

    def __init__(
        self,
        engine: BulkEngine,
        action: Action,
        *,
        reason: str = "",
        extra: dict[str, str] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        resuming: JobInfo | None = None,
        targets: Sequence[Target] = (),
    ) -> None:
        self.engine, self.journal = engine, engine.journal
        self.action, self.reason, self.extra = action, reason, dict(extra or {})
        assert targets or engine.lst is not None, "a run needs its targets, or an engine for one list"
        self.targets = list(targets) or [Target(engine.lst, self.extra)]  # type: ignore[arg-type]
        self.lanes: dict[int, _Lane] = {}  # by id() of the list
        for target in self.targets:
            self.lanes.setdefault(id(target.lst), _Lane(target.lst))
        self.labels: list[str] | None = None  # a fresh job for several lists: the label of each seq's list
        self.on_progress = on_progress
        self.resuming = resuming  # the job's earlier state when this run resumes it
        self.preview: Preview | None = None  # the input a fresh job's values came from, journalled with them
        self.job_id = resuming.id if resuming else new_job_id()
        self.values: list[str] = []  # the values this run sends (for a fresh job, values[seq])
        self.values_total = resuming.total if resuming else 0
        self.chunks_total = resuming.chunks if resuming else 0
        self.values_done = self.chunks_done = 0  # with a final outcome, earlier runs' included
        self.values_this_run = self.requests = self.retries = 0
        self.note = ""
        self.fatal: BaseException | None = None  # why the run stopped early
        # A fresh job's outcome of every value by seq, kept as it is recorded so that its result needs no
        # read-back of the journal (None: not answered yet); a plain answer is its status alone (see
        # _Answers). A resumed job's result is read back, since earlier runs answered part of it.
        self.answers: list[Outcome | OutcomeStatus | None] | None = None
        self.answered: Counter[str] = Counter()  # status -> values answered in this run
        self.unrecorded: list[tuple[int, str, int, list[tuple[int, int, str, str]]]] = []  # see Journal.record_runs
        self._open: Counter[int] = Counter()  # chunk index -> its parts not answered yet
        self._failed_chunks: set[int] = set()
        self._outstanding = 0
        self._done = asyncio.Event()  # every part answered, or the run stopped
        self._wake = asyncio.Event()  # answers wait to be recorded
        self._closing = False
        self._started = time.monotonic()

    # ------------------------------------------------------------ the steps

    async def plan(self, values: Sequence[str] | None = None) -> list[Chunk]:
        """The chunks to send. A fresh job's `values` are cut by each list's batch size and journalled
        whole before the first request, so that nothing sent can be lost; a resumed job's are the
        values the journal holds no final answer for."""
        if self.resuming is not None:
            groups = await _in_thread(self.journal.unresolved, self.job_id)
            targets = await _in_thread(self.journal.chunk_targets, self.job_id)
            chunks = [
                Chunk(index, [seq for seq, _ in items], [value for _, value in items], target=targets[index])
                for index, items in groups
            ]
            self.values = [value for chunk in chunks for value in chunk.values]
            self.values_done = self.values_total - len(self.values)
            self.chunks_done = self.chunks_total - len(chunks)
        else:
            parts = self._parts(values if isinstance(values, list) else list(values or ()))
            self.values = parts[0].values if len(parts) == 1 else [v for part in parts for v in part.values]  # type: ignore[assignment]
            self.values_total = len(self.values)
            self.answers = [None] * self.values_total
            if len(parts) > 1:
                self.labels = [
                    target.label for target, part in zip(self.targets, parts, strict=True) for _ in part.values
                ]
            chunks, seq = [], 0
            for target, part in enumerate(parts):
                for start in range(0, len(part.values), part.batch_size):
                    piece = list(part.values[start : start + part.batch_size])
                    chunks.append(Chunk(len(chunks), range(seq, seq + len(piece)), piece, target=target))
                    seq += len(piece)
            self.chunks_total = len(chunks)
            await _in_thread(
                self.journal.create_job,
                job_id=self.job_id,
                profile=self.engine.profile.name,
                action=self.action.value,
                reason=self.reason,
                os_user=self.engine.os_user,
                parts=parts,
                refused=self.preview.refused() if self.preview is not None else (),
            )
        for chunk in chunks:  # each is open until answered; `execute` sends them
            self._open[chunk.index] += 1
            self._outstanding += 1
            self._lane(chunk).chunks += 1
        return chunks

    def _parts(self, values: list[str]) -> list[JobPart]:
        """A fresh job's values, lines and inputs for each target: every value goes to the targets of its kind.
        Targets no value goes to are dropped (a job of no values keeps one)."""
        preview = self.preview
        lines = preview.line_nos if preview is not None else None
        inputs: Sequence[str] | None = preview.inputs if preview is not None else None
        kinds = preview.kinds if preview is not None else None
        if kinds is None and len({value_kind(target.kind) for target in self.targets}) > 1:
            kinds = [getattr(classify(value), "kind", None) for value in values]  # type: ignore[misc]
        if kinds is not None and inputs is not None:
            inputs = inputs[:]  # one list, not a block split for each value picked
        kept: list[tuple[Target, JobPart]] = []
        for target in self.targets:
            picked: tuple[Sequence[str], Sequence[int] | None, Sequence[str] | None] = (values, lines, inputs)
            if kinds is not None:
                want = value_kind(target.kind)
                at = [i for i, kind in enumerate(kinds) if kind is want]
                picked = (
                    [values[i] for i in at],
                    None if lines is None else [lines[i] for i in at],
                    None if inputs is None else [inputs[i] for i in at],
                )
            if picked[0] or (target is self.targets[-1] and not kept):
                size = max(1, target.lst.limits.batch_size)
                kept.append(
                    (target, JobPart(target.kind.value, picked[0], size, target.extra, target.name, *picked[1:]))
                )
        self.targets = [target for target, _ in kept]
        return [part for _, part in kept]

    def _lane(self, chunk: Chunk) -> _Lane:
        return self.lanes[id(self.targets[chunk.target].lst)]

    async def send(self, chunk: Chunk) -> Answer:
        """One vendor call for `chunk`, booked on the run: final outcomes wait for `record`, failures the
        vendor may get over are queued again (`max_rounds` sends in all), and wrong credentials or an
        endpoint that never worked stop sending to its list. No failure escapes: a value is never dropped."""
        self.requests += 1
        target = self.targets[chunk.target]
        try:
            if self.action is Action.REGISTER:
                outcomes = await target.lst.register(chunk.values, **target.extra)
            elif target.extra:  # the list it is on (an 080 number)
                outcomes = await target.lst.remove(chunk.values, **target.extra)
            else:
                outcomes = await target.lst.remove(chunk.values)
        except ApiError as exc:
            outcomes = UniformOutcomes(chunk.values, OutcomeStatus.FAILED, exc)
        except Exception as exc:
            error = ApiError(target.lst.name, f"{type(exc).__name__}: {exc}", retryable=True)
            outcomes = UniformOutcomes(chunk.values, OutcomeStatus.FAILED, error)
        answer = self._classify(chunk, outcomes)
        self._book(chunk, answer)
        return answer

    async def record(self) -> None:
        """Write the booked answers to the journal, all that arrived meanwhile in one transaction."""
        while self.unrecorded:
            batch, self.unrecorded = self.unrecorded, []
            await _in_thread(self.journal.record_runs, self.job_id, batch)

    async def finish(self, cancelled: bool = False) -> JobResult:
        """Write the job's end state and its audit entry; the job's result.

        A journal that failed mid-run is raised here, with nothing more written: the job stays
        resumable, and what was recorded stands."""
        fatal = self.fatal
        if fatal is not None and not isinstance(fatal, ApiError):
            raise fatal
        stopped = fatal.line if fatal is not None else ""
        outcomes: Sequence[Outcome]
        labels = {target.name: target.label for target in self.targets} if len(self.targets) > 1 else None
        if self.answers is not None:  # a fresh job: what this run recorded is the whole job
            counts = Counter(self.answered)
            counts["pending"] = self.values_total - sum(self.answered.values())
            outcomes = _Answers.answered(self.values, self.answers, self.labels)
            values = self.values
        else:
            rows = await _in_thread(lambda: [row for row in self.journal.results(self.job_id) if row.sent])
            counts = Counter(row.status or "pending" for row in rows)
            outcomes = [
                Outcome(row.value, _STATUS[row.status], detail=row.detail)
                if labels is None
                else ListedOutcome(
                    row.value, _STATUS[row.status], detail=row.detail, list=labels.get(row.list, row.list)
                )
                for row in rows
                if row.status
            ]
            values = [row.value for row in rows]
        per_list: list[tuple[str, dict[str, int]]] = []
        if labels is not None:  # each list's counts, from the journal (the answers recorded are all there now)
            info = await _in_thread(self.journal.job, self.job_id)
            per_list = [(target.label, dict(t.counts)) for target, t in zip(self.targets, info.targets, strict=True)]
            values = list(dict.fromkeys(values))  # each value once, though it went to several lists
        if cancelled:
            state, note = JobState.CANCELLED, "cancelled by the user"
        elif stopped:
            state, note = JobState.STOPPED, stopped
        else:
            state, note = (JobState.FAILED if counts["failed"] or counts["pending"] else JobState.DONE), ""
        answer = _answer(per_list or [("", counts)], self.action)
        if stopped:
            answer += f"; stopped: {stopped}"
        elif cancelled:
            answer += "; cancelled"
        if counts["failed"]:
            first_error = next((o.detail for o in outcomes if o.status is OutcomeStatus.FAILED and o.detail), "")
            answer += f"; first error: {first_error}" if first_error else ""
        if self.resuming is not None:
            answer = f"resumed: {answer}"
        # The entry counts every value of the job, however many runs it took (the answer's counts are the job's).
        entry = new_entry(
            profile=self.engine.profile.name,
            list_kind="+".join(dict.fromkeys(target.kind.value for target in self.targets)),
            action=self.action.value,
            values=values,
            count=len(values) if labels is not None else self.values_total,
            answer=answer,
            reason=self.reason,
            job_id=self.job_id,
            user=self.engine.os_user,
        )
        await _in_thread(self.journal.finish, self.job_id, state, note, entry)
        return JobResult(
            self.job_id,
            self.action,
            outcomes,
            counts["registered"] + counts["removed"],
            counts["already"] + counts["not_on_list"],
            counts["invalid"],
            counts["failed"],
            cancelled=cancelled,
            pending=counts["pending"],
            requests=self.requests,
            retries=self.retries,
            stopped=stopped,
            resumed=self.resuming is not None,
            answered_now=self.values_this_run,
            unknown=counts["unknown"],
            per_list=per_list,
        )

    # ------------------------------------------------------------ driving them

    async def execute(self, chunks: list[Chunk]) -> JobResult:
        """Send `chunks`, recording the answers as they come, then finish. A cancel stops the sending;
        the job's end and its audit entry are written whatever happens, since a change that was sent but
        never audited would be lost (a cancel arriving while they are written waits for them)."""
        for chunk in chunks:
            self._lane(chunk).queue.put_nowait(chunk)
        if not self._outstanding:
            self._done.set()
        cancelled = False
        recorder = asyncio.create_task(self._recorder())
        lanes = [lane for lane in self.lanes.values() if lane.chunks]
        with contextlib.ExitStack() as hooks:
            workers = []
            for lane in lanes:
                hooks.enter_context(lane.lst.retries(partial(self._on_retry, lane.lst.name)))
                limits = lane.lst.limits
                limiter = RateLimiter(limits.rate_per_second, burst=max(1, limits.max_in_flight))
                in_flight = min(max(1, limits.max_in_flight), lane.chunks)
                workers += [asyncio.create_task(self._worker(lane, limiter)) for _ in range(in_flight)]
            self._emit()
            try:
                await self._done.wait()
            except asyncio.CancelledError:
                cancelled = True
                _uncancel()
            finally:
                for task in workers:
                    task.cancel()
                await asyncio.gather(*workers, return_exceptions=True)
                self._closing = True
                self._wake.set()
                await asyncio.gather(recorder, return_exceptions=True)
        finishing = asyncio.ensure_future(self.finish(cancelled))
        try:
            return await asyncio.shield(finishing)
        except asyncio.CancelledError:
            _uncancel()
            result = await finishing
            result.cancelled = True
            return result

    async def _worker(self, lane: _Lane, limiter: RateLimiter) -> None:
        loop = asyncio.get_running_loop()
        while not self._done.is_set():
            chunk = await lane.queue.get()
            if lane.stopped is None and (delay := chunk.not_before - loop.time()) > 0:
                await asyncio.sleep(delay)
            if lane.stopped is None:
                await limiter.acquire()
            if self._done.is_set():
                return
            if lane.stopped is not None:  # its list stopped meanwhile: the chunk stays unsent, for a resume
                self._settled()
                continue
            await self.send(chunk)

    async def _recorder(self) -> None:
        """Record answers as they come until the run closes; a journal that fails stops the run, since
        nothing more could be recorded."""
        while not self._closing:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.record()
            except Exception as exc:
                self._stop(exc)
                return

    def _enqueue(self, chunk: Chunk) -> None:
        self._lane(chunk).queue.put_nowait(chunk)
        self._open[chunk.index] += 1
        self._outstanding += 1

    def _settled(self) -> None:
        """One sent or dropped chunk less to wait for."""
        self._outstanding -= 1
        if self._outstanding == 0:
            self._done.set()

    def _stop(self, error: BaseException, lane: _Lane | None = None) -> None:
        """Stop the run, or only the sending to `lane`'s list while the other lists of the run go on (what it
        had not sent stays for a resume)."""
        if self.fatal is None:
            self.fatal = error
        if lane is None or all(other is lane or other.stopped or not other.chunks for other in self.lanes.values()):
            self._done.set()
        elif isinstance(error, ApiError) and lane.stopped is None:
            lane.stopped = error
            self.note = f"{lane.lst.name} stopped: {error}"
            while not lane.queue.empty():
                lane.queue.get_nowait()
                self._settled()

    def _classify(self, chunk: Chunk, outcomes: Sequence[Outcome]) -> Answer:
        values, seqs = chunk.values, chunk.seqs
        status = _uniform_status(outcomes, values)
        if status is not None and seqs[-1] - seqs[0] == len(values) - 1:
            # The usual answer: one plain outcome for a run of seqs (all done, say). One run for the
            # journal, no per-value bookkeeping.
            return Answer([(seqs[0], seqs[-1], _TEXT[status], "")], len(values))
        by_value = {o.value: o for o in outcomes}
        final: list[tuple[int, str, str]] = []
        again_seqs: list[int] = []
        again_values: list[str] = []
        failed = 0
        error: ApiError | None = None
        for seq, value in zip(seqs, values, strict=True):
            outcome = by_value.get(value) or Outcome(
                value, OutcomeStatus.FAILED, detail="the vendor gave no answer for it"
            )
            if outcome.status is OutcomeStatus.FAILED:
                err = outcome.error
                if error is None or (err is not None and err.is_auth and not error.is_auth):
                    error = err
                if chunk.attempt < self.engine.max_rounds and (err is None or err.retryable or err.is_network):
                    again_seqs.append(seq)
                    again_values.append(value)
                    continue
                detail = err.line if err else (outcome.detail or "failed")
                failed += 1
            else:
                detail = outcome.detail
            final.append((seq, _TEXT[outcome.status], detail))
        again = None
        if again_values:  # to the back of the queue, after a pause that grows with each round
            not_before = asyncio.get_running_loop().time() + self.engine.round_delay * chunk.attempt
            again = Chunk(chunk.index, again_seqs, again_values, chunk.attempt + 1, not_before)
        return Answer(list(value_runs(final)), len(final), again, failed, error)

    def _book(self, chunk: Chunk, answer: Answer) -> None:
        """Count a chunk's answer on the run and hand its final outcomes to the recorder."""
        error, lane = answer.error, self._lane(chunk)
        if error is not None and (error.is_auth or isinstance(error, QuotaExceeded)):
            self._stop(error, lane)  # wrong credentials, or the day's quota used up: every further request would fail
            return self._settled()
        if answer.answered > answer.failed:
            lane.successes += 1
            lane.failures_in_a_row = 0
        else:
            lane.failures_in_a_row += 1
            if (
                lane.successes == 0
                and error is not None
                and (error.is_network or lane.failures_in_a_row >= 3 * max(1, lane.lst.limits.max_in_flight))
            ):
                # Nothing has worked yet and the client's own retries are spent: the endpoint is
                # unreachable or broken. Stop (resumable) rather than hammer it for minutes.
                self._stop(error, lane)
                return self._settled()
        if answer.again is not None:
            self._enqueue(answer.again)
            label = self.targets[chunk.target].label
            self.note = f"{label}: {len(answer.again.values):,} values will be sent again later" + (
                f" ({error.message})" if error else ""
            )
        elif not answer.failed:
            self.note = ""  # the vendor answers again: old retry notes no longer apply
        if answer.failed:
            self._failed_chunks.add(chunk.index)
        self._open[chunk.index] -= 1
        if self._open[chunk.index] == 0:
            self.chunks_done += 1
            state = "failed" if chunk.index in self._failed_chunks else "done"
        else:
            state = "retrying"
        self.unrecorded.append((chunk.index, state, 1, answer.runs))
        self._wake.set()
        for first, last, status, detail in answer.runs:
            self.answered[status] += last - first + 1
            if self.answers is not None:  # as read back from the journal: a status, or one with its detail
                plain = _STATUS[status]
                self.answers[first : last + 1] = (
                    [plain] * (last - first + 1)
                    if not detail
                    else [
                        Outcome(value, plain, detail=detail)
                        if self.labels is None
                        else ListedOutcome(value, plain, detail=detail, list=self.labels[seq])
                        for seq, value in enumerate(self.values[first : last + 1], start=first)
                    ]
                )
        self.values_done += answer.answered
        self.values_this_run += answer.answered
        self._settled()
        self._emit()

    def progress(self) -> Progress:
        elapsed = max(1e-6, time.monotonic() - self._started)
        rate = self.values_this_run / elapsed
        eta = (self.values_total - self.values_done) / rate if rate > 0 else None
        return Progress(
            self.chunks_done, self.chunks_total, self.values_done, self.values_total, self.retries, rate, eta, self.note
        )

    def _emit(self) -> None:
        if self.on_progress is not None:
            with contextlib.suppress(Exception):  # a display problem must never stop a job
                self.on_progress(self.progress())

    def _on_retry(self, service: str, error: ApiError, attempt: int, delay: float) -> None:
        """A client's own retry (429, 5xx, timeout) on the list named `service`, shown as progress."""
        self.retries += 1
        self.note = _retry_note(service, error, delay)
        self._emit()
