"""The command line: the bare command opens the dashboard; subcommands do the same jobs headless.

Each subcommand lives in its own module and imports its heavy dependencies inside the command,
so `optout-tui --help` and the dashboard start fast.
"""

from __future__ import annotations

import click

from .common import CliContext, EXIT_USAGE


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (TOML).")
@click.option("--profile", "profile_name", help="Profile to use (default: the config's default).")
@click.option("--demo", is_flag=True, help="Use the built-in emulator with sample data and demo credentials.")
@click.version_option(package_name="optout-tui")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, profile_name: str | None, demo: bool) -> None:
    """Look up, list, register and remove advertising opt-outs (SMS, email, 080)."""
    ctx.obj = CliContext(config_path=config_path, profile_name=profile_name, demo=demo)
    if ctx.invoked_subcommand is None:
        from .dashboard import run_dashboard

        run_dashboard(ctx.obj)


def _register_commands() -> None:
    """Attach every subcommand module that exists (each adds its commands to `cli`)."""
    import importlib

    for name in ("lookup", "listing", "changes", "jobs", "credentials", "emulator", "search"):
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:  # a module still being written
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        module.register(cli)


_register_commands()


def main() -> None:
    cli(prog_name="optout-tui")


__all__ = ["cli", "main", "EXIT_USAGE"]
