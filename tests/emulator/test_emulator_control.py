"""The behaviours the vendors' docs leave open can be switched on a running emulator, so one server can play
each reading in turn; the ones that shape stored data are refused by name."""

from __future__ import annotations

from .conftest import SENS_PATH


def test_an_open_behaviour_switches_on_a_running_emulator(client):
    missing = f"{SENS_PATH}?clientTelNo=01000000000"
    assert client.signed("GET", missing).status_code == 200
    client.control("config", {"sens_empty_404": True})
    empty = client.signed("GET", missing)
    assert (empty.status_code, empty.content) == (404, b"")
    client.control("config", {"sens_empty_404": False})
    assert client.signed("GET", missing).json() == []


def test_a_switched_choice_is_checked_and_reported(client):
    answer = client.control("config", {"ncp_signature_reading": "decoded", "hub_expired_token": "403"})
    assert (answer["ncp_signature_reading"], answer["hub_expired_token"]) == ("decoded", "403")
    for bad in (
        {"ncp_signature_reading": "sideways"},
        {"sens_empty_404": "yes"},
        {"nhn_sms_remove_param": 3},
        {"mailer_case_sensitive": True},  # keys the stored addresses: set at start only
    ):
        response = client.http.post("/_emulator/config", json=bad)
        assert response.status_code == 400, bad
    client.control("reset")
    assert client.control("config", {})["ncp_signature_reading"] == "sent"
