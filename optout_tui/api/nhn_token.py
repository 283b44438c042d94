"""NHN Cloud access tokens from the user access key (OAuth2 client credentials).

One token is shared by every concurrent caller: the first to need one fetches it under a lock,
the rest wait and reuse it. It is renewed shortly before it expires, and once after the Hub refuses
it (an account can shorten token life to 60 s, or revoke it; NHN does not say whether the refusal is a
401, a 403 or an HTTP 200 with `isSuccessful: false`, so the 080 list treats each alike). The token is
a secret: it never appears in a repr, an error message or a log line.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable

import httpx

from .errors import ApiError
from .http import RetryPolicy, VendorHttp

TOKEN_PATH = "/oauth2/token/create"
REVOKE_PATH = "/oauth2/token/revoke"


class NhnTokenProvider:
    def __init__(
        self,
        oauth_url: str,
        key_id: str,
        secret: str,
        *,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._basic = "Basic " + base64.b64encode(f"{key_id}:{secret}".encode()).decode()
        self.http = VendorHttp(  # public: the 080 list closes it and hears its retries
            "NHN Cloud OAuth", oauth_url, retry=retry, timeout=timeout, max_connections=2, transport=transport
        )
        self._clock = clock
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self.fetch_count = 0  # tokens fetched so far (observability, tests)

    def __repr__(self) -> str:
        return f"NhnTokenProvider(url={self.http.base_url!r}, has_token={self._token is not None})"

    def _fresh(self) -> bool:
        return self._token is not None and self._clock() < self._expires_at

    async def token(self) -> str:
        if self._fresh():
            return self._token  # type: ignore[return-value]
        async with self._lock:
            if not self._fresh():
                await self._fetch()
            return self._token  # type: ignore[return-value]

    async def invalidate(self, token: str | None) -> bool:
        """Drop `token` after a refusal so the next caller fetches a new one; True if retrying is worthwhile."""
        async with self._lock:
            if token is not None and token == self._token:
                self._token = None
                self._expires_at = 0.0
                return True
            return token != self._token  # someone already renewed it: retrying is worthwhile

    async def _fetch(self) -> None:
        response = await self.http.request(
            "POST",
            TOKEN_PATH,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": self._basic},
        )
        try:
            body = response.json()
            token = str(body["access_token"])
            lifetime = float(body.get("expires_in", 86400))
        except (ValueError, KeyError, TypeError):
            raise ApiError(
                "NHN Cloud OAuth", "the token endpoint answered without an access_token", status=response.status_code
            ) from None
        # Renew a little early: 10% of the lifetime, between 1 s and 5 minutes.
        margin = min(300.0, max(1.0, lifetime * 0.1))
        self._token = token
        self._expires_at = self._clock() + max(0.0, lifetime - margin)
        self.fetch_count += 1

    async def revoke(self) -> None:
        async with self._lock:
            if self._token is None:
                return
            token, self._token = self._token, None
        await self.http.request("POST", REVOKE_PATH, data={"token": token}, headers={"Authorization": self._basic})
