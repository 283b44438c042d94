"""Settings, endpoints and transport failures: each ends in one clear line."""

from __future__ import annotations

import socket

import pytest

from optout_tui.api.base import ListFilter, ListKind
from optout_tui.api.errors import ApiError
from optout_tui.api.factory import build_lists
from optout_tui.api.http import check_endpoint
from optout_tui.settings import ConfigError, Profile, Secrets

from .conftest import FAST_RETRY


@pytest.mark.parametrize("url", ["http://sens.apigw.ntruss.com", "http://10.0.0.5:8080", "ftp://x", "sens.example"])
def test_plain_http_is_refused_except_on_loopback(url):
    with pytest.raises(ConfigError):
        check_endpoint(url, "SENS")


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9", "https://x.example"])
def test_https_and_loopback_http_are_accepted(url):
    assert check_endpoint(url + "/", "SENS") == url


def test_missing_settings_are_named_with_where_to_set_them():
    lists = build_lists(Profile(), Secrets(ncloud_access_key="a", ncloud_secret_key="b"))
    assert lists.email is not None and lists.sms is None and lists.n080 is None
    assert "OPTOUT_SENS_SERVICE_ID" in lists.problems[ListKind.SMS]
    assert "NHN_USER_ACCESS_KEY_ID" in lists.problems[ListKind.N080]


async def test_wrong_secret_is_an_auth_error(emulator):
    from optout_tui.demo import demo_settings

    profile, secrets = demo_settings(emulator)
    secrets.ncloud_secret_key = "wrong"
    lists = build_lists(profile, secrets, retry=FAST_RETRY)
    try:
        with pytest.raises(ApiError) as caught:
            await lists.sms.fetch_page(ListFilter(), 0)
    finally:
        await lists.aclose()
    assert caught.value.status == 401 and caught.value.is_auth
    assert "wrong" not in caught.value.line


async def test_network_down_says_so():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before use: nothing listens there
    profile = Profile(sens_url=f"http://127.0.0.1:{port}", sens_service_id="ncp:sms:kr:1:x")
    lists = build_lists(profile, Secrets(ncloud_access_key="a", ncloud_secret_key="b"), retry=FAST_RETRY)
    try:
        with pytest.raises(ApiError) as caught:
            await lists.sms.fetch_page(ListFilter(), 0)
    finally:
        await lists.aclose()
    assert caught.value.is_network and "could not reach" in caught.value.line
    assert "network" in caught.value.line
