"""Emulator tests talk to a real loopback server with plain httpx, signing like a client would."""

from __future__ import annotations

import httpx
import pytest

from optout_tui.api.ncp_signing import signed_headers
from optout_tui.emulator import DEMO, EmulatorConfig, EmulatorServer

ANCHOR_MS = 1_795_392_000_000  # 2026-11-24 00:00 UTC: fixed, so sample data is identical between runs
SENS_PATH = f"/sms/v2/services/{DEMO.sens_service_id}/unsubscribes"
MAILER_PATH = "/api/v1/unsubscribers"
HUB_PATH = "/sender/v1.0/unsubscribe-phone-numbers"


class Client:
    """httpx over loopback plus the three ways of authenticating to the emulator."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.base_url, timeout=10)
        self._token: str | None = None

    def signed(
        self,
        method: str,
        target: str,
        *,
        json=None,
        content=None,
        headers=None,
        access_key=DEMO.ncloud_access_key,
        secret_key=DEMO.ncloud_secret_key,
        timestamp_ms: int | None = None,
    ) -> httpx.Response:
        """Sign `target` (path and query, exactly as sent) and send it."""
        all_headers = signed_headers(method, target, access_key, secret_key, timestamp_ms)
        all_headers.update(headers or {})
        return self.http.request(method, target, json=json, content=content, headers=all_headers)

    def token(self, fresh: bool = False) -> str:
        if self._token is None or fresh:
            response = self.http.post(
                "/oauth2/token/create",
                auth=(DEMO.nhn_user_access_key_id, DEMO.nhn_secret_access_key),
                data={"grant_type": "client_credentials"},
            )
            assert response.status_code == 200, response.text
            self._token = response.json()["access_token"]
        return self._token

    def hub(
        self, method: str, path: str, *, json=None, params=None, app_key=DEMO.nhn_app_key, token: str | None = None
    ) -> httpx.Response:
        headers = {"X-NC-APP-KEY": app_key, "X-NHN-Authorization": f"Bearer {token or self.token()}"}
        return self.http.request(method, path, json=json, params=params, headers=headers)

    def control(self, name: str, body: dict | None = None) -> dict:
        if body is None and name == "stats":
            response = self.http.get("/_emulator/stats")
        else:
            response = self.http.post(f"/_emulator/{name}", json=body or {})
        assert response.status_code == 200, response.text
        return response.json()


def small(**settings) -> EmulatorConfig:
    settings.setdefault("sms_count", 40)
    settings.setdefault("email_count", 30)
    settings.setdefault("anchor_ms", ANCHOR_MS)
    return EmulatorConfig(**settings)


@pytest.fixture
def make_client():
    """Start an emulator with the given settings (small data) and hand back a client for it."""
    servers = []

    def make(**settings) -> Client:
        server = EmulatorServer(small(**settings)).start()
        servers.append(Client(server))
        return servers[-1]

    yield make
    for made in servers:
        made.http.close()
        made.server.stop()


@pytest.fixture(scope="session")
def shared_client():
    with EmulatorServer(small()) as server:
        made = Client(server)
        yield made
        made.http.close()


@pytest.fixture
def client(shared_client) -> Client:
    """A client of the shared default emulator, reset to its starting data for each test."""
    shared_client.control("reset")
    shared_client._token = None
    return shared_client
