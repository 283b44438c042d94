"""NHN Cloud SMS 080 opt-out recipients under /sms/v3.0/appKeys/{appKey}/blockservice, with `X-Secret-Key`.

Documented (shared/api/nhn-sms-080-recipients.md): the project's 080 numbers (`unsubscribe-nos`, paged) and one of
them; recipients by `unsubscribeNo`, `recipientNo`, `startRequestDate`/`endRequestDate` (`yyyy-MM-dd HH:mm:ss`, KST),
`pageNum` (from 1, default 1) and `pageSize` (default 15, at most 1000), answering `{pageNum, pageSize, totalCount,
data}` in `body`; register `{"unsubscribeNo", "recipientNoList"}` (1 to 10 recipients); remove by DELETE
`recipients/removes?unsubscribeNo=&updateUser=&recipientNoList=a,b`. Every answer carries `{"header": {isSuccessful,
resultCode, resultMessage}}`, with the codes of the notes only. Each open question is an EmulatorConfig option
(`nhn_sms_*`). Chosen here: the HTTP status of each code (STATUS); rows newest first; a parameter missing, too long or
out of range is 4; a recipient is 0 and 8 to 10 more digits, else -2019 and the whole call is refused; an 080 number
not the project's is -6004; a start after the end -1005; another version -9995; another path or method -9998; a wrong
app key -1001 when it is letters and digits, else -1000.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..times import KST, now_ms, to_ms
from .gate import ALL_METHODS, endpoint
from .nhn_sms_store import NhnSmsStore, java_time
from .responses import json_response
from .state import EmulatorState

BASE = "/sms/{version}/appKeys/{app_key}/blockservice"
VERSION = "v3.0"
RECIPIENT = re.compile(r"0[0-9]{8,10}")
MAX_PAGE_SIZE = 1000
STATUS = {
    4: 400,
    -1000: 401,
    -1001: 401,
    -1002: 403,
    -1004: 403,
    -1005: 400,
    -1008: 403,
    -2000: 400,
    -2019: 400,
    -6000: 403,
    -6004: 400,
    -9995: 404,
    -9996: 415,
    -9997: 400,
    -9998: 404,
    -9999: 500,
}
MESSAGES = {
    0: "SUCCESS",
    4: "Parameter validation failed.",
    -1000: "Invalid appKey.",
    -1001: "Not found appKey.",
    -1002: "Not used service.",
    -1004: "Not allowed IP.",
    -1005: "Invalid search condition.",
    -1008: "Blocked project.",
    -2000: "Invalid date format.",
    -2019: "Invalid recipientNo.",
    -6000: "Block service is not joined.",
    -6004: "This is not a joined unsubscribeNo.",
    -9995: "Invalid API version.",
    -9996: "Only application/json is supported.",
    -9997: "Invalid JSON format.",
    -9998: "Not found API.",
    -9999: "System error.",
}
ACCOUNT = {"disabled": -1002, "ip-denied": -1004, "blocked": -1008, "not-joined": -6000, "failing": -9999}


class Refused(Exception):
    def __init__(self, code: int, message: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message or MESSAGES[code]


def header(code: int = 0, message: str | None = None) -> dict:
    return {"isSuccessful": code == 0, "resultCode": code, "resultMessage": message or MESSAGES[code]}


def failure(state: EmulatorState, code: int, message: str | None = None) -> Response:
    status = 200 if state.config.nhn_sms_failure_status == "200" else STATUS[code]
    return json_response({"header": header(code, message), "body": None}, status)


def authenticate(request: Request, state: EmulatorState) -> Response | None:
    """The version, the app key in the path, `X-Secret-Key`, then the project's state."""
    if request.path_params["version"] != VERSION:
        return failure(state, -9995)
    key, creds, cfg = request.path_params["app_key"], state.credentials, state.config
    if key != creds.nhn_sms_app_key:
        return failure(state, -1001 if key.isascii() and key.isalnum() else -1000)
    if request.headers.get("x-secret-key") != creds.nhn_sms_secret_key:
        if cfg.nhn_sms_bad_secret == "401":
            return json_response({"message": "Unauthorized"}, 401)
        return failure(state, int(cfg.nhn_sms_bad_secret))
    if cfg.nhn_sms_account != "ok":
        return failure(state, ACCOUNT[cfg.nhn_sms_account])
    return None


def _param(request: Request, name: str, limit: int, required: bool = False) -> str | None:
    value = request.query_params.get(name) or None
    if value is None and required:
        raise Refused(4, f"{name} is required.")
    if value is not None and len(value) > limit:
        raise Refused(4, f"{name} is longer than {limit}.")
    return value


def _required(request: Request, name: str, limit: int) -> str:
    return _param(request, name, limit, required=True) or ""


def _int(request: Request, name: str, default: int, high: int | None = None) -> int:
    raw = request.query_params.get(name) or None
    try:
        value = default if raw is None else int(raw)
    except ValueError:
        raise Refused(4, f"{name} must be a number.") from None
    if value < 1 or (high is not None and value > high):
        raise Refused(4, f"{name} must be 1 to {high}." if high else f"{name} must be 1 or more.")
    return value


def _date(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name) or None
    if raw is None:
        return None
    try:
        return to_ms(datetime.strptime(raw, "%Y-%m-%d %H:%M:%S").replace(tzinfo=KST))
    except ValueError:
        raise Refused(-2000, f"{name} must be yyyy-MM-dd HH:mm:ss.") from None


