"""The one HTTP layer every vendor client goes through: timeouts, retries, endpoint safety.

- One `httpx.AsyncClient` per vendor on httpx's own transport, sized by the client's `limits`: the
  pool keeps connections alive between requests and drops those the server closed while idle.
  Proxy variables in the environment apply through httpx's `trust_env`: there is no separate path
  for them, so a proxied request is built, signed and retried exactly like a direct one.
- One verifying TLS context serves every client of the process (`verify=tls_context()`): building
  one means loading the CA bundle, and every vendor needs the same one. Plain `http://` is refused
  except on loopback (the emulator).
- Each request is authenticated by a hook that sees the final request, so signatures cover exactly
  the bytes sent; a 401 can trigger one credential refresh (NHN tokens).
- Retries 429, 5xx and timeouts/connection errors with exponential backoff and full jitter,
  honouring `Retry-After`, for a bounded number of attempts. The transport never sends a request
  twice, so a re-sent POST is always one of these retries, and each is told to the client's
  `retry_hooks` (through its list's `retries`): a bulk run shows them as progress. A quota used up
  (`QuotaExceeded`) is not retried: nothing will pass before the quota resets.
- Requests go through the client's `pacing` (see pacing.py): a limit of requests in flight and a spacing
  of their starts that adapt to the vendor's 429s, so a throttled vendor is asked about as fast as it
  answers instead of refusing most of what it is sent.
- Every failure is one line. A request HTTP cannot carry (a line break in a stored key) is refused
  without quoting the offending value, which may be a secret, and is not retried.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import random
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from ..settings import ConfigError
from .errors import ApiError, QuotaExceeded, error_from_response
from .pacing import Pacing

if TYPE_CHECKING:  # the list interface is above this layer; only its type is needed here
    from .base import RetryHook

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
    """Refuse anything but https, or http on loopback, on a usable port; return the URL without a trailing slash."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # an unclosed [IPv6 address, a port that is no number or beyond 65535
        port = 0
    if port == 0:  # it would crash the connect
        raise ConfigError(f"{what} URL {url!r} is not a usable URL; check its host and its port (1 to 65535)")
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


class VendorHttp:
    """An httpx client for one vendor service, with auth, retries, pacing and one-line errors."""

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
        self.retry_hooks: list[RetryHook] = []  # each is told of every retry before its wait
        self.pacing = Pacing(max_connections)
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            verify=tls_context(),
            transport=transport,
            follow_redirects=False,
        )

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
            async with self.pacing.slot() as started:
                request = self._client.build_request(
                    method, path, params=params, json=json, data=data, content=content, headers=headers
                )
                if self._auth is not None:
                    await self._auth(request)  # signed as it leaves: the wait for a slot may be long
                answer = await self._send(request)
                if not isinstance(answer, ApiError):
                    self.pacing.answered(started, throttled=False)
                elif answer.status is not None:  # the vendor answered, with an error
                    throttled = answer.status == 429 and not isinstance(answer, QuotaExceeded)
                    self.pacing.answered(started, throttled=throttled, retry_after=answer.retry_after)
            if not isinstance(answer, ApiError):
                return answer
            error = answer
            if error.status == 401 and self._refresh is not None and not refreshed:
                refreshed = True
                if await self._refresh(request):
                    attempt -= 1  # a fresh credential is not a retry
                    continue
            if not error.retryable or attempt >= self.retry.attempts:
                raise error
            delay = self.retry.delay(attempt, error)
            for hook in self.retry_hooks:
                hook(error, attempt, delay)
            await asyncio.sleep(delay)

    async def _send(self, request: httpx.Request) -> httpx.Response | ApiError:
        """The vendor's 2xx answer, or what went wrong (with no status where there was no answer)."""
        try:
            response = await self._client.send(request)
        except httpx.TimeoutException:
            return ApiError(self.service, "the request timed out", retryable=True)
        except httpx.LocalProtocolError:  # ours to fix, not the network's: no retry; its text quotes the value
            message = (
                "the request could not be sent: a header holds a character HTTP does not allow "
                "(a line break in a stored key?)"
            )
            return ApiError(self.service, message, retryable=False)
        except httpx.TransportError as exc:
            return ApiError(self.service, f"could not reach {self.base_url}: {_describe(exc)}", retryable=True)
        if response.is_success:
            return response
        return error_from_response(self.service, response.status_code, response.content, response.headers)

    async def aclose(self) -> None:
        await self._client.aclose()


def _describe(exc: BaseException) -> str:
    """The first line of the innermost system error under `exc`, else of `exc`: httpx's error wraps
    httpcore's, which wraps the socket's, and above a refused connection anyio says only "All
    connection attempts failed"."""
    found, inner = exc, exc.__cause__ or exc.__context__
    for _ in range(8):  # a few wrappers deep; a chain is never a cycle, but stay bounded anyway
        if inner is None:
            break
        if isinstance(inner, OSError):
            found = inner
        inner = inner.__cause__ or inner.__context__
    text = str(found).strip()
    return text.splitlines()[0][:160] if text else type(found).__name__
