"""One error type for every vendor, parsed from every error-body shape we know.

Shapes (see shared/api/README.md):
- NCP API gateway: {"error": {"errorCode": "200", "message": "Authentication Failed"}}
- Outbound Mailer:  {"error": {"code": "77102", "errorCode": "...", "message": "..."}}
- SENS, two doc versions: {"status", "errors", "errorMessage"} and {"status", "error", "message"}
- NHN Cloud: {"header": {"isSuccessful": false, "resultCode": 404222, "resultMessage": "..."}}
- anything else, JSON or not: the status line and a short, cleaned excerpt of the body.
"""

from __future__ import annotations

import json
import re
from datetime import UTC
from typing import Any

RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

# NCP gateway codes that mean "try again later" even when the HTTP status says otherwise.
_RETRYABLE_GATEWAY_CODES = frozenset({"410", "420", "500", "510", "900"})  # 429/400 is QuotaExceeded


MAILER_NOT_SUBSCRIBED = (  # 77202: what it likely means (see the README on the Mailer's merge into SENS)
    "the project has no Outbound Mailer subscription in this zone/region (public zone: the Mailer is part of SENS "
    "since 2026-09-17, this API kept about a year for migrated projects; gov and fin: still a separate service): "
    "check it in the NAVER Cloud console for the profile's zone and region"
)


class ApiError(Exception):
    """A vendor call that did not succeed: who, what status and code, and what to do."""

    empty_body = False  # the vendor answered with no body at all (SENS's 404 for "nothing found")

    def __init__(
        self,
        service: str,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        retryable: bool | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.service = service
        self.status = status
        self.code = code
        self.message = _one_line(message) or "no details given"
        self.retryable = (status in RETRYABLE_STATUSES) if retryable is None else retryable
        self.retry_after = retry_after
        super().__init__(str(self))

    @property
    def is_auth(self) -> bool:
        # 400300: the Hub's "invalid app key"; 80007: NHN's "expired or unknown token", whatever the HTTP status
        return (
            self.status in (401, 403)
            or (self.status == 400 and self.code in ("77101", "400300"))
            or self.code == "80007"
        )

    @property
    def is_network(self) -> bool:
        return self.status is None

    @property
    def hint(self) -> str:
        """What the user should do about it."""
        if self.status is None:
            return "check the network connection and the endpoint URL, then retry"
        if self.status == 429:
            return "the vendor is throttling requests; wait a moment and retry"
        if self.code == "77202":
            return MAILER_NOT_SUBSCRIBED
        if self.is_auth:
            return "check the credentials (optout-tui credentials show / set)"
        if self.status == 404:
            return "check the value and the service id / app key"
        if self.status >= 500:
            return "the vendor had a problem; retry later"
        return "check the input and the settings"

    def __str__(self) -> str:
        where = self.service
        parts = []
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.code:
            parts.append(f"code {self.code}")
        head = f"{where} error" + (f" ({', '.join(parts)})" if parts else "")
        return f"{head}: {self.message}"

    @property
    def line(self) -> str:
        """One line for a person: what happened and what to do."""
        return f"{self}; {self.hint}"


class QuotaExceeded(ApiError):
    """The NCP gateway's 429 with code 400: the API's daily quota is used up, so retrying soon is pointless."""

    @property
    def hint(self) -> str:
        return (
            "NAVER Cloud's daily API quota is used up: retrying before it resets is pointless; try again "
            "tomorrow (a bulk job stays saved to resume then) or raise the quota in the NAVER Cloud console"
        )


def _one_line(text: str, limit: int = 200) -> str:
    text = re.sub(r"<[^>]+>", " ", str(text))  # HTML error pages
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from datetime import datetime
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - datetime.now(UTC)).total_seconds())


def error_from_response(service: str, status: int, body: bytes | str, headers: Any | None = None) -> ApiError:
    """Build an ApiError from any vendor error response."""
    retry_after = parse_retry_after(headers.get("retry-after") if headers is not None else None)
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text) if text.strip() else None
    except ValueError:
        data = None

    code: str | None = None
    message: str | None = None
    retryable: bool | None = None

    if isinstance(data, dict):
        err = data.get("error")
        header = data.get("header")
        if isinstance(err, dict):
            # NCP gateway ({errorCode, message}) or Mailer ({code, errorCode, message})
            raw_code = err.get("code") if err.get("code") not in (None, "") else err.get("errorCode")
            code = None if raw_code is None else str(raw_code)
            message = err.get("message") or err.get("details") or err.get("errorMessage")
            if "code" not in err and code in _RETRYABLE_GATEWAY_CODES and status >= 429:
                retryable = True
            if "code" not in err and code == "400" and status == 429:
                return QuotaExceeded(service, message or "Quota Exceeded", status=status, code=code, retryable=False)
        elif isinstance(header, dict):
            raw = header.get("resultCode")
            code = None if raw is None else str(raw)
            message = header.get("resultMessage")
        elif isinstance(err, str) and "error_description" in data:  # OAuth 2 (RFC 6749)
            code = err
            message = str(data.get("error_description") or err)
        elif "errorMessage" in data or "errors" in data:
            message = data.get("errorMessage") or _join(data.get("errors"))
            code = _str_or_none(data.get("errors")) if data.get("errorMessage") else None
        elif "message" in data or isinstance(err, str):
            message = data.get("message") or err
            code = err if isinstance(err, str) and data.get("message") else None
    if message is None:
        message = f"{_reason(status)}" + (f": {_one_line(text, 120)}" if text.strip() else "")
    if code is not None and len(code) > 40:
        code = None
    error = ApiError(service, message, status=status, code=code, retryable=retryable, retry_after=retry_after)
    error.empty_body = not text.strip()
    return error


def _join(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _str_or_none(value: Any) -> str | None:
    if isinstance(value, (str, int)) and str(value).strip():
        return str(value)
    return None


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"
