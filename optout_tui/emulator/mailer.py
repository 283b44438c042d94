"""NAVER Cloud Outbound Mailer unsubscribers: GET/POST/DELETE {/api/v1,/api/v1-sgn,/api/v1-jpn}/unsubscribers.

Documented: a start (`startUtc` ms or `startDateTime`) and an end (`endUtc` or `endDateTime`) are
required, *Utc wins; `emailAddress`, `isRegByManager`, `size` (default 10), `page`, repeatable
`sort=property[,asc|desc]`; a Spring-style page object. Register/delete take `{"blockedReceivers": [...]}`
and answer `{count, requestCount, ignoreCount}` (201 / 200). `*DateTime` is Korean time (UTC+9), as the
Korean page says and third-party SDKs read it (the English page says UTC). Sorting takes the
documented properties only (`createUtc`, `isRegByManager`); anything else is a 400/77102. Chosen here: `size`
is capped at `mailer_max_page_size` and the answer reports the capped size; `emailAddress` matches the whole
address, ignoring case unless `mailer_case_sensitive` (the docs say neither); API registrations count as
registered by an admin. Without `mailer_subscribed` every call is a 403/77202 (not subscribed to the service).
"""

from __future__ import annotations

import json
import math

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..times import now_ms
from .clock import parse_mailer_datetime
from .gate import ALL_METHODS, Handler, endpoint, ncp_signature
from .responses import json_response, mailer_error
from .state import EmulatorState

PREFIXES = ("/api/v1", "/api/v1-sgn", "/api/v1-jpn")
DEFAULT_SIZE = 10
SORTABLE = ("createUtc", "isRegByManager")
KST_OFFSET_MS = 9 * 3_600_000


class BadRequest(Exception):
    pass


def _int(raw: str, name: str, low: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be an integer") from None
    if value < low:
        raise BadRequest(f"{name} must be >= {low}")
    return value


def _instant(request: Request, utc_name: str, text_name: str) -> int:
    params = request.query_params
    if params.get(utc_name):
        return _int(params[utc_name], utc_name, 0)
    if params.get(text_name):
        wall = parse_mailer_datetime(params[text_name])  # the wall time's ms as if it were UTC
        if wall is None:
            raise BadRequest(f"{text_name} must be yyyy-MM-dd[ HH:mm[:ss.SSS]]")
        return wall - KST_OFFSET_MS
    raise BadRequest(f"{utc_name} or {text_name} is required")


def _sort(request: Request) -> list[tuple[str, bool]]:
    """`sort=property[,property...][,asc|desc]`, repeatable (Spring's form): documented properties only."""
    out = []
    for raw in request.query_params.getlist("sort"):
        *props, last = raw.split(",")
        if last.lower() in ("asc", "desc") and props:
            direction = last.lower()
        else:
            props, direction = [*props, last], "asc"
        if not set(props) <= set(SORTABLE):
            raise BadRequest("sort must be createUtc|isRegByManager[,asc|desc]")
        out += [(prop, direction == "desc") for prop in props]
    return out


def _sort_json(sort: list[tuple[str, bool]]) -> list[dict]:
    return [
        {
            "direction": "DESC" if desc else "ASC",
            "property": prop,
            "ignoreCase": False,
            "nullHandling": "NATIVE",
            "ascending": not desc,
            "descending": desc,
        }
        for prop, desc in sort
    ]


async def list_unsubscribers(request: Request, state: EmulatorState) -> Response:
    params = request.query_params
    try:
        start = _instant(request, "startUtc", "startDateTime")
        end = _instant(request, "endUtc", "endDateTime")
        by_manager = None
        if params.get("isRegByManager"):
            flag = params["isRegByManager"].lower()
            if flag not in ("true", "false"):
                raise BadRequest("isRegByManager must be true or false")
            by_manager = flag == "true"
        size = _int(params["size"], "size", 1) if params.get("size") else DEFAULT_SIZE
        size = min(size, state.config.mailer_max_page_size)
        page = _int(params["page"], "page", 0) if params.get("page") else 0
        sort = _sort(request)
    except BadRequest as exc:
        return mailer_error("77102", str(exc))
    address = params.get("emailAddress") or None
    chosen = state.mail.select(start, end, address, by_manager, sort)
    total = len(chosen)
    content = [state.mail.entry(pos) for pos in chosen[page * size : (page + 1) * size]]
    pages = math.ceil(total / size)
    return json_response(
        {
            "content": content,
            "totalElements": total,
            "totalPages": pages,
            "last": page + 1 >= pages,
            "numberOfElements": len(content),
            "first": page == 0,
            "sort": _sort_json(sort),
            "size": size,
            "number": page,
        }
    )


async def _receivers(request: Request) -> list:
    if "application/json" not in request.headers.get("content-type", "").lower():
        raise TypeError
    try:
        data = json.loads(await request.body())
    except ValueError:
        raise BadRequest("the body is not valid JSON") from None
    receivers = data.get("blockedReceivers") if isinstance(data, dict) else None
    if not isinstance(receivers, list) or not receivers:
        raise BadRequest("blockedReceivers must be a non-empty list of email addresses")
    return receivers


async def _changed(request: Request, state: EmulatorState, delete: bool) -> Response:
    try:
        receivers = await _receivers(request)
    except TypeError:
        return mailer_error("77002", "Content-Type must be application/json")
    except BadRequest as exc:
        return mailer_error("77102", str(exc))
    if delete:
        done, ignored = state.mail.delete(receivers)
    else:
        done, ignored = state.mail.register(receivers, now_ms())
    body = {"count": done, "requestCount": len(receivers), "ignoreCount": ignored}
    return json_response(body, 200 if delete else 201)


async def register_unsubscribers(request: Request, state: EmulatorState) -> Response:
    return await _changed(request, state, delete=False)


async def delete_unsubscribers(request: Request, state: EmulatorState) -> Response:
    return await _changed(request, state, delete=True)


def _not_allowed(request: Request, state: EmulatorState) -> Response:
    return mailer_error("77001", f"method {request.method} is not supported")


def _subscribed(handler: Handler) -> Handler:
    """`handler` behind the subscription check: a project without the Mailer gets 403/77202 on every call."""

    async def checked(request: Request, state: EmulatorState) -> Response:
        if not state.config.mailer_subscribed:
            return mailer_error("77202", "not subscribed to the mail service")
        return await handler(request, state)

    return checked


def routes() -> list[Route]:
    handle = endpoint(
        "mailer",
        {
            "GET": ("mailer.list", _subscribed(list_unsubscribers)),
            "POST": ("mailer.register", _subscribed(register_unsubscribers)),
            "DELETE": ("mailer.delete", _subscribed(delete_unsubscribers)),
        },
        ncp_signature,
        _not_allowed,
    )
    return [Route(f"{prefix}/unsubscribers", handle, methods=ALL_METHODS) for prefix in PREFIXES]
