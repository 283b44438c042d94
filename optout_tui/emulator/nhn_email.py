"""NHN Cloud Email block receivers: GET/POST/PUT /email/{v2.0,v2.1}/appKeys/{appKey}/block-receivers.

Documented (shared/api/nhn-email-unsubscribers.md): the app key in the path and `X-Secret-Key`; list by `mailAddress`,
`startBlockDate`/`endBlockDate` (`yyyy-MM-dd HH:mm:ss`, read as KST), `pageNum` (from 1, default 1), `pageSize`
(default 15, -2048 above 1000) answering `{"totalCount", "data": [{"mailAddress", "blockDate"}]}` in `body`; register
`{"blockReceiverList": [{"mailAddress", "blockDate"?}]}`; remove by PUT with `"deleted": true`; every answer in
`{"header": {isSuccessful, resultCode, resultMessage}, "body"}`, with the codes of the notes only. Each open question
of the notes is an EmulatorConfig option (`nhn_email_*`). Chosen here: a call refused is refused whole (nothing of
it is kept); a non-integer `pageNum`/`pageSize` is -9993 (binding), one out of range -2302; a body that is JSON but
no object -9995; any other path under /email/ or another method -9998; `deleted` other than true -2302.
"""

from __future__ import annotations

import json
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..times import KST, now_ms, to_ms
from .gate import ALL_METHODS, endpoint
from .mail_store import valid_address
from .nhn_sms_store import java_time  # NHN's Java Timestamp text, one writer for both lists
from .responses import json_response
from .state import EmulatorState

DEFAULT_SIZE = 15
MAX_SIZE = 1000
MESSAGES = {
    0: "SUCCESS",
    1000: "Some of your requests are successful.",
    -1000: "Invalid appKey.",
    -1001: "Not exist service.",
    -1002: "Disabled service.",
    -1004: "Invalid secretKey.",
    -1005: "Service is temporarily blocked.",
    -2000: "Invalid date format. [{}] supported format: yyyy-MM-dd HH:mm:ss",
    -2048: "Page size must be 1000 or less.",
    -2302: "Invalid parameter value. [{}]",
    -2303: "The size of list must be 1000 or fewer.",
    -2304: "Already registered number.",
    -2305: "BlockReceiverList is empty.",
    -2308: "Invalid email address. [{}]",
    -2309: "Failed to add block receivers.",
    -2310: "Duplicate BlockReceiver. [{}]",
    -9993: "Binding error. [{}]",
    -9995: "Invalid request.",
    -9996: "Only application/json is supported.",
    -9997: "Request body is not readable.",
    -9998: "No such API.",
    -9999: "System error.",
}
SERVICE_CODES = {"missing": -1001, "disabled": -1002, "blocked": -1005}


def _http_status(code: int) -> int:
    """The status of a failure when `nhn_email_failure_status` is "http" (the docs name none)."""
    if code in (-1000, -1001, -1002, -1004):
        return 401
    return {-1005: 403, -2309: 500, -9996: 415, -9998: 404, -9999: 500}.get(code, 400)


def answer(state: EmulatorState, code: int = 0, what: object = "", body: object = None) -> Response:
    failed = code not in (0, 1000)
    header = {"isSuccessful": not failed, "resultCode": code, "resultMessage": MESSAGES[code].format(what)}
    as_200 = not failed or state.config.nhn_email_failure_status == "200"
    return json_response({"header": header, "body": body}, 200 if as_200 else _http_status(code))


class Refused(Exception):
    def __init__(self, code: int, what: object = "") -> None:
        self.code, self.what = code, what


def authenticate(request: Request, state: EmulatorState) -> Response | None:
    """The app key in the path (-1000), the service's state (-1001/-1002/-1005), then `X-Secret-Key` (-1004)."""
    if request.path_params.get("appKey") != state.credentials.nhn_email_app_key:
        return answer(state, -1000)
    if state.config.nhn_email_service in SERVICE_CODES:
        return answer(state, SERVICE_CODES[state.config.nhn_email_service])
    if request.headers.get("x-secret-key") != state.credentials.nhn_email_secret_key:
        return answer(state, -1004)
    return None


