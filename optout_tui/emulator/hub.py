"""NHN Cloud Notification Hub 080 opt-out numbers under /sender/v1.0/unsubscribe-phone-numbers.

Documented: list with `unsubscribePhoneNumber` (LIKE), `limit` (default 50, max 1,000), `offset`,
`totalCount`; get one; register an external number with a company name; deregister one. Every answer
carries {"header": {isSuccessful, resultCode, resultMessage}}; on failure the HTTP status is the first
three digits of resultCode. Codes from the docs: 404222 unregistered, 404221 already registered,
400311 invalid number. Codes chosen here (the docs don't give them):
  400001 bad parameter or body, 400312 an INTERNAL number cannot be deregistered,
  400313 the number is not terminable, 405000 method not allowed,
  401000 no bearer token, 401001 invalid or expired token, 403001 wrong app key.
The single-number answer may send the number as a JSON number (see EmulatorConfig.hub_number_json).
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..times import now_ms
from .gate import ALL_METHODS, endpoint, nhn_app_and_token
from .hub_store import NUMBER_080, HubStore
from .responses import nhn_error, nhn_ok
from .state import EmulatorState

BASE = "/sender/v1.0/unsubscribe-phone-numbers"
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


def _int(request: Request, name: str, default: int, low: int, high: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        return None
    if value < low or (high is not None and value > high):
        return None
    return value


async def list_numbers(request: Request, state: EmulatorState) -> Response:
    limit = _int(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int(request, "offset", 0, 0)
    if limit is None or offset is None:
        return nhn_error(400001, f"limit must be 1-{MAX_LIMIT} and offset must be 0 or more")
    found = state.hub.search(request.query_params.get("unsubscribePhoneNumber"))
    return nhn_ok(
        {
            "totalCount": len(found),
            "unsubscribePhoneNumbers": [HubStore.render(n) for n in found[offset : offset + limit]],
        }
    )


async def get_number(request: Request, state: EmulatorState) -> Response:
    number = request.path_params["number"]
    if not NUMBER_080.fullmatch(number):
        return nhn_error(400311, "invalid 080 opt-out number")
    entry = state.hub.get(number)
    if entry is None:
        return nhn_error(404222, "unregistered opt-out number")
    style = state.config.hub_number_json
    as_int = style == "number" or (style == "mixed" and entry.provider == "INTERNAL")
    return nhn_ok({"unsubscribePhoneNumber": HubStore.render(entry, number_as_int=as_int)})


async def register_external(request: Request, state: EmulatorState) -> Response:
    # The docs' curl example sends no Content-Type, so the body is read as JSON whatever it says.
    try:
        data = json.loads(await request.body())
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return nhn_error(400001, "the body must be a JSON object")
    number, company = data.get("unsubscribePhoneNumber"), data.get("corporationName")
    if not isinstance(number, str) or not NUMBER_080.fullmatch(number):
        return nhn_error(400311, "invalid 080 opt-out number: 080 followed by 7 or 8 digits")
    if not isinstance(company, str) or not company.strip() or len(company) > 100:
        return nhn_error(400001, "corporationName is required (at most 100 characters)")
    existing = state.hub.get(number)
    if existing is not None and existing.status != "TERMINATED":
        return nhn_error(404221, "already registered opt-out number")
    state.hub.add_external(number, company.strip(), now_ms())
    return nhn_ok()


async def deregister_external(request: Request, state: EmulatorState) -> Response:
    number = request.path_params["number"]
    if not NUMBER_080.fullmatch(number):
        return nhn_error(400311, "invalid 080 opt-out number")
    entry = state.hub.get(number)
    if entry is None or entry.status == "TERMINATED":
        return nhn_error(404222, "unregistered opt-out number")
    if entry.provider != "EXTERNAL":
        return nhn_error(400312, "an internally issued 080 number cannot be deregistered here")
    if not entry.terminable:
        return nhn_error(400313, "this 080 number is not terminable")
    state.hub.terminate(entry, now_ms())
    return nhn_ok()


def _not_allowed(request: Request, state: EmulatorState) -> Response:
    return nhn_error(405000, f"method {request.method} is not supported")


def routes() -> list[Route]:
    def make(methods):
        return endpoint("hub", methods, nhn_app_and_token, _not_allowed)

    paths = [  # "/external" before "/{number}", so it is not read as a number
        (BASE, "GET", "hub.list", list_numbers),
        (f"{BASE}/external", "POST", "hub.register", register_external),
        (f"{BASE}/external/{{number}}", "DELETE", "hub.deregister", deregister_external),
        (f"{BASE}/{{number}}", "GET", "hub.get", get_number),
    ]
    return [Route(path, make({method: (name, handler)}), methods=ALL_METHODS) for path, method, name, handler in paths]
