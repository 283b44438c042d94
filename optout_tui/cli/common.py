"""What every subcommand shares: exit codes, loading the profile, opening the lists, one-line errors."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

from ..settings import ConfigError

EXIT_OK = 0
EXIT_PARTIAL = 1  # some value not found / some line invalid / some request failed for good
EXIT_USAGE = 2  # bad input or configuration
EXIT_API = 3  # the vendor answered with an error or could not be reached

T = TypeVar("T")


def stdout_gone() -> NoReturn:
    """The reader of our output went away (`| head`): stop quietly, as Unix tools do."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # nothing left to flush into a closed pipe at exit
    sys.exit(EXIT_OK)


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    print(f"optout-tui: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


@dataclass
class CliContext:
    config_path: str | None = None
    profile_name: str | None = None
    demo: bool = False
    _emulator: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.demo:
            import os

            from ..config import DEMO_ENV

            os.environ[DEMO_ENV] = "1"  # the demo's journal, audit trail and snapshot live apart

    def load(self):
        """The active profile and its secrets (or the demo's)."""
        if self.demo:
            from ..demo import demo_settings

            return demo_settings(self._start_emulator())
        from pathlib import Path

        from ..config import load_profile
        from ..credentials.stores import load_secrets

        if self.config_path and not Path(self.config_path).exists():
            raise ConfigError(
                f"{self.config_path}: no such config file; check the path, or drop --config to use the default"
            )
        profile = load_profile(self.config_path, self.profile_name)
        return profile, load_secrets(profile)

    def spawn_emulator(self) -> None:
        """In demo mode, start the emulator's process now; `load()` waits for it to listen."""
        if self.demo and self._emulator is None:
            from ..emulator.process import DemoEmulator

            self._emulator = DemoEmulator().spawn()

    def _start_emulator(self):
        self.spawn_emulator()
        return self._emulator.start()

    def close(self) -> None:
        if self._emulator is not None:
            self._emulator.stop()
            self._emulator = None

    @asynccontextmanager
    async def lists(self, **client_options: Any) -> AsyncIterator[Any]:
        """The profile's lists; closed on exit."""
        from ..api.factory import build_lists

        profile, secrets = self.load()
        lists = build_lists(profile, secrets, **client_options)
        try:
            yield lists
        finally:
            await lists.aclose()


def run(coro_fn: Callable[[], Awaitable[T]], ctx: CliContext | None = None) -> T:
    """Run an async command body; turn every failure a user can cause into one line and an exit code."""
    import asyncio

    from ..api.errors import ApiError

    try:
        return asyncio.run(coro_fn())  # type: ignore[arg-type]
    except ApiError as exc:
        fail(exc.line, EXIT_API)
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    finally:
        if ctx is not None:
            ctx.close()
