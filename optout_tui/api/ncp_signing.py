"""NAVER Cloud API gateway signature v2, shared by SENS and the Outbound Mailer (and the emulator).

The gateway signs the request target exactly as sent on the wire, so callers build the URL first and
sign its raw path and query; see `sign_request` for httpx requests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

TIMESTAMP_HEADER = "x-ncp-apigw-timestamp"
ACCESS_KEY_HEADER = "x-ncp-iam-access-key"
SIGNATURE_HEADER = "x-ncp-apigw-signature-v2"
CLOCK_WINDOW_MS = 5 * 60 * 1000  # the gateway rejects a clock 5 minutes or more off


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


def verify(
    method: str,
    path_and_query: str,
    headers: dict[str, str],
    access_key: str,
    secret_key: str,
    now_ms: int | None = None,
) -> str | None:
    """Check a request the way the gateway does; None if good, else the reason it fails."""
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