def _paged(request: Request, rows: list, render: Callable) -> dict:
    page, size = _int(request, "pageNum", 1), _int(request, "pageSize", 15, MAX_PAGE_SIZE)
    chunk = rows[(page - 1) * size : page * size]
    echoed = size if request.app.state.emulator.config.nhn_sms_page_size_echo == "requested" else len(chunk)
    return {"pageNum": page, "pageSize": echoed, "totalCount": len(rows), "data": [render(row) for row in chunk]}


def _ok(body: dict | None = None, with_body: bool = True) -> Response:
    return json_response({"header": header(), "body": body} if with_body else {"header": header()})


async def list_numbers(request: Request, state: EmulatorState) -> Response:
    return _ok(_paged(request, list(state.nhn_sms.numbers.values()), NhnSmsStore.render_number))


async def one_number(request: Request, state: EmulatorState) -> Response:
    entry = state.nhn_sms.numbers.get(request.path_params["number"])
    if entry is None:
        raise Refused(-6004)
    item = NhnSmsStore.render_number(entry)
    if state.config.nhn_sms_one_number_data == "object":
        return _ok({"data": item})
    return _ok({"pageNum": 1, "pageSize": 1, "totalCount": 1, "data": [item]})


def _number080(state: EmulatorState, number: str | None) -> str | None:
    if number is not None and number not in state.nhn_sms.numbers:
        raise Refused(-6004)
    return number


async def list_recipients(request: Request, state: EmulatorState) -> Response:
    cfg = state.config
    number = _number080(state, _param(request, "unsubscribeNo", 25, required=cfg.nhn_sms_list_needs_number))
    recipient = _param(request, "recipientNo", 25)
    start, end = _date(request, "startRequestDate"), _date(request, "endRequestDate")
    if start is not None and end is not None and start > end:
        raise Refused(-1005, "startRequestDate is after endRequestDate.")
    rows = state.nhn_sms.recipients(number, recipient, start, end, cfg.nhn_sms_end_inclusive)
    return _ok(
        _paged(request, rows, lambda r: {"unsubscribeNo": r[0], "recipientNo": r[1], "requestDate": java_time(r[2])})
    )


async def register_recipients(request: Request, state: EmulatorState) -> Response:
    if "application/json" not in request.headers.get("content-type", "").lower():
        raise Refused(-9996)
    try:
        data = json.loads(await request.body())
    except ValueError:
        raise Refused(-9997) from None
    if not isinstance(data, dict):
        raise Refused(4, "The body must be a JSON object.")
    number, recipients = data.get("unsubscribeNo"), data.get("recipientNoList")
    if not isinstance(number, str) or not 0 < len(number) <= 25:
        raise Refused(4, "unsubscribeNo is required (at most 25 characters).")
    if not isinstance(recipients, list) or not 1 <= len(recipients) <= 10:
        raise Refused(4, "recipientNoList must hold 1 to 10 recipients.")
    _number080(state, number)
    if not all(isinstance(r, str) and RECIPIENT.fullmatch(r) for r in recipients):
        raise Refused(-2019)
    state.nhn_sms.register(number, recipients, now_ms(), refresh=state.config.nhn_sms_register_existing == "renew")
    return _ok(with_body=False)  # the docs' example has no `body`


async def remove_recipients(request: Request, state: EmulatorState) -> Response:
    number = _number080(state, _required(request, "unsubscribeNo", 20)) or ""
    user = _required(request, "updateUser", 100)
    name = state.config.nhn_sms_remove_param
    recipients = [r for part in request.query_params.getlist(name) for r in part.split(",") if r]
    if not recipients:
        raise Refused(4, f"{name} is required.")
    if any(len(r) > 20 for r in recipients):
        raise Refused(4, f"{name}: each recipient is at most 20 characters.")
    listed = state.nhn_sms.numbers[number].recipients
    missing = [r for r in recipients if r not in listed]
    mode = state.config.nhn_sms_remove_missing
    if missing and mode == "reject":
        raise Refused(-2019, "Unregistered recipientNo.")
    state.nhn_sms.remove(number, recipients, user)
    if missing and mode == "partial":
        raise Refused(-2019, "Unregistered recipientNo.")
    return _ok()


def _no_such_api(request: Request, state: EmulatorState) -> Response:
    return failure(state, -9995 if request.path_params.get("version") != VERSION else -9998)


Handler = Callable[[Request, EmulatorState], Awaitable[Response]]


def _refusals(handler: Handler) -> Handler:
    async def handle(request: Request, state: EmulatorState) -> Response:
        try:
            return await handler(request, state)
        except Refused as refused:
            return failure(state, refused.code, refused.message)

    return handle


def routes() -> list[Route]:
    def make(methods: Mapping[str, tuple[str, Handler]]):
        named = {method: (name, _refusals(handler)) for method, (name, handler) in methods.items()}
        return endpoint("nhn-sms", named, authenticate, _no_such_api)

    paths = [
        (f"{BASE}/unsubscribe-nos", {"GET": ("nhn-sms.numbers", list_numbers)}),
        (f"{BASE}/unsubscribe-nos/{{number}}", {"GET": ("nhn-sms.number", one_number)}),
        (
            f"{BASE}/recipients",
            {"GET": ("nhn-sms.list", list_recipients), "POST": ("nhn-sms.register", register_recipients)},
        ),
        (f"{BASE}/recipients/removes", {"DELETE": ("nhn-sms.delete", remove_recipients)}),
    ]
    other = endpoint("nhn-sms", {}, None, _no_such_api)
    return [
        *(Route(path, make(methods), methods=ALL_METHODS) for path, methods in paths),
        Route("/sms/{version}/appKeys/{app_key}/{rest:path}", other, methods=ALL_METHODS),
    ]
