"""NHN Cloud Notification Hub 080 opt-out numbers under /sender/v1.0/unsubscribe-phone-numbers.

Documented: list with `unsubscribePhoneNumber` (a prefix search in which `_` stands for any one character),
`limit` (default 50, max 1,000), `offset`, `totalCount`; get one; register an external number with a company
name; deregister one. Every answer carries {"header": {isSuccessful, resultCode, resultMessage}}; on failure the
HTTP status is the first three digits of resultCode, or 200 when the request says `X-NC-ALWAYS-200-OK: true`.
A shared number in use cannot be cancelled (console guide).

Every code is from NHN's list (TOAST-DOCS/notification-hub error-code.md), the nearest one where the docs name
none for the case: 400311 invalid number, 404221 already registered, 404222 unregistered, 400417 bad limit or
offset or body, 400322 / 400323 company name too long / empty, 400220 "already in use" for a shared number in
use, 400520 "access is not allowed" for an internal or non-terminable number, 400515 unsupported method,
400300 invalid app key. A missing, unknown, revoked or expired token is refused as
`EmulatorConfig.hub_expired_token` says (the docs don't say how; 80007 is the code NHN's public API guide
gives for an expired or unknown token).
The single-number answer may send the number as a JSON number (see EmulatorConfig.hub_number_json).
"""

from __future__ import annotations

import json
import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..times import now_ms
from .gate import ALL_METHODS, Handler, endpoint
from .hub_store import NUMBER_080, HubStore
from .responses import json_response, nhn_error, nhn_header, nhn_ok
from .state import EmulatorState

BASE = "/sender/v1.0/unsubscribe-phone-numbers"
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
TOKEN_REFUSALS = {  # EmulatorConfig.hub_expired_token -> (HTTP status, resultCode)
    "401": (401, 80007),
    "403": (403, 403000),
    "200": (200, 80007),
}


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


def _always_200(request: Request, response: Response) -> Response:
    """`X-NC-ALWAYS-200-OK: true` asks for HTTP 200 on failures too (the header still says what failed)."""
    if request.headers.get("x-nc-always-200-ok", "").lower() == "true":
        response.status_code = 200
    return response


def hub_auth(request: Request, state: EmulatorState) -> Response | None:
    """A live bearer token (refused as configured), then the app key."""
    scheme, _, token = request.headers.get("x-nhn-authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not state.tokens.valid(token.strip()):
        status, code = TOKEN_REFUSALS[state.config.hub_expired_token]
        body = {"header": nhn_header(code, "the access token is missing, unknown, revoked or expired")}
        return _always_200(request, json_response(body, status))
    if request.headers.get("x-nc-app-key") != state.credentials.nhn_app_key:
        return _always_200(request, nhn_error(400300, "invalid app key"))
    return None


def _like(fragment: str) -> re.Pattern[str]:
    """The fragment as the Hub reads it: a prefix, `_` any one character (and `%`, SQL LIKE's other
    wildcard, any run of them: the docs name no escape)."""
    parts = ("." if ch == "_" else ".*" if ch == "%" else re.escape(ch) for ch in fragment)
    return re.compile("".join(parts))


async def list_numbers(request: Request, state: EmulatorState) -> Response:
    limit = _int(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int(request, "offset", 0, 0)
    if limit is None or offset is None:
        return nhn_error(400417, f"invalid parameter: limit must be 1-{MAX_LIMIT} and offset 0 or more")
    fragment = request.query_params.get("unsubscribePhoneNumber")
    found = state.hub.search(_like(fragment) if fragment else None)
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
        return nhn_error(400417, "invalid parameter: the body must be a JSON object")
    number, company = data.get("unsubscribePhoneNumber"), data.get("corporationName")
    if not isinstance(number, str) or not NUMBER_080.fullmatch(number):
        return nhn_error(400311, "invalid 080 opt-out number: 080 followed by 7 or 8 digits")
    if not isinstance(company, str) or not company.strip():
        return nhn_error(400323, "'corporationName' must not be empty")
    if len(company) > 100:
        return nhn_error(400322, "'corporationName' must be 100 characters or fewer")
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
    if entry.share_status == "SECONDARY" and entry.status == "IN_USE":
        return nhn_error(400220, "this number is already in use: a shared 080 number in use cannot be cancelled")
    if entry.provider != "EXTERNAL" or not entry.terminable:
        return nhn_error(400520, "access is not allowed: only a terminable external number can be deregistered")
    state.hub.terminate(entry, now_ms())
    return nhn_ok()


def _not_allowed(request: Request, state: EmulatorState) -> Response:
    return _always_200(request, nhn_error(400515, f"unsupported HTTP method {request.method}"))


def _answering(handler: Handler) -> Handler:
    async def answer(request: Request, state: EmulatorState) -> Response:
        return _always_200(request, await handler(request, state))

    return answer


def routes() -> list[Route]:
    paths = [  # "/external" before "/{number}", so it is not read as a number
        (BASE, "GET", "hub.list", list_numbers),
        (f"{BASE}/external", "POST", "hub.register", register_external),
        (f"{BASE}/external/{{number}}", "DELETE", "hub.deregister", deregister_external),
        (f"{BASE}/{{number}}", "GET", "hub.get", get_number),
    ]
    return [
        Route(path, endpoint("hub", {method: (name, _answering(handler))}, hub_auth, _not_allowed), methods=ALL_METHODS)
        for path, method, name, handler in paths
    ]
