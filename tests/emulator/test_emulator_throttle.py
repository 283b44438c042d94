"""The emulated gateway limits: a request rate per vendor service, each its own bucket, refused in the vendor's
words; the NCP daily quota; both changed at run time and counted."""

from __future__ import annotations

import httpx

from optout_tui.emulator import EmulatorConfig, EmulatorServer

from .conftest import HUB_PATH, MAILER_PATH, SENS_PATH, Client


def test_over_the_rate_each_service_refuses_in_its_own_words_and_counts_it():
    with EmulatorServer(EmulatorConfig(sms_count=0, email_count=0, rate_limit=0.01, retry_after=3)) as server:
        client = Client(server)
        first = [client.signed("GET", path).status_code != 429 for path in (SENS_PATH, MAILER_PATH)]
        sens, mailer = client.signed("GET", SENS_PATH), client.signed("GET", MAILER_PATH)
        hub_first, hub = client.http.get(HUB_PATH), client.http.get(HUB_PATH)
        counts = client.http.get("/_emulator/throttle").json()
    assert first == [True, True]  # each bucket lets its first request through
    assert (sens.status_code, mailer.status_code, hub.status_code) == (429, 429, 429)
    assert sens.json() == mailer.json() == {"error": {"errorCode": "420", "message": "Rate Limited"}}
    assert hub_first.status_code == 401 and hub.content == b""  # NHN documents no code for its 429
    assert sens.headers["retry-after"] == hub.headers["retry-after"] == "3"
    assert counts["rate_limit"] == 0.01
    assert counts["services"]["sens"] == {"requests": 2, "passed": 1, "refused": 1, "quota_refused": 0}
    assert counts["services"]["hub"]["refused"] == 1


def test_a_used_up_quota_answers_429_with_code_400_until_lifted():
    with EmulatorServer(EmulatorConfig(sms_count=0, email_count=0, quota=2)) as server:
        client = Client(server)
        answers = [client.signed("GET", f"{SENS_PATH}?pageSize=1").status_code for _ in range(3)]
        refused = client.signed("GET", f"{SENS_PATH}?pageSize=1")
        other = client.signed("GET", f"{MAILER_PATH}?startUtc=0&endUtc=1")  # a quota of its own
        lifted = client.http.post("/_emulator/throttle", json={"quota": None}).json()
        again = client.signed("GET", f"{SENS_PATH}?pageSize=1")
        bad = client.http.post("/_emulator/throttle", json={"rate_limit": -1})
    assert answers == [200, 200, 429]
    assert refused.json() == {"error": {"errorCode": "400", "message": "Quota Exceeded"}}
    assert other.status_code == 200
    assert lifted["quota"] is None and lifted["services"]["sens"]["quota_refused"] == 2
    assert again.status_code == 200
    assert bad.status_code == 400


def test_a_reset_starts_the_limits_over_from_the_config():
    with EmulatorServer(EmulatorConfig(sms_count=0, email_count=0, quota=0)) as server:
        client = Client(server)
        client.http.post("/_emulator/throttle", json={"quota": None, "rate_limit": 5})
        assert client.signed("GET", f"{SENS_PATH}?pageSize=1").status_code == 200
        httpx.post(f"{server.base_url}/_emulator/reset")
        assert client.signed("GET", f"{SENS_PATH}?pageSize=1").status_code == 429
        assert client.http.get("/_emulator/throttle").json()["rate_limit"] is None
