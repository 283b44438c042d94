"""NHN Cloud SMS: the recipients who opted out through one of the company's 080 numbers ("080 수신 거부 서비스").

Each row is an (080 number, recipient) pair: one recipient can be on several of the company's 080 numbers. Every
call names its 080 number (older docs required it), so a list or a lookup without one goes through each of the
company's numbers in turn. The vendor answers a change with a bare success, so each value is looked up on its 080
number first: a registration sends only the recipients not on it yet (an opt-out keeps its own date) and a removal
only those on it (what the vendor does with a missing one is undocumented); after a failed removal each one is
looked up again, since the vendor may have removed some of them.
"""

from __future__ import annotations

import asyncio
import copy
import getpass
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

from ..times import KST, parse_vendor_time
from .answers import as_int
from .base import (
    BatchedList,
    Column,
    Entry,
    ListFilter,
    ListKind,
    ListLimits,
    NhnSmsEntry,
    Outcome,
    OutcomeStatus,
    Page,
    UniformOutcomes,
)
from .errors import ApiError
from .http import VendorHttp
from .nhn_envelope import ResultCode, checked_body, explained

NUMBERS_TTL = 60.0  # seconds the company's 080 numbers are reused
MAX_BATCH = 10  # `recipientNoList` takes at most 10 recipients a call
MAX_PAGE = 1000
MAX_UPDATE_USER = 100
PARAM_ERROR = "4"  # parameter validation failed: also what a remove with the other parameter name gets
INVALID_RECIPIENT = "-2019"
NOT_JOINED_NUMBER = "-6004"
REMOVE_PARAMS = ("recipientNoList", "recipientNo")  # the URL template's name, then the parameter table's
_JSON = {"Content-Type": "application/json;charset=UTF-8"}  # on every call, GET and DELETE too, as the docs do
_CHECK_080 = "check the 080 number: it must be one of the project's 080 numbers (blockservice/unsubscribe-nos)"
_CONSOLE = "see the SMS service of the app key in the NHN Cloud console"
_OURS = "check the NHN SMS URL (OPTOUT_NHN_SMS_URL); if it is right, this is a bug in optout-tui"

# Every resultCode of the SMS error table this list can meet (ko/error-code.md, shared/api/nhn-sms-080-recipients.md).
CODES = {
    "4": ResultCode("NHN Cloud SMS refused a parameter (validation failed)"),
    "-1000": ResultCode("the app key is not valid", auth=True),
    "-1001": ResultCode("no NHN Cloud SMS app key like this one exists", auth=True),
    "-1002": ResultCode("the SMS service of this app key is disabled", _CONSOLE),
    # The SMS docs have no code for a wrong X-Secret-Key; NHN Email answers -1004 for it.
    "-1004": ResultCode("this machine's IP address is not allowed, or the secret key is wrong", auth=True),
    "-1005": ResultCode("NHN Cloud SMS refused the search condition"),
    "-1008": ResultCode("the NHN Cloud project is blocked", _CONSOLE),
    "-2000": ResultCode("NHN Cloud SMS refused a date's format"),
    "-2019": ResultCode("NHN Cloud SMS refused the recipient number as invalid"),
    "-6000": ResultCode("the project has not joined the 080 opt-out service (080 수신 거부)", _CONSOLE),
    "-6001": ResultCode("the recipient has opted out of advertising SMS"),
    "-6004": ResultCode("the 080 number is missing or not one of the project's", _CHECK_080),
    "-9995": ResultCode("NHN Cloud SMS does not know this API version", _OURS),
    "-9996": ResultCode("NHN Cloud SMS takes application/json only", _OURS),
    "-9997": ResultCode("NHN Cloud SMS could not read the request's JSON", _OURS),
    "-9998": ResultCode("NHN Cloud SMS has no such API", _OURS),
    "-9999": ResultCode("NHN Cloud SMS had an internal error", "the vendor had a problem; retry later"),
}


def default_update_user(profile: str) -> str:
    """Who removes, as a removal records it (`updateUser`, at most 100 characters): the OS user and the profile."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name (containers without a passwd entry)
        user = "unknown"
    return f"{user}@{profile}"[:MAX_UPDATE_USER]


@dataclass(frozen=True, slots=True)
class Sms080Number:
    """One of the company's 080 numbers at NHN Cloud SMS (its own, or shared to it by another project)."""

    number: str
    company: str  # enterpriseName
    status: str  # RESERVE_USE | USED | TERMINATE | EXTERNAL_REGIST | EXTERNAL_TERMINATE
    share_type: str  # MASTER (the project's own) | SHARE (shared to it)
    requested_at: datetime | None = None
    started_at: datetime | None = None


