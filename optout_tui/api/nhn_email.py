"""NHN Cloud Email: the addresses blocked from advertising email ("수신 거부 관리", block-receivers).

The app key is in the path, the secret in `X-Secret-Key` (`nhn_envelope.secret_key_auth`). Pages are 1-based
(`pageNum`) with a `totalCount`. A write answers nothing but a result code, and what an already listed address
or a missing one does to a call is not documented (shared/api/nhn-email-unsubscribers.md): so each value is
looked up first, only those a write can change are sent (an address listed again might get a new blockDate, the
date the person opted out), and where the answer still leaves a value open (partial success, a refused call
holding several) the values are looked up again or sent apart until each one's answer is its own.
"""

from __future__ import annotations

from asyncio import gather
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from ..times import KST, parse_vendor_time
from .answers import as_int
from .base import (
    BatchedList,
    Column,
    ListFilter,
    ListKind,
    ListLimits,
    NhnEmailEntry,
    Outcome,
    OutcomeStatus,
    Page,
    UniformOutcomes,
)
from .errors import ApiError
from .http import VendorHttp
from .nhn_envelope import ResultCode, checked_body, explained

JSON_UTF8 = {"Content-Type": "application/json;charset=UTF-8"}  # the docs ask for it on every call
PARTIAL = 1000  # "Some of your requests are successful." (isSuccessful true); which ones is not said
MAX_PAGE_SIZE = 1000  # -2048 above
RETRY_LATER = "the vendor had a problem; retry later"
CODES = {
    "-1000": ResultCode("the app key is not valid", auth=True),
    "-1001": ResultCode("no NHN Cloud Email service exists for this app key", auth=True),
    "-1002": ResultCode("the Email service of this app key is disabled in the NHN Cloud console", auth=True),
    "-1004": ResultCode("the secret key (X-Secret-Key) is not valid", auth=True),
    "-1005": ResultCode(
        "NHN Cloud has blocked the Email service of this app key for now",
        "see the NHN Cloud console or ask its support; retrying at once will not help",
    ),
    "-2000": ResultCode("a date was refused (the API takes yyyy-MM-dd HH:mm:ss)"),
    "-2048": ResultCode("a page size above 1000 was refused"),
    "-2302": ResultCode("a parameter value was refused"),
    "-2303": ResultCode("a call with more than the allowed number of addresses (1000) was refused"),
    "-2304": ResultCode("the address is already registered"),
    "-2305": ResultCode("the call had no address list (blockReceiverList)"),
    "-2308": ResultCode("not a valid email address"),
    "-2309": ResultCode("NHN Cloud Email failed to add the addresses", RETRY_LATER),
    "-2310": ResultCode("the address is a duplicate (already listed, or twice in one call)"),
    "-9993": ResultCode("NHN Cloud Email could not read the request's parameters (binding error)"),
    "-9995": ResultCode("NHN Cloud Email refused the request as invalid"),
    "-9996": ResultCode("NHN Cloud Email takes only application/json"),
    "-9997": ResultCode("NHN Cloud Email could not read the request body"),
    "-9998": ResultCode(
        "no such NHN Cloud Email API", "check the endpoint URL (OPTOUT_NHN_EMAIL_URL or nhn_email_url)"
    ),
    "-9999": ResultCode("NHN Cloud Email had an internal error", RETRY_LATER),
}
DUPLICATE = frozenset({"-2304", "-2310"})  # on register: that address is there already (the notes' reading)
REFUSED_VALUE = frozenset({"-2302", "-2308"})
SEND_APART = DUPLICATE | REFUSED_VALUE | {"-2303"}  # a refused call of several: which value, or too many at once
PARTLY = "NHN Cloud Email said only some of the call went through"


