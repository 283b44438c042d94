"""What every API request goes through before its handler: counting, latency, injected faults,
and the vendor's authentication (NCP signature v2 here; the Hub's app key and bearer token in hub.py).

Each API path gets one endpoint that dispatches on the method itself, so an unsupported method
is answered in the vendor's own words rather than by Starlette's plain-text 405.
"""

from __future__ import annotations

from asyncio import sleep
from collections.abc import Awaitable, Callable
from time import monotonic  # asyncio's clock

from starlette.requests import Request
from starlette.responses import Response

from ..api.ncp_signing import signed_form, verify
from . import faults
from .responses import gateway_error
from .state import EmulatorState

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]  # the endpoint answers 405 itself

Handler = Callable[[Request, EmulatorState], Awaitable[Response]]
Authenticator = Callable[[Request, EmulatorState], Response | None]


def request_target(request: Request) -> str:
    """The request target exactly as received: the raw path, then `?` and the raw query if any."""
    scope = request.scope
    raw = scope.get("raw_path") or scope["path"].encode()
    target = raw.decode("latin-1")
    query = scope.get("query_string") or b""
    return f"{target}?{query.decode('latin-1')}" if query else target


def ncp_signature(request: Request, state: EmulatorState) -> Response | None:
    """The API gateway's check: signature v2 over the target in the configured reading (the raw target, or its
    query percent-decoded; the path is read as sent either way, as the SDKs sign it), 5-minute window, access key."""
    creds = state.credentials
    target = signed_form(request_target(request), state.config.ncp_signature_reading)
    reason = verify(request.method, target, request.headers, creds.ncloud_access_key, creds.ncloud_secret_key)
    if reason is None:
        return None
    return gateway_error(401, "200", {"X-Emulator-Reason": reason})


def endpoint(
    vendor: str,
    methods: dict[str, tuple[str, Handler]],
    authenticate: Authenticator | None,
    not_allowed: Callable[[Request, EmulatorState], Response],
) -> Callable[[Request], Awaitable[Response]]:
    """One ASGI endpoint for a vendor path: {method: (route name for stats, handler)}."""

    async def handle(request: Request) -> Response:
        state: EmulatorState = request.app.state.emulator
        chosen = methods.get(request.method)
        if chosen is None:
            return not_allowed(request, state)
        route, handler = chosen
        state.stats.count(route)
        cfg = state.config
        if cfg.latency_ms <= 0:
            return await answer(handler, request, state)
        # The answer leaves `latency_ms` after the request reached the app, the emulator's own work
        # included: a vendor's latency does not grow with the requests in flight, as a single-threaded
        # emulator's would if it slept first and then worked through the queue. Requests read in one turn
        # of the event loop all reach the app in the next, each running until it first yields: yielding
        # here, before any work, notes all their arrivals before the first of them is worked on.
        # (`monotonic` and `sleep` are module names so that a test can give the gate a clock of its own.)
        due = monotonic() + cfg.latency_ms / 1000
        await sleep(0)
        response = await answer(handler, request, state)
        if (wait := due - monotonic()) > 0:
            await sleep(wait)
        return response

    async def answer(handler: Handler, request: Request, state: EmulatorState) -> Response:
        cfg = state.config
        fault = state.faults.pick(vendor, cfg.fault_rate, cfg.retry_after)
        if fault is not None:
            return await faults.respond(fault, vendor, cfg.hang_seconds)
        if authenticate is not None:
            refused = authenticate(request, state)
            if refused is not None:
                return refused
        return await handler(request, state)

    return handle
