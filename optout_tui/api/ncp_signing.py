"""NAVER Cloud API gateway signature v2, shared by SENS and the Outbound Mailer (and the emulator).

The string to sign holds the request target, and the evidence gives two readings of its query
(shared/api/README.md, sections 3 and 5): the Go SDK and a peer tool sign it exactly as sent, NAVER's
Python and JavaScript SDKs sign it decoded and send it encoded. Both SDKs sign the path as sent (the
Python SDK quotes path parameters before signing), so only the query is ever read decoded. Which reading
the gateway checks is unknown, so:

- `with_query` builds queries whose two forms are one string wherever the characters allow, and
- `NcpSigner` signs the sent form and, when a query that reads differently decoded is refused, tries the
  other reading once and keeps, for its host, the one that worked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote, unquote_plus, urlencode

if TYPE_CHECKING:
    import httpx

TIMESTAMP_HEADER = "x-ncp-apigw-timestamp"
ACCESS_KEY_HEADER = "x-ncp-iam-access-key"
SIGNATURE_HEADER = "x-ncp-apigw-signature-v2"
CLOCK_WINDOW_MS = 5 * 60 * 1000  # the gateway rejects a clock 5 minutes or more off

Reading = Literal["sent", "decoded"]
READINGS: tuple[Reading, ...] = ("sent", "decoded")
# Legal unescaped in a query (RFC 3986) and nothing to form decoding, so sent raw: `sort=createUtc,desc` and
# `emailAddress=kim@x.kr` read the same either way. `+`, `&`, `=`, `%` and spaces must stay escaped.
QUERY_SAFE = ",@:"


def with_query(path: str, params: Mapping[str, object] | Sequence[tuple[str, object]]) -> str:
    """`path?query`, each value escaped only where it must be (`a+b@x.kr` -> `a%2Bb@x.kr`). httpx's own
    params encoding escapes `,` `@` `:` too, which would make every such query read differently decoded."""
    query = urlencode(params, quote_via=quote, safe=QUERY_SAFE)
    return f"{path}?{query}" if query else path


def signed_form(target: str, reading: str) -> str:
    """The request target as a signer under `reading` puts it in the string to sign: as sent, or with the
    query percent-decoded as a form (`+` is a space), which is how the SDKs' own encoding of the values
    they signed reads back."""
    path, mark, query = target.partition("?")
    return f"{path}?{unquote_plus(query)}" if mark and reading == "decoded" else target


def signature(method: str, path_and_query: str, timestamp: str, access_key: str, secret_key: str) -> str:
    """base64(HMAC-SHA256(secret, "METHOD path?query\\ntimestamp\\naccess_key"))."""
    message = f"{method.upper()} {path_and_query}\n{timestamp}\n{access_key}"
    digest = hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_headers(
    method: str, path_and_query: str, access_key: str, secret_key: str, timestamp_ms: int | None = None
) -> dict[str, str]:
    """The three headers for one request; the timestamp header equals the signed one."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    return {
        TIMESTAMP_HEADER: timestamp,
        ACCESS_KEY_HEADER: access_key,
        SIGNATURE_HEADER: signature(method, path_and_query, timestamp, access_key, secret_key),
    }


class NcpSigner:
    """The auth hook of one NCP host (`VendorHttp(auth=signer, refresh=signer.refresh)`): signs each request
    under the reading believed to be the gateway's, "sent" until a refusal says otherwise."""

    def __init__(self, access_key: str, secret_key: str) -> None:
        self._access_key = access_key
        self._secret_key = secret_key
        self.reading: Reading = "sent"

    def __repr__(self) -> str:  # the secret stays out of logs and tracebacks
        return f"NcpSigner(access_key={self._access_key!r}, reading={self.reading!r})"

    async def __call__(self, request: httpx.Request) -> None:
        target = request.url.raw_path.decode("ascii")  # exactly what goes on the wire
        form = signed_form(target, self.reading)
        request.headers.update(signed_headers(request.method, form, self._access_key, self._secret_key))

    async def refresh(self, request: httpx.Request) -> bool:
        """Called once on a 401 to `request`: retry it (True) when its query reads differently decoded. The
        first such refusal under the current reading switches the reading; requests signed under the old one
        (sent concurrently) just retry under the new one. `VendorHttp` refreshes a call once, so a refused
        key costs at most two requests a call, and never a loop; a reading that works is never refused
        again, so it stays."""
        target = request.url.raw_path.decode("ascii")
        if signed_form(target, "decoded") == target:
            return False  # both readings sign the same string: the refusal is about something else
        timestamp = request.headers.get(TIMESTAMP_HEADER, "")
        current = signature(
            request.method, signed_form(target, self.reading), timestamp, self._access_key, self._secret_key
        )
        if hmac.compare_digest(request.headers.get(SIGNATURE_HEADER, ""), current):
            self.reading = "decoded" if self.reading == "sent" else "sent"
        return True


def verify(
    method: str,
    path_and_query: str,
    headers: Mapping[str, str],
    access_key: str,
    secret_key: str,
    now_ms: int | None = None,
) -> str | None:
    """Check a request the way the gateway does; None if good, else the reason it fails. `path_and_query` is
    the target in the gateway's reading (`signed_form`)."""
    timestamp = headers.get(TIMESTAMP_HEADER)
    given_key = headers.get(ACCESS_KEY_HEADER)
    given_sig = headers.get(SIGNATURE_HEADER)
    if not timestamp or not given_key or not given_sig:
        return "missing signature headers"
    try:
        ts = int(timestamp)
    except ValueError:
        return "timestamp is not epoch milliseconds"
    now = now_ms if now_ms is not None else int(time.time() * 1000)
    if abs(now - ts) >= CLOCK_WINDOW_MS:
        return "timestamp outside the 5-minute window"
    if not hmac.compare_digest(given_key, access_key):
        return "unknown access key"
    expected = signature(method, path_and_query, timestamp, access_key, secret_key)
    if not hmac.compare_digest(given_sig, expected):
        return "signature mismatch"
    return None