class NhnSmsList(BatchedList):
    """The company's opt-out recipients; `on(number080)` narrows it to one of its 080 numbers."""

    kind = ListKind.NHN_SMS
    columns = (
        Column("number080", "080 number", 13),  # 080-1234-5678
        Column("recipient", "Recipient", 15),
        Column("requested_at", "Requested at", 19),
    )

    def __init__(
        self,
        http: VendorHttp,
        app_key: str,
        *,
        update_user: str = "",
        page_size: int = 100,
        in_flight: int = 8,
    ) -> None:
        self._http = http
        self._base = f"/sms/v3.0/appKeys/{quote(app_key, safe='')}/blockservice"
        self.update_user = (update_user or default_update_user("default"))[:MAX_UPDATE_USER]
        self.number080: str | None = None
        self.limits = ListLimits(batch_size=MAX_BATCH, max_in_flight=in_flight, page_size=min(MAX_PAGE, page_size))
        self._learned = {"remove_param": REMOVE_PARAMS[0]}  # shared with every narrowed copy
        self._layout: tuple[ListFilter, asyncio.Future[list[tuple[str, int, int]]]] | None = None
        # The company's 080 numbers, read at most once a minute and shared with every narrowed copy: a lookup
        # on every list then costs one round trip, not two (they change when the company joins or leaves one).
        self._numbers: dict[str, tuple[float, asyncio.Future[list[Sms080Number]]]] = {}

    def on(self, number080: str, update_user: str | None = None) -> NhnSmsList:
        """This list narrowed to one 080 number (same connections): what register and remove act on."""
        view = copy.copy(self)
        view.number080 = number080
        view.update_user = (update_user or self.update_user)[:MAX_UPDATE_USER]
        view._layout = None
        return view

    async def _call(self, method: str, path: str, **kw) -> dict:
        try:
            response = await self._http.request(method, self._base + path, headers=_JSON, **kw)
        except ApiError as exc:
            raise explained(exc, CODES) from None
        return checked_body(response, self._http.service, CODES)

    # ------------------------------------------------------------ the company's 080 numbers

    async def numbers080(self, *, fresh: bool = False) -> list[Sms080Number]:
        """The company's 080 numbers, every status, in the vendor's order; read again after NUMBERS_TTL seconds,
        or at once with `fresh`. Concurrent callers share one read; a failed read is not kept."""
        loop = asyncio.get_running_loop()
        held = self._numbers.get("all")
        if (
            fresh
            or held is None
            or held[1].get_loop() is not loop
            or loop.time() - held[0] > NUMBERS_TTL
            or _failed(held[1])
        ):
            held = (loop.time(), asyncio.ensure_future(self._read_numbers080()))
            self._numbers["all"] = held
        return list(await asyncio.shield(held[1]))

    async def _read_numbers080(self) -> list[Sms080Number]:
        out: list[Sms080Number] = []
        page = 1
        while True:
            params = {"pageNum": page, "pageSize": MAX_PAGE}
            rows, total = _rows(await self._call("GET", "/unsubscribe-nos", params=params))
            out += [_number(row) for row in rows]
            if not rows or (len(out) >= total if total is not None else len(rows) < MAX_PAGE):
                return out
            page += 1

    async def number080_info(self, number080: str) -> Sms080Number | None:
        """One 080 number, or None when it is not one of the project's. The docs show `body.data` as a list of
        one (the example) and as an object (the field table): both are read."""
        try:
            rows, _total = _rows(await self._call("GET", f"/unsubscribe-nos/{quote(number080, safe='')}"))
        except ApiError as exc:
            if exc.code == NOT_JOINED_NUMBER:
                return None
            raise
        return next((_number(row) for row in rows), None)

    # ------------------------------------------------------------ pages

    def _params(self, flt: ListFilter, number080: str, page: int) -> dict[str, str | int]:
        params: dict[str, str | int] = {"unsubscribeNo": number080, "pageNum": page, "pageSize": self.limits.page_size}
        if flt.search:
            params["recipientNo"] = flt.search
        if flt.since is not None:
            params["startRequestDate"] = _kst(flt.since)
        if flt.until is not None:  # whether the end is inclusive is not documented: ask a second more, drop it here
            params["endRequestDate"] = _kst(flt.until.replace(microsecond=0) + timedelta(seconds=1))
        return params

    async def _fetch(self, flt: ListFilter, number080: str, local: int, index: int) -> Page:
        """Page `local` (0-based) of one 080 number's recipients, numbered `index`."""
        size = self.limits.page_size
        rows, total = _rows(await self._call("GET", "/recipients", params=self._params(flt, number080, local + 1)))
        entries = [entry for entry in (_entry(row, number080) for row in rows) if _within(entry, flt)]
        if total is None:
            return Page(index, entries, last=len(rows) < size)
        last = not rows or (local + 1) * size >= total
        return Page(index, entries, last, total, max(1, -(-total // size)))

    async def fetch_page(self, flt: ListFilter, index: int) -> Page:
        """Page `index` (0-based; the vendor counts from 1) of one 080 number, or of all of them one after another
        (laid out by each number's totalCount, measured again whenever page 0 is asked for, or after it failed)."""
        number = flt.number080 or self.number080
        if number:
            return await self._fetch(flt, number, index, index)
        known = self._layout
        if known is None or known[0] != flt or _failed(known[1]) or index == 0:
            known = self._layout = (flt, asyncio.ensure_future(self._measure(flt)))
        layout = await known[1]
        total, page_count = sum(t for _n, _c, t in layout), max(1, sum(c for _n, c, _t in layout))
        local = index
        for number, count, _total in layout:
            if local < count:
                page = await self._fetch(flt, number, local, index)
                return Page(index, page.entries, index >= page_count - 1, total, page_count)
            local -= count
        return Page(index, [], True, total, page_count)

    async def _measure(self, flt: ListFilter) -> list[tuple[str, int, int]]:
        """(080 number, its page count, its total) for each of the company's numbers."""
        numbers = [n.number for n in await self.numbers080()]
        firsts = await asyncio.gather(*(self._fetch(flt, number, 0, 0) for number in numbers))
        layout = []
        for number, first in zip(numbers, firsts, strict=True):
            if first.total is None:
                raise ApiError(self._http.service, f"the answer for {number} had no totalCount", retryable=False)
            layout.append((number, -(-first.total // self.limits.page_size), first.total))
        return layout

    async def pages(self, flt: ListFilter, *, in_flight: int | None = None) -> AsyncGenerator[Page, None]:
        """Every page, each 080 number's in turn, read until its own last page: recipients added while reading move
        the end further than the first totalCount said. A row seen twice (pushed onto the next page) comes once."""
        one = flt.number080 or self.number080
        numbers = [one] if one else [n.number for n in await self.numbers080()]
        index = 0
        for position, number in enumerate(numbers):
            final = position == len(numbers) - 1
            async with aclosing(self._walk(replace(flt, number080=number), in_flight)) as walk:
                async for page in walk:
                    whole = len(numbers) == 1
                    yield Page(
                        index,
                        page.entries,
                        page.last and final,
                        page.total if whole else None,
                        page.page_count if whole else None,
                    )
                    index += 1
        if not numbers:
            yield Page(0, [], True)

    async def _walk(self, flt: ListFilter, in_flight: int | None) -> AsyncGenerator[Page, None]:
        seen: set[str] = set()
        page: Page | None = None
        async with aclosing(super().pages(flt, in_flight=in_flight)) as pages:  # a cut-short read ends its fetches
            async for page in pages:
                yield _unseen(page, seen)
        while page is not None and not page.last:
            page = await self.fetch_page(flt, page.index + 1)
            yield _unseen(page, seen)

    # ------------------------------------------------------------ lookup

    async def lookup(self, value: str, number080: str | None = None) -> NhnSmsEntry | None:
        """The recipient on `number080` (or this list's), else on the first of the company's numbers it is on."""
        number = number080 or self.number080
        if number:
            async for page in self._walk(ListFilter(search=value, number080=number), 1):
                for listed in page.entries:
                    if isinstance(listed, NhnSmsEntry) and listed.value == value:
                        return listed
            return None
        found = await self.lookup_each(value)
        entry = next((f for f in found.values() if isinstance(f, NhnSmsEntry)), None)
        error = next((f for f in found.values() if isinstance(f, ApiError)), None)
        if entry is None and error is not None:
            raise error
        return entry

    async def lookup_each(self, value: str) -> dict[str, NhnSmsEntry | ApiError | None]:
        """The recipient on each of the company's 080 numbers (asked in parallel); a number whose lookup failed
        gives its error."""
        numbers = [n.number for n in await self.numbers080()]
        gate = asyncio.Semaphore(max(1, self.limits.max_in_flight))

        async def one(number: str) -> NhnSmsEntry | ApiError | None:
            async with gate:
                try:
                    return await self.lookup(value, number)
                except ApiError as exc:
                    return exc

        return dict(zip(numbers, await asyncio.gather(*map(one, numbers)), strict=True))

    # ------------------------------------------------------------ changes

    def _target(self, extra: dict[str, str], action: str) -> NhnSmsList:
        number = (extra.get("number080") or self.number080 or "").strip()
        if not number:
            raise ApiError(self._http.service, f"to {action} on NHN SMS, name the 080 number (--080)", retryable=False)
        return self.on(number, extra.get("update_user"))

    async def register(self, values: Sequence[str], **extra: str) -> Sequence[Outcome]:
        """Register on the 080 number `number080` (extra, or this list's)."""
        return await self._target(extra, "register")._send_batches("register", values)

    async def remove(self, values: Sequence[str], **extra: str) -> Sequence[Outcome]:
        """Remove from the 080 number `number080` (extra, or this list's), recorded as removed by `update_user`."""
        return await self._target(extra, "remove")._send_batches("remove", values)

    async def _before(self, chunk: list[str]) -> dict[str, Entry | ApiError | None]:
        """Each value's entry on this 080 number: read off the number's whole list where that takes fewer calls than
        a lookup each (most 080 numbers hold a few thousand recipients), else, or when the pages do not add up to
        their totalCount (a vendor capping the page size), looked up one by one."""
        number = self.number080
        if number is None or len(chunk) < 3:
            return await self.lookup_all(chunk)
        wide = copy.copy(self)
        wide.limits = replace(self.limits, page_size=MAX_PAGE)
        try:
            first = await wide._fetch(ListFilter(), number, 0, 0)
            count = first.page_count
            if count is None or count > len(chunk) // 2:
                return await self.lookup_all(chunk)
            rest = await asyncio.gather(*(wide._fetch(ListFilter(), number, i, i) for i in range(1, count)))
        except ApiError:
            return await self.lookup_all(chunk)
        listed = {e.value: e for page in (first, *rest) for e in page.entries if isinstance(e, NhnSmsEntry)}
        if len(listed) != first.total:
            return await self.lookup_all(chunk)
        return {value: listed.get(value) for value in chunk}

    async def _send_batch(self, action: str, chunk: list[str]) -> Sequence[Outcome]:
        """One call for the chunk's values that need it, and what became of each value."""
        before = await self._before(chunk)
        failed = next((f for f in before.values() if isinstance(f, ApiError) and not _refuses_value(f)), None)
        if failed is not None:
            return UniformOutcomes(chunk, OutcomeStatus.FAILED, failed, failed.message)
        refused = {v: f for v, f in before.items() if isinstance(f, ApiError)}  # a 400 on its lookup
        listed = [v for v in chunk if isinstance(before[v], NhnSmsEntry)]
        if action == "register":
            outcomes = {v: Outcome(v, OutcomeStatus.ALREADY) for v in listed}
            outcomes.update(await self._register([v for v in chunk if v not in outcomes]))
        else:
            outcomes = {v: Outcome(v, OutcomeStatus.INVALID, e, e.message) for v, e in refused.items()}
            outcomes.update({v: Outcome(v, OutcomeStatus.NOT_ON_LIST) for v in chunk if before[v] is None})
            outcomes.update(await self._remove(listed))
        first = outcomes[chunk[0]].status
        if all(outcomes[v].status is first and outcomes[v].error is None for v in chunk):
            return UniformOutcomes(chunk, outcomes[chunk[0]].status)
        return [outcomes[v] for v in chunk]

    async def _register(self, values: list[str]) -> dict[str, Outcome]:
        """Register `values` (none on the number yet); a refused call is split in halves to find the invalid ones."""
        if not values:
            return {}
        body = {"unsubscribeNo": self.number080, "recipientNoList": values}
        try:
            await self._call("POST", "/recipients", json=body)
        except ApiError as exc:
            about_values = _refuses_value(exc)
            if about_values and len(values) > 1:
                half = len(values) // 2
                return {**await self._register(values[:half]), **await self._register(values[half:])}
            status = OutcomeStatus.INVALID if about_values else OutcomeStatus.FAILED
            return {v: Outcome(v, status, exc, exc.message) for v in values}
        return {v: Outcome(v, OutcomeStatus.REGISTERED) for v in values}

    async def _remove(self, values: list[str], again: bool = True) -> dict[str, Outcome]:
        """Remove `values` (each on the number just before). After a failed call each one is looked up again: the
        vendor may have removed some, and one that left the list meanwhile may be why it refused the call (its
        answer to a missing recipient is undocumented), so those still there are sent once more."""
        if not values:
            return {}
        try:
            await self._delete(values)
        except ApiError as exc:
            after = await self.lookup_all(values)
            still = [v for v in values if isinstance(after[v], NhnSmsEntry)]
            if again and 0 < len(still) < len(values):
                outcomes = await self._remove(still, again=False)
            else:
                outcomes = {v: Outcome(v, OutcomeStatus.FAILED, exc, exc.message) for v in still}
            for value in values:
                now = after[value]
                if isinstance(now, ApiError):
                    why = f"the removal failed ({exc.message}) and looking it up again failed: {now.message}"
                    outcomes[value] = Outcome(value, OutcomeStatus.UNKNOWN, now, why)
                elif now is None:
                    outcomes[value] = Outcome(value, OutcomeStatus.REMOVED)
            return outcomes
        return {v: Outcome(v, OutcomeStatus.REMOVED) for v in values}

    async def _delete(self, values: list[str]) -> None:
        """One removal call. The recipients' parameter is `recipientNoList` in the docs' URL and `recipientNo` in
        their table: after a parameter error the other name is tried once, and kept if it works."""
        for attempt in (1, 2):
            name = self._learned["remove_param"]
            query = {"unsubscribeNo": self.number080, "updateUser": self.update_user, name: ",".join(values)}
            try:
                await self._call("DELETE", "/recipients/removes?" + urlencode(query, safe=",", quote_via=quote))
                return
            except ApiError as exc:
                if exc.code != PARAM_ERROR or attempt == 2:
                    raise
                self._learned["remove_param"] = REMOVE_PARAMS[1 - REMOVE_PARAMS.index(name)]

    def _clients(self) -> tuple[VendorHttp]:
        return (self._http,)


# ---------------------------------------------------------------- reading answers


def _rows(answer: dict) -> tuple[list[dict], int | None]:
    """`body.data` (a list, or one object) and `body.totalCount`."""
    body = answer.get("body")
    body = body if isinstance(body, dict) else {}
    data = body.get("data")
    rows = [data] if isinstance(data, dict) else data if isinstance(data, list) else []
    return [row for row in rows if isinstance(row, dict)], as_int(body.get("totalCount"))


def _refuses_value(error: ApiError) -> bool:
    """The vendor refused a value (or a parameter) rather than the call as such."""
    return error.code in (INVALID_RECIPIENT, PARAM_ERROR) or (error.code is None and error.status == 400)


def _digits(value: object) -> str:
    """A number as a string; a JSON number has lost its leading 0."""
    if isinstance(value, int) and not isinstance(value, bool):
        return "0" + str(value)
    return str(value or "")


def _entry(row: dict, number080: str) -> NhnSmsEntry:
    return NhnSmsEntry(
        number080=_digits(row.get("unsubscribeNo")) or number080,
        recipient=_digits(row.get("recipientNo")),
        requested_at=parse_vendor_time(row.get("requestDate")),  # KST wall time, 1 to 3 fraction digits
    )


def _number(row: dict) -> Sms080Number:
    return Sms080Number(
        number=_digits(row.get("unsubscribeNo")),
        company=str(row.get("enterpriseName") or ""),
        status=str(row.get("status") or ""),
        share_type=str(row.get("shareType") or ""),
        requested_at=parse_vendor_time(row.get("requestDateTime")),
        started_at=parse_vendor_time(row.get("startDateTime")),
    )


def _kst(moment: datetime) -> str:
    return moment.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")


def _within(entry: NhnSmsEntry, flt: ListFilter) -> bool:
    when = entry.requested_at  # the vendor reads dates to the second: the rest is kept here
    return when is None or ((flt.since is None or when >= flt.since) and (flt.until is None or when <= flt.until))


def _failed(future: asyncio.Future) -> bool:
    return future.done() and (future.cancelled() or future.exception() is not None)


def _unseen(page: Page, seen: set[str]) -> Page:
    entries: list[Entry] = []
    for entry in page.entries:
        if entry.value not in seen:
            seen.add(entry.value)
            entries.append(entry)
    return page if len(entries) == len(page.entries) else replace(page, entries=entries)
