"""The command line: the bare command opens the dashboard; subcommands do the same jobs headless.

Each subcommand lives in its own module (loaded on first use by `group.LazyGroup`) and imports its
heavy dependencies inside the command. The bare dashboard invocation skips click altogether, so
the first frame comes sooner.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any


_GLOBAL_VALUED = {"--profile": "profile_name", "--config": "config_path"}
_CHANGE_VALUED = {"--file", "-f", "--company", "--reason"}
_CHANGE_FLAGS = {"--dry-run", "--yes", "-y"}


def _global_options(args: Iterator[str]) -> tuple[dict[str, Any], str | None] | None:
    """`[--demo] [--profile NAME] [--config PATH]` taken from the front of `args`: the options and the
    first other argument (None when there is none); None when an option's value is missing."""
    options: dict[str, Any] = {"config_path": None, "profile_name": None, "demo": False}
    for arg in args:
        if arg == "--demo":
            options["demo"] = True
            continue
        name, eq, value = arg.partition("=")
        if name not in _GLOBAL_VALUED:
            return options, arg
        if not eq:
            value = next(args, "")
        if not value or value.startswith("-"):
            return None  # let click say what is missing
        options[_GLOBAL_VALUED[name]] = value
    return options, None


def _dashboard_options(argv: list[str]) -> dict[str, Any] | None:
    """`[--demo] [--profile NAME] [--config PATH]` and nothing else opens the dashboard; else None."""
    found = _global_options(iter(argv))
    return found[0] if found is not None and found[1] is None else None


def _bulk_input(argv: list[str]) -> tuple[list[str], str, str] | None:
    """(values, path, kind) of `[--demo|--profile N|--config P] add|remove KIND [VALUE...] --file PATH
    [--reason T|--company N|--dry-run|--yes]`; None for anything else, which click alone parses.
    A guess that click reads differently costs nothing but a wasted parse: the command claims the
    early parse only when its own arguments match it exactly."""
    args = iter(argv)
    found = _global_options(args)
    if found is None or found[1] not in ("add", "remove"):
        return None
    kind = next(args, "")
    values: list[str] = []
    path = None
    for arg in args:
        name, eq, value = arg.partition("=")
        if arg in _CHANGE_VALUED or (eq and name in _CHANGE_VALUED):
            if not eq:
                value = next(args, "")
            if name in ("--file", "-f"):
                path = value
        elif arg in _CHANGE_FLAGS:
            continue
        elif arg.startswith("-"):
            return None  # --help, an option we do not know, "--": leave it all to click
        else:
            values.append(arg)
    return (values, path, kind) if path else None


def main() -> None:
    try:
        options = _dashboard_options(sys.argv[1:])
        if options is not None:
            emulator = _spawn_demo_emulator() if options["demo"] else None
            from .common import CliContext
            from .dashboard import run_dashboard

            run_dashboard(CliContext(**options, _emulator=emulator))
            return
        bulk = _bulk_input(sys.argv[1:])
        if bulk is not None:  # `add`/`remove` with a file: parse it on the other core while click loads
            from ..bulk.parse_ahead import start_early

            start_early(*bulk)
        from .group import cli

        cli(prog_name="optout-tui")
    except BrokenPipeError:  # output piped into `head` and closed early
        from .common import stdout_gone

        stdout_gone()


def _spawn_demo_emulator():
    """The demo's emulator process, started before anything else is imported: it builds its sample
    data on the other core while this process loads Textual, and is ready by the first frame."""
    from ..emulator.process import DemoEmulator

    return DemoEmulator().spawn()


def __getattr__(name: str) -> Any:
    if name == "cli":  # the click group, for tests and embedding
        from .group import cli

        return cli
    raise AttributeError(name)