def _number(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise Refused(-9993, name) from None


def _date(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return to_ms(datetime.strptime(raw, "%Y-%m-%d %H:%M:%S").replace(tzinfo=KST))
    except ValueError:
        raise Refused(-2000, name) from None


async def list_receivers(request: Request, state: EmulatorState) -> Response:
    cfg = state.config
    try:
        page, size = _number(request, "pageNum", 1), _number(request, "pageSize", DEFAULT_SIZE)
        if size > MAX_SIZE:
            raise Refused(-2048)
        if page < 1 or size < 1:
            raise Refused(-2302, "pageNum" if page < 1 else "pageSize")
        start, end = _date(request, "startBlockDate"), _date(request, "endBlockDate")
    except Refused as exc:
        return answer(state, exc.code, exc.what)
    if end is not None and not cfg.nhn_email_end_inclusive:
        end -= 1
    rows = state.nhn_email.select(
        request.query_params.get("mailAddress") or None, start, end, cfg.nhn_email_order == "newest"
    )
    data = [{"mailAddress": a, "blockDate": java_time(t)} for a, t in rows[(page - 1) * size : page * size]]
    return answer(state, body={"totalCount": len(rows), "data": data})


async def _receivers(request: Request, state: EmulatorState) -> tuple[dict, list]:
    if "application/json" not in request.headers.get("content-type", "").lower():
        raise Refused(-9996)
    try:
        data = json.loads(await request.body())
    except ValueError:
        raise Refused(-9997) from None
    if not isinstance(data, dict):
        raise Refused(-9995)
    items = data.get("blockReceiverList")
    if not isinstance(items, list) or not items:
        raise Refused(-2305)
    if len(items) > state.config.nhn_email_max_list:
        raise Refused(-2303)
    if not all(isinstance(item, dict) for item in items):
        raise Refused(-9995)
    return data, items


def _split(items: list, state: EmulatorState) -> tuple[list, list]:
    """(valid addresses, refused ones); a repeat within the call is refused with -2310 unless the option says not."""
    valid, bad, seen = [], [], set()
    key = str if state.config.nhn_email_case_sensitive else str.lower
    for item in items:
        address = item.get("mailAddress")
        if not valid_address(address):
            bad.append(address)
        elif key(address) in seen:
            if state.config.nhn_email_repeat == "refuse":
                raise Refused(-2310, address)
        else:
            seen.add(key(address))
            valid.append(item)
    return valid, bad


async def register_receivers(request: Request, state: EmulatorState) -> Response:
    cfg = state.config
    try:
        _, items = await _receivers(request, state)
        valid, bad = _split(items, state)
        if bad and (cfg.nhn_email_bad_in_batch == "refuse" or not valid):
            raise Refused(-2308, bad[0])
        if cfg.nhn_email_service == "failing":
            raise Refused(-2309)
        stamps: list[int | None] = []  # per valid item: its new block time (0: now), None to leave it be
        for item in valid:
            stamp = _given_date(item)
            listed = state.nhn_email.get(item["mailAddress"])
            if listed is not None and cfg.nhn_email_listed in ("-2310", "-2304"):
                raise Refused(int(cfg.nhn_email_listed), item["mailAddress"])
            stamps.append(None if listed is not None and cfg.nhn_email_listed == "keep" else stamp)
    except Refused as exc:
        return answer(state, exc.code, exc.what)
    now = now_ms()
    for item, when in zip(valid, stamps, strict=True):
        if when is not None:
            state.nhn_email.put(item["mailAddress"], when or now)
    return answer(state, 1000 if bad else 0)


def _given_date(item: dict) -> int:
    """The item's own `blockDate` as epoch ms, or 0 for "now"."""
    raw = item.get("blockDate")
    if raw in (None, ""):
        return 0
    try:
        return to_ms(datetime.strptime(str(raw), "%Y-%m-%d %H:%M:%S").replace(tzinfo=KST))
    except ValueError:
        raise Refused(-2000, "blockDate") from None


async def remove_receivers(request: Request, state: EmulatorState) -> Response:
    mode = state.config.nhn_email_remove_missing
    try:
        data, items = await _receivers(request, state)
        if data.get("deleted") is not True:
            raise Refused(-2302, "deleted")
        valid, bad = _split(items, state)
        if bad and (state.config.nhn_email_bad_in_batch == "refuse" or not valid):
            raise Refused(-2308, bad[0])
        missing = [item["mailAddress"] for item in valid if state.nhn_email.get(item["mailAddress"]) is None]
        if missing and mode == "error":
            raise Refused(-2302, missing[0])
    except Refused as exc:
        return answer(state, exc.code, exc.what)
    for item in valid:
        state.nhn_email.remove(item["mailAddress"])
    return answer(state, 1000 if bad or (missing and mode == "partial") else 0)


def _no_such_api(request: Request, state: EmulatorState) -> Response:
    return answer(state, -9998)


def routes() -> list[Route]:
    handle = endpoint(
        "nhn-email",
        {
            "GET": ("nhn-email.list", list_receivers),
            "POST": ("nhn-email.register", register_receivers),
            "PUT": ("nhn-email.remove", remove_receivers),
        },
        authenticate,
        _no_such_api,
    )
    other = endpoint("nhn-email", {}, None, _no_such_api)
    return [
        *(
            Route(f"/email/{v}/appKeys/{{appKey}}/block-receivers", handle, methods=ALL_METHODS)
            for v in ("v2.0", "v2.1")
        ),
        Route("/email/{rest:path}", other, methods=ALL_METHODS),
    ]
