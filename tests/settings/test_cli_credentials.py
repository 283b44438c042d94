"""`optout-tui credentials set|show|delete|test` end to end (memory keyring; real loopback emulator)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from keyring.backends import null

from optout_tui.cli import cli
from optout_tui.config import load_config, update_profile
from optout_tui.credentials.diagnosis import SERVICE
from optout_tui.credentials.stores import load_secrets, store_secrets
from optout_tui.emulator import DEMO, EmulatorConfig, EmulatorServer
from optout_tui.settings import Secrets

from .conftest import MEMORY_KEYRING_NAME

SECRETS = {
    "ncloud_access_key": "NCPACCESSKEY00000001",
    "ncloud_secret_key": "ncpSecretKey0000000000000000000000000001",
    "nhn_user_access_key_id": "NHNUSERKEYID00000001",
    "nhn_secret_access_key": "nhnSecretAccessKey00000001",
}


@pytest.fixture
def config_path(tmp_path):
    return str(tmp_path / "config.toml")


def invoke(config_path, *args, input=None):
    result = CliRunner().invoke(cli, ["--config", config_path, *args], input=input, catch_exceptions=False)
    return result


def assert_no_secret_in(text: str) -> None:
    for value in SECRETS.values():
        assert value not in text


def test_set_from_stdin_stores_in_the_keyring_and_settings_in_the_file(memory_keyring, config_path):
    lines = "\n".join(
        [
            "# pasted from the console",
            f"NCLOUD_ACCESS_KEY={SECRETS['ncloud_access_key']}",
            f"ncloud_secret_key = '{SECRETS['ncloud_secret_key']}'",
            f"export NHN_USER_ACCESS_KEY_ID={SECRETS['nhn_user_access_key_id']}",
            f"nhn_secret_access_key={SECRETS['nhn_secret_access_key']}",
            "sens_service_id=ncp:sms:kr:111:prod",
            "OPTOUT_NHN_APP_KEY=APPKEY-PROD",
            "",
        ]
    )
    result = invoke(config_path, "credentials", "set", "--profile", "prod", "--stdin", input=lines)
    assert result.exit_code == 0, result.output
    assert "stored 4 secret(s) for profile 'prod'" in result.output
    assert_no_secret_in(result.output)
    assert load_secrets("prod") == Secrets(**SECRETS)
    profile = load_config(config_path).profiles["prod"]
    assert (profile.sens_service_id, profile.nhn_app_key) == ("ncp:sms:kr:111:prod", "APPKEY-PROD")
    text = Path(config_path).read_text(encoding="utf-8")
    assert_no_secret_in(text)


def test_set_prompts_with_hidden_input_and_enter_keeps_current(memory_keyring, config_path):
    store_secrets("prod", Secrets(**SECRETS))
    update_profile(config_path, "prod", sens_service_id="ncp:sms:kr:111:prod")
    # service id (keep), app key (new), NHN SMS and Email app keys (none), then six secrets: keep, new, keep...
    answers = "\nAPPKEY-NEW\n\n\n\nNEWSECRETVALUE000000000000\n\n\n\n\n"
    result = invoke(config_path, "--profile", "prod", "credentials", "set", input=answers)
    assert result.exit_code == 0, result.output
    assert "NEWSECRETVALUE000000000000" not in result.output  # hidden input is not echoed
    assert "set, …01, from keyring" in result.output  # the current one, masked
    assert_no_secret_in(result.output)
    loaded = load_secrets("prod")
    assert loaded.ncloud_secret_key == "NEWSECRETVALUE000000000000"
    assert loaded.ncloud_access_key == SECRETS["ncloud_access_key"]
    assert load_config(config_path).profiles["prod"].nhn_app_key == "APPKEY-NEW"


def test_set_refuses_when_the_keyring_is_unusable(set_backend, config_path):
    set_backend(null.Keyring())
    result = invoke(config_path, "credentials", "set", "--stdin", input="NCLOUD_SECRET_KEY=abcdefghijklmnop\n")
    assert result.exit_code == 2
    assert "the OS keyring can't be used here" in result.output
    assert "environment variables instead (NCLOUD_ACCESS_KEY" in result.output
    assert "abcdefghijklmnop" not in result.output
    assert result.output.count("\n") == 1  # one line


def test_set_non_secret_settings_needs_no_keyring(set_backend, config_path):
    set_backend(null.Keyring())
    result = invoke(config_path, "credentials", "set", "--profile", "stage", "--sens-service-id", "ncp:sms:kr:3:s")
    assert result.exit_code == 0, result.output
    assert load_config(config_path).profiles["stage"].sens_service_id == "ncp:sms:kr:3:s"


def test_set_rejects_unknown_lines_without_echoing_values(memory_keyring, config_path):
    pasted = "NCLOUD_ACCESS_KEY=AKEY0000000000000001\nc2VjcmV0c2VjcmV0c2VjcmV0=\n"  # a bare base64 secret
    result = invoke(config_path, "credentials", "set", "--stdin", input=pasted)
    assert result.exit_code == 2
    assert "standard input line 2 is not a known NAME=VALUE setting" in result.output
    assert "c2VjcmV0" not in result.output and "AKEY0000000000000001" not in result.output
    assert load_secrets("default").ncloud_access_key is None  # nothing stored from a rejected input


def test_show_masks_secrets_and_says_where_they_came_from(memory_keyring, config_path, monkeypatch):
    store_secrets(
        "default",
        Secrets(ncloud_access_key=SECRETS["ncloud_access_key"], ncloud_secret_key=SECRETS["ncloud_secret_key"]),
    )
    monkeypatch.setenv("NHN_USER_ACCESS_KEY_ID", SECRETS["nhn_user_access_key_id"])
    monkeypatch.setenv("OPTOUT_NHN_APP_KEY", "APPKEY-ENV")
    result = invoke(config_path, "credentials", "show")
    assert result.exit_code == 0, result.output
    out = result.output
    assert_no_secret_in(out)
    assert "profile    default" in out
    assert out.count("set, …01") >= 2
    assert "env NHN_USER_ACCESS_KEY_ID" in out and "env OPTOUT_NHN_APP_KEY" in out
    assert f"missing: `optout-tui --config {config_path} credentials set` or NHN_SECRET_ACCESS_KEY" in out
    assert f"keyring    {MEMORY_KEYRING_NAME}\n" in out


@pytest.mark.parametrize(
    ("zone", "host"), [("public", "ntruss.com"), ("gov", "gov-ntruss.com"), ("fin", "fin-ntruss.com")]
)
def test_show_prints_each_lists_endpoint_for_the_profiles_zone(memory_keyring, config_path, zone, host):
    update_profile(config_path, "z", zone=zone, mailer_region="sgn")
    result = invoke(config_path, "--profile", "z", "credentials", "show")
    assert result.exit_code == 0, result.output
    endpoints = result.output.split("\nendpoints\n")[1].split("\nsecrets\n")[0].splitlines()
    assert {line[:26].strip(): line[26:].split()[0] for line in endpoints} == {
        "SMS": f"https://sens.apigw.{host}",
        "Email": f"https://mail.apigw.{host}/api/v1-sgn",
        "080": "https://notification-hub.api.nhncloudservice.com",
        "080 login": "https://oauth.api.nhncloudservice.com",
        "NHN SMS": "https://sms.api.nhncloudservice.com",
        "NHN Email": "https://email.api.nhncloudservice.com",
    }
    assert endpoints[0].endswith("zone and region (config file)") and endpoints[2].endswith("default")
    assert f"  zone                    {zone} " in result.output


def test_show_names_an_unusable_keyring(set_backend, config_path):
    set_backend(null.Keyring())
    result = invoke(config_path, "credentials", "show")
    assert result.exit_code == 0
    assert "keyring.backends.null.Keyring: unusable: the keyring is switched off" in result.output


def test_show_unknown_profile_is_one_line(memory_keyring, config_path):
    result = invoke(config_path, "--profile", "ghost", "credentials", "show")
    assert result.exit_code == 2 and "no profile 'ghost'" in result.output


def test_delete_asks_unless_yes(memory_keyring, config_path):
    store_secrets("prod", Secrets(**SECRETS))
    result = invoke(config_path, "credentials", "delete", "--profile", "prod", input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert load_secrets("prod") == Secrets(**SECRETS)
    result = invoke(config_path, "credentials", "delete", "--profile", "prod", "--yes")
    assert result.exit_code == 0 and "deleted 4 secret(s) of profile 'prod'" in result.output
    assert not any(key[0] == SERVICE for key in memory_keyring.items)
    result = invoke(config_path, "credentials", "delete", "--profile", "prod", "--yes")
    assert "no secrets of profile 'prod' were in the OS keyring" in result.output


def test_demo_mode_has_no_credentials_to_manage(config_path):
    result = invoke(config_path, "--demo", "credentials", "set", "--stdin", input="")
    assert result.exit_code == 2 and "built-in credentials" in result.output


# ---------------------------------------------------------------- test: one call per vendor, real HTTP


@pytest.fixture(scope="module")
def emulator():
    with EmulatorServer(EmulatorConfig(sms_count=150, email_count=40)) as server:
        yield server


def _emulator_profile(config_path, server, name="emu"):
    base = server.base_url
    update_profile(
        config_path,
        name,
        sens_url=base,
        mailer_url=f"{base}/api/v1",
        hub_url=base,
        nhn_oauth_url=base,
        sens_service_id=DEMO.sens_service_id,
        nhn_app_key=DEMO.nhn_app_key,
    )


def test_test_reports_each_vendor_with_keyring_secrets(memory_keyring, config_path, emulator):
    _emulator_profile(config_path, emulator)
    store_secrets(
        "emu",
        Secrets(
            ncloud_access_key=DEMO.ncloud_access_key,
            ncloud_secret_key=DEMO.ncloud_secret_key,
            nhn_user_access_key_id=DEMO.nhn_user_access_key_id,
            nhn_secret_access_key=DEMO.nhn_secret_access_key,
        ),
    )
    result = invoke(config_path, "--profile", "emu", "credentials", "test")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("SMS       ok: 100 entries on the first page")
    assert lines[1].startswith("Email     ok: ") and "on the first page" in lines[1]
    assert lines[2].startswith("080       ok: ") and "on the first page" in lines[2]


def test_test_says_which_vendor_refused_the_credentials(memory_keyring, config_path, emulator):
    _emulator_profile(config_path, emulator)
    store_secrets(
        "emu",
        Secrets(
            ncloud_access_key=DEMO.ncloud_access_key,
            ncloud_secret_key="wrong-secret-key-0000000001",
            nhn_user_access_key_id=DEMO.nhn_user_access_key_id,
            nhn_secret_access_key=DEMO.nhn_secret_access_key,
        ),
    )
    result = invoke(config_path, "--profile", "emu", "credentials", "test")
    assert result.exit_code == 3, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("SMS       FAILED: ") and "credentials" in lines[0]
    assert lines[1].startswith("Email     FAILED: ")
    assert lines[2].startswith("080       ok: ")
    assert "wrong-secret-key-0000000001" not in result.output
    assert "Traceback" not in result.output


def test_test_with_nothing_set_up_says_what_is_missing(memory_keyring, config_path):
    Path(config_path).write_text("")  # an empty config file: nothing set up
    result = invoke(config_path, "credentials", "test")
    assert result.exit_code == 2
    assert "SMS list is not set up: missing OPTOUT_SENS_SERVICE_ID" in result.output
    assert "080 list is not set up" in result.output


def test_test_in_demo_mode_uses_the_built_in_emulator(config_path):
    result = invoke(config_path, "--demo", "credentials", "test")
    assert result.exit_code == 0, result.output
    assert result.output.count(" ok: ") == 5  # the demo sets up all five lists
