"""`optout-tui sync`, `search` and `export` against the emulator, configured through the environment."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from optout_tui.cli import cli
from optout_tui.emulator import DEMO


@pytest.fixture
def env(emulator, monkeypatch):
    base = emulator.base_url
    values = {
        "OPTOUT_SENS_URL": base, "OPTOUT_MAILER_URL": f"{base}/api/v1", "OPTOUT_HUB_URL": base,
        "OPTOUT_NHN_OAUTH_URL": base, "OPTOUT_SENS_SERVICE_ID": DEMO.sens_service_id,
        "OPTOUT_NHN_APP_KEY": DEMO.nhn_app_key, "NCLOUD_ACCESS_KEY": DEMO.ncloud_access_key,
        "NCLOUD_SECRET_KEY": DEMO.ncloud_secret_key, "NHN_USER_ACCESS_KEY_ID": DEMO.nhn_user_access_key_id,
        "NHN_SECRET_ACCESS_KEY": DEMO.nhn_secret_access_key,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def optout(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_search_before_any_sync_says_how_to_sync(env):
    result = optout("search", "1234")
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "optout-tui sync" in result.output


def test_sync_then_search_and_export_from_the_snapshot(env, tmp_path):
    synced = optout("sync")
    assert synced.exit_code == 0, synced.output
    assert "SMS: full sync, 450 entries" in synced.output and "Email: full sync, 230 entries" in synced.output

    again = optout("sync", "--list", "sms")
    assert again.exit_code == 0 and "SMS: incremental sync" in again.output

    found = optout("search", "010-", "--list", "sms", "--limit", "3")
    assert found.exit_code == 0
    assert "SMS: 3 matches for '010' (more" in found.output and "synced just now" in found.output

    lines = optout("search", "naver", "--list", "email", "--format", "jsonl", "--limit", "5")
    records = [json.loads(line) for line in lines.stdout.splitlines()]
    assert records and all("naver" in r["address"] and r["list"] == "email" for r in records)
    assert "snapshot synced" in lines.stderr

    missing = optout("search", "99999999999", "--list", "sms")
    assert missing.exit_code == 1 and "0 matches" in missing.output

    target = tmp_path / "sms.csv"
    exported = optout("export", "sms", "--search", "010", "-o", str(target))
    assert exported.exit_code == 0 and "exported to" in exported.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert rows and all("010" in r["number"] for r in rows)

    as_json = optout("export", "email", "--format", "json")
    assert len(json.loads(as_json.stdout)) == 230


def test_a_vendor_refusing_the_sync_is_one_line_and_exit_3(env, monkeypatch):
    monkeypatch.setenv("NCLOUD_SECRET_KEY", "not-the-secret")
    result = optout("sync", "--list", "sms")
    assert result.exit_code == 3
    assert len(result.stderr.strip().splitlines()) == 1 and "not-the-secret" not in result.output


def test_export_with_an_unreadable_date_is_one_line(env):
    optout("sync", "--list", "sms")
    result = optout("export", "sms", "--since", "last tuesday")
    assert result.exit_code == 2 and "cannot read the date" in result.stderr
