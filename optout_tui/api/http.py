"""The one HTTP layer every vendor client goes through: timeouts, retries, endpoint safety.

- Retries 429, 5xx and timeouts/connection errors with exponential backoff and full jitter,
  honouring `Retry-After`, for a bounded number of attempts.
- TLS verification is always on; plain `http://` is refused except on loopback (the emulator).
- Each request is authenticated by a hook that sees the final request, so signatures cover exactly
  the bytes sent; a 401 can trigger one credential refresh (NHN tokens).
- Retries are reported to `retry_listener` (a context variable), so a bulk run shows them as progress.
- Speed (issue 2: 1,000 pages, 8 in flight): requests go straight to one pooled transport per client
  (no per-request cookie jar, redirect or URL-merging work), `transport.AsyncioTransport` (HTTP/1.1 on
  asyncio streams with h11; see there why not httpcore), and one TLS context is shared by every client
  of the process (loading the CA bundle costs ~30 ms each time). With proxy variables in the
  environment requests go through `httpx.AsyncClient`, which honours them exactly as before.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import random
import ssl
import urllib.request
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..settings import ConfigError
from .errors import ApiError, error_from_response
from .transport import AsyncioTransport

RetryListener = Callable[[ApiError, int, float], None]
retry_listener: ContextVar[RetryListener | None] = ContextVar("optout_retry_listener", default=None)

AuthHook = Callable[[httpx.Request], Awaitable[None]]
RefreshHook = Callable[[httpx.Request], Awaitable[bool]]

DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=5.0, pool=60.0)
USER_AGENT = "optout-tui/0.1"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 6  # total tries, the first included
    base_delay: float = 0.25  # seconds, doubled each retry
    max_delay: float = 15.0
    max_retry_after: float = 60.0  # a longer Retry-After is capped here

    def delay(self, attempt: int, error: ApiError) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        if error.retry_after is not None:
            return min(error.retry_after, self.max_retry_after)
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return random.uniform(ceiling / 2, ceiling)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_endpoint(url: str, what: str) -> str:
    """Refuse anything but https, or http on loopback; return the URL without a trailing slash."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return url.rstrip("/")
    if parts.scheme == "http" and is_loopback(host):
        return url.rstrip("/")
    if parts.scheme == "http":
        raise ConfigError(f"{what} URL {url} uses plain http; only https is allowed (http only on loopback)")
    raise ConfigError(f"{what} URL {url!r} is not an https URL")


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The verifying TLS context every client of this process shares (certifi's CA bundle, or
    SSL_CERT_FILE / SSL_CERT_DIR from the environment, as httpx does by default)."""
    return httpx.create_ssl_context(verify=True)


def _proxies_in_environment() -> bool:
    proxies = urllib.request.getproxies()
    return any(proxies.get(scheme) for scheme in ("http", "https", "all"))


class VendorHttp:
    """An httpx client for one vendor service, with auth, retries and one-line errors."""

    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        auth: AuthHook | None = None,
        refresh: RefreshHook | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float | None = None,
        max_connections: int = 16,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.service = service
        self.base_url = check_endpoint(base_url, service)
        self._auth = auth
        self._refresh = refresh
        self.retry = retry or RetryPolicy()
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        if transport is None and not _proxies_in_environment():
            transport = AsyncioTransport(
                # No TLS context for plain http on loopback (the emulator): never used, ~30 ms to load.
                ssl_context=tls_context() if self.base_url.startswith("https:") else None,
                max_connections=max_connections,
                keepalive_expiry=limits.keepalive_expiry or 5.0,
            )
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
            limits=limits,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            verify=tls_context() if transport is None else True,  # with a transport given, httpx loads none
            transport=transport,
            follow_redirects=False,
        )
        # Sent straight to this transport; None: through the client (it applies environment proxies).
        self._transport = transport
        self._headers = self._client.headers
        self._extensions = {"timeout": self._client.timeout.as_dict()}

    def _build(self, method: str, path: str, params: Any, json: Any, data: Any, content: Any,
               headers: dict[str, str] | None) -> httpx.Request:
        merged = self._headers
        if headers:
            merged = self._headers.copy()
            merged.update(headers)
        return httpx.Request(method, self.base_url + path, params=params, json=json, data=data, content=content,
                             headers=merged, extensions=self._extensions)

    async def _send(self, request: httpx.Request) -> httpx.Response:
        if self._transport is None:
            response = await self._client.send(request)
        else:
            response = await self._transport.handle_async_request(request)
            response.request = request
        await response.aread()
        return response

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json: Any = None,
        data: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Send with retries; return a 2xx response or raise ApiError. `content` is a body already
        encoded (its Content-Type goes in `headers`)."""
        attempt = 0
        refreshed = False
        while True:
            attempt += 1
            request = self._build(method, path, params, json, data, content, headers)
            if self._auth is not None:
                await self._auth(request)
            try:
                response = await self._send(request)
            except httpx.TimeoutException:
                error = ApiError(self.service, "the request timed out", retryable=True)
            except httpx.LocalProtocolError as exc:  # ours to fix, not the network's: no retry
                error = ApiError(self.service, f"the request could not be sent: {_describe(exc)}", retryable=False)
            except httpx.TransportError as exc:
                error = ApiError(self.service, f"could not reach {self.base_url}: {_describe(exc)}", retryable=True)
            else:
                if response.is_success:
                    return response
                error = error_from_response(self.service, response.status_code, response.content, response.headers)
                if response.status_code == 401 and self._refresh is not None and not refreshed:
                    refreshed = True
                    if await self._refresh(request):
                        attempt -= 1  # a fresh credential is not a retry
                        continue
            if not error.retryable or attempt >= self.retry.attempts:
                raise error
            delay = self.retry.delay(attempt, error)
            listener = retry_listener.get()
            if listener is not None:
                listener(error, attempt, delay)
            await asyncio.sleep(delay)

    async def aclose(self) -> None:
        await self._client.aclose()


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    if not text:
        return type(exc).__name__
    return text.splitlines()[0][:160]
