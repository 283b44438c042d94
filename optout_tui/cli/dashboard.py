"""`optout-tui` with no subcommand: open the dashboard on the active profile (or the demo).

Textual and the UI are imported only here, after the settings are read, so `optout-tui --help` and
the subcommands stay fast. In demo mode the built-in emulator runs in a child process on a loopback
port (the UI loop and its interpreter stay free) and is stopped when the dashboard closes.
"""

from __future__ import annotations

from typing import Any

from .common import EXIT_USAGE, CliContext, fail


def run_dashboard(ctx: CliContext, *, app_class: Any = None, **run_options: Any) -> Any:
    """Load settings, build the lists, run the app; `app_class`/`run_options` serve tests and benchmarks.

    The settings (in demo mode: starting the emulator, mostly waiting on it) load in a thread while
    this one imports the UI, so the two overlap; the app asks for its first page itself as it loads.
    """
    ctx.spawn_emulator()  # first thing: it builds its data on the other core while we import the UI
    from concurrent.futures import ThreadPoolExecutor

    from ..settings import ConfigError

    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="optout-settings") as pool:
            loading = pool.submit(_load, ctx)
            from ..ui.app import OptOutApp

            try:
                keymap, profile, secrets, lists = loading.result()
            except ConfigError as exc:
                fail(str(exc), EXIT_USAGE)
        from ..api.factory import build_lists

        app = (app_class or OptOutApp)(
            lists,
            profile,
            keymap=keymap,
            secrets=secrets,
            lists_factory=build_lists,
            owns_lists=True,
            config_path=ctx.config_path,
        )
        return app.run(**run_options)
    finally:
        ctx.close()


def _load(ctx: CliContext):
    """The config's `[keys]` (binding id -> keys; the demo uses the same file), the settings and the
    lists (their clients are bound to no event loop until first used)."""
    from ..api.factory import (
        build_lists,  # first: imported while the demo's emulator starts
    )
    from ..config import load_config

    keymap = load_config(ctx.config_path).keys
    profile, secrets = ctx.load()
    return keymap, profile, secrets, build_lists(profile, secrets)
