"""The emulator checks NAVER Cloud signature v2 the way the API gateway does."""

from __future__ import annotations

import time

import httpx
import pytest

from optout_tui.api.ncp_signing import signed_headers
from optout_tui.emulator import DEMO, EmulatorConfig, create_app

from .conftest import MAILER_PATH, SENS_PATH

GATEWAY_AUTH_FAILED = {"error": {"errorCode": "200", "message": "Authentication Failed"}}


def test_a_correctly_signed_request_is_accepted(client):
    response = client.signed("GET", f"{SENS_PATH}?pageSize=5&pageIndex=0")
    assert response.status_code == 200
    assert len(response.json()) == 5


def test_the_mailer_signs_the_path_including_api_v1(client):
    target = f"{MAILER_PATH}?startUtc=0&endUtc=9999999999999"
    assert client.signed("GET", target).status_code == 200
    headers = signed_headers(
        "GET", "/unsubscribers?startUtc=0&endUtc=9999999999999", DEMO.ncloud_access_key, DEMO.ncloud_secret_key
    )
    assert client.http.get(target, headers=headers).status_code == 401


def test_a_wrong_access_key_is_refused_with_the_gateway_body(client):
    response = client.signed("GET", SENS_PATH, access_key="SOMEONEELSESKEY00000")
    assert response.status_code == 401
    assert response.json() == GATEWAY_AUTH_FAILED


def test_a_wrong_secret_is_refused(client):
    response = client.signed("GET", SENS_PATH, secret_key="not-the-secret")
    assert response.status_code == 401
    assert response.json() == GATEWAY_AUTH_FAILED


def test_a_clock_six_minutes_off_is_refused_both_ways(client):
    now = int(time.time() * 1000)
    for skew_ms in (-6 * 60_000, 6 * 60_000):
        response = client.signed("GET", SENS_PATH, timestamp_ms=now + skew_ms)
        assert response.status_code == 401
        assert response.json() == GATEWAY_AUTH_FAILED
    assert client.signed("GET", SENS_PATH, timestamp_ms=now - 4 * 60_000).status_code == 200


def test_a_query_altered_after_signing_is_refused(client):
    headers = signed_headers("GET", f"{SENS_PATH}?pageSize=5", DEMO.ncloud_access_key, DEMO.ncloud_secret_key)
    response = client.http.get(f"{SENS_PATH}?pageSize=6", headers=headers)
    assert response.status_code == 401
    assert response.json() == GATEWAY_AUTH_FAILED


def test_missing_signature_headers_are_refused(client):
    response = client.http.get(SENS_PATH)
    assert response.status_code == 401
    assert response.json() == GATEWAY_AUTH_FAILED


def test_the_raw_target_is_verified_as_received_not_re_encoded(client):
    encoded = SENS_PATH.replace(":", "%3A")
    assert client.signed("GET", encoded).status_code == 200  # signed what was sent
    headers = signed_headers("GET", SENS_PATH, DEMO.ncloud_access_key, DEMO.ncloud_secret_key)
    assert client.http.get(encoded, headers=headers).status_code == 401  # signed something else


def test_the_sens_service_id_must_match(client):
    other = SENS_PATH.replace(":demo/", ":other/")
    response = client.signed("GET", other)
    assert response.status_code == 404
    body = response.json()
    assert body["status"] == 404


async def test_the_asgi_app_also_works_in_process_through_httpx():
    app = create_app_small()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as http:
        target = f"{SENS_PATH}?pageSize=3"
        headers = signed_headers("GET", target, DEMO.ncloud_access_key, DEMO.ncloud_secret_key)
        response = await http.get(target, headers=headers)
    assert response.status_code == 200
    assert len(response.json()) == 3


def create_app_small():
    return create_app(EmulatorConfig(sms_count=10, email_count=5))


# ---------------------------------------------------------------- the gateway's reading of the query


ESCAPED = f"{MAILER_PATH}?startUtc=0&endUtc=9999999999999&emailAddress=a%2Bb@example.com&sort=createUtc%2Cdesc"
DECODED = f"{MAILER_PATH}?startUtc=0&endUtc=9999999999999&emailAddress=a+b@example.com&sort=createUtc,desc"


def signed_over(client, sent: str, signed: str) -> httpx.Response:
    """Send `sent` with a signature over `signed`."""
    headers = signed_headers("GET", signed, DEMO.ncloud_access_key, DEMO.ncloud_secret_key)
    return client.http.get(sent, headers=headers)


def test_by_default_the_gateway_checks_the_query_as_sent(client):
    assert signed_over(client, ESCAPED, ESCAPED).status_code == 200
    refused = signed_over(client, ESCAPED, DECODED)
    assert refused.status_code == 401 and refused.json() == GATEWAY_AUTH_FAILED


def test_the_decoded_reading_checks_the_query_percent_decoded(make_client):
    client = make_client(ncp_signature_reading="decoded")
    assert signed_over(client, ESCAPED, DECODED).status_code == 200  # as NAVER's Python and JS SDKs sign it
    refused = signed_over(client, ESCAPED, ESCAPED)
    assert refused.status_code == 401 and refused.json() == GATEWAY_AUTH_FAILED
    plain = f"{SENS_PATH}?pageSize=5&pageIndex=0"  # nothing escaped: both readings sign one string
    assert signed_over(client, plain, plain).status_code == 200
    spaced = f"{MAILER_PATH}?startUtc=0&endUtc=9999999999999&emailAddress=a+b@x.kr"  # `+` is a space in a form
    assert signed_over(client, spaced, spaced.replace("a+b", "a b")).status_code == 200
    assert signed_over(client, spaced, spaced).status_code == 401


def test_the_decoded_reading_still_reads_the_path_as_sent(make_client):
    """NAVER's Python SDK quotes path parameters before it signs: only the query is read decoded."""
    client = make_client(ncp_signature_reading="decoded")
    encoded = SENS_PATH.replace(":", "%3A")
    assert signed_over(client, encoded, encoded).status_code == 200
    assert signed_over(client, encoded, SENS_PATH).status_code == 401


def test_an_unknown_reading_is_refused_at_start():
    with pytest.raises(ValueError, match="ncp_signature_reading"):
        EmulatorConfig(ncp_signature_reading="raw")
