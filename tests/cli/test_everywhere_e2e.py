"""`lookup` on every list and `add/remove --everywhere` end to end: the real command in a subprocess against an
emulator of all five lists over loopback HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
from contextlib import closing

import httpx
import pytest

from optout_tui.api.factory import build_lists
from optout_tui.demo import demo_settings
from optout_tui.emulator import DEMO, EmulatorConfig, EmulatorServer
from optout_tui.normalize import format_number

BIN = [sys.executable, "-m", "optout_tui"]


@pytest.fixture(scope="module")
def server():
    with EmulatorServer(EmulatorConfig(sms_count=0, email_count=0)) as emulator:
        yield emulator


@pytest.fixture
def cli(server, tmp_path):
    """`optout-tui ARGS` configured by environment for every list of the emulator (`env` overrides some)."""
    base = server.base_url
    env = {
        **os.environ,
        "OPTOUT_SENS_URL": base,
        "OPTOUT_MAILER_URL": f"{base}/api/v1",
        "OPTOUT_HUB_URL": base,
        "OPTOUT_NHN_OAUTH_URL": base,
        "OPTOUT_NHN_SMS_URL": base,
        "OPTOUT_NHN_EMAIL_URL": base,
        "OPTOUT_SENS_SERVICE_ID": DEMO.sens_service_id,
        "OPTOUT_NHN_APP_KEY": DEMO.nhn_app_key,
        "NCLOUD_ACCESS_KEY": DEMO.ncloud_access_key,
        "NCLOUD_SECRET_KEY": DEMO.ncloud_secret_key,
        "NHN_USER_ACCESS_KEY_ID": DEMO.nhn_user_access_key_id,
        "NHN_SECRET_ACCESS_KEY": DEMO.nhn_secret_access_key,
        "NHN_SMS_APP_KEY": DEMO.nhn_sms_app_key,
        "NHN_SMS_SECRET_KEY": DEMO.nhn_sms_secret_key,
        "NHN_EMAIL_APP_KEY": DEMO.nhn_email_app_key,
        "NHN_EMAIL_SECRET_KEY": DEMO.nhn_email_secret_key,
    }

    def run(*args: str, input: str | None = None, **changes: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*BIN, *args],
            capture_output=True,
            text=True,
            env={**env, **changes},
            input=input,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture(scope="module")
def numbers080(server) -> list[str]:
    """The company's live 080 numbers at NHN SMS, as `lookup` names them (`nhn-sms 0801234567`)."""

    async def ask() -> list[str]:
        lists = build_lists(*demo_settings(server))
        try:
            return [f"nhn-sms {n.number}" for n in await lists.nhn_sms.numbers080() if "TERMINATE" not in n.status]
        finally:
            await lists.aclose()

    return asyncio.run(ask())


def lists_of(out: subprocess.CompletedProcess) -> list[tuple[str, str]]:
    """(list, result) of each record of `lookup --json`."""
    assert "Traceback" not in out.stderr, out.stderr
    return [(r.get("list", ""), r["result"]) for r in json.loads(out.stdout)]


def audit_of(cli, job_id: str) -> list[dict]:
    out = cli("audit", "--format", "jsonl", "--search", job_id)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_lookup_answers_for_every_list_the_value_can_be_on(cli, numbers080):
    assert cli("add", "sms", "010-7800-0001").returncode == 0
    out = cli("lookup", "010-7800-0001", "--json")
    assert out.returncode == 0, out.stderr  # on one of its lists
    assert lists_of(out) == [("sms", "found")] + [(name, "not_found") for name in numbers080]
    table = cli("lookup", "010-7800-0001", "010-7800-0002")
    assert table.returncode == 1  # the second is on none of them
    lines = table.stdout.splitlines()
    assert len(lines) == 2 * (1 + len(numbers080)) and "OPTED OUT since" in lines[0]
    assert lines[1].startswith("nhn-sms 080-") and lines[1].endswith("not on the opt-out list")
    only = cli("lookup", "--list", "sms", "010-7800-0002", "--json")
    assert (only.returncode, lists_of(only)) == (1, [("sms", "not_found")])


def test_a_list_that_is_down_says_so_on_its_line_and_the_others_still_answer(cli):
    assert cli("add", "nhn-email", "on-nhn@ex.kr").returncode == 0
    with closing(socket.socket()) as sock:  # bound, never listening: connections are refused
        sock.bind(("127.0.0.1", 0))
        down = {"OPTOUT_MAILER_URL": f"http://127.0.0.1:{sock.getsockname()[1]}/api/v1"}
        out = cli("lookup", "On-NHN@ex.kr", "nowhere@ex.kr", **down)
    assert "Traceback" not in out.stderr and out.stderr == ""
    lines = out.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["email", "nhn-email", "email", "nhn-email"]
    assert re.search(r"error: Outbound Mailer .*; check the network connection", lines[0])
    assert "UNSUBSCRIBED since" in lines[1] and lines[3].endswith("not on the opt-out list")
    assert out.returncode == 3  # nowhere@ex.kr: on no list that answered, and one could not
    found = cli("lookup", "on-nhn@ex.kr", **down)
    assert found.returncode == 0 and "error:" in found.stdout  # on a list, whatever the other said


