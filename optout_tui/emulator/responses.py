"""Each vendor's own response and error-body shapes (see shared/api/README.md)."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

from starlette.responses import Response

JSON = "application/json;charset=UTF-8"


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, status, headers, media_type=JSON)


GATEWAY_MESSAGES = {
    "200": "Authentication Failed",
    "210": "Permission Denied",
    "420": "Rate Limited",
    "500": "Endpoint Error",
    "510": "Endpoint Timeout",
    "900": "Unexpected Error",
}


def gateway_error(status: int, code: str, headers: dict[str, str] | None = None) -> Response:
    """The NAVER Cloud API gateway's body: {"error": {"errorCode": "200", "message": "Authentication Failed"}}."""
    return json_response({"error": {"errorCode": code, "message": GATEWAY_MESSAGES[code]}}, status, headers)


_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class SensErrors:
    """SENS error bodies in the two documented shapes; "alternate" switches shape on every error
    so clients meet both."""

    def __init__(self, shape: str) -> None:
        self.shape = shape
        self._counter = count()

    def __call__(self, status: int, message: str) -> Response:
        shape = self.shape
        if shape == "alternate":
            shape = "errors" if next(self._counter) % 2 == 0 else "message"
        reason = _REASONS.get(status, "Error")
        if shape == "errors":
            body = {"status": status, "errors": reason, "errorMessage": message}
        else:
            body = {"status": status, "error": reason, "message": message}
        return json_response(body, status)


MAILER_CODES = {
    "77101": 400,
    "77102": 400,
    "77103": 400,
    "77201": 403,
    "77202": 403,
    "77001": 405,
    "77002": 415,
    "77301": 500,
    "77302": 500,
    "77303": 500,
}
MAILER_ERROR_NAMES = {
    "77102": "BAD_REQUEST",
    "77001": "METHOD_NOT_ALLOWED",
    "77002": "UNSUPPORTED_MEDIA_TYPE",
    "77103": "NOT_FOUND",
    "77303": "INTERNAL_SERVER_ERROR",
}


def mailer_error(code: str, message: str) -> Response:
    """{"error": {"code": "77102", "errorCode": "BAD_REQUEST", "message": "..."}}."""
    body = {"error": {"code": code, "errorCode": MAILER_ERROR_NAMES.get(code, code), "message": message}}
    return json_response(body, MAILER_CODES[code])


def nhn_header(result_code: int = 0, message: str = "SUCCESS") -> dict:
    return {"isSuccessful": result_code == 0, "resultCode": result_code, "resultMessage": message}


def nhn_ok(extra: dict | None = None) -> Response:
    return json_response({"header": nhn_header(), **(extra or {})})


def nhn_error(result_code: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """HTTP status = the first three digits of resultCode (404222 -> 404)."""
    return json_response({"header": nhn_header(result_code, message)}, result_code // 1000, headers)


# The Hub's failures NHN gives a code for (its error list; 80007 from NHN's API guide, the HTTP status ours);
# for the others (429 above 300 requests/s, a gateway's 503/504) only the status is documented.
HUB_CODES = {500: (500, 500001, "Internal server error"), 401: (401, 80007, "Expired or nonexistent token")}


def hub_failure(status: int, headers: dict[str, str] | None = None) -> Response:
    """A Hub failure of HTTP `status` with NHN's documented code, or with no body where NHN documents none."""
    if status not in HUB_CODES:
        return Response(b"", status, headers)
    http_status, code, message = HUB_CODES[status]
    return json_response({"header": nhn_header(code, message)}, http_status, headers)


def oauth_error(status: int, error: str, description: str, headers: dict[str, str] | None = None) -> Response:
    """RFC 6749 error body: {"error": "invalid_client", "error_description": "..."}."""
    return json_response({"error": error, "error_description": description}, status, headers)
