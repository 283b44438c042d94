"""Register (`a`): values typed or pasted into a TextArea (one per line) or read from a file path.

Before anything is sent, a live preview shows each line's normalised value and status (ok, invalid
with the reason, duplicate) with the counts; ctrl+s sends the ok values through the bulk engine.
For 080 the company name is asked for as well. "Every list of this kind" sends them to every configured
list of their kind as one job (on at first where there are several); on NHN SMS without it, to the 080
number chosen.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, DataTable, Input, Label, Select, Static, TextArea

from ...api.base import ListKind, Lists, OptOutList
from ...api.errors import ApiError
from ...bulk.everywhere import SUBLIST, Target, job_targets, lists_of
from ...normalize import format_number, value_kind
from ...settings import Profile
from ..widgets.job_panel import JobPanel
from .confirm import ConfirmScreen, ask_before_sending, lists_named

if TYPE_CHECKING:
    from textual.timer import Timer

    from ...bulk.plan import Preview

PREVIEW_COLUMNS = ("line", "input", "value", "status")
PREVIEW_WIDTHS = (6, 26, 30, 32)  # 104 cells with padding and scroll bar: the dialog's 110 columns
NARROW_WIDTHS = (5, 18, 20, 23)  # 76 cells: what an 80-column terminal leaves inside the dialog
PREVIEW_ROWS = 500  # lines shown in the preview table; the counts cover every line
PREVIEW_DELAY_S = 0.15  # wait for typing to pause before re-reading the lines

STATUS_STYLE = {"ok": "green", "invalid": "bold red", "duplicate": "yellow"}
PLACEHOLDER = {  # by the kind of value a list holds
    ListKind.SMS: "010-1234-5678\n+82 10 2345 6789\n(one per line; paste as many as you like)",
    ListKind.EMAIL: "someone@example.com\n(one per line; paste as many as you like)",
    ListKind.N080: "080-123-4567\n(one per line)",
}


class ListsChoice(Vertical):
    """Where a change goes: the tab's list, or with "every list of this kind" every configured list of its
    values' kind as one job (on at first where there are several); on NHN SMS without it, the 080 number
    chosen. The lists are found in a worker (NHN SMS's 080 numbers are a call), and named."""

    DEFAULT_CSS = """
    ListsChoice { height: auto; }
    ListsChoice > Horizontal { height: auto; }
    ListsChoice Checkbox { width: auto; margin-right: 2; }
    ListsChoice Select { width: 30; }
    ListsChoice #lists-named { height: auto; color: $text-muted; }
    """

    def __init__(self, lists: Lists, lst: OptOutList, *, number080: str = "") -> None:
        super().__init__(id="lists-choice")
        self.lists, self.lst = lists, lst
        several = len(lists_of(lists, lst.kind)) > 1
        self.offered = several or lst.kind in SUBLIST  # NHN SMS alone is one list per 080 number
        self.display = self.offered
        self.default, self.number080 = several, number080
        self.found: list[Target] | None = None  # every list of this kind, once found
        self.problem = ""  # why they could not be found

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Checkbox("every list of this kind", self.default, compact=True, id="everywhere")
            if self.lst.kind in SUBLIST:
                yield Select[str]([], prompt="the 080 number", compact=True, id="number080")
        yield Static("finding the lists…", id="lists-named")

    def on_mount(self) -> None:
        if self.offered:
            self._find()
        self._shown()

    @property
    def everywhere(self) -> bool:
        return self.offered and self.query_one(Checkbox).value

    @property
    def where(self) -> str:
        """Where a change goes, for a title."""
        return "every list of this kind" if self.everywhere else f"the {self.lst.name} opt-out list"

    @work(exclusive=True, group="lists", exit_on_error=False)
    async def _find(self) -> None:
        try:
            self.found = await job_targets(self.lists, [self.lst.kind])
        except ApiError as exc:
            self.problem = f"✖ cannot tell the lists of this kind: {exc.line}"
        else:
            numbers = [target.sublist for target in self.found if target.lst is self.lst and target.sublist]
            for select in self.query(Select):
                select.set_options((format_number(number), number) for number in numbers)
                if self.number080 in numbers:
                    select.value = self.number080
        self._shown()

    @on(Checkbox.Changed, "#everywhere")
    def _toggled(self) -> None:
        self._shown()

    def _shown(self) -> None:
        named = self.query_one("#lists-named", Static)
        named.display = self.everywhere
        if self.found is not None:
            named.update(f"→ {lists_named([target.label for target in self.found])}")
        elif self.problem:
            named.update(Text(self.problem, style="bold red"))
        for select in self.query(Select):
            select.display = not self.everywhere

    def chosen(self, to: str, extra: dict[str, str] | None = None) -> list[Target] | str:
        """The lists a change goes to (with `extra` on every call), or why it cannot go yet, in one line."""
        extra = dict(extra or {})
        if self.everywhere:
            if self.found is None:
                return self.problem or "still finding the lists of this kind; try again in a moment"
            return [Target(target.lst, {**extra, **target.extra}) for target in self.found]
        if self.lst.kind in SUBLIST:
            select = self.query_one(Select)
            if select.is_blank():
                return f"to {to} {self.lst.kind.label}, choose the 080 number (or every list of this kind)"
            extra[SUBLIST[self.lst.kind]] = str(select.value)
        return [Target(self.lst, extra)]


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

    def __init__(self, lst: OptOutList, profile: Profile, *, lists: Lists, journal=None, audit=None) -> None:
        super().__init__()
        self.lst = lst
        self.lists = lists
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
            yield Label(id="title")
            yield Label("Type or paste one value per line, or read a file · ctrl+s sends · esc closes", classes="hint")
            yield TextArea(
                id="values", soft_wrap=False, show_line_numbers=True, placeholder=PLACEHOLDER[value_kind(self.lst.kind)]
            )
            with Vertical(id="form-row"):
                yield ListsChoice(self.lists, self.lst)
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
            job = JobPanel(self.lists, self.profile, journal=self.journal, audit=self.audit)
            job.display = False
            yield job

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self._update_preview()
        self._titled()

    @on(Checkbox.Changed, "#everywhere")
    def _titled(self) -> None:
        self.query_one("#title", Label).update(f"[b]Register on {self.query_one(ListsChoice).where}[/b]")

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
        targets = self.query_one(ListsChoice).chosen("register on", extra)
        if isinstance(targets, str):
            self.notify(targets, severity="warning")
            return
        reason = self.query_one("#reason", Input).value.strip()
        preview = self.preview
        labels = [target.label for target in targets]
        ask_before_sending(
            self,
            "register",
            len(preview.values),
            labels,
            self.profile,
            send=lambda: self._send(preview, reason, targets),
        )

    def _send(self, preview: Preview, reason: str, targets: list[Target]) -> None:
        job = self.query_one(JobPanel)
        if job.running:
            return
        for widget_id in ("#values", "#form-row", "#preview"):
            self.query_one(widget_id).display = False
        job.display = True
        self.changed = True
        job.start("register", preview.values, targets, reason=reason, preview=preview)

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
