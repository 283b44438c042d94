"""NAVER Cloud SENS opt-out numbers: GET/POST/DELETE /sms/v2/services/{serviceId}/unsubscribes.

Documented: `clientTelNo` digits only (exact), `pageSize` 1-100, `pageIndex` 0-N, `startTime` and
`endTime` in ms (inclusive here); a bare JSON array, newest registration first, no total count.
Register and delete take `[{"clientTelNo": ...}]`, 1 to 1,000 items; a registration answers the entries
(every number asked for, or only those it added: `sens_register_answer`). Not documented, chosen here:
`pageSize` defaults to 10, numbers are 1-18 digits, an unsupported Content-Type is a 415.
With `sens_empty_404` a list call that finds nothing answers 404 with an empty body, as SENS did live, and so
does a list call for an unknown service id (which the live report could not rule out); otherwise an unknown
service id is a 404 with a SENS error body.
"""

from __future__ import annotations

import json
from operator import itemgetter

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..times import now_ms
from .gate import ALL_METHODS, endpoint, ncp_signature
from .responses import JSON, json_response
from .sms_store import MAX_DIGITS, encode
from .state import EmulatorState

PATH = "/sms/v2/services/{service_id}/unsubscribes"
MAX_ITEMS = 1000
_CLIENT_TEL_NO = itemgetter("clientTelNo")
DEFAULT_PAGE_SIZE = 10


class BadRequest(Exception):
    pass


def _digits(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_DIGITS and value.isascii() and value.isdigit()


def _all_digits(values: list) -> bool:
    """`_digits` for a whole request at C speed (the common case: every value is fine)."""
    if set(map(type, values)) != {str}:
        return False
    lengths = list(map(len, values))
    joined = "".join(values)
    return min(lengths) > 0 and max(lengths) <= MAX_DIGITS and joined.isascii() and joined.isdigit()


def _int_param(request: Request, name: str, low: int, high: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be an integer") from None
    if value < low or (high is not None and value > high):
        raise BadRequest(f"{name} must be {low}-{high}" if high is not None else f"{name} must be >= {low}")
    return value


def _empty_404() -> Response:
    return Response(status_code=404)


def _service_missing(request: Request, state: EmulatorState) -> Response | None:
    if request.path_params["service_id"] != state.credentials.sens_service_id:
        if state.config.sens_empty_404 and request.method == "GET":
            return _empty_404()
        return state.sens_errors(404, "service not found: check the serviceId")
    return None


async def list_unsubscribes(request: Request, state: EmulatorState) -> Response:
    if (missing := _service_missing(request, state)) is not None:
        return missing
    try:
        size = _int_param(request, "pageSize", 1, 100) or DEFAULT_PAGE_SIZE
        index = _int_param(request, "pageIndex", 0) or 0
        start = _int_param(request, "startTime", 0)
        end = _int_param(request, "endTime", 0)
        number = request.query_params.get("clientTelNo")
        if number is not None and not _digits(number):
            raise BadRequest("clientTelNo must contain digits only")
        if start is not None and end is not None and start > end:
            raise BadRequest("startTime must not be after endTime")
    except BadRequest as exc:
        return state.sens_errors(400, str(exc))
    if number is not None:
        found = state.sms.one(encode(number), start, end) if index == 0 else []
        return _empty_404() if not found and state.config.sens_empty_404 else json_response(found)
    positions = state.sms.page_positions(start, end, index, size)
    if not positions and state.config.sens_empty_404:
        return _empty_404()
    return Response(state.sms.to_json(positions), media_type=JSON)


_OPEN, _SEP, _CLOSE = b'[{"clientTelNo":"', b'"},{"clientTelNo":"', b'"}]'


def _compact_numbers(body: bytes) -> list[str] | None:
    """The numbers of a body written exactly `[{"clientTelNo":"010..."},...]` with 1 to 1,000 numbers
    of digits only, as clients send it; None for any other body (it goes through the JSON parser).
    The split pieces being all digits proves the body is that exact JSON, so nothing is skipped."""
    if not (body.startswith(_OPEN) and body.endswith(_CLOSE)) or len(body) < len(_OPEN) + len(_CLOSE) + 1:
        return None
    parts = body[len(_OPEN) : -len(_CLOSE)].split(_SEP)
    lengths = list(map(len, parts))
    if not (len(parts) <= MAX_ITEMS and min(lengths) > 0 and max(lengths) <= MAX_DIGITS and b"".join(parts).isdigit()):
        return None
    return list(map(bytes.decode, parts))


async def _numbers_in_body(request: Request) -> list[str]:
    if "application/json" not in request.headers.get("content-type", "").lower():
        raise TypeError
    body = await request.body()
    compact = _compact_numbers(body)
    if compact is not None:
        return compact
    try:
        data = json.loads(body)
    except ValueError:
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(data, list) or not 1 <= len(data) <= MAX_ITEMS:
        raise BadRequest(f"the body must be a JSON array of 1 to {MAX_ITEMS} items")
    try:  # the usual body, at C speed: every item an object with a clientTelNo
        numbers = list(map(_CLIENT_TEL_NO, data))
    except (KeyError, TypeError):
        numbers = [item.get("clientTelNo") if type(item) is dict else None for item in data]
    if not _all_digits(numbers):
        bad = next(i for i, value in enumerate(numbers) if not _digits(value))
        raise BadRequest(f"item {bad}: clientTelNo must contain digits only")
    return numbers


async def _changed(request: Request, state: EmulatorState, delete: bool) -> Response:
    if (missing := _service_missing(request, state)) is not None:
        return missing
    try:
        numbers = await _numbers_in_body(request)
    except TypeError:
        return state.sens_errors(415, "Content-Type must be application/json")
    except BadRequest as exc:
        return state.sens_errors(400, str(exc))
    if delete:
        state.sms.delete(numbers)
        return Response(status_code=204)
    distinct = list(dict.fromkeys(numbers))
    known = len(state.sms.times)  # positions from here on are the numbers this call adds
    registered = state.sms.register(distinct, now_ms(), distinct=True)
    if state.config.sens_register_answer == "new":
        distinct = [number for number, pos in zip(distinct, registered, strict=True) if pos >= known]
        registered = [pos for pos in registered if pos >= known]
    body = state.sms.to_json(registered, distinct)
    return Response(body, state.config.sens_register_status, media_type=JSON)


async def register_unsubscribes(request: Request, state: EmulatorState) -> Response:
    return await _changed(request, state, delete=False)


async def delete_unsubscribes(request: Request, state: EmulatorState) -> Response:
    return await _changed(request, state, delete=True)


def _not_allowed(request: Request, state: EmulatorState) -> Response:
    return state.sens_errors(405, f"method {request.method} is not supported")


def routes() -> list[Route]:
    handle = endpoint(
        "sens",
        {
            "GET": ("sens.list", list_unsubscribes),
            "POST": ("sens.register", register_unsubscribes),
            "DELETE": ("sens.delete", delete_unsubscribes),
        },
        ncp_signature,
        _not_allowed,
    )
    return [Route(PATH, handle, methods=ALL_METHODS)]
