"""`optout-tui audit --search`: the dashboard's audit search on the command line, end to end (real changes
made by the real command against a standalone emulator, then searched)."""

from __future__ import annotations

import json


def test_audit_search_finds_a_value_in_any_form_a_job_a_reason_a_user_and_a_profile(optout):
    for args in (
        ["add", "sms", "010-1234-5678", "--reason", "ticket 4821"],
        ["add", "email", "Kim Minsu <Kim.Minsu@Example.KR>", "--reason", "asked by phone"],
        ["remove", "sms", "+82 10-1234-5678", "--reason", "sent by mistake", "--yes"],
    ):
        assert optout(*args).returncode == 0, args

    def found(text: str) -> list[dict]:
        out = optout("audit", "--search", text, "--format", "jsonl")
        assert out.returncode == 0, out.stderr
        return [json.loads(line) for line in out.stdout.splitlines()]

    every = found("")
    assert [(e["action"], e["values"]) for e in every] == [
        ("register", ["01012345678"]),
        ("register", ["Kim.Minsu@example.kr"]),
        ("remove", ["01012345678"]),
    ]
    assert found("+82 10 1234 5678") == [every[0], every[2]]  # the stored form of a number in any form
    assert found("Minsu <kim.minsu@EXAMPLE.KR>") == [every[1]]
    assert found("BY MISTAKE") == [every[2]]  # words of a reason, any case
    assert found(every[1]["job_id"]) == [every[1]]
    assert found(every[0]["os_user"]) == every and found(every[0]["profile"]) == every
    csv_out = optout("audit", "--search", "+82 10 1234 5678", "--format", "csv").stdout.splitlines()
    assert len(csv_out) == 3 and csv_out[0].startswith("id,at,os_user,profile,list,action")


def test_audit_search_in_the_table_and_when_nothing_matches(optout):
    assert optout("add", "sms", "010-5555-0001", "--reason", "ticket 77").returncode == 0
    table = optout("audit", "--search", "+82 10 5555 0001").stdout.splitlines()
    assert table[0].split() == ["TIME", "USER", "PROFILE", "LIST", "ACTION", "VALUES", "JOB", "REASON", "ANSWER"]
    assert len(table) == 2 and "01055550001" in table[1] and "ticket 77" in table[1]
    none = optout("audit", "--search", "010-9999-0000", "--since", "7d")
    assert none.returncode == 0 and none.stdout.strip() == "no changes recorded matching '010-9999-0000' since then"
