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

    The settings (in demo mode: starting the emulator, mostly waiting on its thread) load in a
    thread while this one imports the UI, so the two overlap.
    """
    import gc

    gc.disable()  # start-up allocates only long-lived objects (modules, widgets): no cycles to hunt yet
    ctx.spawn_emulator()  # first thing: it builds its data on the other core while we import the UI
    from concurrent.futures import ThreadPoolExecutor

    from ..settings import ConfigError

    first_page = None
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="optout-settings") as pool:
            loading = pool.submit(_load, ctx)
            from ..ui.app import OptOutApp

            gc.freeze()  # the modules just imported live as long as the process: never scan them again
            if not loading.done():
                _warm_up()  # while the settings (the demo's emulator) are still on their way
            try:
                profile, secrets, keymap, lists, first_page = loading.result()
            except ConfigError as exc:
                fail(str(exc), EXIT_USAGE)
        from ..api.factory import build_lists

        app = (app_class or OptOutApp)(
            lists, profile, keymap=keymap, secrets=secrets, lists_factory=build_lists, owns_lists=True,
            config_path=ctx.config_path, first_page=first_page.future if first_page else None,
        )
        app.call_later(_collect_garbage_again)  # once the first frame is queued
        return app.run(**run_options)
    finally:
        if first_page is not None:
            first_page.cancel()  # quit before it came (a slow vendor): do not wait for its retries
        gc.enable()
        ctx.close()


def _collect_garbage_again() -> None:
    """A Python function, not `gc.enable` itself: Textual inspects a callback's signature, and a
    builtin's is parsed from text (the tokenizer's patterns compiled just for that)."""
    import gc

    gc.enable()


def _warm_up() -> None:
    """Import now what the first frame and the first request need anyway (the terminal driver,
    the HTTP/1.1 parser), so none of it is left for after the first page has arrived."""
    import h11  # noqa: F401 - the first request's transport (api/transport.py)
    import textual.drivers.linux_driver  # noqa: F401 - App.run's driver


def _load(ctx: CliContext):
    """Settings, keys and lists (the clients are bound to no event loop until first used), and the
    first list's first page asked for at once (see `FirstPage`)."""
    from ..api.factory import build_lists  # first: imported while the demo's emulator starts

    profile, secrets = ctx.load()
    lists = build_lists(profile, secrets)
    available = lists.available()
    first_page = FirstPage(profile, secrets, available[0].kind) if available else None
    return profile, secrets, _keymap(ctx), lists, first_page


class FirstPage:
    """The first list's first page, fetched while the UI is still being imported and built, so the
    rows can be in the first frame: on a daemon thread with its own client and event loop (the
    app's loop does not exist yet). The app takes `future`'s answer, or its error, as if it had
    asked itself; `cancel()` stops the fetch when the app ends first (a slow or unreachable vendor
    must not keep the process alive through its retries)."""

    def __init__(self, profile, secrets, kind) -> None:
        import threading
        from concurrent.futures import Future

        self.future: Future = Future()
        self._loop = None
        self._task = None
        threading.Thread(target=self._run, args=(profile, secrets, kind), name="optout-first-page",
                         daemon=True).start()

    def _run(self, profile, secrets, kind) -> None:
        import asyncio
        from concurrent.futures import InvalidStateError

        from ..api.base import ListFilter
        from ..api.factory import build_lists

        async def fetch():
            self._task, self._loop = asyncio.current_task(), asyncio.get_running_loop()
            if self.future.cancelled():
                raise asyncio.CancelledError
            lists = build_lists(profile, secrets)
            try:
                return await lists.get(kind).fetch_page(ListFilter(), 0)
            finally:
                await lists.aclose()

        try:
            page = asyncio.run(fetch())
        except BaseException as exc:  # noqa: BLE001 - handed over whole, as the app's own fetch would raise it
            outcome = (self.future.set_exception, exc)
        else:
            outcome = (self.future.set_result, page)
        try:
            outcome[0](outcome[1])
        except InvalidStateError:
            pass  # cancelled meanwhile: nobody is waiting

    def cancel(self) -> None:
        self.future.cancel()
        loop, task = self._loop, self._task
        if loop is not None and task is not None:
            try:
                loop.call_soon_threadsafe(task.cancel)
            except RuntimeError:
                pass  # its loop has already finished


def _keymap(ctx: CliContext) -> dict[str, str]:
    """The `[keys]` table of the config (binding id -> keys); the demo uses the same file."""
    from ..config import load_config

    return dict(load_config(ctx.config_path).keys)
