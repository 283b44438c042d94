"""How fast one vendor service is asked: a token bucket for a documented rate, and adaptive pacing.

Vendors throttle in their own ways (the NCP gateway per API stage, the Notification Hub at 300
requests/s) and only the documented ones are known in advance, so each `VendorHttp` holds a `Pacing`
that learns from the vendor's 429s, the way TCP learns from lost packets (AIMD):

- **Concurrency.** A limit of requests in flight, at most the client's pool size. It starts at 2 and
  each fine answer adds half of 1/limit (one more request in flight every two rounds of answers), so
  that a gateway whose budget runs out meets few requests already sent; a 429 halves it, never below 1.
  Requests wait for a slot.
- **Start spacing.** A concurrency limit alone cannot hold a rate limit when answers come fast (one
  request at a time at 5 ms is 200 a second), so a second 429 within a second also spaces request
  starts, at 80% of the rate the vendor accepted in that second, and each further 429 cuts that again.
  Each fine answer eases it by a twentieth of a request a second (about 5% a second while busy, more
  while the rate is a guess from too few answers), probing for more as the concurrency limit does.
- **What is news.** A 429 to a request that started before the last cut was sent at the old pace and
  changes nothing; once paced, neither does a stray one (at most 2 of the last 20 answers refused), and
  the pace never falls below a quarter of the best second seen: a vendor refusing now and then at
  random must not slow a job to a crawl.
- **Retry-After.** No request starts before the time a 429 names.

Our own small class, not a package: the AIMD packages on PyPI are 0.1 releases a few months old, and
aiolimiter (a fixed-rate leaky bucket) would only replace `RateLimiter` below.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class RateLimiter:
    """Spaces request starts at least 1/rate apart, allowing up to `burst` at once after idle time.

    A token bucket of `burst` tokens refilled at `rate` per second; `acquire` waits for a token, in
    the order asked (a waiter cancelled meanwhile takes none). `rate=None` means no limit. The
    emulator's throttle refuses with `take` where a client would wait.
    """

    def __init__(self, rate: float | None, burst: float = 1) -> None:
        self.rate = rate if rate and rate > 0 else None
        self.burst = max(1.0, burst)
        self._tokens = self.burst
        self._stamp: float | None = None
        self._lock = asyncio.Lock()

    def take(self, now: float) -> float:
        """Take a token at `now` (seconds, any monotonic clock) and return 0, or return the seconds
        until one is due and take nothing."""
        if self.rate is None:
            return 0.0
        if self._stamp is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens >= 1:
            self._tokens -= 1
            return 0.0
        return (1 - self._tokens) / self.rate

    async def acquire(self) -> None:
        if self.rate is None:
            return
        async with self._lock:
            if wait := self.take(time.monotonic()):
                await asyncio.sleep(wait)
                self._stamp, self._tokens = time.monotonic(), 0.0  # the token due by now, taken


class Pacing:
    """One vendor service's adaptive limit of requests in flight and its spacing of request starts."""

    START = 2  # requests in flight at first
    GROW = 0.5  # each fine answer adds GROW / limit to the limit
    BACK_OFF = 0.8  # the spacing after a 429, as a share of the rate seen accepted in the last WINDOW seconds
    WINDOW = 1.0
    EASE = 0.05  # requests/s each fine answer adds to the spacing's rate
    EASE_FAST = 0.5  # the same while that rate is a guess from fewer than GUESS fine answers
    GUESS = 4
    NOISE = 0.1  # once paced, a 429 with at most this share of the last SAMPLE answers refused is a stray
    SAMPLE = 20
    FLOOR = 0.25  # the spacing's rate never falls below this share of the most fine answers in one WINDOW

    def __init__(self, ceiling: int) -> None:
        self.ceiling = max(1, ceiling)
        self.limit = float(min(self.START, self.ceiling))
        self.spacing = RateLimiter(None)
        self.in_flight = 0  # requests holding a slot (waiting for their start, or sent)
        self._sent = 0  # requests sent and not answered yet
        self._waiters: list[asyncio.Future[None]] = []
        self._answers: deque[tuple[float, bool]] = deque()  # the last second's answers: when, and whether refused
        self._refused = 0  # refusals among them
        self._recent: deque[bool] = deque([False] * self.SAMPLE, maxlen=self.SAMPLE)  # the last answers: refused?
        self._last_cut = float("-inf")
        self._hold_until = 0.0
        self._best = 0  # the most fine answers seen in a second
        self._guessed = False  # the spacing's rate is a guess from too few answers

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[float]:
        """Hold a slot for one request from its start (the time given) to its answer."""
        while self.in_flight >= int(self.limit):
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        self.in_flight += 1
        try:
            if (wait := self._hold_until - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            await self.spacing.acquire()
            self._sent += 1
            try:
                yield time.monotonic()
            finally:
                self._sent -= 1
        finally:
            self.in_flight -= 1
            self._wake()

    def answered(self, started: float, *, throttled: bool, retry_after: float | None = None) -> None:
        """Learn from the answer to a request that started at `started` (from `slot`)."""
        now = time.monotonic()
        answers = self._answers
        while answers and answers[0][0] < now - self.WINDOW:
            self._refused -= answers.popleft()[1]
        answers.append((now, throttled))
        self._refused += throttled
        self._recent.append(throttled)
        fine = len(answers) - self._refused
        self._best = max(self._best, fine)
        if not throttled:
            if self.limit < self.ceiling:
                self.limit = min(float(self.ceiling), self.limit + self.GROW / self.limit)
                self._wake()
            if self.spacing.rate is not None:
                self.spacing.rate += self.EASE_FAST if self._guessed else self.EASE
            return
        if retry_after:
            self._hold_until = max(self._hold_until, now + retry_after)
        stray = self.spacing.rate is not None and sum(self._recent) <= self.NOISE * len(self._recent)
        new_round = not stray and started >= self._last_cut
        if new_round:
            self._last_cut = now
            self.limit = max(1.0, self.limit / 2)
        if self.spacing.rate is None:
            if self._refused < 2:  # one refusal alone: the halved limit answers it
                return
        elif not new_round:
            return
        # Accepted in the last second: the fine answers, and the others sent meanwhile (a refusal can come
        # back before the answers to requests sent with it, and an estimate too low takes long to ease).
        seen = max(1.0, (fine + self._sent - 1) / self.WINDOW)
        self._guessed = fine < self.GUESS
        cut = self.BACK_OFF * min(seen, self.spacing.rate or seen)
        self.spacing.rate = max(cut, self.FLOOR * self._best / self.WINDOW)

    def _wake(self) -> None:
        """Let every waiting request look for a free slot again (they keep their order)."""
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)
