"""NAVER Cloud SENS: the numbers that refused advertising SMS."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..times import KST, now_ms, parse_vendor_time, to_ms
from .answers import CallWindow, call_window, json_answer
from .base import (
    BatchedList,
    Column,
    Entry,
    ListFilter,
    ListKind,
    ListLimits,
    Outcome,
    OutcomeStatus,
    Page,
    SmsEntry,
    UniformOutcomes,
)
from .errors import ApiError
from .http import VendorHttp
from .ncp_signing import with_query

SOURCES = {"C": "ARS", "M": "manual"}
MAX_BATCH = 1000  # the API takes at most 1,000 numbers a call
SPLIT_BUDGET = 64  # extra calls allowed per batch to find the values behind a 400
NOT_THERE = "the vendor accepted the call but the number is not on the list"
EMPTY_404 = (
    "SENS answered HTTP 404 with no body, as it does for an empty list and possibly for an unknown service id: "
    "if the list should not be empty, check the service id in the NAVER Cloud console"
)


class SensSmsList(BatchedList):
    kind = ListKind.SMS
    columns = (
        Column("number", "Number", 15),
        Column("registered_at", "Registered at", 19),
        Column("source", "Source", 8),
    )

    def __init__(self, http: VendorHttp, service_id: str, *, page_size: int = 100, in_flight: int = 8) -> None:
        self._http = http
        self._path = f"/sms/v2/services/{service_id}/unsubscribes"  # colons sent raw, as the docs do
        self.limits = ListLimits(batch_size=MAX_BATCH, max_in_flight=in_flight, page_size=min(100, page_size))
        # SENS sends no total. A page shorter than a full one ends the list, but the server may cap
        # pageSize below what we ask: the longest page seen so far is a safe lower bound of the cap.
        self._longest_page = 0

    def _params(self, flt: ListFilter) -> dict[str, str | int]:
        params: dict[str, str | int] = {}
        if flt.search:
            params["clientTelNo"] = flt.search
        if flt.since is not None:
            params["startTime"] = to_ms(flt.since)
        if flt.until is not None:
            params["endTime"] = to_ms(flt.until)
        return params

    async def fetch_page(self, flt: ListFilter, index: int) -> Page:
        """Page `index`. SENS was seen answering a list that finds nothing with a 404 and no body instead of
        `[]`: that is a page with no rows (a lookup: not on the list); a 404 with an error body is an error."""
        size = self.limits.page_size
        params = {**self._params(flt), "pageSize": size, "pageIndex": index}
        try:
            response = await self._http.request("GET", with_query(self._path, params))
        except ApiError as exc:
            if exc.status == 404 and exc.empty_body:
                return Page(index=index, entries=[], last=True, note=EMPTY_404)
            raise
        rows = json_answer(response, self._http.service, list)
        entries = _entries(rows)
        self._longest_page = max(self._longest_page, len(entries))
        full = min(size, self._longest_page)
        last = not entries or len(entries) < full
        return Page(index=index, entries=entries, last=last)

    async def lookup(self, value: str) -> SmsEntry | None:
        page = await self.fetch_page(ListFilter(search=value), 0)
        for entry in page.entries:
            if entry.value == value:
                return entry  # type: ignore[return-value]
        return None

    async def _send_batch(
        self,
        action: str,
        chunk: list[str],
        budget: list[int] | None = None,
        before: dict[str, Entry | ApiError | None] | None = None,
    ) -> Sequence[Outcome]:
        """One call for the chunk, and what it did to each value. A 400 on several values is split in halves
        to find the bad ones, within a budget of extra calls, so a 400 that refuses every value costs tens
        of calls, not thousands. A delete answers nothing, so each value is looked up first (`before`)."""
        budget = budget if budget is not None else [SPLIT_BUDGET]
        method = "POST" if action == "register" else "DELETE"
        try:
            if method == "DELETE" and before is None:
                before = await self._found_before(chunk)
            sent_ms, clock = now_ms(), time.monotonic()
            response = await self._http.request(method, self._path, content=_body(chunk), headers=_JSON_BODY)
        except ApiError as exc:
            if exc.status == 400 and len(chunk) > 1 and budget[0] >= 2:
                budget[0] -= 2
                half = len(chunk) // 2
                left = await self._send_batch(action, chunk[:half], budget, before)
                return [*left, *await self._send_batch(action, chunk[half:], budget, before)]
            status = OutcomeStatus.INVALID if exc.status == 400 and len(chunk) == 1 else OutcomeStatus.FAILED
            return UniformOutcomes(chunk, status, error=exc, detail=exc.message)
        if before is not None:
            return self._removed(chunk, before)
        return await self._registered(chunk, response, call_window(response, sent_ms, time.monotonic() - clock))

    async def _registered(self, chunk: list[str], response: Any, window: CallWindow) -> Sequence[Outcome]:
        """Each value's outcome from the entries SENS answers (every number asked for, or only the new ones:
        the docs do not say) and a lookup of each value it left out, by their registration time."""
        rows = json_answer(response, self._http.service, list) if response.content.strip() else []
        if _all_new(rows, chunk, window):
            return UniformOutcomes(chunk, OutcomeStatus.REGISTERED)
        wanted = set(chunk)
        listed = {entry.number: entry for entry in _entries(rows) if entry.number in wanted}
        newest = max(
            (to_ms(entry.registered_at) for entry in listed.values() if entry.registered_at is not None), default=None
        )
        found: dict[str, Entry | ApiError | None] = {**listed}
        if len(listed) < len(chunk):
            found.update(await self.lookup_all([value for value in chunk if value not in listed]))
        outcomes = []
        for value in chunk:
            entry = found[value]
            if isinstance(entry, ApiError):
                outcomes.append(
                    Outcome(
                        value,
                        OutcomeStatus.UNKNOWN,
                        entry,
                        f"SENS took the change; looking it up afterwards failed: {entry.message}",
                    )
                )
            elif not isinstance(entry, SmsEntry):
                outcomes.append(Outcome(value, OutcomeStatus.FAILED, detail=NOT_THERE))
            elif entry.source == "ARS":  # the recipient's own call to the 080 line: never a call of ours
                outcomes.append(Outcome(value, OutcomeStatus.ALREADY))
            elif entry.registered_at is None:
                outcomes.append(Outcome(value, OutcomeStatus.UNKNOWN, detail="SENS gave no readable registration time"))
            else:
                stamp = to_ms(entry.registered_at)
                status = window.status(stamp, newest)
                outcomes.append(Outcome(value, status, detail=window.why(stamp) if status == "unknown" else ""))
        if all(
            outcome.status is OutcomeStatus.REGISTERED for outcome in outcomes
        ):  # the usual answer: every number new
            return UniformOutcomes(chunk, OutcomeStatus.REGISTERED)
        return outcomes

    def _clients(self) -> tuple[VendorHttp]:
        return (self._http,)


_JSON_BODY = {"Content-Type": "application/json"}


def _body(chunk: list[str]) -> bytes:
    """`[{"clientTelNo": "010..."}, ...]` as JSON. Canonical numbers are ASCII digits with nothing to
    escape, so a 1,000-number body is one join; anything else goes through the JSON encoder."""
    joined = "".join(chunk)
    if joined.isascii() and joined.isdigit():
        return ('[{"clientTelNo":"' + '"},{"clientTelNo":"'.join(chunk) + '"}]').encode()
    return json.dumps([{"clientTelNo": v} for v in chunk], ensure_ascii=False, separators=(",", ":")).encode()


_from_iso = datetime.fromisoformat


def _all_new(rows: list, chunk: list[str], window: CallWindow) -> bool:
    """The usual answer, every number of the chunk new, told from the raw rows with two time parses
    instead of one per row: SENS writes `registerTime` as Korean wall time in one fixed format, so
    text order is time order, and an outcome only grows from `already` towards `registered` as the
    stamp grows, so the oldest stamp decides for all."""
    if len(rows) != len(chunk):
        return False
    wanted, seen, stamps = set(chunk), set(), []
    for row in rows:
        if type(row) is not dict or row.get("registerType") != "M":
            return False
        number, moment = row.get("clientTelNo"), row.get("registerTime")
        if number not in wanted or type(moment) is not str or len(moment) != 23 or moment[10] != "T":
            return False
        seen.add(number)
        stamps.append(moment)
    if len(seen) != len(wanted):
        return False
    try:
        oldest, newest = (to_ms(_from_iso(moment + "+09:00")) for moment in (min(stamps), max(stamps)))
    except ValueError:
        return False
    return window.status(oldest, newest) is OutcomeStatus.REGISTERED


def _entries(rows: list) -> list[SmsEntry]:
    """Rows of a page as entries: 100 a page, 1,000 pages for a big list, so the usual row (SENS's
    `2025-11-21T16:10:47.884`, registerType C or M) takes a short path; any other goes to `_entry`."""
    out: list[SmsEntry] = []
    append = out.append
    sources = SOURCES
    for row in rows:
        if type(row) is dict:
            number, moment, kind = row.get("clientTelNo"), row.get("registerTime"), row.get("registerType")
            if (
                type(number) is str
                and type(moment) is str
                and len(moment) == 23
                and moment[10] == "T"
                and kind in sources
            ):
                try:
                    # astimezone(KST) is twice as fast as .replace(tzinfo=KST): the same instant and tzinfo
                    append(SmsEntry(number, _from_iso(moment + "+09:00").astimezone(KST), sources[kind]))
                    continue
                except ValueError:
                    pass
        append(_entry(row))
    return out


def _entry(row: dict) -> SmsEntry:
    register_type = str(row.get("registerType", "")).upper()
    return SmsEntry(
        number=str(row.get("clientTelNo", "")),
        registered_at=parse_vendor_time(row.get("registerTime")),  # type: ignore[arg-type]
        source=SOURCES.get(register_type, register_type or "?"),
    )
