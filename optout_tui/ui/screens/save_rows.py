"""Save the rows of a view (the audit trail, a job's results) to a CSV or JSON file, page by page,
with progress: a long history is streamed, never held whole.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static

from ..export import RecordWriter, format_for
from ..history import PAGE


class SaveRowsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    SaveRowsScreen { align: center middle; }
    SaveRowsScreen > Vertical > Static, SaveRowsScreen > Vertical > Label { width: 100%; }
    SaveRowsScreen > Vertical { width: 90; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    SaveRowsScreen ProgressBar { visibility: hidden; }
    SaveRowsScreen ProgressBar.started { visibility: visible; }
    SaveRowsScreen #save-status { height: auto; margin-top: 1; }
    SaveRowsScreen .hint { color: $text-muted; }
    """

    BINDINGS = [Binding("escape", "close", "Cancel / close", id="save.close")]

    def __init__(self, title: str, source, default_name: str) -> None:
        super().__init__()
        self.title_text = title
        self.source = source
        self.default_name = default_name
        self.running = False
        self.written = 0
        self.path: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"[b]{self.title_text}[/b] ({self.source.count:,} rows)")
            yield Label("A file name ending in .json writes JSON; anything else writes CSV.", classes="hint")
            yield Input(value=self.default_name, id="save-path")
            yield ProgressBar(total=max(1, self.source.count), show_eta=False, id="save-bar")
            yield Static("enter saves · esc cancels", id="save-status")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#save-path")
    def _start(self, event: Input.Submitted) -> None:
        event.stop()
        if self.running or not event.value.strip():
            return
        self.path = Path(event.value.strip()).expanduser().absolute()
        self.running = True
        self.query_one(ProgressBar).add_class("started")
        self._save(self.path)

    @work(exclusive=True, group="save", exit_on_error=False)
    async def _save(self, path: Path) -> None:
        status = self.query_one("#save-status", Static)
        bar = self.query_one(ProgressBar)
        fmt = format_for(path)
        try:
            fh = await asyncio.to_thread(open, path, "w", encoding="utf-8", newline="")
        except OSError as exc:
            self.running = False
            status.update(Text(f"✖ cannot write {path}: {exc.strerror or exc}; choose another path", style="bold red"))
            return
        writer = RecordWriter(fh, list(self.source.fields), fmt)
        try:
            for offset in range(0, self.source.count, PAGE):
                rows = await asyncio.to_thread(self.source.rows, offset, PAGE)
                writer.write_records([self.source.record(row) for row in rows])
                self.written = writer.count
                bar.update(progress=writer.count)
                status.update(f"{writer.count:,} rows written to {path} …")
        except asyncio.CancelledError:
            status.update(f"cancelled after {writer.count:,} rows; {path} holds them")
            raise
        except Exception as exc:  # noqa: BLE001 - a locked journal or a full disk: one line
            status.update(Text(f"✖ stopped after {writer.count:,} rows: {exc}", style="bold red"))
            return
        finally:
            writer.close()
            await asyncio.to_thread(fh.close)
            self.running = False
        bar.update(total=max(1, writer.count), progress=max(1, writer.count))
        status.update(Text(f"✔ {writer.count:,} rows written to {path} ({fmt.upper()}) · esc closes",
                           style="bold green"))

    def action_close(self) -> None:
        if self.running:
            self.workers.cancel_group(self, "save")
            return
        self.dismiss(None)
