"""The bare command opens the dashboard through the click group; anything else is a subcommand."""

import subprocess
import sys

import pytest
from click.testing import CliRunner

from optout_tui.cli import cli
from optout_tui.config import DEMO_ENV


@pytest.fixture
def dashboard(monkeypatch):
    """The dashboard replaced by a recorder of the context it was given (and of the demo's emulator)."""
    calls = []

    def record(ctx):
        calls.append((ctx.config_path, ctx.profile_name, ctx.demo, ctx._emulator is not None))
        ctx.close()

    monkeypatch.setattr("optout_tui.cli.dashboard.run_dashboard", record)
    monkeypatch.delenv(DEMO_ENV, raising=False)  # --demo sets it; restored after the test
    return calls


@pytest.mark.parametrize(
    "argv,expected",
    [
        ([], (None, None, False, False)),
        (["--profile", "prod", "--config=c.toml"], ("c.toml", "prod", False, False)),
        (["--profile=prod"], (None, "prod", False, False)),
        (["--demo"], (None, None, True, True)),  # the emulator is on its way before the dashboard loads
    ],
)
def test_the_bare_command_opens_the_dashboard(dashboard, argv, expected):
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 0, result.output
    assert dashboard == [expected]


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["lookup", "--help"], ["--profile"], ["--bogus"]])
def test_anything_else_leaves_the_dashboard_closed(dashboard, argv):
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code in (0, 2) and dashboard == []


def test_the_installed_entry_point_is_the_click_group():
    out = subprocess.run(
        [sys.executable, "-m", "optout_tui", "--help"], check=False, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0 and out.stdout.startswith("Usage: optout-tui ") and "lookup" in out.stdout
