"""A big input file is parsed in a forked child while the command gets ready; the answer is the same.

Each case runs in a fresh interpreter: fork is only used by a process with one thread, and pytest's
process may have more.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from optout_tui.api.base import ListKind
from optout_tui.bulk.parse_ahead import MIN_BYTES
from optout_tui.bulk.plan import preview_lines, read_values_file

pytestmark = pytest.mark.skipif(not hasattr(__import__("os"), "fork") or sys.platform == "darwin",
                                reason="parsing ahead forks; elsewhere it parses in-process")

SCRIPT = textwrap.dedent("""
    import json, os, signal, sys, threading, time
    from optout_tui.bulk.parse_ahead import ParseAhead
    from optout_tui.bulk import parse_ahead
    mode, path, *args = sys.argv[1:]
    if mode == "thread":
        threading.Thread(target=time.sleep, args=(2,), daemon=True).start()
    if mode == "sigchld ignored":  # as some launchers start programs: the kernel reaps children itself
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    if mode == "no fork":  # out of processes
        def refuse():
            raise BlockingIOError(11, "Resource temporarily unavailable")
        os.fork = refuse
    if mode in ("early", "early-other"):
        parse_ahead.start_early(args, path, "sms")
        early = parse_ahead._EARLY
        early_pid = early._pid
        parsing = parse_ahead.take(args + (["one more"] if mode == "early-other" else []), path, "sms")
        if mode == "early":
            assert parsing is early and early_pid
        else:  # the command's input is not what was guessed: the early child is stopped and reaped
            assert parsing is not early and early._pid == 0
            try:
                os.waitpid(early_pid, 0)
                raise AssertionError("the early child was not reaped")
            except ChildProcessError:
                pass
    else:
        parsing = ParseAhead(args, path, "sms")
    forked = parsing.in_background
    if mode == "kill":
        os.kill(parsing._pid, signal.SIGKILL)
    child = parsing._pid
    try:
        preview = parsing.result()
    except OSError as exc:
        print(json.dumps({"forked": forked, "error": type(exc).__name__, "message": str(exc)}))
        sys.exit(0)
    reaped = None
    if child:
        try:
            os.waitpid(child, 0)
            reaped = False
        except ChildProcessError:
            reaped = True
    lines = [[x.line_no, x.raw, x.value, x.status, x.reason] for x in preview.lines]
    print(json.dumps({"forked": forked, "values": preview.values, "counts": [preview.ok, preview.invalid,
                      preview.duplicate], "lines": lines, "reaped": reaped}))
""")


def parse_in_child(mode: str, path: str, *args: str, stdin: bytes | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode, path, *args], input=stdin, capture_output=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    return json.loads(out.stdout)


def parsed_here(path, *args: str) -> dict:
    preview = preview_lines([*args, *read_values_file(str(path))], ListKind.SMS, keep_ok_lines=False)
    return {"values": preview.values, "counts": [preview.ok, preview.invalid, preview.duplicate],
            "lines": [[x.line_no, x.raw, x.value, x.status, x.reason] for x in preview.lines]}


@pytest.fixture
def big_file(tmp_path):
    lines = ["phone,name"] + [f"010-4{i // 10000:03d}-{i % 10000:04d},Kim" for i in range(30_000)]
    lines[7] = "not a number"
    lines[9] = "010-12"
    lines[20_000] = lines[11]
    path = tmp_path / "numbers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size >= MIN_BYTES
    return path


def test_a_big_file_is_parsed_in_a_child_with_the_same_answer_as_here(big_file):
    got = parse_in_child("plain", str(big_file), "+82 10-9999-0000", "nonsense")
    assert got["forked"] is True and got["reaped"] is True
    want = parsed_here(big_file, "+82 10-9999-0000", "nonsense")
    assert got["values"] == want["values"] and got["counts"] == want["counts"] == [29_998, 4, 1]  # the header row is a bad line after arguments
    assert got["lines"] == want["lines"]
    assert [line[3] for line in got["lines"]] == ["invalid"] * 4 + ["duplicate"]


def test_a_small_file_is_parsed_in_this_process(tmp_path):
    path = tmp_path / "few.txt"
    path.write_text("010-1234-5678\n010-12\n", encoding="utf-8")
    got = parse_in_child("plain", str(path))
    assert got["forked"] is False and got["values"] == ["01012345678"] and got["counts"] == [1, 1, 0]


def test_standard_input_and_pipes_are_parsed_in_this_process(big_file, tmp_path):
    """They cannot be read again if a child dies, and a child reading a pipe could outlive its parent."""
    got = parse_in_child("plain", "-", stdin=big_file.read_bytes())
    assert got["forked"] is False and got["values"] == parsed_here(big_file)["values"]
    fifo = tmp_path / "numbers.fifo"
    os.mkfifo(fifo)
    import threading

    writer = threading.Thread(target=fifo.write_bytes, args=(big_file.read_bytes(),))
    writer.start()
    got = parse_in_child("plain", str(fifo))
    writer.join(timeout=30)
    assert got["forked"] is False and got["values"] == parsed_here(big_file)["values"]


@pytest.mark.parametrize("mode", ["sigchld ignored", "no fork"])
def test_an_unusual_process_still_gets_the_same_answer(big_file, mode):
    got = parse_in_child(mode, str(big_file))
    assert got["forked"] is (mode == "sigchld ignored")
    assert got["values"] == parsed_here(big_file)["values"] and got["counts"] == [29_997, 2, 1]


def test_a_child_that_dies_without_an_answer_is_parsed_again_here(big_file):
    got = parse_in_child("kill", str(big_file))
    assert got["forked"] is True and got["counts"] == [29_997, 2, 1]
    assert got["values"] == parsed_here(big_file)["values"]


def test_what_the_child_could_not_read_is_raised_here(tmp_path):
    spreadsheet = tmp_path / "export.xlsx"
    spreadsheet.write_bytes(b"PK\x03\x04" + bytes(MIN_BYTES))
    got = parse_in_child("plain", str(spreadsheet))
    assert got["forked"] is True and got["error"] == "NotTextError" and "save it as CSV" in got["message"]
    folder = tmp_path / "a-folder"
    folder.mkdir()
    got = parse_in_child("plain", str(folder))
    assert got["error"] == "IsADirectoryError" and str(folder) in got["message"]


def test_no_fork_while_another_thread_runs(big_file):
    got = parse_in_child("thread", str(big_file))
    assert got["forked"] is False and got["counts"] == [29_997, 2, 1]



@pytest.mark.parametrize("mode", ["early", "early-other"])
def test_a_parse_started_before_click_is_claimed_only_by_the_same_input(big_file, mode):
    got = parse_in_child(mode, str(big_file), "010-5555-0000")
    want = parsed_here(big_file, *(["010-5555-0000"] + (["one more"] if mode == "early-other" else [])))
    assert got["forked"] is True and got["reaped"] is True
    assert (got["values"], got["counts"], got["lines"]) == (want["values"], want["counts"], want["lines"])