class NhnEmailList(BatchedList):
    kind = ListKind.NHN_EMAIL
    columns = (Column("address", "Address", 40), Column("blocked_at", "Blocked at", 19))

    def __init__(
        self, http: VendorHttp, app_key: str, *, page_size: int = 100, batch_size: int = 500, in_flight: int = 8
    ) -> None:
        """`batch_size`: the docs state no cap; -2303 speaks of 1000, and a call refused as too long is sent in
        halves, so a smaller real cap costs calls, not values."""
        self._http = http
        self._path = f"/email/v2.1/appKeys/{quote(app_key, safe='')}/block-receivers"
        self.limits = ListLimits(
            batch_size=batch_size, max_in_flight=in_flight, page_size=min(page_size, MAX_PAGE_SIZE)
        )

    async def _call(self, method: str, *, params=None, json=None) -> dict:
        """One call; its answer once `header.isSuccessful` says it went through, else one clear ApiError."""
        try:
            response = await self._http.request(method, self._path, params=params, json=json, headers=JSON_UTF8)
        except ApiError as exc:  # a failure answered with a 4xx/5xx status
            raise explained(exc, CODES) from None
        return checked_body(response, self._http.service, CODES)  # one answered with HTTP 200

    # ---------------------------------------------------------------- reading

    async def fetch_page(self, flt: ListFilter, index: int) -> Page:
        return await self._page(flt, index, self.limits.page_size)

    async def _page(self, flt: ListFilter, index: int, size: int) -> Page:
        params: dict[str, str | int] = {"pageNum": index + 1, "pageSize": size}
        if flt.search:
            params["mailAddress"] = flt.search
        dated = flt.since is not None or flt.until is not None
        if dated:  # always both (whether one alone is taken is not documented), in whole seconds of KST
            since = flt.since or datetime(2000, 1, 1, tzinfo=UTC)
            until = flt.until or datetime.now(UTC) + timedelta(days=1)
            params["startBlockDate"] = _kst_second(since)
            # The next whole second: whether the end is inclusive is not documented, and times have fractions
            params["endBlockDate"] = _kst_second(until + timedelta(seconds=1))
        answer = await self._call("GET", params=params)
        body: dict = answer["body"] if isinstance(answer.get("body"), dict) else answer
        rows = body.get("data") or []
        entries = [_entry(row) for row in rows if isinstance(row, dict)]
        total = as_int(body.get("totalCount"))
        if total is not None:
            last = (index + 1) * size >= total or not entries
            page_count: int | None = max(1, -(-total // size))
        else:
            last, page_count = len(entries) < size, None
        if dated:  # the vendor's window is a little wider than asked: cut it exactly here
            entries = [e for e in entries if _within(e, flt)]
            total = None
        return Page(index=index, entries=entries, last=last, total=total, page_count=page_count)

    async def lookup(self, value: str) -> NhnEmailEntry | None:
        # Case never tells two addresses apart here (README); NHN's `mailAddress` filter may, and may match
        # part of an address: ask for the address as typed, then in lower case, and compare ignoring case.
        wanted = value.lower()
        for form in dict.fromkeys((value, wanted)):
            index = 0
            while True:
                page = await self._page(ListFilter(search=form), index, MAX_PAGE_SIZE)
                found = next((e for e in page.entries if e.value.lower() == wanted), None)
                if found is not None:
                    return found  # type: ignore[return-value]
                if page.last:
                    break
                index += 1
        return None

    # ---------------------------------------------------------------- writing

    async def _send_batch(self, action: str, chunk: list[str]) -> Sequence[Outcome]:
        """Each value looked up first: registering one that is listed, or removing one that is not, is not sent.
        Addresses that differ only in case are one person: sent once, each answered as the first."""
        register = action == "register"
        firsts: dict[str, str] = {}
        for value in chunk:
            firsts.setdefault(value.lower(), value)
        try:
            before = await self._found(list(firsts.values()))
        except ApiError as exc:
            return UniformOutcomes(chunk, OutcomeStatus.FAILED, exc, exc.message)
        settled: dict[str, Outcome] = {}
        send: dict[str, str] = {}  # value -> the address to send (a removal sends it as listed)
        for value in firsts.values():
            entry = before[value]
            if register and entry is not None:
                settled[value] = Outcome(value, OutcomeStatus.ALREADY)
            elif not register and entry is None:
                settled[value] = Outcome(value, OutcomeStatus.NOT_ON_LIST)
            else:
                send[value] = value if register else entry.value  # type: ignore[union-attr]
        settled.update(await self._write(register, send))
        outcomes = [settled[firsts[value.lower()]] for value in chunk]
        first = outcomes[0]
        if all(o.status is first.status and not o.detail and o.error is None for o in outcomes):
            return UniformOutcomes(chunk, first.status)
        return [Outcome(value, o.status, o.error, o.detail) for value, o in zip(chunk, outcomes, strict=True)]

    async def _found(self, values: list[str]) -> dict[str, NhnEmailEntry | None]:
        """Each value's entry, or None: read off the whole list where that takes fewer calls than a lookup each
        (most lists are a few thousand addresses; then case never hides an entry), else looked up one by one."""
        first = await self._page(ListFilter(), 0, MAX_PAGE_SIZE) if len(values) > 2 else None
        if first is None or first.page_count is None or first.page_count > len(values) // 2:
            found = await self.lookup_all(values)
            failed = next((entry for entry in found.values() if isinstance(entry, ApiError)), None)
            if failed is not None:
                raise failed
            return found  # type: ignore[return-value]
        pages = [
            first,
            *await gather(*(self._page(ListFilter(), i, MAX_PAGE_SIZE) for i in range(1, first.page_count))),
        ]
        listed = {entry.value.lower(): entry for page in pages for entry in page.entries}
        return {value: listed.get(value.lower()) for value in values}  # type: ignore[misc]

    async def _write(self, register: bool, send: dict[str, str]) -> dict[str, Outcome]:
        """One POST (register) or PUT with `deleted` (remove) of `send`, and what it did to each value."""
        if not send:
            return {}
        done = OutcomeStatus.REGISTERED if register else OutcomeStatus.REMOVED
        items = [{"mailAddress": address} for address in send.values()]
        try:
            if register:
                answer = await self._call("POST", json={"blockReceiverList": items})
            else:
                answer = await self._call("PUT", json={"deleted": True, "blockReceiverList": items})
        except ApiError as exc:
            if exc.code in SEND_APART and len(send) > 1:
                return await self._apart(register, send)
            if register and exc.code in DUPLICATE:
                return {value: Outcome(value, OutcomeStatus.ALREADY, detail=exc.message) for value in send}
            invalid = register and exc.code in REFUSED_VALUE
            status = OutcomeStatus.INVALID if invalid else OutcomeStatus.FAILED
            return {value: Outcome(value, status, exc, exc.message) for value in send}
        if as_int((answer.get("header") or {}).get("resultCode")) != PARTIAL:
            return {value: Outcome(value, done) for value in send}
        # Which went through is not said: look each one up; send those it did not change again, apart.
        try:
            after = await self._found(list(send))
        except ApiError as exc:
            why = f"{PARTLY}; looking the addresses up afterwards failed: {exc.message}"
            return {value: Outcome(value, OutcomeStatus.UNKNOWN, exc, why) for value in send}
        outcomes = {value: Outcome(value, done) for value in send if (after[value] is not None) == register}
        rest = {value: address for value, address in send.items() if value not in outcomes}
        if rest and len(send) == 1:  # alone, and still not changed: say so rather than loop
            [value] = rest
            where = "not on the list" if register else "still on the list"
            return {value: Outcome(value, OutcomeStatus.FAILED, detail=f"{PARTLY}, and this address is {where}")}
        outcomes.update(await (self._apart(register, rest) if len(rest) == len(send) else self._write(register, rest)))
        return outcomes

    async def _apart(self, register: bool, send: dict[str, str]) -> dict[str, Outcome]:
        """`send` in two halves, so that a refusal or a partial success comes down to the values it is about."""
        pairs = list(send.items())
        half = len(pairs) // 2
        return {
            **await self._write(register, dict(pairs[:half])),
            **await self._write(register, dict(pairs[half:])),
        }

    def _clients(self) -> tuple[VendorHttp]:
        return (self._http,)


def _kst_second(moment: datetime) -> str:
    return moment.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")


def _within(entry: NhnEmailEntry, flt: ListFilter) -> bool:
    when = entry.blocked_at
    if when is None:
        return True
    return not ((flt.since is not None and when < flt.since) or (flt.until is not None and when > flt.until))


def _entry(row: dict) -> NhnEmailEntry:
    """`blockDate` is a Java Timestamp string in KST: `2019-01-01 00:00:00.0`, 1 to 3 fraction digits."""
    return NhnEmailEntry(address=str(row.get("mailAddress") or ""), blocked_at=parse_vendor_time(row.get("blockDate")))
