"""Deregister (`d`): confirm with the list's name and the count, ask for a reason note, then remove.

On the 080 list only externally registered, terminable numbers can go; the others are named with
the reason, and left alone.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ...api.base import Entry, Number080Entry, OptOutList
from ...normalize import format_number
from ...settings import Profile
from ..widgets.job_panel import JobPanel

SHOWN = 8  # values named in the confirmation


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
    DeregisterScreen > Vertical > Static, DeregisterScreen > Vertical > Label { width: 100%; }
    DeregisterScreen > Vertical { width: 90; height: auto; max-height: 34; border: thick $error; background: $surface; padding: 1 2; }
    DeregisterScreen #values { height: auto; margin: 1 0; }
    DeregisterScreen .hint { color: $text-muted; }
    """

    BINDINGS = [Binding("escape", "close", "Cancel / close", id="deregister.close")]

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
            yield Label("They will receive advertising again on this channel.", classes="hint")
            text = Text()
            for entry in self.entries[:SHOWN]:
                text.append(f"  • {shown_value(entry)}\n")
            if count > SHOWN:
                text.append(f"  … and {count - SHOWN:,} more\n", style="dim")
            for entry, why in self.refused[:SHOWN]:
                text.append(f"  ✖ {shown_value(entry)} is left alone: {why}\n", style="yellow")
            yield Static(text, id="values")
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
        event.input.display = False
        self.query_one("#confirm-hint").display = False
        job = self.query_one(JobPanel)
        job.display = True
        self.changed = True
        job.start("remove", [entry.value for entry in self.entries], reason=reason)

    def action_close(self) -> None:
        job = self.query_one(JobPanel)
        if job.running and job.cancel():
            return
        self.dismiss(self.changed)
