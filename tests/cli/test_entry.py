"""The bare dashboard invocation is recognised without click; anything else goes to the click group."""

import pytest

from optout_tui.cli import _dashboard_options


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
