"""Every error-body shape in shared/api/README.md becomes one ApiError with status, code and message."""

import pytest

from optout_tui.api.errors import error_from_response

CASES = [
    # (service, status, body, code, message fragment, retryable)
    (
        "SENS",
        401,
        '{"error": {"errorCode": "200", "message": "Authentication Failed"}}',
        "200",
        "Authentication Failed",
        False,
    ),
    ("SENS", 429, '{"error": {"errorCode": "420", "message": "Rate limited"}}', "420", "Rate limited", True),
    (
        "Outbound Mailer",
        400,
        '{"error": {"code": "77102", "errorCode": "BAD", "message": "Request error"}}',
        "77102",
        "Request error",
        False,
    ),
    (
        "SENS",
        400,
        '{"status": 400, "errors": "InvalidParameter", "errorMessage": "pageSize must be 1-100"}',
        "InvalidParameter",
        "pageSize must be 1-100",
        False,
    ),
    (
        "SENS",
        404,
        '{"status": 404, "error": "NotFound", "message": "no such service"}',
        "NotFound",
        "no such service",
        False,
    ),
    (
        "Notification Hub",
        404,
        '{"header": {"isSuccessful": false, "resultCode": 404222, "resultMessage": "unregistered"}}',
        "404222",
        "unregistered",
        False,
    ),
    ("SENS", 503, "<html><body><h1>503 Service Unavailable</h1></body></html>", None, "Service Unavailable", True),
    ("SENS", 500, "", None, "Internal Server Error", True),
    (
        "NHN Cloud OAuth",
        401,
        '{"error": "invalid_client", "error_description": "unknown user access key"}',
        "invalid_client",
        "unknown user access key",
        False,
    ),
    ("SENS", 502, "upstream connect error", None, "upstream connect error", True),
]


@pytest.mark.parametrize("service,status,body,code,fragment,retryable", CASES)
def test_error_bodies_parse_into_one_type(service, status, body, code, fragment, retryable):
    err = error_from_response(service, status, body.encode())
    assert err.status == status
    assert err.code == code
    assert fragment in err.message
    assert err.retryable is retryable
    assert "\n" not in err.line and service in err.line


def test_retry_after_header_is_read():
    err = error_from_response("SENS", 429, b"{}", {"retry-after": "3"})
    assert err.retry_after == 3.0


def test_auth_errors_point_at_the_credentials():
    err = error_from_response("SENS", 401, b'{"error": {"errorCode": "200", "message": "Authentication Failed"}}')
    assert err.is_auth and "credentials" in err.line
