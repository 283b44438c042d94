"""The headless layers never import Textual, and nothing outside the CLI imports click.

Checked in a fresh interpreter so nothing imported by other tests hides a violation.
"""

import subprocess
import sys

import pytest

HEADLESS = [
    "optout_tui.api.base", "optout_tui.api.errors", "optout_tui.api.http", "optout_tui.api.ncp_signing",
    "optout_tui.api.nhn_token", "optout_tui.api.sms", "optout_tui.api.email", "optout_tui.api.numbers080",
    "optout_tui.api.factory", "optout_tui.normalize", "optout_tui.settings", "optout_tui.dates",
    "optout_tui.records", "optout_tui.demo", "optout_tui.config", "optout_tui.credentials",
    "optout_tui.emulator", "optout_tui.bulk.plan", "optout_tui.bulk.engine", "optout_tui.snapshot",
]


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_module_imports_neither_textual_nor_click(module):
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'click'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"


def test_cli_help_does_not_import_textual():
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom optout_tui.cli import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\nassert r.exit_code == 0, r.output\n"
        "print('textual' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
