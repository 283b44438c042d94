"""Issue 4, "never leaked": a full session, then every file the tool wrote and every line it printed are
searched for every secret and every NHN access token. None may be found.

The session: the dashboard on the profile (headless, screenshot saved, the credentials screen opened),
then the command line in subprocesses against a loopback emulator that accepts only this test's
credentials: show, test, lookup, list, add, remove (with an audit reason), a wrong secret, an
unreachable endpoint and injected vendor errors.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import httpx
import pytest

from optout_tui.emulator import Credentials, EmulatorConfig, EmulatorServer

pytestmark = pytest.mark.slow

CREDS = Credentials(
    ncloud_access_key="LeakCheckAccessKey7Q1",
    ncloud_secret_key="leak-check-ncloud-secret-9f8e7d6c5b4a3210",
    sens_service_id="ncp:sms:kr:987654321098:leakcheck",
    nhn_app_key="LeakCheckAppKey000042",
    nhn_user_access_key_id="LeakCheckNhnUserKey01",
    nhn_secret_access_key="leak-check-nhn-secret-access-key-77",
    nhn_sms_app_key="LeakCheckSmsAppKey0042",
    nhn_sms_secret_key="LkSms7Q9",
    nhn_email_app_key="LeakCheckMailAppKey042",
    nhn_email_secret_key="LkMail4Z",
)
SECRET_VALUES = [
    CREDS.ncloud_access_key,
    CREDS.ncloud_secret_key,
    CREDS.nhn_user_access_key_id,
    CREDS.nhn_secret_access_key,
    CREDS.nhn_sms_secret_key,
    CREDS.nhn_email_secret_key,
]


@pytest.fixture(scope="module")
def emulator():
    with EmulatorServer(EmulatorConfig(sms_count=120, email_count=30, credentials=CREDS, hang_seconds=0.5)) as server:
        issued: list[str] = []
        store = server.state.tokens
        original = store.issue

        def recording_issue(ttl: int) -> str:
            token = original(ttl)
            issued.append(token)
            return token

        store.issue = recording_issue  # the tokens are secrets too: remember every one handed out
        server.issued_tokens = issued
        yield server


def forbidden(tokens: list[str]) -> dict[str, str]:
    """Every secret in every form it could travel in."""
    values = {f"secret {i}": v for i, v in enumerate(SECRET_VALUES)}
    values.update({f"token {i}": t for i, t in enumerate(tokens)})
    basic = base64.b64encode(f"{CREDS.nhn_user_access_key_id}:{CREDS.nhn_secret_access_key}".encode()).decode()
    values["NHN basic header"] = basic
    for name, value in list(values.items()):
        if quote(value, safe="") != value:
            values[f"{name} url-encoded"] = quote(value, safe="")
    return values


def test_no_secret_or_token_reaches_files_or_output(emulator, isolated_dirs, tmp_path):
    base = emulator.base_url
    outputs: list[tuple[str, str]] = []
    env = {
        **os.environ,
        "OPTOUT_SENS_URL": base,
        "OPTOUT_MAILER_URL": f"{base}/api/v1",
        "OPTOUT_HUB_URL": base,
        "OPTOUT_NHN_OAUTH_URL": base,
        "OPTOUT_SENS_SERVICE_ID": CREDS.sens_service_id,
        "OPTOUT_NHN_APP_KEY": CREDS.nhn_app_key,
        "OPTOUT_NHN_SMS_URL": base,
        "OPTOUT_NHN_EMAIL_URL": base,
        "NHN_SMS_APP_KEY": CREDS.nhn_sms_app_key,
        "NHN_EMAIL_APP_KEY": CREDS.nhn_email_app_key,
        "NHN_SMS_SECRET_KEY": CREDS.nhn_sms_secret_key,
        "NHN_EMAIL_SECRET_KEY": CREDS.nhn_email_secret_key,
        "NCLOUD_ACCESS_KEY": CREDS.ncloud_access_key,
        "NCLOUD_SECRET_KEY": CREDS.ncloud_secret_key,
        "NHN_USER_ACCESS_KEY_ID": CREDS.nhn_user_access_key_id,
        "NHN_SECRET_ACCESS_KEY": CREDS.nhn_secret_access_key,
        "PYTHONWARNINGS": "default",
    }

    def cli(*args: str, stdin: str | None = None, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "optout_tui", *args],
            check=False,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            env={**env, **(extra or {})},
        )
        outputs.append((" ".join(args), done.stdout + done.stderr))
        assert "Traceback" not in done.stderr, f"{args}: {done.stderr}"
        return done

    # ---- the dashboard, headless, on the same settings (with a screenshot and the credentials screen)
    screenshot = _dashboard_session(base, tmp_path)
    outputs.append(("dashboard screenshot", screenshot))

    # ---- the command line
    assert cli("credentials", "show").returncode == 0
    assert cli("credentials", "test").returncode == 0
    cli("lookup", "010-1234-5678", "kim@example.com", "080-123-4567", "02-123-4567")
    assert cli("list", "sms", "--limit", "20", "--format", "csv").returncode == 0
    assert cli("list", "email", "--limit", "5", "--format", "jsonl").returncode == 0
    assert cli("list", "080", "--format", "jsonl").returncode == 0
    numbers = "\n".join(f"010-7777-{i:04d}" for i in range(30)) + "\nnot a number\n"
    cli("add", "sms", "--file", "-", "--reason", "leak check", stdin=numbers)
    cli("remove", "sms", "--yes", "--reason", "leak check", "010-7777-0001", "010-7777-0002")
    # failures a user can cause: a wrong secret, an unreachable vendor, vendor errors
    wrong = cli("credentials", "test", extra={"NCLOUD_SECRET_KEY": "not-the-right-secret-000000"})
    assert wrong.returncode == 3
    httpx.post(f"{base}/_emulator/config", json={"fault_rate": 1.0}).raise_for_status()
    try:  # these wait out their retries: run them side by side
        with ThreadPoolExecutor(3) as pool:
            runs = [
                pool.submit(cli, "lookup", "010-1234-5678", extra={"OPTOUT_SENS_URL": "http://127.0.0.1:9"}),
                pool.submit(cli, "list", "080", "--format", "jsonl"),
                pool.submit(cli, "lookup", "kim@example.com"),
            ]
            assert all(run.result().returncode == 3 for run in runs)
    finally:
        httpx.post(f"{base}/_emulator/config", json={"fault_rate": 0.0}).raise_for_status()
    httpx.post(f"{base}/_emulator/expire-tokens").raise_for_status()
    cli("list", "080", "--format", "jsonl")  # renews the token after a 401

    assert emulator.issued_tokens, "the session never fetched an NHN token: the test would prove nothing"
    needles = forbidden(emulator.issued_tokens)

    # ---- search everything that was printed
    for what, text in outputs:
        for name, value in needles.items():
            assert value not in text, f"{name} appeared in the output of `{what}`"

    # ---- search every file in the config, data, cache, state and log folders, and the screenshot dir
    scanned = 0
    for root in (isolated_dirs, tmp_path / "shots"):
        for path in Path(root).rglob("*"):
            if path.is_file():
                scanned += 1
                data = path.read_bytes()
                for name, value in needles.items():
                    assert value.encode() not in data, f"{name} was written to {path}"
    assert scanned > 0


def _dashboard_session(base: str, tmp_path: Path) -> str:
    """Run the dashboard headless: browse, open the credentials screen, save a screenshot."""
    import asyncio

    from optout_tui.api.factory import build_lists
    from optout_tui.demo import demo_settings
    from optout_tui.ui.app import OptOutApp

    # the demo's settings for this emulator, with the leak check's own credentials, as a non-demo profile
    profile, secrets = demo_settings(SimpleNamespace(base_url=base, credentials=CREDS))
    profile = replace(profile, name="leakcheck", demo=False)
    shots = tmp_path / "shots"
    shots.mkdir()

    async def session() -> str:
        app = OptOutApp(
            build_lists(profile, secrets), profile, secrets=secrets, lists_factory=build_lists, owns_lists=True
        )
        texts = []
        async with app.run_test(size=(120, 40)) as pilot:
            for key in ("3", "1", "c"):  # the 080 tab (fetches a token), back, credentials screen
                await pilot.press(key)
                await pilot.pause(0.3)
            texts.append(app.export_screenshot())
            app.save_screenshot(filename="dashboard.svg", path=str(shots))
            await pilot.press("escape")
            await pilot.pause(0.1)
        return "\n".join(texts)

    return asyncio.run(session())
