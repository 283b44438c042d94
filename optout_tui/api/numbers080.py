"""NHN Cloud Notification Hub: the company's own 080 opt-out numbers.

Not a list of recipients: each row is an 080 number the company publishes, with a company name
and a status. Only external numbers can be registered here, one per call.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from ..times import parse_vendor_time
from .answers import as_int, json_answer
from .base import Column, ListFilter, ListKind, ListLimits, Number080Entry, OptOutList, Outcome, OutcomeStatus, Page
from .errors import ApiError
from .http import VendorHttp
from .nhn_token import NhnTokenProvider

BASE = "/sender/v1.0/unsubscribe-phone-numbers"
ALREADY_REGISTERED = "404221"
NOT_REGISTERED = "404222"
INVALID_NUMBER = "400311"
AUTH_HEADER = "X-NHN-Authorization"


class HubAuth:
    """Adds the app key and a bearer token; after a 401 drops that token so a new one is fetched."""

    def __init__(self, app_key: str, tokens: NhnTokenProvider) -> None:
        self._app_key = app_key
        self.tokens = tokens

    async def __call__(self, request: httpx.Request) -> None:
        request.headers["X-NC-APP-KEY"] = self._app_key
        request.headers[AUTH_HEADER] = f"Bearer {await self.tokens.token()}"

    async def refresh(self, request: httpx.Request) -> bool:
        used = request.headers.get(AUTH_HEADER, "").removeprefix("Bearer ")
        return await self.tokens.invalidate(used or None)


class Hub080List(OptOutList):
    kind = ListKind.N080
    columns = (
        Column("number", "Number", 13),
        Column("company", "Company", 18),
        Column("status", "Status", 11),
        Column("provider", "Provider", 8),
        Column("share_status", "Share", 9),
        Column("terminable", "Term.", 5),
        Column("requested_at", "Requested", 10),
        Column("started_at", "Started", 10),
        Column("deleted_at", "Deleted", 10),
    )

    def __init__(self, http: VendorHttp, auth: HubAuth, *, page_size: int = 100, rate_per_second: float = 300) -> None:
        self._http = http
        self._auth = auth
        self.limits = ListLimits(batch_size=1, max_in_flight=8, rate_per_second=rate_per_second, page_size=page_size)

    async def fetch_page(self, flt: ListFilter, index: int) -> Page:
        size = self.limits.page_size
        params: dict[str, str | int] = {"limit": size, "offset": index * size}
        if flt.search:
            params["unsubscribePhoneNumber"] = flt.search
        response = await self._http.request("GET", BASE, params=params)
        data = _body(response, self._http.service)
        rows = data.get("unsubscribePhoneNumbers") or []
        entries = [_entry(row) for row in rows if isinstance(row, dict)]
        total = as_int(data.get("totalCount"))
        if total is not None:
            last = (index + 1) * size >= total or not entries
            page_count = max(1, -(-total // size))
        else:
            last = len(entries) < size
            page_count = None
        if flt.since is not None or flt.until is not None:  # the Hub has no date filter: apply it here
            entries = [e for e in entries if _within(e, flt)]
            total = None
        return Page(index=index, entries=entries, last=last, total=total, page_count=page_count)

    async def lookup(self, value: str) -> Number080Entry | None:
        try:
            response = await self._http.request("GET", f"{BASE}/{value}")
        except ApiError as exc:
            if exc.code == NOT_REGISTERED or exc.status == 404:
                return None
            raise
        item = _body(response, self._http.service).get("unsubscribePhoneNumber")
        return _entry(item) if isinstance(item, dict) else None

    async def register(self, values: Sequence[str], **extra: str) -> list[Outcome]:
        company = (extra.get("company") or "").strip()
        if not company:
            raise ApiError(self._http.service, "registering an 080 number needs the company name", retryable=False)
        outcomes = []
        for value in values:
            body = {"unsubscribePhoneNumber": value, "corporationName": company}
            outcomes.append(await self._one("POST", f"{BASE}/external", value, OutcomeStatus.REGISTERED, json=body))
        return outcomes

    async def remove(self, values: Sequence[str]) -> list[Outcome]:
        return [await self._one("DELETE", f"{BASE}/external/{value}", value, OutcomeStatus.REMOVED) for value in values]

    async def _one(self, method: str, path: str, value: str, done: OutcomeStatus, json=None) -> Outcome:
        """One number's call: `done` when it went through; the Hub's own per-number codes say the rest."""
        try:
            await self._http.request(method, path, json=json)
        except ApiError as exc:
            if (exc.code, done) == (ALREADY_REGISTERED, OutcomeStatus.REGISTERED):
                return Outcome(value, OutcomeStatus.ALREADY)
            if (exc.code, done) == (NOT_REGISTERED, OutcomeStatus.REMOVED):
                return Outcome(value, OutcomeStatus.NOT_ON_LIST)
            if exc.code == INVALID_NUMBER or (exc.status == 400 and not exc.retryable):
                return Outcome(value, OutcomeStatus.INVALID, error=exc, detail=exc.message)
            return Outcome(value, OutcomeStatus.FAILED, error=exc, detail=exc.message)
        return Outcome(value, done)

    def _clients(self) -> tuple[VendorHttp, VendorHttp]:
        return self._http, self._auth.tokens.http


def _within(entry: Number080Entry, flt: ListFilter) -> bool:
    when = entry.requested_at
    if when is None:
        return True
    if flt.since is not None and when < flt.since:
        return False
    return not (flt.until is not None and when > flt.until)


def _body(response, service: str) -> dict:
    """The answer, after NHN's `header.isSuccessful` says it succeeded."""
    data = json_answer(response, service)
    header = data.get("header")
    if isinstance(header, dict) and header.get("isSuccessful") is False:
        code = header.get("resultCode")
        raise ApiError(
            service,
            str(header.get("resultMessage") or "request failed"),
            status=response.status_code,
            code=None if code is None else str(code),
            retryable=False,
        )
    return data


def _number(value) -> str:
    """The single-number answer shows the number unquoted: a JSON number drops the leading 0."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = str(int(value))
        return digits if digits.startswith("0") else "0" + digits
    return str(value or "")


def _entry(row: dict) -> Number080Entry:
    return Number080Entry(
        number=_number(row.get("unsubscribePhoneNumber")),
        company=str(row.get("corporationName") or ""),
        status=str(row.get("status") or ""),
        provider=str(row.get("provider") or ""),
        share_status=str(row.get("shareStatus") or ""),
        terminable=row.get("terminable") is True or str(row.get("terminable")).lower() == "true",
        requested_at=parse_vendor_time(row.get("requestedDateTime")),
        started_at=parse_vendor_time(row.get("startedDateTime")),
        deleted_at=parse_vendor_time(row.get("deletedDateTime")),
    )
