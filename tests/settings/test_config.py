"""Profiles come from the TOML file; environment variables win; mistakes are one line naming file and line."""

from __future__ import annotations

import pytest

from optout_tui.config import (
    cache_dir,
    config_dir,
    data_dir,
    default_config_path,
    load_config,
    load_profile,
    resolve_profile,
    update_profile,
)
from optout_tui.settings import (
    DEFAULT_MAILER_URL,
    DEFAULT_SENS_URL,
    ConfigError,
    Profile,
    mailer_url,
)

FILE = """\
# team settings
default_profile = "prod"

[profiles.prod]
sens_service_id = "ncp:sms:kr:111:prod"
nhn_app_key = "APPKEY-PROD"
mailer_region = "sgn"

[profiles.browse]
sens_service_id = "ncp:sms:kr:222:browse"
sens_url = "http://127.0.0.1:9999"
read_only = true

[keys]
app.lookup = "ctrl+l"
"list.search" = "ctrl+f,slash"

[ui]
theme = "nord"
"""


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(FILE, encoding="utf-8")
    return path


def test_paths_follow_xdg_variables(isolated_dirs):
    assert config_dir() == isolated_dirs / "config" / "optout-tui"
    assert default_config_path() == isolated_dirs / "config" / "optout-tui" / "config.toml"
    assert data_dir() == isolated_dirs / "data" / "optout-tui"
    assert cache_dir() == isolated_dirs / "cache" / "optout-tui"


def test_no_config_file_gives_the_default_profile():
    config = load_config(None)
    assert not config.exists and config.profile_names() == ["default"]
    profile = load_profile(None, None)
    assert profile == Profile(name="default")


def test_default_file_location_is_used(isolated_dirs):
    default_config_path().parent.mkdir(parents=True)
    default_config_path().write_text(FILE, encoding="utf-8")
    assert load_profile(None, None).name == "prod"


def test_profiles_read_from_the_file(config_file):
    config = load_config(config_file)
    assert config.default_profile == "prod"
    assert config.profile_names() == ["default", "prod", "browse"]
    assert config.keys == {"app.lookup": "ctrl+l", "list.search": "ctrl+f,slash"}
    assert config.section("ui") == {"theme": "nord"}

    prod = load_profile(config_file, None)  # the file's default
    assert (prod.name, prod.sens_service_id, prod.nhn_app_key) == ("prod", "ncp:sms:kr:111:prod", "APPKEY-PROD")
    assert prod.mailer_url == mailer_url("public", "sgn") and prod.sens_url == DEFAULT_SENS_URL
    assert not prod.read_only

    browse = load_profile(config_file, "browse")
    assert browse.read_only and browse.sens_url == "http://127.0.0.1:9999"
    assert browse.mailer_url == DEFAULT_MAILER_URL


def test_environment_overrides_win_over_the_file(config_file, monkeypatch):
    monkeypatch.setenv("OPTOUT_SENS_URL", "http://127.0.0.1:1234")
    monkeypatch.setenv("OPTOUT_MAILER_URL", "http://127.0.0.1:1234/api/v1")
    monkeypatch.setenv("OPTOUT_HUB_URL", "http://127.0.0.1:1235")
    monkeypatch.setenv("OPTOUT_NHN_OAUTH_URL", "http://127.0.0.1:1236")
    monkeypatch.setenv("OPTOUT_SENS_SERVICE_ID", "ncp:sms:kr:999:env")
    monkeypatch.setenv("OPTOUT_NHN_APP_KEY", "APPKEY-ENV")
    profile, sources = resolve_profile(config_file, "prod")
    assert profile.sens_url == "http://127.0.0.1:1234"
    assert profile.mailer_url == "http://127.0.0.1:1234/api/v1"  # over the file's mailer_region
    assert profile.hub_url == "http://127.0.0.1:1235" and profile.nhn_oauth_url == "http://127.0.0.1:1236"
    assert (profile.sens_service_id, profile.nhn_app_key) == ("ncp:sms:kr:999:env", "APPKEY-ENV")
    assert sources["sens_service_id"] == "env OPTOUT_SENS_SERVICE_ID"
    assert sources["read_only"] == "default"


