"""Whatever a user types, the command line ends in one clear line, never a traceback; removals carry a reason;
text from users is shown, not obeyed, by the terminal; hints and job ids work in the mode the user is in.

The bad inputs run through click's runner (they are refused before any request); the rest are the real command
in a subprocess against a standalone emulator.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest
from click.testing import CliRunner

from optout_tui.api.http import check_endpoint
from optout_tui.cli import cli
from optout_tui.printable import printable
from optout_tui.settings import ConfigError

BIN = [sys.executable, "-m", "optout_tui"]
HUGE = "99999999999999999999d"


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("optout-tui: "), stderr
    return lines[0]


@pytest.mark.parametrize(
    "args,says",
    [
        (["list", "sms", "--until", "9999-12-31"], "--until: the date '9999-12-31' is out of range"),
        (["list", "sms", "--since", "1000000d"], "--since: the date '1000000d' is out of range"),
        (["list", "email", "--since", HUGE], f"--since: the date '{HUGE}' is out of range"),
        (["audit", "--since", HUGE], f"--since: the date '{HUGE}' is out of range"),
        (["export", "sms", "--since", HUGE], f"--since: the date '{HUGE}' is out of range"),
        (["export", "sms", "--until", "9999-12-31"], "--until: the date '9999-12-31' is out of range"),
        (["list", "080", "--until", "1960-01-01"], "--until 1960-01-01: nothing on any list is older than 1970"),
        (["list", "sms", "--since", "2026-02-01", "--until", "2026-01-31"], "is after --until 2026-01-31; swap them"),
        (["list", "sms", "--since", "last tuesday"], "--since: cannot read the date 'last tuesday'"),
    ],
)
def test_a_date_nobody_can_mean_is_one_line_and_exit_2(args, says):
    result = CliRunner().invoke(cli, args)
    assert (result.exit_code, type(result.exception)) == (2, SystemExit), result.output
    assert says in one_line(result.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["jobs", "--limit", "9223372036854775808"],
        ["jobs", "--limit", "1e30"],
        ["jobs", "--limit", "0"],
        ["search", "010", "--limit", "9223372036854775808"],
    ],
)
def test_a_limit_out_of_range_is_a_usage_error_not_a_traceback(args):
    result = CliRunner().invoke(cli, args)
    assert (result.exit_code, type(result.exception)) == (2, SystemExit), result.output
    assert result.stderr.strip().splitlines()[-1].startswith("Error: Invalid value for '--limit'")


def test_a_start_before_1970_is_the_whole_list(optout):
    whole = optout("list", "sms", "--format", "csv")
    since_ever = optout("list", "sms", "--format", "csv", "--since", "1900-01-01")
    assert since_ever.returncode == 0, since_ever.stderr  # the vendor refuses times before 1970
    assert since_ever.stdout == whole.stdout and len(whole.stdout.splitlines()) == 301
    future = optout("list", "email", "--since", "9999-12-31", "--format", "csv")
    assert (future.returncode, future.stdout.strip()) == (0, "address,blocked_at,registered_by")


def run_with(standalone, tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*BIN, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **standalone.env, **env},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "value,says",
    [
        (
            "",
            "environment variable OPTOUT_SENS_URL is empty: give it a URL, or `unset OPTOUT_SENS_URL` to use "
            "https://sens.apigw.ntruss.com",
        ),
        (
            "http://127.0.0.1:99999",
            "environment variable OPTOUT_SENS_URL: sens_url 'http://127.0.0.1:99999' is not a "
            "usable URL; check its host and its port (1 to 65535)",
        ),
    ],
)
def test_an_empty_or_broken_url_variable_is_refused_naming_it(standalone, tmp_path, value, says):
    out = run_with(standalone, tmp_path, "lookup", "01012345678", OPTOUT_SENS_URL=value)
    assert (out.returncode, one_line(out.stderr), out.stdout) == (2, f"optout-tui: {says}", "")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:99999", "http://127.0.0.1:0", "https://example.com:http", "https://[::1"]
)
def test_the_endpoint_rule_refuses_a_port_no_connection_can_use(url):
    with pytest.raises(ConfigError, match="is not a usable URL; check its host and its port"):
        check_endpoint(url, "SENS")
    assert check_endpoint("http://127.0.0.1:8080/", "SENS") == "http://127.0.0.1:8080"


def test_credentials_test_fails_when_a_lists_settings_are_refused(standalone, tmp_path):
    out = run_with(standalone, tmp_path, "credentials", "test", OPTOUT_HUB_URL="http://example.com")
    assert out.returncode == 2, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("SMS       ok:") and lines[1].startswith("Email     ok:")
    assert (
        lines[2]
        == "080       Notification Hub URL http://example.com uses plain http; only https is allowed (http only on loopback)"
    )
    assert run_with(standalone, tmp_path, "credentials", "test").returncode == 0


def listed(optout, kind: str) -> set[str]:
    out = optout("list", kind, "--format", "jsonl")
    return {json.loads(line)["number" if kind == "sms" else "address"] for line in out.stdout.splitlines()}


def test_a_removal_without_a_reason_and_without_a_terminal_is_refused(optout):
    assert optout("add", "sms", "010-4444-0001", "--reason", "setup").returncode == 0
    for args, stdin in (
        (["010-4444-0001", "--yes"], None),
        (["--file", "-", "--yes"], "010-4444-0001\n"),
        (["010-4444-0001", "--yes", "--reason", "  "], None),
    ):
        out = optout("remove", "sms", *args, input=stdin)
        assert (out.returncode, one_line(out.stderr), out.stdout) == (
            2,
            "optout-tui: a removal needs a reason for the audit trail: add --reason TEXT",
            "",
        )
    assert "01044440001" in listed(optout, "sms")
    assert optout("remove", "sms", "010-4444-0001", "--dry-run").returncode == 0  # nothing is sent: no reason needed


def test_a_removal_on_a_terminal_asks_for_its_reason(optout, standalone, tmp_path):
    assert optout("add", "email", "ask@example.kr", "--reason", "setup").returncode == 0
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            [*BIN, "remove", "email", "ask@example.kr"],
            stdin=follower,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **standalone.env},
            cwd=tmp_path,
        )
        os.close(follower)
        os.write(leader, b"\nticket 4821\ny\n")  # an empty answer is asked again
        out, err = proc.communicate(timeout=120)
    finally:
        os.close(leader)
    assert proc.returncode == 0, out + err
    assert err.count("Why are they removed? (kept in the audit trail)") == 2 and "[y/N]" in err
    assert "ask@example.kr" not in listed(optout, "email")
    audit = [json.loads(line) for line in optout("audit", "--format", "jsonl").stdout.splitlines()]
    assert (audit[-1]["action"], audit[-1]["reason"]) == ("remove", "ticket 4821")


def test_printable_shows_terminal_controls_and_keeps_the_rest():
    assert printable("a\x1b[2Jb\u202ec\x9bd\te\nf\u2066") == "a\\x1b[2Jb\\u202ec\\x9bd\\x09e\\x0af\\u2066"
    assert printable("line\n\tnext", keep="\n") == "line\n\\x09next"
    assert printable("김민수 <kim@example.kr> 010-1234-5678") == "김민수 <kim@example.kr> 010-1234-5678"


def test_reasons_and_inputs_are_shown_not_obeyed(optout):
    reason = "ticket \x1b]0;owned\x07 \u202eevil\x1b[2J"
    added = optout("add", "sms", "010-4444-0002", "\x1b[31m010-9", "--reason", reason)
    assert added.returncode == 1 and "\x1b" not in added.stdout
    job = optout("jobs").stdout.splitlines()[1].split()[0]
    for args in (["jobs"], ["audit"], ["jobs", "show", job], ["audit", "--search", "010-4444-0002"]):
        out = optout(*args)
        assert out.returncode == 0, out.stderr
        assert not {"\x1b", "\x07", "\u202e"} & set(out.stdout + out.stderr), args
        assert "ticket \\x1b]0;owned\\x07" in out.stdout, args
    assert "\\u202eevil\\x1b[2J" in optout("jobs", "show", job).stdout
    as_data = [json.loads(line) for line in optout("audit", "--format", "jsonl").stdout.splitlines()]
    assert as_data[-1]["reason"] == reason  # data formats keep the exact text
    missing = optout("jobs", "show", "\x1b[2Jnope")
    assert missing.returncode == 2 and "\x1b" not in missing.stderr and "\\x1b[2Jnope" in missing.stderr


def test_a_job_id_works_as_jobs_prints_it_and_in_the_short_form(optout):
    assert optout("add", "sms", "010-4444-0003", "--reason", "ids").returncode == 0
    job = optout("jobs").stdout.splitlines()[1].split()[0]
    short = job.split("-", 1)[1][:4]  # the README's `jobs resume 3f2a`
    for given in (job, short, short.upper(), job[:12]):
        shown = optout("jobs", "show", given)
        assert shown.returncode == 0 and shown.stdout.startswith(f"job {job}:"), (given, shown.stderr)
        resumed = optout("jobs", "resume", given)
        assert (resumed.returncode, resumed.stdout.strip()) == (
            0,
            f"job {job} is done: every value has an answer, nothing to resume",
        ), given


def test_hints_name_the_mode_the_user_is_in(optout, standalone, tmp_path):
    demo = optout("--demo", "jobs", "show", "nope")
    assert demo.returncode == 2 and one_line(demo.stderr).endswith("; see `optout-tui --demo jobs`")
    plain = optout("jobs", "show", "nope")
    assert plain.returncode == 2 and one_line(plain.stderr).endswith("; see `optout-tui jobs`")
    config = tmp_path / "c.toml"
    config.write_text("[profiles.team]\n", encoding="utf-8")
    out = run_with(
        standalone,
        tmp_path,
        "--config",
        str(config),
        "--profile",
        "team",
        "lookup",
        "080-123-4567",
        NHN_SECRET_ACCESS_KEY="",
    )
    assert out.returncode == 2 and "`optout-tui credentials set`" not in out.stdout
    assert f"NHN_SECRET_ACCESS_KEY or `optout-tui --config {config} --profile team credentials set`" in out.stdout
    wrong = run_with(standalone, tmp_path, "--demo", "search", "x")
    assert wrong.returncode == 2 and "`optout-tui --demo sync` first" in wrong.stderr
