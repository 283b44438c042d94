"""`list 080 --search`: the Hub's prefix match, `_` for any one digit, as a person types it; and a wrong NHN
key in one line. End to end, against the standalone emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def numbers(out) -> list[str]:
    assert out.returncode == 0, out.stderr
    return [json.loads(line)["number"] for line in out.stdout.splitlines()]


def test_the_080_search_is_a_prefix_match_with_underscore_for_any_digit(optout):
    every = numbers(optout("list", "080", "--format", "jsonl"))
    number = every[0]
    dashed = f"{number[:3]}-{number[3:6]}"
    assert numbers(optout("list", "080", "--format", "jsonl", "--search", dashed)) == [
        n for n in every if n.startswith(number[:6])
    ]
    wildcard = number[:3] + "_" + number[4:6]
    assert numbers(optout("list", "080", "--format", "jsonl", "--search", wildcard)) == [
        n for n in every if n[:3] + n[4:6] == number[:3] + number[4:6]
    ]


def test_a_080_search_with_a_percent_sign_or_from_the_middle_is_refused_in_one_line(optout):
    for typed in ("080%12", "1234"):
        out = optout("list", "080", "--search", typed)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and "start of a number" in out.stderr


def test_a_wrong_nhn_secret_exits_3_in_one_line(standalone):
    env = {**os.environ, **standalone.env, "NHN_SECRET_ACCESS_KEY": "not-the-nhn-secret"}
    out = subprocess.run(
        [sys.executable, "-m", "optout_tui", "list", "080"], capture_output=True, text=True, env=env, check=False
    )
    assert out.returncode == 3 and len(out.stderr.strip().splitlines()) == 1
    assert "NHN Cloud OAuth" in out.stderr and "credentials" in out.stderr and "not-the-nhn-secret" not in out.stderr
