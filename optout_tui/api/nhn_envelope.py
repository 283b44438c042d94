"""NHN Cloud's answer envelope and secret-key header, shared by its SMS and Email APIs.

Every answer is `{"header": {"isSuccessful", "resultCode", "resultMessage"}, "body": ...}`. A failure comes as
HTTP 200 with `isSuccessful: false` or as a 4xx/5xx (the SMS and Email docs do not say which), so both are read
the same way. A resultCode means something only within one API (-1004 is "IP not allowed" for SMS and "invalid
secret key" for Email): each list passes its own table. resultMessage is localised: shown, never branched on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .answers import json_answer
from .errors import ApiError
from .http import AuthHook

CREDENTIALS = "check the credentials (optout-tui credentials show / set)"


def secret_key_auth(secret: str) -> AuthHook:
    """The auth hook of the v3.0 SMS / v2.x Email APIs: the app key is in the path, the secret in `X-Secret-Key`."""

    async def add(request: httpx.Request) -> None:
        request.headers["X-Secret-Key"] = secret

    return add


@dataclass(frozen=True, slots=True)
class ResultCode:
    """What one resultCode means, for a person: the line's text, what to do, and whether it is about credentials."""

    meaning: str
    hint: str = "check the input and the settings"
    auth: bool = False


class NhnError(ApiError):
    """An NHN failure read through its API's table: the hint and `is_auth` come from the code, not the HTTP status,
    since the same failure may come as HTTP 200."""

    def __init__(self, error: ApiError, known: ResultCode) -> None:
        vendor = error.message if error.message not in ("no details given", known.meaning) else ""
        super().__init__(
            error.service,
            known.meaning + (f" (NHN: {vendor})" if vendor else ""),
            status=error.status,
            code=error.code,
            retryable=error.retryable,
            retry_after=error.retry_after,
        )
        self.known = known

    @property
    def is_auth(self) -> bool:
        return self.known.auth

    @property
    def hint(self) -> str:
        return CREDENTIALS if self.known.auth else self.known.hint


def explained(error: ApiError, codes: Mapping[str, ResultCode]) -> ApiError:
    """`error` as an NhnError where its code is in `codes`; otherwise as it is."""
    known = codes.get(error.code or "")
    return NhnError(error, known) if known is not None and not isinstance(error, NhnError) else error


def checked_body(response: Any, service: str, codes: Mapping[str, ResultCode] | None = None) -> dict:
    """The answer's JSON after its `header.isSuccessful` says it succeeded; otherwise its failure as an ApiError."""
    data = json_answer(response, service)
    header = data.get("header")
    if isinstance(header, dict) and header.get("isSuccessful") is False:
        code = header.get("resultCode")
        error = ApiError(
            service,
            str(header.get("resultMessage") or "request failed"),
            status=response.status_code,
            code=None if code is None else str(code),
            retryable=False,
        )
        raise explained(error, codes or {})
    return data
