"""Injected failures and the control endpoints that tests and benchmarks drive."""

from __future__ import annotations

from collections import Counter

import pytest

from .conftest import HUB_PATH, MAILER_PATH, SENS_PATH


def test_fail_next_429_with_retry_after_then_success(client):
    client.control("fail-next", {"count": 1, "status": 429, "route": "sens", "retry_after": 3})
    first = client.signed("GET", SENS_PATH)
    assert first.status_code == 429
    assert first.headers["Retry-After"] == "3"
    assert first.json() == {"error": {"errorCode": "420", "message": "Rate Limited"}}
    assert client.signed("GET", SENS_PATH).status_code == 200


def test_fail_next_only_hits_its_route(client):
    client.control("fail-next", {"count": 2, "status": 503, "route": "hub"})
    assert client.signed("GET", SENS_PATH).status_code == 200
    client.token()  # the OAuth route is not the Hub's
    failed = client.hub("GET", HUB_PATH)
    assert failed.status_code == 503
    assert failed.content == b""  # NHN documents no code for a 503: the emulator invents none
    assert client.hub("GET", HUB_PATH).status_code == 503
    assert client.hub("GET", HUB_PATH).status_code == 200


@pytest.mark.parametrize("status, code", [(500, 500001), (401, 80007)])
def test_fail_next_gives_the_hub_only_nhns_documented_codes(client, status, code):
    client.token()
    client.control("fail-next", {"status": status, "route": "hub"})
    failed = client.hub("GET", HUB_PATH)
    assert (failed.status_code, failed.json()["header"]["resultCode"]) == (status, code)


@pytest.mark.parametrize("status, code", [(500, "900"), (401, "200"), (503, "500")])
def test_fail_next_speaks_the_gateway_body_for_ncp(client, status, code):
    client.control("fail-next", {"status": status, "route": "mailer"})
    response = client.signed("GET", f"{MAILER_PATH}?startUtc=0&endUtc=1")
    assert response.status_code == status
    assert response.json()["error"]["errorCode"] == code
    assert "Retry-After" not in response.headers


def test_a_timeout_hangs_then_answers_504(make_client):
    client = make_client(hang_seconds=0.05)
    client.control("fail-next", {"status": "timeout", "route": "any"})
    response = client.signed("GET", SENS_PATH)
    assert response.status_code == 504
    assert response.json()["error"]["errorCode"] == "510"


def test_a_bad_order_is_refused(client):
    for order in ({"status": 418}, {"route": "fax"}, {"count": 0}, {"retry_after": "soon"}):
        assert client.http.post("/_emulator/fail-next", json=order).status_code == 400


def statuses(client, n: int) -> list[int]:
    return [client.signed("GET", f"{SENS_PATH}?pageSize=1").status_code for _ in range(n)]


def test_a_fault_rate_fails_a_deterministic_share_evenly_split(make_client):
    runs = []
    for _ in range(2):
        client = make_client(fault_rate=0.3, hang_seconds=0.0, retry_after=1)
        runs.append(statuses(client, 90))
    assert runs[0] == runs[1]
    counts = Counter(runs[0])
    assert 10 <= 90 - counts[200] <= 50
    assert counts[429] > 0 and counts[503] > 0 and counts[504] > 0
    assert max(counts[429], counts[503], counts[504]) - min(counts[429], counts[503], counts[504]) <= 1
    assert client.control("stats")["faults"] == 90 - counts[200]


def test_stats_count_api_requests_by_route_and_reset(client):
    client.control("reset-stats")
    client.signed("GET", SENS_PATH)
    client.signed("GET", SENS_PATH)
    client.signed("POST", SENS_PATH, json=[{"clientTelNo": "01011112222"}])
    client.signed("GET", f"{MAILER_PATH}?startUtc=0&endUtc=1")
    client.hub("GET", HUB_PATH)
    stats = client.control("stats")
    assert stats["requests"] == 6
    assert stats["by_route"] == {"sens.list": 2, "sens.register": 1, "mailer.list": 1, "oauth.create": 1, "hub.list": 1}
    assert stats["faults"] == 0
    assert client.control("reset-stats") == {"requests": 0, "by_route": {}, "faults": 0}


def test_config_changes_at_run_time(client):
    changed = client.control("config", {"latency_ms": 1, "fault_rate": 1.0, "token_ttl": 60, "hang_seconds": 0})
    assert (changed["latency_ms"], changed["fault_rate"], changed["token_ttl"]) == (1.0, 1.0, 60)
    assert client.signed("GET", SENS_PATH).status_code in (429, 503, 504)
    client.control("config", {"fault_rate": 0})
    assert client.signed("GET", SENS_PATH).status_code == 200
    for bad in ({"fault_rate": 2}, {"latency_ms": "slow"}, {"seed": 1}, {"token_ttl": 0}):
        assert client.http.post("/_emulator/config", json=bad).status_code == 400


def test_reset_restores_the_starting_data(client):
    client.signed(
        "DELETE",
        SENS_PATH,
        json=[{"clientTelNo": e["clientTelNo"]} for e in client.signed("GET", f"{SENS_PATH}?pageSize=100").json()],
    )
    assert client.signed("GET", SENS_PATH).json() == []
    client.control("reset")
    assert len(client.signed("GET", f"{SENS_PATH}?pageSize=100").json()) == 40


def test_latency_holds_every_answer_back_its_work_included(make_client):
    import time

    client = make_client(latency_ms=80)
    started = time.monotonic()
    response = client.signed("POST", SENS_PATH, json=[{"clientTelNo": "01077770000"}])
    assert response.status_code == 202
    assert time.monotonic() - started >= 0.08  # never sooner (a lower bound, not a speed test)
    assert client.signed("GET", f"{SENS_PATH}?clientTelNo=01077770000").json()[0]["registerType"] == "M"
