"""The one "write this to a file" dialog: a path, a progress bar, a status line; streamed, cancellable.

Subclasses say what the rows are (`heading`, `total`, `make_writer`) and stream them (`produce`);
the dialog opens the file (owner-only, as every file of people's numbers; an existing one only after
enter is pressed again on its name), reports progress, turns any failure into one line and always closes it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static

from ...output import RecordWriter, format_for
from ...printable import printable
from ...private_files import open_private


class SaveFileScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    SaveFileScreen { align: center middle; }
    SaveFileScreen > Vertical > Static, SaveFileScreen > Vertical > Label { width: 100%; }
    SaveFileScreen > Vertical { width: 90; max-width: 100%; height: auto; max-height: 100%; border: thick $accent; background: $surface; padding: 1 2; }
    SaveFileScreen .status { height: auto; margin-top: 1; }
    SaveFileScreen ProgressBar { visibility: hidden; }
    SaveFileScreen ProgressBar.started { visibility: visible; }
    SaveFileScreen .hint { color: $text-muted; }
    """

    prefix = "save"  # widget ids: #<prefix>-path, #<prefix>-bar, #<prefix>-status
    start_hint = "enter saves · esc cancels"

    def __init__(self, default_name: str) -> None:
        super().__init__()
        self.default_name = default_name
        self.running = False
        self.written = 0
        self.path: Path | None = None
        self._replace: Path | None = None  # the existing file enter was pressed on once: again replaces it

    # ------------------------------------------------ what subclasses say
    def heading(self) -> Text:
        raise NotImplementedError

    def total(self) -> int | None:
        return None

    def make_writer(self, fh: Any, fmt: str) -> RecordWriter:
        raise NotImplementedError

    def produce(self, writer: RecordWriter) -> AsyncIterator[str]:
        """Write rows through `writer`; yield a progress line after each batch."""
        raise NotImplementedError

    def error_line(self, exc: Exception) -> str:
        return str(exc)

    # ------------------------------------------------ the dialog
    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.heading())
            yield Label("A name ending in .json writes JSON, .jsonl JSON lines; anything else CSV.", classes="hint")
            yield Input(value=self.default_name, id=f"{self.prefix}-path")
            total = self.total()
            yield ProgressBar(total=None if total is None else max(1, total), show_eta=False, id=f"{self.prefix}-bar")
            yield Static(self.start_hint, id=f"{self.prefix}-status", classes="status")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _start(self, event: Input.Submitted) -> None:
        event.stop()
        if self.running or not event.value.strip():
            return
        self.path = Path(event.value.strip()).expanduser().absolute()  # say where it went, not just a name
        self.running = True
        self._write(self.path, replace=self.path == self._replace)

    @work(exclusive=True, group="save-file", exit_on_error=False)
    async def _write(self, path: Path, *, replace: bool) -> None:
        status = self.query_one(f"#{self.prefix}-status", Static)
        bar = self.query_one(ProgressBar)
        fmt, shown = format_for(None, path), printable(str(path))
        try:
            fh = await asyncio.to_thread(open_private, path, replace=replace)
        except FileExistsError:
            self.running, self._replace = False, path
            status.update(Text(f"⚠ {shown} exists: enter again replaces it, or change the name", style="bold yellow"))
            return
        except OSError as exc:
            self.running = False
            status.update(Text(f"✖ cannot write {shown}: {exc.strerror or exc}; choose another path", style="bold red"))
            return
        bar.add_class("started")
        writer = self.make_writer(fh, fmt)
        try:
            async for line in self.produce(writer):
                self.written = writer.count
                total = self.total()
                bar.update(total=None if total is None else max(1, total), progress=writer.count)
                status.update(Text(f"{line} to {shown} …"))
        except asyncio.CancelledError:
            status.update(Text(f"cancelled after {writer.count:,} rows; {shown} holds them"))
            raise
        except Exception as exc:  # a vendor error, a locked journal, a full disk: one line
            status.update(
                Text(f"✖ stopped after {writer.count:,} rows: {printable(self.error_line(exc))}", style="bold red")
            )
            return
        finally:
            writer.close()
            await asyncio.to_thread(fh.close)
            self.running = False
        bar.update(total=max(1, writer.count), progress=max(1, writer.count))
        status.update(
            Text(f"✔ {writer.count:,} rows written to {shown} ({fmt.upper()}) · esc closes", style="bold green")
        )

    def action_close(self) -> None:
        if self.running:
            self.workers.cancel_group(self, "save-file")
            return
        self.dismiss(None)
