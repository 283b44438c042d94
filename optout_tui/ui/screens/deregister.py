"""Deregister (`d`): confirm with the list's name and the count, ask for a reason note, then remove.

On the 080 list only externally registered, terminable numbers can go; the others are named with
the reason, and left alone.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ...api.base import Entry, ListKind, Number080Entry, OptOutList
from ...normalize import format_number
from ...settings import Profile
from ..widgets.job_panel import JobPanel
from .confirm import ask_before_sending

SHOWN = 8  # values named in the confirmation
AGAIN = "They will receive advertising again on this channel."
NO_LONGER_080 = (
    "A deregistered 080 number is no longer an opt-out number: a call to it opts no one out,"
    " so no advertisement may show it any more."
)


def deregistrable(entries: list[Entry]) -> tuple[list[Entry], list[tuple[Entry, str]]]:
    """Split the selection into what may be deregistered and what may not (with why)."""
    allowed: list[Entry] = []
    refused: list[tuple[Entry, str]] = []
    for entry in entries:
        if isinstance(entry, Number080Entry):
            ok, why = entry.can_deregister
            if not ok:
                refused.append((entry, why))
                continue
        allowed.append(entry)
    return allowed, refused


def shown_value(entry: Entry) -> str:
    return entry.value if "@" in entry.value else format_number(entry.value)


class DeregisterScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    DeregisterScreen { align: center middle; }
    DeregisterScreen > Vertical > * { width: 100%; }
    DeregisterScreen > Vertical {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: thick $error; background: $surface; padding: 0 2;
    }
    DeregisterScreen #values { height: auto; max-height: 10; margin: 1 0; }
    DeregisterScreen .hint { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Cancel / close", id="deregister.close")]

    def __init__(
        self,
        lst: OptOutList,
        profile: Profile,
        entries: list[Entry],
        refused: list[tuple[Entry, str]] | None = None,
        *,
        journal=None,
        audit=None,
    ) -> None:
        super().__init__()
        self.lst = lst
        self.profile = profile
        self.entries = entries
        self.refused = refused or []
        self.journal = journal
        self.audit = audit
        self.changed = False

    def compose(self) -> ComposeResult:
        count = len(self.entries)
        noun = "value" if count == 1 else "values"
        with Vertical():
            yield Label(f"[b]Deregister {count:,} {noun} from the {self.lst.name} opt-out list?[/b]")
            yield Label(NO_LONGER_080 if self.lst.kind is ListKind.N080 else AGAIN, classes="hint")
            text = Text()
            for entry in self.entries[:SHOWN]:
                text.append(f"  • {shown_value(entry)}\n")
            if count > SHOWN:
                text.append(f"  … and {count - SHOWN:,} more\n", style="dim")
            for entry, why in self.refused[:SHOWN]:
                text.append(f"  ✖ {shown_value(entry)} is left alone: {why}\n", style="yellow")
            text.rstrip()
            with VerticalScroll(id="values"):
                yield Static(text)
            yield Input(placeholder="reason note (required; goes to the audit log), enter to confirm", id="reason")
            yield Label("enter confirms · esc cancels", classes="hint", id="confirm-hint")
            job = JobPanel(self.lst, self.profile, journal=self.journal, audit=self.audit)
            job.display = False
            yield job

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def _confirmed(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        if not reason:
            self.notify("write a short reason note first (e.g. the ticket number)", severity="warning")
            return
        ask_before_sending(
            self, "remove", len(self.entries), self.lst.name, self.profile, send=lambda: self._send(reason)
        )

    def _send(self, reason: str) -> None:
        if self.changed:
            return
        for widget_id in ("#values", "#reason", "#confirm-hint"):
            self.query_one(widget_id).display = False
        job = self.query_one(JobPanel)
        job.display = True
        self.changed = True
        job.start("remove", [entry.value for entry in self.entries], reason=reason)

    def action_close(self) -> None:
        job = self.query_one(JobPanel)
        if job.running and job.cancel():
            return
        self.dismiss(self.changed)
