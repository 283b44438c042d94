"""NHN Cloud Notification Hub: the company's own 080 opt-out numbers.

Not a list of recipients: each row is an 080 number the company publishes, with a company name
and a status. Only external numbers can be registered here, one per call.

The number filter is NHN's prefix search in which `_` stands for any one character; NHN documents no
escape and says nothing of `%`. `search_fragment` reads what a person types that way (digits and `_`
only), and every page is filtered again here, exactly, so a vendor reading more into the filter (a `%`,
a match anywhere in the number) never adds a row.

NHN does not say how the Hub refuses an expired token. A 401 is renewed by the HTTP layer's refresh hook;
a 403, or an HTTP 200 with `isSuccessful: false` (as under `X-NC-ALWAYS-200-OK`), carrying a token code
gets the same single renewal and retry here: an expired token costs one new token and one more call.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextvars import ContextVar

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
# 80007: NHN's public API code for an expired or unknown token; 403000: the Hub's "no permission".
TOKEN_CODES = frozenset({"80007", "403000"})
AUTH_HEADER = "X-NHN-Authorization"


def search_fragment(text: str) -> str:
    """What a person typed, as the Hub's filter reads it: the start of a number, `_` for any one digit.
    Spaces, dashes, dots and brackets are dropped; anything else is refused (ValueError says why)."""
    fragment = re.sub(r"[\s\-.()]", "", text)
    how = "the 080 search matches the start of a number (e.g. 0801234; _ stands for any one digit)"
    if not re.fullmatch(r"[0-9_]+", fragment):
        raise ValueError(f"{how}; {text.strip()!r} is not digits and _")
    if not all(c in ("_", d) for c, d in zip(fragment, "080", strict=False)):
        raise ValueError(f"{how}, and every 080 number starts with 080")
    return fragment


def _matches(fragment: str) -> re.Pattern[str]:
    """`fragment` exactly as documented: a prefix, `_` any one character, everything else itself."""
    return re.compile("".join("." if ch == "_" else re.escape(ch) for ch in fragment))


class HubAuth:
    """Adds the app key and a bearer token; after a refusal drops that token so a new one is fetched."""

    def __init__(self, app_key: str, tokens: NhnTokenProvider) -> None:
        self._app_key = app_key
        self.tokens = tokens
        self._sent: ContextVar[str | None] = ContextVar("hub_token_sent", default=None)  # per task

    async def __call__(self, request: httpx.Request) -> None:
        token = await self.tokens.token()
        self._sent.set(token)
        request.headers["X-NC-APP-KEY"] = self._app_key
        request.headers[AUTH_HEADER] = f"Bearer {token}"

    async def refresh(self, request: httpx.Request) -> bool:
        """The HTTP layer's hook after a 401."""
        used = request.headers.get(AUTH_HEADER, "").removeprefix("Bearer ")
        return await self.tokens.invalidate(used or None)

    async def renew(self) -> bool:
        """After a refusal the HTTP layer does not see as one (a 403, a 200): drop the token this task last sent."""
        return await self.tokens.invalidate(self._sent.get())


