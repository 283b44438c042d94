"""SENS answering "nothing found" with HTTP 404 and an empty body (seen live) as well as with `[]` (documented):
over real loopback HTTP against the emulator in both modes, through the client, the CLI and the dashboard's test."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from optout_tui.api import sms
from optout_tui.api.base import ListFilter, ListKind, OutcomeStatus
from optout_tui.api.errors import ApiError
from optout_tui.api.factory import build_lists
from optout_tui.cli import cli
from optout_tui.config import ENV_OVERRIDES, PROFILE_ENV
from optout_tui.demo import demo_settings
from optout_tui.emulator import EmulatorConfig, EmulatorServer
from optout_tui.settings import SECRET_ENV
from optout_tui.ui.screens.credentials import test_connection as dashboard_test

from .conftest import FAST_RETRY, make_lists
from .loopback_vendor import LoopbackVendor

WRONG_ID = "ncp:sms:kr:000000000000:nosuchservice"
ABSENT = "01012340000"  # never in the sample data (its 010 numbers have middle blocks 2000-9999)
ADDED = "01012340001"
EMPTY_404_LINE = "reachable; SENS answered HTTP 404 with no body"


@pytest.fixture(scope="module", params=[False, True], ids=["documented-200", "empty-404"])
def servers(request):
    """(a list of 100 numbers, an empty list), both SENS answering "nothing found" one way."""
    empty_404 = request.param
    with (
        EmulatorServer(EmulatorConfig(sms_count=100, email_count=0, sens_empty_404=empty_404)) as full,
        EmulatorServer(EmulatorConfig(sms_count=0, email_count=0, sens_empty_404=empty_404)) as empty,
    ):
        yield empty_404, full, empty


def wrong_id_lists(server):
    profile, secrets = demo_settings(server)
    return build_lists(dataclasses.replace(profile, sens_service_id=WRONG_ID), secrets, retry=FAST_RETRY)


async def collect(lst, flt: ListFilter):
    pages = [page async for page in lst.pages(flt)]
    return pages, [entry for page in pages for entry in page.entries]


# ---------------------------------------------------------------- the client


async def test_a_list_that_finds_nothing_ends_with_no_rows(servers):
    empty_404, full, empty = servers
    future = datetime.now(UTC) + timedelta(days=30)
    for server, flt in ((full, ListFilter(since=future)), (empty, ListFilter())):
        lists = make_lists(server)
        try:
            pages, entries = await collect(lists.sms, flt)
        finally:
            await lists.aclose()
        assert entries == [] and len(pages) == 1 and pages[0].last
        assert pages[0].note == (sms.EMPTY_404 if empty_404 else "")


async def test_a_full_page_then_nothing_lists_every_entry(servers):
    _, full, _ = servers
    lists = make_lists(full)
    try:
        pages, entries = await collect(lists.sms, ListFilter())
    finally:
        await lists.aclose()
    assert len({entry.number for entry in entries}) == 100
    assert [len(page.entries) for page in pages] == [100, 0]  # the empty page: `[]` or an empty 404


async def test_a_lookup_says_not_on_the_list_and_a_removal_not_on_list(servers):
    _, full, _ = servers
    lists = make_lists(full)
    try:
        assert [o.status for o in await lists.sms.register([ADDED])] == [OutcomeStatus.REGISTERED]
        assert await lists.sms.lookup(ABSENT) is None
        assert (await lists.sms.lookup(ADDED)).value == ADDED
        outcomes = await lists.sms.remove([ABSENT, ADDED])  # each looked up first: one of them finds nothing
    finally:
        await lists.aclose()
    assert [(o.value, o.status) for o in outcomes] == [
        (ABSENT, OutcomeStatus.NOT_ON_LIST),
        (ADDED, OutcomeStatus.REMOVED),
    ]


async def test_an_unknown_service_id_is_an_error_unless_sens_answers_it_with_an_empty_404(servers):
    """The emulator's reading: with empty 404s on, an unknown service id gets one too (the live report could not
    tell the two apart), so the client cannot either; otherwise it is a 404 with a SENS error body."""
    empty_404, full, _ = servers
    lists = wrong_id_lists(full)
    try:
        if empty_404:
            assert await lists.sms.lookup(ABSENT) is None
            assert (await lists.sms.fetch_page(ListFilter(), 0)).note == sms.EMPTY_404
        else:
            with pytest.raises(ApiError) as caught:
                await lists.sms.lookup(ABSENT)
            assert caught.value.status == 404 and not caught.value.empty_body
            assert "service" in caught.value.message
            with pytest.raises(ApiError):
                await lists.sms.fetch_page(ListFilter(), 0)
    finally:
        await lists.aclose()


def _answer(get_status: bytes, get_body: bytes):
    async def answer(head: bytes) -> bytes:
        if head.startswith(b"GET "):
            return b"HTTP/1.1 %s\r\nContent-Length: %d\r\n\r\n%s" % (get_status, len(get_body), get_body)
        return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]"

    return answer


@pytest.mark.parametrize(
    "status,body,outcome",
    [
        (b"404 Not Found", b"", OutcomeStatus.FAILED),  # looked up afterwards: not on the list
        (b"404 Not Found", b"   ", OutcomeStatus.FAILED),  # whitespace is no body either
        (b"404 Not Found", b'{"status":404,"errors":"Not Found","errorMessage":"no such service"}', "error"),
        (b"404 Not Found", b'{"status":404,"error":"Not Found","message":"no such service"}', "error"),
    ],
)
async def test_a_registration_looks_up_what_its_answer_left_out_the_same_way(status, body, outcome):
    """SENS answered a registration without the number: the lookup afterwards finds nothing (an empty 404) and
    says so, or fails (a 404 with an error body) and the outcome is unknown, carrying the error."""
    async with LoopbackVendor(_answer(status, body)) as vendor:
        profile, secrets = demo_settings(SimpleNamespace(base_url=vendor.url))
        lists = build_lists(profile, secrets, retry=FAST_RETRY)
        try:
            [result] = await lists.sms.register([ABSENT])
        finally:
            await lists.aclose()
    if outcome == "error":
        assert result.status is OutcomeStatus.UNKNOWN and result.error is not None and result.error.status == 404
        assert "no such service" in result.detail
    else:
        assert result.status is outcome and result.detail == sms.NOT_THERE
    assert [line.split()[0] for line in vendor.request_lines] == ["POST", "GET"]


# ---------------------------------------------------------------- the command line and the dashboard


def cli_env(server, **settings) -> dict[str, str | None]:
    """Environment for `optout-tui` pointing every NAVER/NHN setting at `server`; nothing else set."""
    profile, secrets = demo_settings(server)
    profile = dataclasses.replace(profile, **settings)
    env: dict[str, str | None] = {name: None for name in [*ENV_OVERRIDES.values(), PROFILE_ENV]}
    for key in ("sens_url", "mailer_url", "hub_url", "nhn_oauth_url", "sens_service_id", "nhn_app_key"):
        env[ENV_OVERRIDES[key]] = getattr(profile, key)
    for key, name in SECRET_ENV.items():  # every secret given, so that no keyring is asked
        env[name] = getattr(secrets, key, None) or "not-used-by-these-tests"
    return env


def invoke(tmp_path, env, *args):
    config = tmp_path / "config.toml"
    config.write_text("")
    return CliRunner().invoke(cli, ["--config", str(config), *args], env=env, catch_exceptions=False)


def sms_line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("SMS "))


def test_cli_lookup_of_a_number_not_on_the_list_exits_1(servers, tmp_path):
    _, full, _ = servers
    result = invoke(tmp_path, cli_env(full), "lookup", "010-1234-0000")
    assert result.exit_code == 1, result.output
    assert result.output.strip().endswith("not on the opt-out list")
    assert "error" not in result.output


def test_cli_credentials_test_tells_an_empty_list_or_says_it_cannot(servers, tmp_path):
    empty_404, _, empty = servers
    result = invoke(tmp_path, cli_env(empty), "credentials", "test")
    assert result.exit_code == 0, result.output
    line = sms_line(result.output)
    if empty_404:
        assert line == f"SMS       {EMPTY_404_LINE}, as it does for an empty list and possibly for an unknown " + (
            "service id: if the list should not be empty, check the service id in the NAVER Cloud console"
        )
    else:
        assert line == "SMS       ok: 0 entries on the first page"


def test_cli_credentials_test_with_a_wrong_service_id(servers, tmp_path):
    empty_404, full, _ = servers
    result = invoke(tmp_path, cli_env(full, sens_service_id=WRONG_ID), "credentials", "test")
    line = sms_line(result.output)
    if empty_404:  # SENS gives nothing to tell it by: said so, not called a failure
        assert result.exit_code == 0, result.output
        assert line.startswith(f"SMS       {EMPTY_404_LINE}") and "check the service id" in line
    else:
        assert result.exit_code == 3, result.output
        assert line.startswith("SMS       FAILED: SENS error (HTTP 404") and "service" in line


@pytest.mark.parametrize("wrong_id", [False, True], ids=["right-id", "wrong-id"])
async def test_dashboard_test_tells_the_same(servers, wrong_id):
    empty_404, _, empty = servers
    profile, secrets = demo_settings(empty)
    if wrong_id:
        profile = dataclasses.replace(profile, sens_service_id=WRONG_ID)
    line = await dashboard_test(lambda p, s: build_lists(p, s, retry=FAST_RETRY), profile, secrets, ListKind.SMS)
    if empty_404:
        assert line == f"⚠ SMS: reachable; {sms.EMPTY_404}"
    elif wrong_id:
        assert line.startswith("✖ SMS: SENS error (HTTP 404") and "service" in line
    else:
        assert line == "✔ SMS: connected, 0 entries on the first page"
