"""What every subcommand shares: exit codes, loading the profile, opening the lists, one-line errors."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any, NoReturn, TypeVar

from ..settings import ConfigError

EXIT_OK = 0
EXIT_PARTIAL = 1  # some value not found / some line invalid / some request failed for good
EXIT_USAGE = 2  # bad input or configuration
EXIT_API = 3  # the vendor answered with an error or could not be reached

MAX_LIMIT = 1_000_000_000  # the most a --limit takes: more than any list holds, and within SQLite's integers

T = TypeVar("T")


def stdout_gone() -> NoReturn:
    """The reader of our output went away (`| head`): stop quietly, as Unix tools do."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # nothing left to flush into a closed pipe at exit
    sys.exit(EXIT_OK)


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    from ..printable import printable

    print(f"optout-tui: {printable(message)}", file=sys.stderr, flush=True)
    sys.exit(code)


class ForPeople:
    """A text stream for people (tables): terminal controls in what it is given are shown, not obeyed."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def write(self, text: str) -> int:
        from ..printable import printable

        return self.out.write(printable(text, keep="\n"))

    def flush(self) -> None:
        self.out.flush()


def stdout_for(fmt: str) -> Any:
    """Standard output for `--format fmt`: a table is for people; data formats keep the exact text."""
    return ForPeople(sys.stdout) if fmt == "table" else sys.stdout


def date_range(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    """`--since` and `--until` as typed; unreadable, out of range or reversed is one line and exit 2.

    The vendors count time from 1970 and refuse anything earlier, so a start before it is no start (the
    whole list, as the user means), and an end before it is refused: nothing on any list is that old.
    """
    from ..times import DateError, parse_date, to_ms

    def read(option: str, text: str | None, end_of_day: bool) -> datetime | None:
        try:
            return parse_date(text, end_of_day=end_of_day) if text else None
        except DateError as exc:
            fail(f"--{option}: {exc}")

    start, end = read("since", since, False), read("until", until, True)
    if start is not None and to_ms(start) < 0:
        start = None
    if end is not None and to_ms(end) < 0:
        fail(f"--until {until}: nothing on any list is older than 1970; give a later date")
    if start is not None and end is not None and start > end:
        fail(f"--since {since} is after --until {until}; swap them")
    return start, end


@dataclass
class CliContext:
    config_path: str | None = None
    profile_name: str | None = None
    demo: bool = False
    _emulator: Any = field(default=None, repr=False)
    _emulator_args: list[str] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.demo:
            from ..demo import enter_demo

            self._emulator_args = enter_demo()  # the demo's journal, audit trail and snapshot live apart

    def command(self, rest: str, *, profile: str | None = None) -> str:
        """`optout-tui ... REST` as the user types it to stay in this mode (--config, --demo, --profile), or to
        use `profile`: every hint names the mode the user is in."""
        import shlex

        demo = self.demo if profile is None else profile == "demo"
        name = self.profile_name if profile is None else profile
        flags = [f"--config {shlex.quote(self.config_path)}"] if self.config_path and not demo else []
        flags += ["--demo"] if demo else [f"--profile {shlex.quote(name)}"] if name else []
        return " ".join(["optout-tui", *flags, rest])

    def in_mode(self, message: str) -> str:
        """`message` (from below the command line) with its `optout-tui COMMAND` hints in the user's mode."""
        import re

        prefix = self.command("").rstrip()
        return re.sub(r"(?<=[`(])optout-tui (?=[a-z])", prefix + " ", message) if prefix != "optout-tui" else message

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

            self._emulator = DemoEmulator(*self._emulator_args).spawn()

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

    in_mode = ctx.in_mode if ctx is not None else str
    try:
        return asyncio.run(coro_fn())  # type: ignore[arg-type]
    except ApiError as exc:
        fail(in_mode(exc.line), EXIT_API)
    except ConfigError as exc:
        fail(in_mode(str(exc)), EXIT_USAGE)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    finally:
        if ctx is not None:
            ctx.close()
