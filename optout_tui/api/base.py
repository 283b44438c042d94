"""The one interface every opt-out list implements.

The command line, the bulk engine, the snapshot and the dashboard are written once against
`OptOutList`; each vendor adapter (sms.py, email.py, numbers080.py) hides how its API pages,
authenticates and answers. Values passed in are already canonical (see `optout_tui.normalize`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, overload

from ..kinds import ListKind
from .errors import ApiError

if TYPE_CHECKING:  # httpx loads only with an adapter: the command line parses input before that
    from .http import VendorHttp

# ---------------------------------------------------------------- entries


@dataclass(frozen=True, slots=True)
class SmsEntry:
    """A phone number that refused advertising SMS (SENS)."""

    number: str  # national digits, e.g. 01012345678
    registered_at: datetime  # timezone-aware (SENS sends KST wall time without offset)
    source: str  # "ARS" (registerType C) or "manual" (registerType M)

    @property
    def value(self) -> str:
        return self.number


@dataclass(frozen=True, slots=True)
class EmailEntry:
    """An address that unsubscribed from advertising email (Outbound Mailer)."""

    address: str
    blocked_at: datetime  # timezone-aware
    by_admin: bool  # isRegByManager: True = an admin registered it, False = the recipient

    @property
    def value(self) -> str:
        return self.address


@dataclass(frozen=True, slots=True)
class Number080Entry:
    """One of the company's own 080 opt-out numbers (NHN Notification Hub)."""

    number: str  # e.g. 0801234567
    company: str
    status: str  # READY | RESERVE_USE | IN_USE | TERMINATED
    provider: str  # INTERNAL | EXTERNAL
    share_status: str  # PRIMARY | SECONDARY
    terminable: bool
    requested_at: datetime | None = None
    started_at: datetime | None = None
    deleted_at: datetime | None = None

    @property
    def value(self) -> str:
        return self.number

    @property
    def can_deregister(self) -> tuple[bool, str]:
        """Only external, terminable numbers may be deregistered; say why not otherwise."""
        if self.provider != "EXTERNAL":
            return False, "only externally registered 080 numbers can be deregistered here (this one is INTERNAL)"
        if not self.terminable:
            return False, "the Notification Hub marks this number as not terminable"
        if self.status == "TERMINATED":
            return False, "this number is already terminated"
        return True, ""


@dataclass(frozen=True, slots=True)
class NhnSmsEntry:
    """A recipient who opted out through one of the company's 080 numbers (NHN Cloud SMS): a pair, since one
    recipient can be on several 080 numbers."""

    number080: str  # the company's 080 number (unsubscribeNo), e.g. 0801234567
    recipient: str  # national digits, e.g. 01012345678
    requested_at: datetime | None  # timezone-aware (NHN sends KST wall time)

    @property
    def value(self) -> str:
        return self.recipient


@dataclass(frozen=True, slots=True)
class NhnEmailEntry:
    """An address blocked from advertising email (NHN Cloud Email block-receivers)."""

    address: str
    blocked_at: datetime | None  # timezone-aware (NHN sends KST wall time)

    @property
    def value(self) -> str:
        return self.address


Entry = SmsEntry | EmailEntry | Number080Entry | NhnSmsEntry | NhnEmailEntry


# ---------------------------------------------------------------- filters, pages


@dataclass(frozen=True, slots=True)
class ListFilter:
    """What the caller wants to see; each adapter maps it onto its vendor's parameters.

    `search` is an exact canonical value for SMS and Email (the vendors only do exact lookups)
    and a LIKE fragment for 080. `by_admin` applies to Email only. `newest_first` is honoured
    where the vendor can sort (Email); others return the vendor's own order.
    """

    since: datetime | None = None
    until: datetime | None = None
    search: str | None = None
    by_admin: bool | None = None
    newest_first: bool = True
    number080: str | None = None  # NHN SMS only: one of the company's 080 numbers (None: every one of them)


@dataclass(slots=True)
class Page:
    index: int
    entries: Sequence[Entry]
    last: bool  # no page after this one
    total: int | None = None  # total entries for the filter, where the vendor says
    page_count: int | None = None  # pages for the filter, where the vendor says (stops speculation)
    note: str = ""  # what the answer leaves open, for a person (SENS's empty 404: an empty list, or a wrong id?)


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    width: int


@dataclass(frozen=True, slots=True)
class ListLimits:
    """Vendor limits as data, so the bulk engine plans from them instead of naming vendors."""

    batch_size: int  # values per register/remove request
    max_in_flight: int = 8  # concurrent requests
    rate_per_second: float | None = None  # vendor request rate limit, if any
    page_size: int = 100  # entries per list request


# ---------------------------------------------------------------- outcomes


