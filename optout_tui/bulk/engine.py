"""Send a bulk change to one list in chunks, journalled so that nothing is ever lost.

The engine plans chunks from the list's limits, writes the job before the first request, sends
with bounded concurrency under the vendor's rate limit, and records each chunk's outcomes as they
arrive. The clients retry 429/5xx/timeouts themselves; a chunk that still fails is sent again
later in the run (a bounded number of times) and only then recorded as failed. Client retries are
reported as progress. Cancelling the task stops sending; what was done stays in the journal and
the job can be resumed.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..api.base import OptOutList, Outcome, OutcomeStatus, UniformOutcomes
from ..api.errors import ApiError
from ..settings import Profile
from .audit import AuditLog, os_user as current_os_user
from .journal import Journal, JobInfo, JobState, new_job_id, value_runs
from .ratelimit import RateLimiter


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
class JobResult:
    job_id: str | None
    action: Action
    outcomes: Sequence[Outcome]
    done: int
    already: int
    invalid: int
    failed: int
    cancelled: bool
    pending: int = 0  # values not answered yet (cancelled or stopped): `jobs resume` sends them
    requests: int = 0  # register/remove calls made in this run (client-level retries not counted)
    retries: int = 0  # client-level retries seen in this run
    stopped: str = ""  # why the run stopped early (one line), if it did
    resumed: bool = False
    answered_now: int = 0  # values answered in this run (the counts above are for the whole job)

    @property
    def failed_values(self) -> list[str]:
        return [o.value for o in self.outcomes if o.status == OutcomeStatus.FAILED]

    @property
    def sent(self) -> int:
        return self.done + self.already + self.invalid + self.failed

    @property
    def api_failed_entirely(self) -> bool:
        """Nothing got an answer from the vendor (every request failed, or the run stopped first)."""
        return self.done + self.already + self.invalid == 0 and (self.failed > 0 or bool(self.stopped))


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


@dataclass(slots=True)
class _Part:
    chunk: int
    seqs: Sequence[int]  # ascending; a range for a chunk sent whole
    values: list[str]  # values[i] is the value of seqs[i]
    attempt: int = 1
    not_before: float = 0.0


@dataclass(slots=True)
class _Run:
    job_id: str
    action: Action
    extra: dict[str, str]
    values_total: int
    chunks_total: int
    values_done: int = 0  # values with a final outcome (includes earlier runs on resume)
    chunks_done: int = 0
    values_this_run: int = 0
    requests: int = 0
    retries: int = 0
    successes: int = 0
    consecutive_failures: int = 0
    started: float = field(default_factory=time.monotonic)
    open_parts: dict[int, int] = field(default_factory=dict)
    chunk_failed: set[int] = field(default_factory=set)
    fatal: BaseException | None = None
    note: str = ""
    # The outcome of every value, by seq, as journalled in this run; only kept for a fresh job, whose
    # summary then needs no read-back of the journal (None: not answered; a resume reads the journal).
    # A plain answer is kept as its status alone (see _Answers).
    answers: list[Outcome | OutcomeStatus | None] | None = None
    answered: Counter[str] = field(default_factory=Counter)  # status -> values answered in this run


_TEXT = {status: status.value for status in OutcomeStatus}
_STATUS = {status.value: status for status in OutcomeStatus}


class _Answers(Sequence[Outcome]):
    """A job's outcomes in seq order, where a plain answer is held as its status alone: 100,000
    values answered "done" are a list of references, and an `Outcome` is made when looked at."""

    __slots__ = ("_values", "_slots")

    def __init__(self, values: Sequence[str], slots: Sequence[Outcome | OutcomeStatus]) -> None:
        self._values = values
        self._slots = slots

    @classmethod
    def answered(cls, values: Sequence[str], slots: list[Outcome | OutcomeStatus | None]) -> "_Answers":
        """The values that have an answer (all of them, unless the run was cut short)."""
        if None not in slots:
            return cls(values, slots)  # type: ignore[arg-type]
        keep = [i for i, slot in enumerate(slots) if slot is not None]
        return cls([values[i] for i in keep], [slots[i] for i in keep])  # type: ignore[misc]

    def __len__(self) -> int:
        return len(self._slots)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        slot = self._slots[index]
        return slot if isinstance(slot, Outcome) else Outcome(self._values[index], slot)


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
    for outcome, value in zip(outcomes, values):
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


def _summary(counts: dict[str, int]) -> str:
    parts = [f"{name} {counts.get(name, 0):,}" for name in ("done", "already", "invalid", "failed")]
    if counts.get("pending"):
        parts.append(f"not sent {counts['pending']:,}")
    return ", ".join(parts)


class BulkEngine:
    """Runs register/remove jobs against one list of one profile."""

    #: how many times a chunk is sent in all (the clients retry inside each send as well)
    max_rounds = 3
    #: seconds before a failed chunk is sent again (it goes to the back of the queue)
    round_delay = 1.0

    def __init__(
        self,
        lst: OptOutList,
        profile: Profile,
        *,
        journal: Journal | None = None,
        audit: AuditLog | None = None,
        os_user: str | None = None,
    ) -> None:
        self.lst = lst
        self.profile = profile
        self._journal = journal
        self._audit = audit
        self.os_user = os_user or current_os_user()

    # ------------------------------------------------------------ storage

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

    @staticmethod
    async def _db(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a journal call in a thread; if we are cancelled meanwhile, let it finish first."""
        task = asyncio.ensure_future(asyncio.to_thread(fn, *args, **kwargs))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            await asyncio.wait([task])
            raise

    def _check_writable(self) -> None:
        check_writable(self.profile)

    # ------------------------------------------------------------ entry points

    async def run(
        self,
        action: Action | str,
        values: Sequence[str],
        *,
        reason: str = "",
        extra: dict[str, str] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        distinct: bool = False,
    ) -> JobResult:
        """Journal `values` (canonical; de-duplicated here unless the caller says they are `distinct`,
        as a Preview's are: hashing 100,000 fresh strings again is ~20 ms before the first request)."""
        self._check_writable()
        action = Action(action)
        unique = list(values) if distinct else list(dict.fromkeys(values))
        extra = dict(extra or {})
        await self._db(lambda: self.audit)  # open both (in a thread) before anything is written
        job_id = new_job_id()
        try:
            await self._db(
                self.journal.create_job,
                job_id=job_id,
                profile=self.profile.name,
                kind=self.lst.kind.value,
                action=action.value,
                values=unique,
                batch_size=self.lst.limits.batch_size,
                reason=reason,
                extra=extra,
                os_user=self.os_user,
            )
        except asyncio.CancelledError:  # cancelled while the job was being written: nothing was sent
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()
            await self._db(self.journal.finish, job_id, JobState.CANCELLED, "cancelled before sending")
            return JobResult(job_id, action, [], 0, 0, 0, 0, cancelled=True, pending=len(unique))
        size = max(1, self.lst.limits.batch_size)
        parts = [
            _Part(c, range(start, min(start + size, len(unique))), unique[start : start + size])
            for c, start in enumerate(range(0, len(unique), size))
        ]
        run = _Run(job_id, action, extra, values_total=len(unique), chunks_total=len(parts))
        run.answers = [None] * len(unique)  # a fresh job's outcomes are all made in this run
        return await self._execute(run, parts, reason=reason, on_progress=on_progress, resumed=False,
                                   sent_values=unique)

    async def resume(self, job_id: str, on_progress: Callable[[Progress], None] | None = None) -> JobResult:
        """Send every value of a job whose outcome is unknown or failed; finish the job."""
        self._check_writable()
        await self._db(lambda: self.audit)
        info: JobInfo = await self._db(self.journal.job, job_id)
        self._check_job_matches(info)
        info = await self._db(self.journal.claim, info.id)
        groups = await self._db(self.journal.unresolved, info.id)
        parts = [_Part(chunk, [seq for seq, _ in items], [value for _, value in items]) for chunk, items in groups]
        run = _Run(info.id, Action(info.action), dict(info.extra), values_total=info.total, chunks_total=info.chunks)
        run.values_done = info.total - sum(len(p.values) for p in parts)
        run.chunks_done = info.chunks - len(parts)
        return await self._execute(run, parts, reason=info.reason, on_progress=on_progress, resumed=True)

    def _check_job_matches(self, info: JobInfo) -> None:
        if info.kind != self.lst.kind.value:
            raise JobMismatchError(f"job {info.id} is for the {info.kind} list, not {self.lst.kind.value}")
        if info.profile != self.profile.name:
            raise JobMismatchError(
                f"job {info.id} was made with profile {info.profile!r}; resume it with --profile {info.profile}"
            )

    # ------------------------------------------------------------ the run

    @contextmanager
    def _retry_hook(self, run: _Run, emit: Callable[[], None]):
        """Show the clients' own retries (429/5xx/timeouts) as progress."""
        try:
            from ..api.http import retry_listener
        except ImportError:  # pragma: no cover - the clients always ship it
            yield
            return

        def on_retry(error: ApiError, attempt: int, delay: float) -> None:
            run.retries += 1
            run.note = _retry_note(self.lst.name, error, delay)
            emit()

        token = retry_listener.set(on_retry)
        try:
            yield
        finally:
            retry_listener.reset(token)

    async def _execute(
        self,
        run: _Run,
        parts: list[_Part],
        *,
        reason: str,
        on_progress: Callable[[Progress], None] | None,
        resumed: bool,
        sent_values: list[str] | None = None,
    ) -> JobResult:
        loop = asyncio.get_running_loop()
        limits = self.lst.limits
        limiter = RateLimiter(limits.rate_per_second, burst=max(1, limits.max_in_flight))
        queue: asyncio.Queue[_Part] = asyncio.Queue()
        finished = asyncio.Event()
        outstanding = len(parts)
        writes: list[tuple[int, str, int, list[tuple[int, int, str, str]]]] = []  # see Journal.record_runs
        wake_writer = asyncio.Event()
        closing = False
        if sent_values is None:
            sent_values = [v for p in parts for v in p.values]
        for part in parts:
            queue.put_nowait(part)
            run.open_parts[part.chunk] = run.open_parts.get(part.chunk, 0) + 1
        if not parts:
            finished.set()

        def emit() -> None:
            if on_progress is None:
                return
            elapsed = max(1e-6, time.monotonic() - run.started)
            rate = run.values_this_run / elapsed
            left = run.values_total - run.values_done
            eta = (left / rate) if rate > 0 else None
            try:
                on_progress(Progress(run.chunks_done, run.chunks_total, run.values_done, run.values_total,
                                     run.retries, rate, eta, run.note))
            except Exception:  # a display problem must never stop a job
                pass

        def settle(part: _Part, final: list[tuple[int, int, str, str]], answered: int, requeue: list[tuple[int, str]],
                   error: ApiError | None, any_failed: bool) -> None:
            """Book a part's answers: `final` holds runs of seqs (first, last, status, detail) covering
            `answered` values; `requeue` are sent again later."""
            nonlocal outstanding
            if requeue:
                queue.put_nowait(_Part(part.chunk, [seq for seq, _ in requeue], [value for _, value in requeue],
                                       part.attempt + 1, loop.time() + self.round_delay * part.attempt))
                run.open_parts[part.chunk] += 1
                outstanding += 1
                run.note = f"{self.lst.name}: {len(requeue):,} values will be sent again later" + (
                    f" ({error.message})" if error else "")
            elif not any_failed:
                run.note = ""  # the vendor answers again: old retry notes no longer apply
            if any_failed:
                run.chunk_failed.add(part.chunk)
            run.open_parts[part.chunk] -= 1
            chunk_closed = run.open_parts[part.chunk] == 0
            if chunk_closed:
                run.chunks_done += 1
                state = "failed" if part.chunk in run.chunk_failed else "done"
            else:
                state = "retrying"
            writes.append((part.chunk, state, 1, final))
            wake_writer.set()
            for first, last, status, _ in final:
                run.answered[status] += last - first + 1
            run.values_done += answered
            run.values_this_run += answered
            outstanding -= 1
            if outstanding == 0:
                finished.set()
            emit()

        def give_up(error: BaseException) -> None:
            if run.fatal is None:
                run.fatal = error
            finished.set()

        async def send(part: _Part) -> None:
            values = part.values
            run.requests += 1
            try:
                if run.action == Action.REGISTER:
                    outcomes = await self.lst.register(values, **run.extra)
                else:
                    outcomes = await self.lst.remove(values)
            except ApiError as exc:
                outcomes = [Outcome(v, OutcomeStatus.FAILED, exc) for v in values]
                if exc.is_auth:
                    give_up(exc)
                    return
            except (asyncio.CancelledError, KeyboardInterrupt):
                raise
            except Exception as exc:  # an unexpected failure: record it on the values, never drop them
                err = ApiError(self.lst.name, f"{type(exc).__name__}: {exc}", retryable=True)
                outcomes = [Outcome(v, OutcomeStatus.FAILED, err) for v in values]
            status = _uniform_status(outcomes, values)
            first_seq, last_seq = part.seqs[0], part.seqs[-1]
            if status is not None and last_seq - first_seq == len(values) - 1:
                # The usual answer: every value of a run of seqs got the same plain outcome (all done,
                # say). One run for the journal, no per-value bookkeeping.
                if run.answers is not None:
                    run.answers[first_seq : last_seq + 1] = [status] * len(values)
                run.successes += 1
                run.consecutive_failures = 0
                settle(part, [(first_seq, last_seq, _TEXT[status], "")], len(values), [], None, False)
                return
            auth = next((o.error for o in outcomes if o.error is not None and o.error.is_auth), None)
            if auth is not None:
                give_up(auth)  # wrong credentials: every further request would fail the same way
                return
            by_value = {o.value: o for o in outcomes}
            final: list[tuple[int, str, str]] = []
            requeue: list[tuple[int, str]] = []
            first_error: ApiError | None = None
            failed_final = 0
            answers = run.answers
            for seq, value in zip(part.seqs, values):
                outcome = by_value.get(value) or Outcome(value, OutcomeStatus.FAILED, detail="the vendor gave no answer for it")
                if outcome.status is OutcomeStatus.FAILED:
                    err = outcome.error
                    first_error = first_error or err
                    if part.attempt < self.max_rounds and (err is None or err.retryable or err.is_network):
                        requeue.append((seq, value))
                        continue
                    detail = err.line if err else (outcome.detail or "failed")
                    failed_final += 1
                    if answers is not None:
                        answers[seq] = Outcome(value, OutcomeStatus.FAILED, detail=detail)
                else:
                    detail = outcome.detail
                    if answers is not None:  # as read back from the journal: no error object kept
                        answers[seq] = outcome if outcome.error is None else Outcome(value, outcome.status, detail=detail)
                final.append((seq, _TEXT[outcome.status], detail))
            if len(requeue) + failed_final == len(values):
                run.consecutive_failures += 1
                if run.successes == 0 and first_error is not None and (
                        first_error.is_network or run.consecutive_failures >= 3 * max(1, limits.max_in_flight)):
                    # Nothing has worked yet and the client's own retries are spent: the endpoint is
                    # unreachable or broken. Stop (resumable) rather than hammer it for minutes.
                    give_up(first_error)
                    return
            else:
                run.successes += 1
                run.consecutive_failures = 0
            settle(part, list(value_runs(final)), len(final), requeue, first_error, failed_final > 0)

        async def worker() -> None:
            while not finished.is_set():
                part = await queue.get()
                delay = part.not_before - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                await limiter.acquire()
                if finished.is_set():
                    return
                await send(part)

        async def writer() -> None:
            while True:
                await wake_writer.wait()
                wake_writer.clear()
                while writes:
                    batch = writes[:]
                    del writes[:]
                    try:
                        await self._db(self.journal.record_runs, run.job_id, batch)
                    except Exception as exc:  # journal unusable: stop sending, nothing more can be recorded
                        give_up(exc)
                        return
                if closing:
                    return

        cancelled = False
        workers: list[asyncio.Task[None]] = []
        writer_task = asyncio.create_task(writer())
        with self._retry_hook(run, emit):
            workers = [asyncio.create_task(worker()) for _ in range(min(max(1, limits.max_in_flight), len(parts)))]
            emit()
            try:
                await finished.wait()
            except asyncio.CancelledError:
                cancelled = True
                current = asyncio.current_task()
                if current is not None:
                    current.uncancel()
            finally:
                for task in workers:
                    task.cancel()
                await asyncio.gather(*workers, return_exceptions=True)
                closing = True
                wake_writer.set()
                await asyncio.gather(writer_task, return_exceptions=True)

        # The job's end and its audit entry are written whatever happens next: a change that was
        # sent but never audited would be lost. A cancel arriving now waits for them.
        finishing = asyncio.ensure_future(
            self._finish(run, sent_values, reason=reason, cancelled=cancelled, resumed=resumed)
        )
        try:
            return await asyncio.shield(finishing)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()
            result = await finishing
            result.cancelled = True
            return result

    async def _finish(self, run: _Run, sent_values: list[str], *, reason: str, cancelled: bool, resumed: bool) -> JobResult:
        from .db import JournalError

        fatal = run.fatal
        journal_broken = fatal is not None and not isinstance(fatal, ApiError)
        if journal_broken and not isinstance(fatal, JournalError):
            raise fatal
        counts: dict[str, int] = {}
        outcomes: Sequence[Outcome] = []
        if journal_broken:
            pass
        elif run.answers is not None:  # what this run journalled is the whole job
            counts = {status: n for status, n in run.answered.items() if n}
            answered = sum(counts.values())
            outcomes = _Answers.answered(sent_values, run.answers)
            if answered < run.values_total:
                counts["pending"] = run.values_total - answered
        else:
            rows = await self._db(lambda: list(self.journal.results(run.job_id)))
            read_back: list[Outcome] = []
            for row in rows:
                key = row.status or "pending"
                counts[key] = counts.get(key, 0) + 1
                if row.status:
                    read_back.append(Outcome(row.value, _STATUS[row.status], detail=row.detail))
            outcomes = read_back
        stopped = ""
        if isinstance(fatal, ApiError):
            stopped = fatal.line
        if journal_broken:
            state, note = JobState.STOPPED, str(fatal)
        elif cancelled:
            state, note = JobState.CANCELLED, "cancelled by the user"
        elif stopped:
            state, note = JobState.STOPPED, stopped
        elif counts.get("failed") or counts.get("pending"):
            state, note = JobState.FAILED, ""
        else:
            state, note = JobState.DONE, ""
        if not journal_broken:
            await self._db(self.journal.finish, run.job_id, state, note)
        answer = _summary(counts)
        if stopped:
            answer += f"; stopped: {stopped}"
        elif cancelled:
            answer += "; cancelled"
        first_error = ""
        if counts.get("failed"):
            first_error = next((o.detail for o in outcomes if o.status == OutcomeStatus.FAILED and o.detail), "")
        if first_error:
            answer += f"; first error: {first_error}"
        if resumed:
            answer = f"resumed: {answer}"
        if not journal_broken and (sent_values or not resumed):
            await self._db(
                self.audit.append,
                profile=self.profile.name, list_kind=self.lst.kind.value, action=run.action.value,
                values=sent_values, answer=answer, reason=reason, job_id=run.job_id, user=self.os_user,
            )
        if journal_broken:
            raise fatal  # type: ignore[misc]
        return JobResult(
            job_id=run.job_id,
            action=run.action,
            outcomes=outcomes,
            done=counts.get("done", 0),
            already=counts.get("already", 0),
            invalid=counts.get("invalid", 0),
            failed=counts.get("failed", 0),
            cancelled=cancelled,
            pending=counts.get("pending", 0),
            requests=run.requests,
            retries=run.retries,
            stopped=stopped,
            resumed=resumed,
            answered_now=run.values_this_run,
        )
