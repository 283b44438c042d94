"""NAVER Cloud Outbound Mailer: the addresses that unsubscribed from advertising email."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from ..times import from_ms, now_ms, parse_vendor_time, to_ms
from .answers import CallWindow, as_int, call_window, json_answer
from .base import (
    BatchedList,
    Column,
    EmailEntry,
    Entry,
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
from .ncp_signing import with_query

# The list call needs a date range; "the whole history" is from here to tomorrow.
HISTORY_START = datetime(2000, 1, 1, tzinfo=UTC)
IGNORED = "the Mailer ignored it and it is not on the list: it refused the address"
NOT_THERE = "the vendor accepted the call but the address is not on the list"


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
        response = await self._http.request("GET", with_query("/unsubscribers", self._params(flt, index)))
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

    async def _send_batch(
        self, action: str, chunk: list[str], before: dict[str, Entry | ApiError | None] | None = None
    ) -> Sequence[Outcome]:
        """One call for the chunk, and what it did to each value. The Mailer answers counts only, so a removal
        looks each value up first (`before`), and a registration that ignored some looks them up after."""
        method = "POST" if action == "register" else "DELETE"
        try:
            if method == "DELETE" and before is None:
                before = await self._found_before(chunk)
            sent_ms, clock = now_ms(), time.monotonic()
            response = await self._http.request(method, "/unsubscribers", json={"blockedReceivers": chunk})
        except ApiError as exc:
            if exc.status == 400 and exc.code == "77102" and len(chunk) > 1:
                half = len(chunk) // 2
                return [
                    *await self._send_batch(action, chunk[:half], before),
                    *await self._send_batch(action, chunk[half:], before),
                ]
            status = OutcomeStatus.INVALID if exc.status == 400 and exc.code == "77102" else OutcomeStatus.FAILED
            return UniformOutcomes(chunk, status, error=exc, detail=exc.message)
        counts = json_answer(response, self._http.service) if response.content else {}
        changed, ignored = as_int(counts.get("count")), as_int(counts.get("ignoreCount"))
        if before is not None:
            found = sum(entry is not None and not isinstance(entry, ApiError) for entry in before.values())
            agree = changed is None or changed == found
            return self._removed(
                chunk,
                before,
                ""
                if agree
                else f"the Mailer removed {changed} of these "
                f"{len(chunk)}, but {found} were on the list just before: which ones cannot be told",
            )
        if ignored == 0:
            return UniformOutcomes(chunk, OutcomeStatus.REGISTERED)
        return await self._registered(chunk, ignored, call_window(response, sent_ms, time.monotonic() - clock))

    async def _registered(self, chunk: list[str], ignored: int | None, window: CallWindow) -> list[Outcome]:
        """Which values a registration that ignored some (already on the list, or refused) put on the list: each
        one looked up, those found split by the count ignored (`_check_counts`), or placed by their time stamps
        against the call's window where the Mailer gave no count."""
        found = await self.lookup_all(chunk)
        absent = [value for value in chunk if found[value] is None]
        invalid = ignored is not None and len(absent) <= ignored  # the Mailer ignored them: it refused them
        outcomes = {
            value: Outcome(value, OutcomeStatus.INVALID, detail=IGNORED)
            if invalid
            else Outcome(value, OutcomeStatus.FAILED, detail=NOT_THERE)
            for value in absent
        }
        timed: dict[str, int] = {}
        for value in chunk:
            entry = found[value]
            if isinstance(entry, ApiError):
                outcomes[value] = Outcome(
                    value,
                    OutcomeStatus.UNKNOWN,
                    entry,
                    f"the Mailer took the change; looking it up afterwards failed: {entry.message}",
                )
            elif isinstance(entry, EmailEntry) and not entry.blocked_at:
                outcomes[value] = Outcome(value, OutcomeStatus.UNKNOWN, detail="the Mailer gave no readable time")
            elif isinstance(entry, EmailEntry):
                timed[value] = to_ms(entry.blocked_at)
                outcomes[value] = Outcome(value, window.status(timed[value]))
        if ignored is not None and len(timed) + len(absent) == len(chunk):  # what the counts say of the rest
            _check_counts(outcomes, timed, ignored - len(absent) if invalid else ignored)
        for value, stamp in timed.items():
            if outcomes[value].status is OutcomeStatus.UNKNOWN and not outcomes[value].detail:
                outcomes[value].detail = window.why(stamp)
        return [outcomes[value] for value in chunk]

    def _clients(self) -> tuple[VendorHttp]:
        return (self._http,)


def _check_counts(outcomes: dict[str, Outcome], timed: dict[str, int], already: int) -> None:
    """Settle the values found on the list (`timed`: value -> time stamp) with the number the Mailer says were
    there already: those are the oldest (each was stamped before the call, each it added during it), so the
    count splits them by their stamps alone, whatever the clocks say; values sharing the stamp where the
    split falls are unknown. A value stamped before the call could reach the Mailer (already `already` in
    `outcomes`) among those the split calls added means the count and the lookups disagree: all unknown."""
    order = sorted(timed, key=timed.__getitem__)
    certain = sum(outcomes[value].status is OutcomeStatus.ALREADY for value in order)
    if not certain <= already <= len(order):
        why = f"the Mailer says {already} of these were on the list already; the lookups say otherwise"
        for value in order:
            outcomes[value].status, outcomes[value].detail = OutcomeStatus.UNKNOWN, why
        return
    split = timed[order[already - 1]] if 0 < already < len(order) else None
    tied = split is not None and timed[order[already]] == split
    for rank, value in enumerate(order):
        if tied and timed[value] == split:
            outcomes[value].status = OutcomeStatus.UNKNOWN
            outcomes[value].detail = (
                f"the Mailer says {already} of these were on the list already; this one "
                "shares its time stamp with one it added, so which cannot be told"
            )
        else:
            outcomes[value].status = OutcomeStatus.ALREADY if rank < already else OutcomeStatus.REGISTERED


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
