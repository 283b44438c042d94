"""The vendors' gateway limits: a request rate per service and the NCP daily quota, as the real gateways refuse.

Each vendor service (SENS, the Outbound Mailer, the Notification Hub) has a bucket of its own, as each
sits behind its own gateway limit: `rate_limit` requests a second, with up to one second's worth let
through at once after a quiet spell (a token bucket, `api.pacing.RateLimiter`). A request over it is
refused before it reaches its route, after the configured latency, in the vendor's words: HTTP 429 with
the NCP gateway body `{"error": {"errorCode": "420", ...}}` for SENS and the Mailer, a bare 429 for the Hub
(NHN documents the limit, not a code for it: `responses.hub_failure`); with Retry-After when the config's `retry_after` is set. `quota` plays the
NCP daily quota: once a service has answered that many requests, every further one is refused with 429
and gateway code 400 (the Hub documents no quota).

GET /_emulator/throttle gives the settings and each service's counters (requests seen, passed, refused
for the rate, refused for the quota); POST /_emulator/throttle {"rate_limit": R | null, "quota": N | null}
changes the settings at run time (the counters stay). POST /_emulator/reset starts over from the config.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..api.pacing import RateLimiter
from . import hub, mailer, sens
from .responses import gateway_error, hub_failure, json_response
from .state import EmulatorState

PREFIXES = {
    "sens": (sens.PATH.split("{")[0],),
    "mailer": tuple(f"{prefix}/" for prefix in mailer.PREFIXES),
    "hub": (hub.BASE,),
}
QUOTA_SERVICES = ("sens", "mailer")  # behind the NCP gateway


def service_of(path: str) -> str | None:
    return next((service for service, prefixes in PREFIXES.items() if path.startswith(prefixes)), None)


class Limits:
    """One emulator's gateway settings, buckets and counters."""

    def __init__(self, rate_limit: float | None, quota: int | None) -> None:
        self.counts = {service: Counter[str]() for service in PREFIXES}
        self.quota = quota
        self.set_rate(rate_limit)

    def set_rate(self, rate_limit: float | None) -> None:
        self.rate_limit = rate_limit
        self.buckets = {service: RateLimiter(rate_limit, burst=rate_limit or 1) for service in PREFIXES}

    def check(self, service: str, retry_after: float | None) -> Response | None:
        """The refusal of a request to `service` now, or None to let it through."""
        counts = self.counts[service]
        counts["requests"] += 1
        if self.quota is not None and service in QUOTA_SERVICES and counts["passed"] >= self.quota:
            counts["quota_refused"] += 1
            return json_response({"error": {"errorCode": "400", "message": "Quota Exceeded"}}, 429)
        if self.buckets[service].take(time.monotonic()):
            counts["refused"] += 1
            headers = None if retry_after is None else {"Retry-After": f"{retry_after:g}"}
            if service == "hub":
                return hub_failure(429, headers)
            return gateway_error(429, "420", headers)
        counts["passed"] += 1
        return None

    def as_json(self) -> dict[str, Any]:
        counted = ("requests", "passed", "refused", "quota_refused")
        services = {service: {key: counts[key] for key in counted} for service, counts in self.counts.items()}
        return {"rate_limit": self.rate_limit, "quota": self.quota, "services": services}


def limits(app: Any) -> Limits:
    """The app's limits, made afresh from the config whenever its state is (POST /_emulator/reset)."""
    state: EmulatorState = app.state.emulator
    held = getattr(app.state, "throttle", None)
    if held is None or held[0] is not state:
        held = app.state.throttle = (state, Limits(state.config.rate_limit, state.config.quota))
    return held[1]


class Throttle:
    """ASGI middleware refusing what each service's gateway would refuse, before routing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        service = service_of(scope["path"]) if scope["type"] == "http" else None
        if service is not None:
            config = scope["app"].state.emulator.config
            refusal = limits(scope["app"]).check(service, config.retry_after)
            if refusal is not None:
                if config.latency_ms > 0:
                    await asyncio.sleep(config.latency_ms / 1000)
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def throttle_endpoint(request: Request) -> Response:
    held = limits(request.app)
    if request.method == "POST":
        try:
            data = await request.json()
        except ValueError:
            data = None
        if not isinstance(data, dict) or set(data) - {"rate_limit", "quota"}:
            return json_response({"error": "the body must be a JSON object of rate_limit and quota"}, 400)
        rate, quota = data.get("rate_limit", held.rate_limit), data.get("quota", held.quota)
        if rate is not None and (isinstance(rate, bool) or not isinstance(rate, (int, float)) or rate <= 0):
            return json_response({"error": "rate_limit must be a positive number of requests a second, or null"}, 400)
        if quota is not None and (isinstance(quota, bool) or not isinstance(quota, int) or quota < 0):
            return json_response({"error": "quota must be a number of requests, or null"}, 400)
        if rate != held.rate_limit:
            held.set_rate(rate)
        held.quota = quota
    return json_response(held.as_json())


def routes() -> list[Route]:
    return [Route("/_emulator/throttle", throttle_endpoint, methods=["GET", "POST"])]