class OutcomeStatus(StrEnum):
    """What became of one value: the one set of words the journal, the audit, the summaries and the UI use."""

    REGISTERED = "registered"  # put on the list by this change
    ALREADY = "already"  # was on the list before this change (register)
    REMOVED = "removed"  # taken off the list by this change
    NOT_ON_LIST = "not_on_list"  # was not on the list (remove)
    INVALID = "invalid"  # refused as invalid (by the vendor, or by the input's rules)
    DUPLICATE = "duplicate"  # an input line repeating a value already in the job: sent once, with that line
    FAILED = "failed"  # the request failed for good; see error
    UNKNOWN = "unknown"  # the vendor took the call, but what it did to this value cannot be told; see detail


@dataclass(slots=True)
class Outcome:
    value: str
    status: OutcomeStatus
    error: ApiError | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        """The vendor took the call for this value: nothing to send again. `unknown` is ok (sending it again
        could not make the answer truer) though not a confirmed change: its detail says why."""
        return self.status not in (OutcomeStatus.INVALID, OutcomeStatus.DUPLICATE, OutcomeStatus.FAILED)


class UniformOutcomes(Sequence[Outcome]):
    """The same outcome for every value of a batch, the usual answer to a 1,000-value call. Each
    `Outcome` is made only when someone looks: a bulk run of 100,000 values mostly never does."""

    __slots__ = ("detail", "error", "status", "values")

    def __init__(
        self, values: Sequence[str], status: OutcomeStatus, error: ApiError | None = None, detail: str = ""
    ) -> None:
        self.values = values
        self.status = status
        self.error = error
        self.detail = detail

    @property
    def plain(self) -> bool:
        """Answered, with nothing more to say: not failed, no detail, no error (an `unknown` always says why)."""
        return self.status is not OutcomeStatus.FAILED and not self.detail and self.error is None

    def __len__(self) -> int:
        return len(self.values)

    @overload
    def __getitem__(self, index: int) -> Outcome: ...
    @overload
    def __getitem__(self, index: slice) -> UniformOutcomes: ...
    def __getitem__(self, index: int | slice) -> Outcome | UniformOutcomes:
        if isinstance(index, slice):
            return UniformOutcomes(self.values[index], self.status, self.error, self.detail)
        return Outcome(self.values[index], self.status, self.error, self.detail)

    def __repr__(self) -> str:
        return f"UniformOutcomes({len(self.values)} values, {self.status.value})"


RetryHook = Callable[[ApiError, int, float], None]
"""Called before a retry with (error, attempt number, delay in seconds): progress, not an error."""


# ---------------------------------------------------------------- the list


class OptOutList(ABC):
    """An opt-out list at one vendor."""

    kind: ListKind
    columns: tuple[Column, ...]
    limits: ListLimits

    @property
    def name(self) -> str:
        return self.kind.label

    @abstractmethod
    async def fetch_page(self, flt: ListFilter, index: int) -> Page:
        """Fetch page `index` (0-based) for `flt`. Random access, so a view can load lazily."""

    async def pages(self, flt: ListFilter, *, in_flight: int | None = None) -> AsyncGenerator[Page, None]:
        """Every page for `flt`, in order, with up to `in_flight` requests running ahead.

        Works without a total count: pages are fetched speculatively in a window and the walk
        stops at the first page marked last; requests past it are cancelled.
        """
        import asyncio  # here, not at the top: the command line parses input before it loads asyncio

        window = max(1, in_flight or self.limits.max_in_flight)
        pending: dict[int, asyncio.Task[Page]] = {}
        next_to_start = 0
        next_to_yield = 0
        stop_at: int | None = None
        try:
            while True:
                while len(pending) < window and (stop_at is None or next_to_start <= stop_at):
                    pending[next_to_start] = asyncio.ensure_future(self.fetch_page(flt, next_to_start))
                    next_to_start += 1
                if next_to_yield not in pending:
                    return  # past the page count the vendor gave
                page = await pending.pop(next_to_yield)
                next_to_yield += 1
                yield page
                if page.last:
                    return
                if page.page_count is not None and stop_at is None:
                    stop_at = max(page.index, page.page_count - 1)
                    for index in [i for i in pending if i > stop_at]:
                        pending.pop(index).cancel()
        finally:
            for task in pending.values():
                task.cancel()
            if pending:
                await asyncio.gather(*pending.values(), return_exceptions=True)

    async def entries(self, flt: ListFilter, *, limit: int | None = None) -> AsyncIterator[Entry]:
        """Every entry for `flt`, streamed page by page (constant memory)."""
        count = 0
        async for page in self.pages(flt):
            for entry in page.entries:
                yield entry
                count += 1
                if limit is not None and count >= limit:
                    return

    @abstractmethod
    async def lookup(self, value: str) -> Entry | None:
        """The entry for one canonical value, or None when it is not on the list."""

    async def lookup_all(self, values: Sequence[str]) -> dict[str, Entry | ApiError | None]:
        """`lookup` of every value, `limits.max_in_flight` at a time; a lookup that failed gives its error."""
        import asyncio  # here, not at the top: see `pages`

        gate = asyncio.Semaphore(max(1, self.limits.max_in_flight))

        async def one(value: str) -> Entry | ApiError | None:
            async with gate:
                try:
                    return await self.lookup(value)
                except ApiError as exc:
                    return exc

        return dict(zip(values, await asyncio.gather(*map(one, values)), strict=True))

    @abstractmethod
    async def register(self, values: Sequence[str], **extra: str) -> Sequence[Outcome]:
        """Add canonical values; one outcome per value. Chunks by `limits.batch_size` itself."""

    @abstractmethod
    async def remove(self, values: Sequence[str]) -> Sequence[Outcome]:
        """Remove canonical values; one outcome per value."""

    @abstractmethod
    def _clients(self) -> Sequence[VendorHttp]:
        """Every HTTP client the list sends through (its vendor's, and a token endpoint's if it has one)."""

    @contextmanager
    def retries(self, hook: RetryHook) -> Iterator[None]:
        """Tell `hook` of each retry the list's clients make (429, 5xx, timeouts) while inside, so that a
        bulk run can show them as progress. Hooks stack: each one present hears every retry."""
        clients = self._clients()
        for http in clients:
            http.retry_hooks.append(hook)
        try:
            yield
        finally:
            for http in clients:
                http.retry_hooks.remove(hook)

    async def aclose(self) -> None:
        """Release connections."""
        for http in self._clients():
            await http.aclose()


