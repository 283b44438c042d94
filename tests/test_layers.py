"""The headless layers never import Textual, and nothing outside the CLI imports click.

Textual is checked in a fresh interpreter (so nothing imported by other tests hides a violation);
click is checked in the source, since httpx itself pulls click in for its own command line.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "optout_tui"

HEADLESS = [
    "optout_tui.api.base",
    "optout_tui.api.errors",
    "optout_tui.api.http",
    "optout_tui.api.ncp_signing",
    "optout_tui.api.nhn_token",
    "optout_tui.api.sms",
    "optout_tui.api.email",
    "optout_tui.api.numbers080",
    "optout_tui.api.factory",
    "optout_tui.api.answers",
    "optout_tui.normalize",
    "optout_tui.settings",
    "optout_tui.times",
    "optout_tui.records",
    "optout_tui.demo",
    "optout_tui.config",
    "optout_tui.credentials.stores",
    "optout_tui.credentials.redaction",
    "optout_tui.output",
    "optout_tui.printable",
    "optout_tui.file_lock",
    "optout_tui.bulk.history",
    "optout_tui.emulator",
    "optout_tui.bulk.plan",
    "optout_tui.bulk.engine",
    "optout_tui.snapshot",
]


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_module_does_not_import_textual(module):
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"


def test_cli_help_does_not_import_textual():
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom optout_tui.cli import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\nassert r.exit_code == 0, r.output\n"
        "print('textual' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_only_the_command_line_imports_click():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "cli" not in path.relative_to(PACKAGE).parts[:1] and "click" in imported_roots(path)
    ]
    assert offenders == []


def test_nothing_below_the_ui_imports_textual_in_source():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] not in ("ui", "cli")
        and imported_roots(path) & {"textual", "textual_plotext"}
    ]
    assert offenders == []