ZONES_FILE = """\
[profiles.gov]
zone = "gov"

[profiles.fin-jpn]
zone = "fin"
mailer_region = "jpn"

[profiles.gov-own-sens]
zone = "gov"
sens_url = "https://sens.example.kr"

[profiles.nhn]
nhn_sms_app_key = "SMSAPPKEY-FILE"
nhn_email_app_key = "EMAILAPPKEY-FILE"
"""


@pytest.mark.parametrize(
    ("name", "sens", "mailer"),
    [
        ("default", "https://sens.apigw.ntruss.com", "https://mail.apigw.ntruss.com/api/v1"),
        ("gov", "https://sens.apigw.gov-ntruss.com", "https://mail.apigw.gov-ntruss.com/api/v1"),
        ("fin-jpn", "https://sens.apigw.fin-ntruss.com", "https://mail.apigw.fin-ntruss.com/api/v1-jpn"),
        ("gov-own-sens", "https://sens.example.kr", "https://mail.apigw.gov-ntruss.com/api/v1"),
    ],
)
def test_zone_and_region_choose_the_ncp_hosts_and_a_url_in_the_file_wins(tmp_path, name, sens, mailer):
    path = tmp_path / "config.toml"
    path.write_text(ZONES_FILE, encoding="utf-8")
    profile, sources = resolve_profile(path, name)
    assert (profile.sens_url, profile.mailer_url) == (sens, mailer)
    # NHN Cloud has no zones
    assert (profile.hub_url, profile.nhn_sms_url, profile.nhn_email_url) == (
        "https://notification-hub.api.nhncloudservice.com",
        "https://sms.api.nhncloudservice.com",
        "https://email.api.nhncloudservice.com",
    )
    if name == "gov":
        assert sources["zone"] == "config file" and sources["sens_url"] == "zone and region (config file)"


def test_url_variables_win_over_zone_and_region(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text(ZONES_FILE, encoding="utf-8")
    monkeypatch.setenv("OPTOUT_MAILER_URL", "http://127.0.0.1:1234/api/v1")
    monkeypatch.setenv("OPTOUT_NHN_SMS_URL", "http://127.0.0.1:1237")
    monkeypatch.setenv("OPTOUT_NHN_EMAIL_URL", "http://127.0.0.1:1238")
    profile, sources = resolve_profile(path, "fin-jpn")
    assert profile.mailer_url == "http://127.0.0.1:1234/api/v1" and sources["mailer_url"] == "env OPTOUT_MAILER_URL"
    assert profile.sens_url == "https://sens.apigw.fin-ntruss.com"
    assert (profile.nhn_sms_url, profile.nhn_email_url) == ("http://127.0.0.1:1237", "http://127.0.0.1:1238")


def test_nhn_app_keys_from_the_file_and_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text(ZONES_FILE, encoding="utf-8")
    profile = load_profile(path, "nhn")
    assert (profile.nhn_sms_app_key, profile.nhn_email_app_key) == ("SMSAPPKEY-FILE", "EMAILAPPKEY-FILE")
    monkeypatch.setenv("NHN_EMAIL_APP_KEY", "EMAILAPPKEY-ENV")
    profile, sources = resolve_profile(path, "nhn")
    assert (profile.nhn_sms_app_key, profile.nhn_email_app_key) == ("SMSAPPKEY-FILE", "EMAILAPPKEY-ENV")
    assert (sources["nhn_sms_app_key"], sources["nhn_email_app_key"]) == ("config file", "env NHN_EMAIL_APP_KEY")
    monkeypatch.setenv("OPTOUT_NHN_SMS_URL", "")
    with pytest.raises(ConfigError, match="environment variable OPTOUT_NHN_SMS_URL is empty"):
        resolve_profile(path, "nhn")


def test_environment_alone_is_enough_without_a_file(monkeypatch):
    monkeypatch.setenv("OPTOUT_SENS_SERVICE_ID", "ncp:sms:kr:1:env")
    profile, sources = resolve_profile(None, None)
    assert profile.name == "default" and profile.sens_service_id == "ncp:sms:kr:1:env"
    assert sources["sens_service_id"] == "env OPTOUT_SENS_SERVICE_ID" and sources["hub_url"] == "default"


def test_profile_name_precedence(config_file, monkeypatch):
    monkeypatch.setenv("OPTOUT_PROFILE", "browse")
    assert load_profile(config_file, None).name == "browse"  # env over the file's default
    assert load_profile(config_file, "prod").name == "prod"  # --profile over env


def test_unknown_profile_names_the_ones_that_exist(config_file):
    with pytest.raises(ConfigError) as err:
        load_profile(config_file, "staging")
    message = str(err.value)
    assert "no profile 'staging'" in message and "default, prod, browse" in message
    assert "\n" not in message


def test_broken_toml_names_file_and_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('default_profile = "prod"\n[profiles.prod\nsens_url = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_profile(path, None)
    message = str(err.value)
    assert str(path) in message and "line 2" in message and "\n" not in message


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('[profiles.p]\nncloud_secret_key = "abc"\n', "secrets never go in the config file"),
        ('[profiles.p]\nsens_urll = "https://x"\n', "unknown setting sens_urll"),
        ('[profiles.p]\nread_only = "yes"\n', "read_only must be true or false"),
        ('[profiles.p]\nmailer_region = "us"\n', "mailer_region must be one of kr, sgn, jpn (got 'us')"),
        ('[profiles.p]\nzone = "private"\n', "zone must be one of public, gov, fin (got 'private')"),
        ("[profiles.p]\nzone = [1]\n", "zone must be one of public, gov, fin (got [1])"),
        ('[profiles.p]\nnhn_sms_secret_key = "abcdefgh"\n', "holds nhn_sms_secret_key: secrets never go in"),
        ('[profiles.p]\nnhn_email_url = "email.example"\n', "nhn_email_url must start with https://"),
        ('[profiles.p]\nsens_url = "sens.example"\n', "must start with https://"),
        ("[profiles.p]\nsens_service_id = 5\n", "must be text in quotes"),
        ('default_profile = "nope"\n[profiles.p]\n', "no [profiles.nope]"),
        ('[keys]\n"app.lookup" = 5\n', "[keys] must map binding ids to keys"),
        ('keys = "ctrl+l"\n', "[keys] must map binding ids to keys"),
        ('[keys]\nlookup = "ctrl+l"\n', "[keys] has no binding 'lookup'; binding ids: app.audit, app.copy,"),
        ('[keys.app]\nlokup = "ctrl+l"\n', "[keys] has no binding 'app.lokup'; binding ids: "),
        (b"\xff\xfe".decode("latin-1"), "not UTF-8"),
    ],
)
def test_invalid_settings_are_one_clear_line(tmp_path, body, fragment):
    path = tmp_path / "config.toml"
    path.write_bytes(body.encode("latin-1") if "\xff" in body else body.encode("utf-8"))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert fragment in str(err.value) and str(path) in str(err.value) and "\n" not in str(err.value)