class BatchedList(OptOutList):
    """A list whose vendor takes register/remove as batches: one `_send_batch` per `batch_size` values."""

    async def register(self, values: Sequence[str], **extra: str) -> Sequence[Outcome]:
        return await self._send_batches("register", values)

    async def remove(self, values: Sequence[str]) -> Sequence[Outcome]:
        return await self._send_batches("remove", values)

    async def _send_batches(self, action: str, values: Sequence[str]) -> Sequence[Outcome]:
        size = max(1, self.limits.batch_size)
        if len(values) <= size:  # one call (what the bulk engine sends): its answer as it came
            return await self._send_batch(action, list(values))
        outcomes: list[Outcome] = []
        for start in range(0, len(values), size):
            outcomes += await self._send_batch(action, list(values[start : start + size]))
        return outcomes

    @abstractmethod
    async def _send_batch(self, action: str, chunk: list[str]) -> Sequence[Outcome]:
        """One vendor call for `chunk` ("register" or "remove"); one outcome per value."""

    async def _found_before(self, chunk: list[str]) -> dict[str, Entry | ApiError | None]:
        """Each value looked up before a removal whose answer will not say which were on the list. A failure
        other than a refused value (a 400, left for the removal itself to report) stops the chunk unsent."""
        found = await self.lookup_all(chunk)
        failed = next((f for f in found.values() if isinstance(f, ApiError) and f.status != 400), None)
        if failed is not None:
            raise failed
        return found

    def _removed(
        self, chunk: list[str], before: dict[str, Entry | ApiError | None], note: str = ""
    ) -> Sequence[Outcome]:
        """After a removal the vendor took: each value `removed` or `not_on_list` as it was found before, or
        `unknown` with `note` (or its lookup's error) where that cannot stand."""
        if not note and all(before[value] is not None and not isinstance(before[value], ApiError) for value in chunk):
            return UniformOutcomes(chunk, OutcomeStatus.REMOVED)
        outcomes = []
        for value in chunk:
            found = before[value]
            if note:
                outcomes.append(Outcome(value, OutcomeStatus.UNKNOWN, detail=note))
            elif isinstance(found, ApiError):
                why = f"{self.name} took the removal; looking it up before failed: {found.message}"
                outcomes.append(Outcome(value, OutcomeStatus.UNKNOWN, found, why))
            else:
                outcomes.append(
                    Outcome(value, OutcomeStatus.REMOVED if found is not None else OutcomeStatus.NOT_ON_LIST)
                )
        return outcomes


@dataclass(slots=True)
class Lists:
    """The lists of one profile, as handed to the CLI and the dashboard."""

    sms: OptOutList | None = None
    email: OptOutList | None = None
    n080: OptOutList | None = None
    nhn_sms: OptOutList | None = None
    nhn_email: OptOutList | None = None
    problems: dict[ListKind, str] = field(default_factory=dict)  # why a list is unavailable

    def get(self, kind: ListKind) -> OptOutList | None:
        return getattr(self, ListKind(kind).name.lower())  # SMS -> sms, NHN_EMAIL -> nhn_email

    def available(self) -> list[OptOutList]:
        return [lst for lst in map(self.get, ListKind) if lst is not None]

    async def aclose(self) -> None:
        for lst in self.available():
            await lst.aclose()
