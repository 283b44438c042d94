"""Export (`e`): every page of the current filtered view to a CSV or JSON file, with progress."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static

from ...api.base import ListFilter, OptOutList
from ...api.errors import ApiError
from ..export import ExportWriter, format_for
from ..filters import describe_filter


def default_path(lst: OptOutList) -> str:
    return f"optout-{lst.kind.value}-{datetime.now():%Y%m%d-%H%M}.csv"


class ExportScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical > Static, ExportScreen > Vertical > Label { width: 100%; }
    ExportScreen > Vertical { width: 90; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    ExportScreen #export-status { height: auto; margin-top: 1; }
    ExportScreen ProgressBar { visibility: hidden; }
    ExportScreen ProgressBar.started { visibility: visible; }
    ExportScreen .hint { color: $text-muted; }
    """

    BINDINGS = [Binding("escape", "close", "Cancel / close", id="export.close")]

    def __init__(self, lst: OptOutList, flt: ListFilter) -> None:
        super().__init__()
        self.lst = lst
        self.flt = flt
        self.running = False
        self.written = 0
        self.path: Path | None = None

    def compose(self) -> ComposeResult:
        what = describe_filter(self.lst.kind, self.flt).removesuffix(" (esc clears)") or "no filter"
        with Vertical():
            yield Label(f"[b]Export the {self.lst.name} list[/b] ({what}), every page")
            yield Label("A file name ending in .json writes JSON; anything else writes CSV.", classes="hint")
            yield Input(value=default_path(self.lst), id="export-path")
            yield ProgressBar(total=None, show_eta=False, id="export-bar")
            yield Static("enter starts · esc cancels", id="export-status")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#export-path")
    def _start(self, event: Input.Submitted) -> None:
        event.stop()
        if self.running or not event.value.strip():
            return
        self.path = Path(event.value.strip()).expanduser().absolute()  # say where it went, not just a name
        self.running = True
        self.query_one(ProgressBar).add_class("started")
        self._export(self.path)

    @work(exclusive=True, group="export", exit_on_error=False)
    async def _export(self, path: Path) -> None:
        status = self.query_one("#export-status", Static)
        bar = self.query_one(ProgressBar)
        fmt = format_for(path)
        try:
            fh = await asyncio.to_thread(open, path, "w", encoding="utf-8", newline="")
        except OSError as exc:
            self.running = False
            status.update(Text(f"✖ cannot write {path}: {exc.strerror or exc}; choose another path", style="bold red"))
            return
        writer = ExportWriter(fh, self.lst.kind, fmt)
        pages = 0
        try:
            async for page in self.lst.pages(self.flt):
                writer.write(page.entries)
                pages += 1
                self.written = writer.count
                if page.total is not None:
                    bar.update(total=page.total, progress=writer.count)
                else:
                    bar.update(total=None)
                status.update(f"{writer.count:,} rows from {pages:,} pages written to {path} …")
        except ApiError as exc:
            status.update(Text(f"✖ stopped after {writer.count:,} rows: {exc.line}", style="bold red"))
            return
        except asyncio.CancelledError:
            status.update(f"cancelled after {writer.count:,} rows; {path} holds them")
            raise
        finally:
            writer.close()
            await asyncio.to_thread(fh.close)
            self.running = False
        bar.update(total=max(1, writer.count), progress=max(1, writer.count))
        status.update(Text(f"✔ {writer.count:,} rows written to {path} ({fmt.upper()}) · esc closes",
                           style="bold green"))

    def action_close(self) -> None:
        if self.running:
            self.workers.cancel_group(self, "export")
            return
        self.dismiss(None)
