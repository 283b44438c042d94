"""NAVER Cloud SENS: the numbers that refused advertising SMS."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from .answers import json_answer
from .base import (
    BatchedList,
    Column,
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
from ..times import KST, parse_vendor_time, to_ms

SOURCES = {"C": "ARS", "M": "manual"}
MAX_BATCH = 1000  # the API takes at most 1,000 numbers a call
SPLIT_BUDGET = 64  # extra calls allowed per batch to find the values behind a 400


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
        size = self.limits.page_size
        params = {**self._params(flt), "pageSize": size, "pageIndex": index}
        response = await self._http.request("GET", self._path, params=params)
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

    async def _send_batch(self, action: str, chunk: list[str], budget: list[int] | None = None) -> Sequence[Outcome]:
        """One call for the chunk. A 400 on several values is split in halves to find the bad ones,
        within a budget of extra calls, so a 400 that refuses every value costs tens of calls, not thousands."""
        budget = budget if budget is not None else [SPLIT_BUDGET]
        method = "POST" if action == "register" else "DELETE"
        try:
            await self._http.request(method, self._path, content=_body(chunk), headers=_JSON_BODY)
        except ApiError as exc:
            if exc.status == 400 and len(chunk) > 1 and budget[0] >= 2:
                budget[0] -= 2
                half = len(chunk) // 2
                left = await self._send_batch(action, chunk[:half], budget)
                return [*left, *await self._send_batch(action, chunk[half:], budget)]
            status = OutcomeStatus.INVALID if exc.status == 400 and len(chunk) == 1 else OutcomeStatus.FAILED
            return UniformOutcomes(chunk, status, error=exc, detail=exc.message)
        return UniformOutcomes(chunk, OutcomeStatus.DONE)

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


def _entries(rows: list) -> list[SmsEntry]:
    """Rows of a page as entries: 100 a page, 1,000 pages for a big list, so the usual row (SENS's
    `2025-11-21T16:10:47.884`, registerType C or M) takes a short path; any other goes to `_entry`."""
    out: list[SmsEntry] = []
    append = out.append
    sources = SOURCES
    for row in rows:
        if type(row) is dict:
            number, moment, kind = row.get("clientTelNo"), row.get("registerTime"), row.get("registerType")
            if type(number) is str and type(moment) is str and len(moment) == 23 and moment[10] == "T" and kind in sources:
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
