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
        "OPTOUT_SENS_URL": base,
        "OPTOUT_MAILER_URL": f"{base}/api/v1",
        "OPTOUT_HUB_URL": base,
        "OPTOUT_NHN_OAUTH_URL": base,
        "OPTOUT_SENS_SERVICE_ID": DEMO.sens_service_id,
        "OPTOUT_NHN_APP_KEY": DEMO.nhn_app_key,
        "NCLOUD_ACCESS_KEY": DEMO.ncloud_access_key,
        "NCLOUD_SECRET_KEY": DEMO.ncloud_secret_key,
        "NHN_USER_ACCESS_KEY_ID": DEMO.nhn_user_access_key_id,
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


def test_export_format_follows_the_flag_else_the_file_name(env, tmp_path):
    assert optout("sync", "--list", "email").exit_code == 0
    for name in ("all.json", "all.jsonl", "all.csv", "all.txt"):
        assert optout("export", "email", "-o", str(tmp_path / name)).exit_code == 0
    data = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    lines = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(data) == 230 and lines == data
    for name in ("all.csv", "all.txt"):  # any other name: CSV, as before
        assert list(csv.DictReader(io.StringIO((tmp_path / name).read_text(encoding="utf-8")))) == [
            {k: str(v) for k, v in record.items()} for record in data
        ]
    forced = optout("export", "email", "--format", "jsonl", "-o", str(tmp_path / "forced.json"))
    assert forced.exit_code == 0 and (tmp_path / "forced.json").read_text(encoding="utf-8") == (
        tmp_path / "all.jsonl"
    ).read_text(encoding="utf-8")


def test_export_and_search_offer_json_and_the_table_of_list(env):
    assert optout("sync").exit_code == 0
    table = optout("export", "sms", "--format", "table", "--search", "010").stdout.splitlines()
    assert table[0].split() == ["NUMBER", "REGISTERED_AT", "SOURCE"] and table[1].startswith("010-")
    assert len(table) - 1 == len(json.loads(optout("export", "sms", "--search", "010", "--format", "json").stdout))

    found = optout("search", "0", "--format", "json", "--limit", "5")  # both lists of numbers, in one array
    records = json.loads(found.stdout)
    assert sorted({r["list"] for r in records}) == ["080", "sms"] and len(records) == 10
    assert found.stderr.count("snapshot synced") == 3  # the notes go to stderr, one per list


def test_the_nhn_lists_sync_search_and_export_like_the_others(env, monkeypatch, tmp_path):
    base = env["OPTOUT_SENS_URL"]
    for name, value in {
        "OPTOUT_NHN_SMS_URL": base,
        "OPTOUT_NHN_EMAIL_URL": base,
        "NHN_SMS_APP_KEY": DEMO.nhn_sms_app_key,
        "NHN_SMS_SECRET_KEY": DEMO.nhn_sms_secret_key,
        "NHN_EMAIL_APP_KEY": DEMO.nhn_email_app_key,
        "NHN_EMAIL_SECRET_KEY": DEMO.nhn_email_secret_key,
    }.items():
        monkeypatch.setenv(name, value)
    synced = optout("sync", "--list", "nhn-sms")
    assert synced.exit_code == 0 and "\nNHN SMS: whole sync, " in synced.output, synced.output
    assert "\nNHN Email: whole sync, " in optout("sync", "--list", "nhn-email").output

    out = tmp_path / "nhn-sms.csv"
    exported = optout("export", "nhn-sms", "-o", str(out))
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows and list(rows[0]) == ["number080", "recipient", "requested_at"]
    recipient = rows[0]["recipient"]
    found = optout("search", recipient, "--list", "nhn-sms", "--format", "jsonl")
    records = [json.loads(line) for line in found.stdout.splitlines()]
    assert {r["recipient"] for r in records} == {recipient} and all(r["list"] == "nhn-sms" for r in records)
    assert len(records) == sum(r["recipient"] == recipient for r in rows)  # one per 080 number it is on

    address = optout("export", "nhn-email", "--format", "jsonl").stdout.splitlines()[0]
    typed = json.loads(address)["address"].upper()
    hits = optout("search", typed, "--list", "nhn-email", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["address"] for line in hits] == [json.loads(address)["address"]]