def test_secret_values_are_not_echoed_in_the_error(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[profiles.p]\nncloud_secret_key = "TOPSECRETVALUE123"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "TOPSECRETVALUE123" not in str(err.value)


def test_bad_url_in_the_environment_is_named(monkeypatch):
    monkeypatch.setenv("OPTOUT_HUB_URL", "notification-hub")
    with pytest.raises(ConfigError, match="OPTOUT_HUB_URL"):
        load_profile(None, None)


def test_update_keeps_comments_other_profiles_and_sections(config_file):
    update_profile(config_file, "prod", nhn_app_key="APPKEY-NEW")
    text = config_file.read_text("utf-8")
    assert "# team settings" in text and '[ui]\ntheme = "nord"' in text
    config = load_config(config_file)
    assert config.profiles["prod"].nhn_app_key == "APPKEY-NEW"
    assert config.profiles["browse"].read_only


def test_update_profile_writes_given_settings_and_removes_none(tmp_path):
    path = tmp_path / "sub" / "config.toml"
    update_profile(path, "stage", sens_service_id="ncp:sms:kr:3:stage", nhn_app_key="APP3", read_only=True)
    profile = load_config(path).profiles["stage"]
    assert (profile.sens_service_id, profile.nhn_app_key, profile.read_only) == ("ncp:sms:kr:3:stage", "APP3", True)
    update_profile(path, "stage", sens_service_id=None, nhn_app_key=None, read_only=None)
    assert load_config(path).profiles["stage"] == Profile(name="stage")


def test_refuses_to_rewrite_a_broken_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[profiles.p\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        update_profile(path, "p", nhn_app_key="A")
    assert path.read_text("utf-8") == "[profiles.p\n"
