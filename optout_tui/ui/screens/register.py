"""Register (`a`): values typed or pasted into a TextArea (one per line) or read from a file path.

Before anything is sent, a live preview shows each line's normalised value and status (ok, invalid
with the reason, duplicate) with the counts; ctrl+s sends the ok values through the bulk engine.
For 080 the company name is asked for as well.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static, TextArea

from ...api.base import ListKind, OptOutList
from ...settings import Profile
from ..widgets.job_panel import JobPanel
from .confirm import ConfirmScreen, ask_before_sending

if TYPE_CHECKING:
    from textual.timer import Timer

    from ...bulk.plan import Preview

PREVIEW_COLUMNS = ("line", "input", "value", "status")
PREVIEW_WIDTHS = (6, 26, 30, 32)  # 104 cells with padding and scroll bar: the dialog's 110 columns
NARROW_WIDTHS = (5, 18, 20, 23)  # 76 cells: what an 80-column terminal leaves inside the dialog
PREVIEW_ROWS = 500  # lines shown in the preview table; the counts cover every line
PREVIEW_DELAY_S = 0.15  # wait for typing to pause before re-reading the lines

STATUS_STYLE = {"ok": "green", "invalid": "bold red", "duplicate": "yellow"}
PLACEHOLDER = {
    ListKind.SMS: "010-1234-5678\n+82 10 2345 6789\n(one per line; paste as many as you like)",
    ListKind.EMAIL: "someone@example.com\n(one per line; paste as many as you like)",
    ListKind.N080: "080-123-4567\n(one per line)",
}


def counts_text(preview, source: str) -> Text:
    text = Text()
    text.append(f"{preview.ok:,} to send", style="bold green")
    text.append(" · ")
    text.append(f"{preview.invalid:,} invalid", style="bold red" if preview.invalid else "")
    text.append(" · ")
    text.append(f"{preview.duplicate:,} duplicate", style="yellow" if preview.duplicate else "")
    text.append(f"   ({source})", style="dim")
    return text


class RegisterScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    RegisterScreen { align: center middle; }
    RegisterScreen > Vertical {
        width: 110; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    RegisterScreen > Vertical > * { width: 100%; }
    RegisterScreen TextArea { height: 7; }
    RegisterScreen #form-row { height: auto; margin-top: 1; }
    RegisterScreen #form-row Input { height: 1; border: none; padding: 0 1; background: $boost; }
    RegisterScreen #form-row Input:focus { background: $accent 30%; }
    RegisterScreen #preview-counts { height: auto; margin-top: 1; }
    RegisterScreen DataTable { height: 1fr; min-height: 4; }
    RegisterScreen .hint { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send", priority=True, id="register.send"),
        Binding("escape", "close", "Cancel / close", id="register.close"),
    ]

    def __init__(self, lst: OptOutList, profile: Profile, *, journal=None, audit=None) -> None:
        super().__init__()
        self.lst = lst
        self.profile = profile
        self.journal = journal
        self.audit = audit
        self.preview: Preview | None = None
        self.changed = False
        self._lines: list[str] = []  # replaced, never changed in place: `_previewed` tells if the preview is of them
        self._previewed: list[str] | None = None
        self._source = "typed"
        self._file: str | None = None  # the file the lines were read from, if they were
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"[b]Register on the {self.lst.name} opt-out list[/b]")
            yield Label("Type or paste one value per line, or read a file · ctrl+s sends · esc closes", classes="hint")
            yield TextArea(id="values", soft_wrap=False, show_line_numbers=True, placeholder=PLACEHOLDER[self.lst.kind])
            with Vertical(id="form-row"):
                yield Input(placeholder="or read a file: path, enter", id="file-path")
                if self.lst.kind is ListKind.N080:
                    yield Input(placeholder="company name (required for 080)", id="company")
                yield Input(placeholder="reason note (optional, goes to the audit log)", id="reason")
            yield Static("", id="preview-counts")
            table: DataTable[str | Text] = DataTable(id="preview", cursor_type="row", zebra_stripes=True)
            # fixed widths, so a long reason wraps in its cell instead of running off the screen
            widths = PREVIEW_WIDTHS if self.app.size.width >= 110 else NARROW_WIDTHS
            for title, width in zip(PREVIEW_COLUMNS, widths, strict=True):
                table.add_column(title, width=width)
            yield table
            job = JobPanel(self.lst, self.profile, journal=self.journal, audit=self.audit)
            job.display = False
            yield job

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self._update_preview()

    # ------------------------------------------------------------ preview

    @on(TextArea.Changed)
    def _typed(self, event: TextArea.Changed) -> None:
        self._source, self._file = "typed", None
        self._lines = event.text_area.text.splitlines()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(PREVIEW_DELAY_S, self._update_preview)

    @on(Input.Submitted, "#file-path")
    def _file_given(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        if path:
            self._read_file(path)

    @work(exclusive=True, group="read-file", exit_on_error=False)
    async def _read_file(self, path: str) -> None:
        from ...bulk.plan import read_values_file

        try:
            lines = await asyncio.to_thread(lambda: list(read_values_file(str(Path(path).expanduser()))))
        except OSError as exc:
            self.query_one("#preview-counts", Static).update(
                Text(f"✖ cannot read {path}: {exc.strerror or exc}; check the path", style="bold red")
            )
            return
        self._lines = lines
        self._source, self._file = f"file {path}, {len(lines):,} lines", path
        self._update_preview()

    def _update_preview(self, send: bool = False) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._compute_preview(self._lines, self._source, send)

    @work(exclusive=True, group="preview", exit_on_error=False)
    async def _compute_preview(self, lines: list[str], source: str, send: bool = False) -> None:
        from ...bulk.plan import preview_lines

        preview = await asyncio.to_thread(preview_lines, lines, self.lst.kind)
        self.preview, self._previewed = preview, lines
        self.query_one("#preview-counts", Static).update(counts_text(preview, source))
        table = self.query_one("#preview", DataTable)
        table.clear()
        for line in preview.lines[:PREVIEW_ROWS]:
            status = Text(line.status + (f": {line.reason}" if line.reason else ""), style=STATUS_STYLE[line.status])
            table.add_row(
                str(line.line_no), line.raw.strip(), line.value or "", status, height=None if line.reason else 1
            )
        if len(preview.lines) > PREVIEW_ROWS:
            table.add_row("…", f"{len(preview.lines) - PREVIEW_ROWS:,} more lines", "", "")
        if send:
            self.action_send()

    # ------------------------------------------------------------ sending

    def action_send(self) -> None:
        job = self.query_one(JobPanel)
        if job.running:
            return
        if self._previewed is not self._lines:  # typed or pasted just now: what is sent is what the preview says
            self._update_preview(send=True)
            return
        if self.preview is None or not self.preview.values:
            self.notify("nothing to send: no valid value in the preview", severity="warning")
            return
        extra: dict[str, str] = {}
        if self.lst.kind is ListKind.N080:
            company = self.query_one("#company", Input).value.strip()
            if not company:
                self.notify("an 080 number needs the company name", severity="warning")
                self.query_one("#company", Input).focus()
                return
            extra["company"] = company
        reason = self.query_one("#reason", Input).value.strip()
        preview = self.preview
        ask_before_sending(
            self,
            "register",
            len(preview.values),
            self.lst.name,
            self.profile,
            send=lambda: self._send(preview, reason, extra),
        )

    def _send(self, preview: Preview, reason: str, extra: dict[str, str]) -> None:
        job = self.query_one(JobPanel)
        if job.running:
            return
        for widget_id in ("#values", "#form-row", "#preview"):
            self.query_one(widget_id).display = False
        job.display = True
        self.changed = True
        job.start("register", preview.values, reason=reason, extra=extra, preview=preview)

    def action_close(self) -> None:
        job = self.query_one(JobPanel)
        if job.running and job.cancel():
            return  # first esc cancels; the next one closes
        held = 0 if self.changed else sum(1 for line in self._lines if line.strip())
        if not held:
            self.dismiss(self.changed)
            return
        detail = "Nothing has been sent." + (f" The file {self._file} stays as it is." if self._file else "")
        question = ConfirmScreen(f"Discard {held:,} value{'s' if held != 1 else ''}?", detail, yes="Discard", no="Keep")

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(question, answered)
