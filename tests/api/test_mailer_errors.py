"""Outbound Mailer refusals over real loopback HTTP against the emulator: a project without the Mailer (403/77202)
says what that likely means and what to do, in one line; a sort the Mailer does not document is a 400/77102; what
the client sends is accepted."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from optout_tui.api.base import ListFilter, ListKind
from optout_tui.api.errors import MAILER_NOT_SUBSCRIBED, ApiError
from optout_tui.api.factory import build_lists
from optout_tui.api.http import VendorHttp
from optout_tui.api.ncp_signing import NcpSigner
from optout_tui.cli import cli
from optout_tui.demo import demo_settings
from optout_tui.emulator import DEMO, EmulatorConfig, EmulatorServer
from optout_tui.ui.screens.credentials import test_connection as dashboard_test

from .conftest import FAST_RETRY, make_lists
from .test_sens_empty_404 import cli_env


@pytest.fixture(scope="module")
def unsubscribed():
    with EmulatorServer(EmulatorConfig(sms_count=10, email_count=10, mailer_subscribed=False)) as server:
        yield server


async def test_a_77202_says_what_it_likely_means_and_what_to_do(unsubscribed):
    lists = make_lists(unsubscribed)
    try:
        with pytest.raises(ApiError) as caught:
            await lists.email.lookup("someone@example.kr")
        assert [entry.value for entry in (await lists.sms.fetch_page(ListFilter(), 0)).entries]  # SENS is unaffected
    finally:
        await lists.aclose()
    error = caught.value
    assert (error.status, error.code, error.retryable) == (403, "77202", False)
    assert error.line.endswith(f"; {MAILER_NOT_SUBSCRIBED}")
    assert "\n" not in error.line
    for fact in ("Outbound Mailer subscription", "SENS", "2026-09-17", "gov and fin", "NAVER Cloud console", "zone"):
        assert fact in error.line


def test_the_cli_says_it_in_one_line(unsubscribed, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("")
    env = cli_env(unsubscribed)
    runner = CliRunner()
    tested = runner.invoke(cli, ["--config", str(config), "credentials", "test"], env=env, catch_exceptions=False)
    assert tested.exit_code == 3, tested.output
    [email] = [line for line in tested.output.splitlines() if line.startswith("Email ")]
    assert "code 77202" in email and email.endswith(MAILER_NOT_SUBSCRIBED)
    looked = runner.invoke(
        cli, ["--config", str(config), "lookup", "someone@example.kr"], env=env, catch_exceptions=False
    )
    assert looked.exit_code == 3, looked.output
    assert looked.output.count("\n") == 1 and looked.output.rstrip().endswith(MAILER_NOT_SUBSCRIBED)


async def test_the_dashboard_test_says_it_too(unsubscribed):
    profile, secrets = demo_settings(unsubscribed)
    line = await dashboard_test(lambda p, s: build_lists(p, s, retry=FAST_RETRY), profile, secrets, ListKind.EMAIL)
    assert line.startswith("✖ Email: ") and line.endswith(MAILER_NOT_SUBSCRIBED)


# ---------------------------------------------------------------- sorting


@pytest.fixture(scope="module")
def mailer():
    with EmulatorServer(EmulatorConfig(sms_count=0, email_count=60)) as server:
        yield server


@pytest.mark.parametrize("newest_first", [True, False])
async def test_the_sort_the_client_sends_is_accepted(mailer, newest_first):
    lists = make_lists(mailer)
    try:
        pages = [page async for page in lists.email.pages(ListFilter(newest_first=newest_first))]
    finally:
        await lists.aclose()
    times = [entry.blocked_at for page in pages for entry in page.entries]
    assert len(times) == 60 and times == sorted(times, reverse=newest_first)


@pytest.mark.parametrize("sort", ["address,desc", "blockDate", "createdUtc"])
async def test_an_undocumented_sort_property_is_a_400_77102_in_one_line(mailer, sort):
    profile, _ = demo_settings(mailer)
    signer = NcpSigner(DEMO.ncloud_access_key, DEMO.ncloud_secret_key)
    http = VendorHttp("Outbound Mailer", profile.mailer_url, auth=signer, refresh=signer.refresh, retry=FAST_RETRY)
    try:
        with pytest.raises(ApiError) as caught:
            await http.request("GET", "/unsubscribers", params={"startUtc": 0, "endUtc": 1, "sort": sort})
    finally:
        await http.aclose()
    assert (caught.value.status, caught.value.code, caught.value.retryable) == (400, "77102", False)
    assert "sort" in caught.value.line and "\n" not in caught.value.line
