"""NAVER Cloud Outbound Mailer: the addresses that unsubscribed from advertising email."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from .answers import as_int, json_answer
from .base import (
    BatchedList,
    Column,
    EmailEntry,
    ListFilter,
    ListKind,
    ListLimits,
    Outcome,
    OutcomeStatus,
    Page,
    UniformOutcomes,
)
from .errors import ApiError
from .http import VendorHttp
from ..times import from_ms, parse_vendor_time, to_ms

# The list call needs a date range; "the whole history" is from here to tomorrow.
HISTORY_START = datetime(2000, 1, 1, tzinfo=UTC)


class MailerEmailList(BatchedList):
    kind = ListKind.EMAIL
    columns = (
        Column("address", "Address", 36),
        Column("blocked_at", "Blocked at", 19),
        Column("by_admin", "Registered by", 13),
    )

    def __init__(self, http: VendorHttp, *, page_size: int = 100, batch_size: int = 1000, in_flight: int = 8) -> None:
        self._http = http
        self.limits = ListLimits(batch_size=batch_size, max_in_flight=in_flight, page_size=page_size)

    def _params(self, flt: ListFilter, index: int) -> list[tuple[str, str | int]]:
        since = flt.since or HISTORY_START
        until = flt.until or (datetime.now(UTC) + timedelta(days=1))
        params: list[tuple[str, str | int]] = [
            ("startUtc", to_ms(since)),
            ("endUtc", to_ms(until)),
            ("size", self.limits.page_size),
            ("page", index),
            ("sort", "createUtc,desc" if flt.newest_first else "createUtc,asc"),
        ]
        if flt.search:
            params.append(("emailAddress", flt.search))
        if flt.by_admin is not None:
            params.append(("isRegByManager", "true" if flt.by_admin else "false"))
        return params

    async def fetch_page(self, flt: ListFilter, index: int) -> Page:
        response = await self._http.request("GET", "/unsubscribers", params=self._params(flt, index))
        data = json_answer(response, self._http.service)
        content = data.get("content") or []
        entries = [_entry(row) for row in content if isinstance(row, dict)]
        total_pages = as_int(data.get("totalPages"))
        # Page by the answer's own fields; the requested size may not have been honoured.
        if isinstance(data.get("last"), bool):
            last = data["last"]
        elif total_pages is not None:
            last = index >= total_pages - 1
        else:
            last = not entries
        return Page(
            index=index, entries=entries, last=last, total=as_int(data.get("totalElements")), page_count=total_pages
        )

    async def lookup(self, value: str) -> EmailEntry | None:
        # Case never tells two addresses apart here (README); the vendor's `emailAddress` filter may,
        # so ask for the address as typed, then in lower case, and compare the answers ignoring case.
        wanted = value.lower()
        for form in dict.fromkeys((value, wanted)):
            page = await self.fetch_page(ListFilter(search=form), 0)
            for entry in page.entries:
                if entry.value.lower() == wanted:
                    return entry  # type: ignore[return-value]
        return None

    async def _send_batch(self, action: str, chunk: list[str]) -> Sequence[Outcome]:
        method = "POST" if action == "register" else "DELETE"
        try:
            response = await self._http.request(method, "/unsubscribers", json={"blockedReceivers": chunk})
        except ApiError as exc:
            if exc.status == 400 and exc.code == "77102" and len(chunk) > 1:
                half = len(chunk) // 2
                return [*await self._send_batch(action, chunk[:half]), *await self._send_batch(action, chunk[half:])]
            status = OutcomeStatus.INVALID if exc.status == 400 and exc.code == "77102" else OutcomeStatus.FAILED
            return UniformOutcomes(chunk, status, error=exc, detail=exc.message)
        counts = json_answer(response, self._http.service) if response.content else {}
        changed = as_int(counts.get("count"))
        ignored = as_int(counts.get("ignoreCount")) or 0
        # The Mailer answers with counts only. All changed, or all ignored, is exact; a mix is
        # reported on every value of the batch, since the vendor does not say which were ignored.
        if ignored == 0:
            return UniformOutcomes(chunk, OutcomeStatus.DONE)
        if changed == 0:
            why = "already on the list" if method == "POST" else "not on the list"
            return UniformOutcomes(chunk, OutcomeStatus.ALREADY, detail=why)
        note = f"batch of {len(chunk)}: {changed} changed, {ignored} ignored (already in that state)"
        return UniformOutcomes(chunk, OutcomeStatus.DONE, detail=note)

    def _clients(self) -> tuple[VendorHttp]:
        return (self._http,)


def _entry(row: dict) -> EmailEntry:
    block = row.get("blockDate") or {}
    when = None
    if isinstance(block, dict):
        if block.get("utc") is not None:
            when = from_ms(float(block["utc"]))
        else:
            when = parse_vendor_time(block.get("formattedDateTime"))
    by_admin = row.get("isRegByManager")
    return EmailEntry(
        address=str(row.get("address", "")),
        blocked_at=when,  # type: ignore[arg-type]
        by_admin=by_admin is True or str(by_admin).lower() == "true",
    )
