"""Every input line stays with its job: `jobs show` gives one record per line (sent, refused, repeated) in
input order, `--outcome` filters them, and `--rejects FILE` keeps the refused ones in an owner-only file."""

from __future__ import annotations

import csv
import json
import stat

INPUT = "phone\n010-5550-0001\n02-123-4567\n01055500001\n\n+82 10 5550 0002\nnot a number\n"


def job_id_of(out: str) -> str:
    return out.split("job ", 1)[1].split(maxsplit=1)[0]


def test_jobs_show_gives_every_input_line_in_order_and_filters_by_outcome(optout, tmp_path):
    (tmp_path / "in.txt").write_text(INPUT, encoding="utf-8")
    added = optout("add", "sms", "--file", "in.txt")
    assert added.returncode == 1, added.stdout + added.stderr  # invalid lines
    job = job_id_of(added.stdout)
    shown = optout("jobs", "show", job, "--format", "jsonl")
    assert shown.returncode == 0, shown.stderr
    assert [json.loads(line) for line in shown.stdout.splitlines()] == [
        {"line": 2, "input": "010-5550-0001", "value": "01055500001", "outcome": "registered", "reason": ""},
        {
            "line": 3,
            "input": "02-123-4567",
            "value": "",
            "outcome": "invalid",
            "reason": "a landline number (02-123-4567), not a Korean mobile number (010-xxxx-xxxx)",
        },
        {"line": 4, "input": "01055500001", "value": "01055500001", "outcome": "duplicate", "reason": "same as line 2"},
        {"line": 6, "input": "+82 10 5550 0002", "value": "01055500002", "outcome": "registered", "reason": ""},
        {
            "line": 7,
            "input": "not a number",
            "value": "",
            "outcome": "invalid",
            "reason": json.loads(shown.stdout.splitlines()[-1])["reason"],
        },
    ]
    invalid = optout("jobs", "show", job, "--format", "csv", "--outcome", "invalid").stdout.splitlines()
    assert [row[0] for row in csv.reader(invalid)] == ["line", "3", "7"]
    table = optout("jobs", "show", job, "--outcome", "duplicate").stdout
    assert "same as line 2" in table and "02-123-4567" not in table
    wrong = optout("jobs", "show", job, "--outcome", "done")
    assert wrong.returncode == 2 and "not_on_list" in wrong.stderr


def test_rejects_file_holds_the_refused_lines_owner_only_and_the_summary_says_where_the_rest_are(optout, tmp_path):
    bad = [f"bad{i}" for i in range(25)]
    (tmp_path / "in.txt").write_text("\n".join(["01055500010", *bad, "010-5550-0010"]) + "\n", encoding="utf-8")
    out = optout("add", "sms", "--file", "in.txt", "--rejects", "rejects.csv")
    assert out.returncode == 1, out.stdout + out.stderr
    assert "... and 5 more in rejects.csv" in out.stdout
    path = tmp_path / "rejects.csv"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [(r["line"], r["input"], r["outcome"]) for r in rows] == [
        *((str(i + 2), f"bad{i}", "invalid") for i in range(25)),
        ("27", "010-5550-0010", "duplicate"),
    ]
    assert rows[-1]["reason"] == "same as line 1" and all(r["reason"] for r in rows)
    again = optout("add", "sms", "--file", "in.txt", "--rejects", "rejects.csv")
    assert again.returncode == 2 and again.stdout == "" and "exists already" in again.stderr
    without = optout("add", "sms", "--file", "in.txt", "--dry-run")
    assert "... and 5 more; use --rejects FILE to keep them all" in without.stdout


def test_rejects_as_json_lines_by_extension(optout, tmp_path):
    out = optout("add", "sms", "010-5550-0020", "nope", "--dry-run", "--rejects", "r.jsonl")
    assert out.returncode == 1
    assert [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()] == [
        {
            "line": 2,
            "input": "nope",
            "value": "",
            "outcome": "invalid",
            "reason": json.loads((tmp_path / "r.jsonl").read_text())["reason"],
        }
    ]
