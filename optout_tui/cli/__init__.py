"""The command line: the bare command opens the dashboard; subcommands do the same jobs headless.

Each subcommand lives in its own module (loaded on first use by `group.LazyGroup`) and imports its
heavy dependencies inside the command.
"""

from __future__ import annotations

from typing import Any


def main() -> None:
    from .group import cli

    try:
        cli(prog_name="optout-tui")
    except BrokenPipeError:  # output piped into `head` and closed early
        from .common import stdout_gone

        stdout_gone()


def __getattr__(name: str) -> Any:
    if name == "cli":  # the click group, for tests and embedding
        from .group import cli

        return cli
    raise AttributeError(name)
