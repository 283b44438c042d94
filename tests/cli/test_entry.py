"""The bare dashboard invocation is recognised without click; anything else goes to the click group.
`add`/`remove` with a file are recognised too, so the file is parsed while click loads."""

import pytest

from optout_tui.cli import _bulk_input, _dashboard_options


@pytest.mark.parametrize(
    "argv,expected",
    [
        ([], {"config_path": None, "profile_name": None, "demo": False}),
        (["--demo"], {"config_path": None, "profile_name": None, "demo": True}),
        (["--profile", "prod", "--config=c.toml"], {"config_path": "c.toml", "profile_name": "prod", "demo": False}),
        (["--profile=prod"], {"config_path": None, "profile_name": "prod", "demo": False}),
    ],
)
def test_dashboard_invocations(argv, expected):
    assert _dashboard_options(argv) == expected


@pytest.mark.parametrize("argv", [["lookup", "x"], ["--help"], ["--version"], ["--profile"], ["--profile", "--demo"],
                                  ["--demo", "list", "sms"], ["--bogus"]])
def test_everything_else_goes_to_click(argv):
    assert _dashboard_options(argv) is None


def test_the_group_still_answers_as_optout_tui_cli():
    from click.testing import CliRunner

    from optout_tui.cli import cli

    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0 and "lookup" in result.output


@pytest.mark.parametrize(
    "argv,expected",
    [
        (["add", "sms", "--file", "in.txt"], ([], "in.txt", "sms")),
        (["--demo", "add", "sms", "-f", "in.csv", "--reason", "a complaint", "010-1234-5678"],
         (["010-1234-5678"], "in.csv", "sms")),
        (["--profile", "prod", "--config=c.toml", "remove", "email", "--file=out.txt", "--yes", "--dry-run"],
         ([], "out.txt", "email")),
        (["add", "080", "--company", "Example Co.", "--file", "n.txt"], ([], "n.txt", "080")),
    ],
)
def test_bulk_changes_from_a_file_are_recognised_before_click(argv, expected):
    assert _bulk_input(argv) == expected


@pytest.mark.parametrize("argv", [["add", "sms", "010-1234-5678"], ["add", "sms", "--file", "x", "--help"],
                                  ["add", "sms", "--file", "x", "--bogus"], ["list", "sms", "--file", "x"],
                                  ["--bogus", "add", "sms", "--file", "x"], ["add"], []])
def test_anything_else_is_left_to_click(argv):
    assert _bulk_input(argv) is None
