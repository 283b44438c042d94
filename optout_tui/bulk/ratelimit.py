"""Keep request starts under a vendor's rate limit (e.g. the Hub's 300 requests/s)."""

from __future__ import annotations

import asyncio


class RateLimiter:
    """Spaces request starts at least 1/rate apart, allowing a small burst after idle time.

    A token bucket of `burst` tokens refilled at `rate` per second; `acquire` waits for a token.
    `rate=None` means no limit.
    """

    def __init__(self, rate: float | None, burst: int = 1) -> None:
        self.rate = rate if rate and rate > 0 else None
        self.burst = max(1, burst)
        self._tokens = float(self.burst)
        self._stamp: float | None = None
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        if self.rate is None:
            return
        async with self._lock:
            loop = asyncio.get_running_loop()
            now = loop.time()
            if self._stamp is not None:
                self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens < 1:
                wait = (1 - self._tokens) / self.rate
                await asyncio.sleep(wait)
                self._stamp = loop.time()
                self._tokens = 1.0
            self._tokens -= 1
