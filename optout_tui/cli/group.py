"""The click group: global options, and subcommands loaded from their modules on first use."""

from __future__ import annotations

import click

from .common import CliContext

# Command name -> the module under optout_tui/cli that registers it. Modules load on first use, so
# the dashboard and each subcommand import only what they need.
COMMAND_MODULES = {
    "lookup": "lookup",
    "list": "listing",
    "add": "changes",
    "remove": "changes",
    "jobs": "jobs",
    "purge": "purge",
    "audit": "jobs",
    "credentials": "credentials",
    "emulator": "emulator",
    "search": "search",
    "sync": "search",
    "export": "search",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMAND_MODULES:
            import importlib

            importlib.import_module(f"{__package__}.{COMMAND_MODULES[name]}").register(self)
        return self.commands.get(name)


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (TOML).")
@click.option("--profile", "profile_name", help="Profile to use (default: the config's default).")
@click.option("--demo", is_flag=True, help="Use the built-in emulator with sample data and demo credentials.")
@click.version_option(package_name="optout-tui")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, profile_name: str | None, demo: bool) -> None:
    """Look up, list, register and remove advertising opt-outs (SMS, email, 080)."""
    ctx.obj = CliContext(config_path=config_path, profile_name=profile_name, demo=demo)
    if ctx.invoked_subcommand is None:
        ctx.obj.spawn_emulator()  # demo: it builds its sample data on the other core while the UI loads
        from .dashboard import run_dashboard

        run_dashboard(ctx.obj)