def test_add_everywhere_with_a_mixed_file_is_one_job_with_per_list_results(cli, numbers080, tmp_path):
    (tmp_path / "mixed.csv").write_text(
        "contact,name\n010-7800-1001,Kim\nmix1@ex.kr,Lee\nnot a contact\n+82 10 7800 1002\nMIX1@ex.kr\n",
        encoding="utf-8",
    )
    dry = cli("add", "--everywhere", "--file", "mixed.csv", "--dry-run")
    assert dry.returncode == 1 and "nothing is sent" in dry.stdout  # 1: an invalid line
    assert "would register on the SMS, NHN SMS 080-" in dry.stdout and "Email, NHN Email lists" in dry.stdout
    assert re.search(r"NHN Email: 1 value in 1 request", dry.stdout)
    assert cli("lookup", "mix1@ex.kr").returncode == 1  # on no list yet

    out = cli("add", "--everywhere", "--file", "mixed.csv", "--reason", "call 12")
    assert out.returncode == 1, out.stderr  # every value went through; one line was invalid
    job_id = re.search(r"job (\S+)", out.stdout).group(1)
    assert re.search(r"invalid input:\s+1\b", out.stdout) and re.search(r"duplicates:\s+1\b", out.stdout)
    assert re.search(r"SMS:\s+registered 2, already 0", out.stdout)
    assert re.search(r"NHN Email:\s+registered 1, already 0", out.stdout)
    assert lists_of(cli("lookup", "mix1@ex.kr", "--json")) == [("email", "found"), ("nhn-email", "found")]
    on = lists_of(cli("lookup", "010-7800-1002", "--json"))
    assert on == [("sms", "found")] + [(name, "found") for name in numbers080]

    shown = cli("jobs", "show", job_id, "--format", "jsonl")
    records = [json.loads(line) for line in shown.stdout.splitlines()]
    assert list(records[0]) == ["line", "input", "value", "list", "outcome", "reason"]
    assert len([r for r in records if r["outcome"] == "registered"]) == 2 * (1 + len(numbers080)) + 2
    assert {r["list"] for r in records if r["value"] == "01078001001"} == {"sms", *numbers080}
    invalid = cli("jobs", "show", job_id, "--format", "jsonl", "--outcome", "invalid")
    assert [(r["line"], r["list"]) for r in map(json.loads, invalid.stdout.splitlines())] == [(4, "")]
    table = cli("jobs", "show", job_id).stdout
    assert "\n  NHN Email: registered 1, already 0" in table and "\n  SMS: registered 2, already 0" in table
    [entry] = audit_of(cli, job_id)
    assert (entry["count"], entry["list"], entry["reason"]) == (3, "sms+nhn-sms+email+nhn-email", "call 12")
    assert sorted(entry["values"]) == ["01078001001", "01078001002", "mix1@ex.kr"]


def test_everywhere_with_a_list_failing_part_way_then_resume_finishes_every_list(cli, server, numbers080):
    values = ["010-7800-2001", "010-7800-2002", "fail1@ex.kr", "fail2@ex.kr"]
    httpx.post(
        f"{server.base_url}/_emulator/fail-next", json={"count": 1, "status": "401", "route": "mailer"}
    ).raise_for_status()
    out = cli("add", "--everywhere", *values, "--reason", "ticket 31")
    assert out.returncode == 1, out.stderr  # stopped on one list: resumable
    job_id = re.search(r"job (\S+)", out.stdout).group(1)
    assert re.search(r"Email:\s+registered 0, already 0, invalid 0, failed 0, not sent 2", out.stdout)
    assert re.search(r"NHN Email:\s+registered 2", out.stdout) and "stopped: Outbound Mailer" in out.stdout
    assert f"jobs resume {job_id}" in out.stdout
    assert lists_of(cli("lookup", "fail1@ex.kr", "--json")) == [("email", "not_found"), ("nhn-email", "found")]

    resumed = cli("jobs", "resume", job_id)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "values to send to the SMS, NHN SMS 080-" in resumed.stderr and "2 of " in resumed.stderr
    assert re.search(r"^  Email:\s+registered 2, already 0, invalid 0, failed 0$", resumed.stdout, re.M)
    for value in values:
        assert {result for _, result in lists_of(cli("lookup", value, "--json"))} == {"found"}
    assert "done" in cli("jobs").stdout.split(job_id)[1].splitlines()[0]
    first, second = audit_of(cli, job_id)
    assert (first["count"], second["count"]) == (4, 4)  # each value once, though it went to several lists
    assert second["answer"].startswith("resumed: SMS: registered 2") and "Email: registered 2" in second["answer"]
    assert cli("jobs", "resume", job_id).stdout.endswith("nothing to resume\n")


def test_remove_everywhere_asks_naming_every_list_and_needs_a_reason(cli, numbers080):
    assert cli("add", "--everywhere", "010-7800-3001").returncode == 0
    no_reason = cli("remove", "--everywhere", "010-7800-3001", "--yes")
    assert (no_reason.returncode, no_reason.stdout) == (2, "") and "add --reason TEXT" in no_reason.stderr
    declined = cli("remove", "--everywhere", "010-7800-3001", "--reason", "asked to stop", input="n\n")
    question = re.search(r"Remove 1 value\(s\) from the (.*) opt-out lists \(profile default\)\?", declined.stderr)
    assert declined.returncode == 1 and question and "nothing was removed" in declined.stderr
    assert question.group(1).split(", ") == ["SMS", *(f"NHN SMS {format_number(n[8:])}" for n in numbers080)]
    done = cli("remove", "--everywhere", "010-7800-3001", "--reason", "asked to stop", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert {result for _, result in lists_of(cli("lookup", "010-7800-3001", "--json"))} == {"not_found"}
    wrong = cli("add", "--everywhere", "010-12")
    assert wrong.returncode == 1 and "nothing to send" in wrong.stdout
    bad_kind = cli("add", "sns", "010-7800-3001")
    assert bad_kind.returncode == 2 and "'sns' is not one of" in bad_kind.stderr