def _token_refused(error: ApiError) -> bool:
    return error.status != 401 and (error.code in TOKEN_CODES or (error.status == 403 and error.code is None))


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

    async def _call(self, method: str, path: str, **options) -> dict:
        """The answer of one call, once `header.isSuccessful` says it succeeded; a refused token is renewed once."""
        renewed = False
        while True:
            try:
                return _body(await self._http.request(method, path, **options), self._http.service)
            except ApiError as exc:
                if renewed or not _token_refused(exc) or not await self._auth.renew():
                    raise
                renewed = True

    async def fetch_page(self, flt: ListFilter, index: int) -> Page:
        size = self.limits.page_size
        params: dict[str, str | int] = {"limit": size, "offset": index * size}
        if flt.search:
            params["unsubscribePhoneNumber"] = flt.search
        data = await self._call("GET", BASE, params=params)
        rows = data.get("unsubscribePhoneNumbers") or []
        entries = [_entry(row) for row in rows if isinstance(row, dict)]
        total = as_int(data.get("totalCount"))
        if total is not None:
            last = (index + 1) * size >= total or not entries
            page_count = max(1, -(-total // size))
        else:
            last = len(entries) < size
            page_count = None
        kept = [e for e in entries if _within(e, flt)]
        if flt.search:
            like = _matches(flt.search)
            kept = [e for e in kept if like.match(e.number)]
        if len(kept) < len(entries) or flt.since is not None or flt.until is not None:
            total = None  # the Hub has no date filter, and its count may include rows dropped here
        return Page(index=index, entries=kept, last=last, total=total, page_count=page_count)

    async def lookup(self, value: str) -> Number080Entry | None:
        try:
            data = await self._call("GET", f"{BASE}/{value}")
        except ApiError as exc:
            if exc.code == NOT_REGISTERED or (exc.status == 404 and exc.code is None):
                return None
            raise
        item = data.get("unsubscribePhoneNumber")
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
            await self._call(method, path, json=json)
        except ApiError as exc:
            if (exc.code, done) == (ALREADY_REGISTERED, OutcomeStatus.REGISTERED):
                return Outcome(value, OutcomeStatus.ALREADY)
            if (exc.code, done) == (NOT_REGISTERED, OutcomeStatus.REMOVED):
                return Outcome(value, OutcomeStatus.NOT_ON_LIST)
            refused = exc.code != INVALID_NUMBER and exc.status in range(400, 429) and not exc.is_auth
            if done is OutcomeStatus.REMOVED and refused:
                exc = await self._why_not_removed(value, exc)
            elif exc.code == INVALID_NUMBER or (exc.status == 400 and not exc.retryable and not exc.is_auth):
                return Outcome(value, OutcomeStatus.INVALID, error=exc, detail=exc.message)
            return Outcome(value, OutcomeStatus.FAILED, error=exc, detail=exc.message)
        return Outcome(value, done)

    async def _why_not_removed(self, value: str, refusal: ApiError) -> ApiError:
        """The refusal in words from the number's own entry: NHN gives no code of its own for these cases."""
        try:
            entry = await self.lookup(value)
        except ApiError:
            return refusal
        if entry is None:
            return refusal
        if entry.share_status == "SECONDARY" and entry.status == "IN_USE":
            reason = "a shared 080 number in use cannot be cancelled (NHN's rule)"
        elif entry.provider != "EXTERNAL":
            reason = "an 080 number NHN issued cannot be deregistered through the API, only an external one"
        elif not entry.terminable:
            reason = f"NHN marks this 080 number not terminable (status {entry.status})"
        else:
            return refusal
        return ApiError(refusal.service, reason, status=refusal.status, code=refusal.code, retryable=False)

    def _clients(self) -> tuple[VendorHttp, VendorHttp]:
        return self._http, self._auth.tokens.http


def _within(entry: Number080Entry, flt: ListFilter) -> bool:
    when = entry.requested_at
    if when is None:
        return True
    if flt.since is not None and when < flt.since:
        return False
    return not (flt.until is not None and when > flt.until)


def _body(response: httpx.Response, service: str) -> dict:
    """The answer, after NHN's `header.isSuccessful` says it succeeded. A failure answered with HTTP 200
    (`X-NC-ALWAYS-200-OK`) takes its status from the first three digits of its six-digit resultCode."""
    data = json_answer(response, service)
    header = data.get("header")
    if isinstance(header, dict) and header.get("isSuccessful") is False:
        code = None if header.get("resultCode") is None else str(header.get("resultCode"))
        status = int(code[:3]) if code and len(code) == 6 and code.isdigit() else response.status_code
        raise ApiError(service, str(header.get("resultMessage") or "request failed"), status=status, code=code)
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
