"""Unsigned control endpoints under /_emulator/ for tests and benchmarks (never a vendor API).

GET stats, POST reset-stats, POST fail-next {"count", "status", "route", "retry_after"},
POST expire-tokens, POST config {"latency_ms", "fault_rate", "token_ttl", ...},
POST reset (fresh sample data, tokens, faults, counters and settings, as at start: lets tests share
one server).
"""

from __future__ import annotations

import dataclasses
import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .config import EmulatorConfig
from .faults import ROUTES, STATUSES, Order
from .responses import json_response
from .state import EmulatorState

RUNTIME_NUMBERS = {
    "latency_ms": float,
    "fault_rate": float,
    "token_ttl": int,
    "hang_seconds": float,
    "mailer_max_page_size": int,
    "sens_register_status": int,
}
# Every behaviour the vendors' docs leave open can be switched on a running emulator (checked by the config),
# except the ones that shape how the stores key their data, which are set at start.
AT_START_ONLY = {"mailer_case_sensitive", "nhn_email_case_sensitive", "nhn_email_address_match"}
_OPTIONS = [f for f in dataclasses.fields(EmulatorConfig) if f.name not in AT_START_ONLY]
RUNTIME_CHOICES = {"sens_error_shape", "sens_register_answer", "hub_number_json", "hub_expired_token"} | {
    f.name for f in _OPTIONS if f.type == "str" and f.name.startswith(("ncp_", "nhn_sms_", "nhn_email_"))
}
RUNTIME_FLAGS = {f.name for f in _OPTIONS if f.type == "bool"}


def _state(request: Request) -> EmulatorState:
    return request.app.state.emulator


def _bad(message: str) -> Response:
    return json_response({"error": message}, 400)


async def _json_object(request: Request) -> dict | None:
    body = await request.body()
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


async def stats(request: Request) -> Response:
    return json_response(_state(request).stats_json())


async def reset_stats(request: Request) -> Response:
    _state(request).reset_stats()
    return json_response(_state(request).stats_json())


async def fail_next(request: Request) -> Response:
    data = await _json_object(request)
    if data is None:
        return _bad("the body must be a JSON object")
    count = data.get("count", 1)
    status = str(data.get("status", 429))
    route = data.get("route", "any")
    retry_after = data.get("retry_after")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        return _bad("count must be a positive integer")
    if status not in STATUSES:
        return _bad(f"status must be one of {', '.join(STATUSES)}")
    if route not in ROUTES:
        return _bad(f"route must be one of {', '.join(ROUTES)}")
    if retry_after is not None and (not isinstance(retry_after, (int, float)) or retry_after < 0):
        return _bad("retry_after must be a number of seconds")
    _state(request).faults.add_order(Order(count, status, route, retry_after))
    return json_response({"queued": count, "status": status, "route": route})


async def expire_tokens(request: Request) -> Response:
    return json_response({"expired": _state(request).tokens.expire_all()})


async def change_config(request: Request) -> Response:
    state = _state(request)
    data = await _json_object(request)
    if data is None:
        return _bad("the body must be a JSON object")
    changes = {}
    for key, value in data.items():
        if key in RUNTIME_NUMBERS:
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                return _bad(f"{key} must be a number")
            else:
                changes[key] = RUNTIME_NUMBERS[key](value)
        elif key == "retry_after":
            if value is not None and (not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0):
                return _bad("retry_after must be a number of seconds or null")
            changes[key] = value
        elif key in RUNTIME_CHOICES:
            if not isinstance(value, str):
                return _bad(f"{key} must be a string")
            changes[key] = value
        elif key in RUNTIME_FLAGS:
            if not isinstance(value, bool):
                return _bad(f"{key} must be true or false")
            changes[key] = value
        else:
            return _bad(f"{key} cannot be changed at run time")
    try:
        state.config = dataclasses.replace(state.config, **changes)
    except ValueError as exc:
        return _bad(str(exc))
    state.sens_errors.shape = state.config.sens_error_shape
    cfg = state.config
    keys = [*RUNTIME_NUMBERS, "retry_after", *sorted(RUNTIME_CHOICES), *sorted(RUNTIME_FLAGS)]
    return json_response({key: getattr(cfg, key) for key in keys})


async def reset(request: Request) -> Response:
    request.app.state.emulator = EmulatorState(request.app.state.initial_config)
    return json_response(_state(request).stats_json())


def routes() -> list[Route]:
    return [
        Route("/_emulator/stats", stats, methods=["GET"]),
        Route("/_emulator/reset-stats", reset_stats, methods=["POST"]),
        Route("/_emulator/fail-next", fail_next, methods=["POST"]),
        Route("/_emulator/expire-tokens", expire_tokens, methods=["POST"]),
        Route("/_emulator/config", change_config, methods=["POST"]),
        Route("/_emulator/reset", reset, methods=["POST"]),
    ]
