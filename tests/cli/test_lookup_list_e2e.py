"""`lookup` and `list` end to end: the real command in a subprocess against a standalone emulator."""

from __future__ import annotations

import csv
import io
import json

from optout_tui.normalize import format_number


def first_numbers(optout, n=3):
    out = optout("list", "sms", "--format", "csv", "--limit", str(n))
    assert out.returncode == 0, out.stderr
    return [row["number"] for row in csv.DictReader(io.StringIO(out.stdout))]


def test_list_streams_every_entry_as_csv_and_jsonl(optout):
    out = optout("list", "sms", "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == 300 and len({r["number"] for r in rows}) == 300
    jl = optout("list", "email", "--format", "jsonl", "--by", "admin")
    records = [json.loads(line) for line in jl.stdout.splitlines()]
    assert records and all(r["registered_by"] == "admin" for r in records)


def test_list_as_one_json_array_has_the_records_of_jsonl(optout):
    out = optout("list", "080", "--format", "json")
    assert out.returncode == 0, out.stderr
    lines = optout("list", "080", "--format", "jsonl").stdout.splitlines()
    assert json.loads(out.stdout) == [json.loads(line) for line in lines] and lines


def test_list_table_with_date_filter_and_limit(optout):
    out = optout("list", "sms", "--since", "30d", "--limit", "5")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("NUMBER") and len(lines) <= 6
    bad = optout("list", "sms", "--since", "last tuesday")
    assert bad.returncode == 2 and "2026-01-31" in bad.stderr and "Traceback" not in bad.stderr


def test_lookup_found_in_any_common_form(optout):
    number = first_numbers(optout, 1)[0]
    dashed = format_number(number)
    international = "+82 " + dashed[1:]
    out = optout("lookup", dashed, international, "--json")
    assert out.returncode == 0, out.stderr
    results = [r for r in json.loads(out.stdout) if r["list"] == "sms"]  # the NHN lists answer too
    assert [r["result"] for r in results] == ["found", "found"]
    assert {r["value"] for r in results} == {number}


def test_lookup_exit_codes(optout):
    number = first_numbers(optout, 1)[0]
    assert optout("lookup", number).returncode == 0
    missing = optout("lookup", number, "010-0000-0001")
    assert missing.returncode == 1 and "not on the opt-out list" in missing.stdout
    invalid = optout("lookup", "hello")
    assert invalid.returncode == 2 and "invalid" in invalid.stdout
    email = optout("lookup", "Nobody <Nobody@Example.KR>")
    assert email.returncode == 1 and "Nobody@example.kr" in email.stdout


def test_lookup_080_number(optout):
    out = optout("list", "080", "--format", "jsonl")
    number = json.loads(out.stdout.splitlines()[0])["number"]
    found = optout("lookup", format_number(number))
    assert found.returncode == 0 and "080" in found.stdout


def test_missing_settings_exit_2_with_what_to_set(optout, standalone):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in {**os.environ, **standalone.env}.items() if k != "OPTOUT_SENS_SERVICE_ID"}
    out = subprocess.run(
        [sys.executable, "-m", "optout_tui", "list", "sms"], capture_output=True, text=True, env=env, check=False
    )
    assert out.returncode == 2
    assert "OPTOUT_SENS_SERVICE_ID" in out.stderr and "Traceback" not in out.stderr


def test_wrong_credentials_exit_3_in_one_line(optout, standalone):
    import os
    import subprocess
    import sys

    env = {**os.environ, **standalone.env, "NCLOUD_SECRET_KEY": "not-the-secret"}
    out = subprocess.run(
        [sys.executable, "-m", "optout_tui", "list", "sms"], capture_output=True, text=True, env=env, check=False
    )
    assert out.returncode == 3
    assert len(out.stderr.strip().splitlines()) == 1 and "credentials" in out.stderr
    assert "not-the-secret" not in out.stderr


def test_a_config_file_that_does_not_exist_is_an_error_not_ignored(optout):
    out = optout("--config", "no-such.toml", "lookup", "010-1234-5678")
    assert out.returncode == 2 and "no such config file" in out.stderr


def test_list_piped_into_head_stops_quietly(standalone, tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, **standalone.env}
    out = subprocess.run(
        f"{sys.executable} -m optout_tui list sms | head -1",
        shell=True,
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert out.stdout.startswith("NUMBER")
    assert out.stderr == ""


def test_audit_and_a_jobs_results_as_json_have_the_records_of_jsonl(optout):
    added = optout("add", "sms", "010-5550-0001", "010-5550-0002", "--reason", "json check")
    assert added.returncode == 0, added.stderr
    for args in (["audit"], ["jobs", "show", optout("jobs").stdout.splitlines()[1].split()[0]]):  # the newest job
        as_json = optout(*args, "--format", "json")
        assert as_json.returncode == 0, as_json.stderr
        lines = [json.loads(line) for line in optout(*args, "--format", "jsonl").stdout.splitlines()]
        assert json.loads(as_json.stdout) == lines and lines
    assert lines[0]["value"] == "01055500001"


def test_the_nhn_lists_list_whole_or_one_080_number_at_a_time(optout):
    whole = optout("list", "nhn-sms", "--format", "csv")
    assert whole.returncode == 0, whole.stderr
    rows = list(csv.DictReader(io.StringIO(whole.stdout)))
    numbers = sorted({r["number080"] for r in rows})
    assert len(numbers) > 1 and "Warning" not in whole.stderr
    one = optout("list", "nhn-sms", "--080", format_number(numbers[0]), "--format", "csv")
    assert one.returncode == 0, one.stderr
    ours = [r for r in rows if r["number080"] == numbers[0]]
    assert sorted(map(str, csv.DictReader(io.StringIO(one.stdout)))) == sorted(map(str, ours))
    cut = optout("list", "nhn-sms", "--limit", "150")  # cut short across 080 numbers: no stray warnings
    assert cut.returncode == 0 and cut.stderr.strip() == "150 entries", cut.stderr
    mail = optout("list", "nhn-email", "--format", "jsonl", "--limit", "3")
    assert mail.returncode == 0 and all("@" in json.loads(line)["address"] for line in mail.stdout.splitlines())


def test_the_080_number_option_is_checked(optout):
    for args, said in (
        (("list", "nhn-sms", "--080", "12"), "not an 080 number"),
        (("list", "email", "--080", "0801234567"), "only applies to nhn-sms"),
    ):
        out = optout(*args)
        assert out.returncode == 2 and said in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
