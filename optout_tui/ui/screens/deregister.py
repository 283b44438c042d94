"""Deregister (`d`): confirm with the list's name and the count, ask for a reason note, then remove.

On the 080 list only externally registered, terminable numbers can go; the others are named with
the reason, and left alone. "Every list of this kind" removes them from every configured list of their
kind as one job (on at first where there are several); on NHN SMS without it, from the 080 number chosen
(the one the selected rows are on, when they are on one).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Static

from ...api.base import Entry, ListKind, Lists, NhnSmsEntry, Number080Entry, OptOutList
from ...bulk.everywhere import Target
from ...normalize import format_number
from ...settings import Profile
from ..widgets.job_panel import JobPanel
from .confirm import ask_before_sending
from .register import ListsChoice

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
        lists: Lists,
        journal=None,
        audit=None,
    ) -> None:
        super().__init__()
        self.lst = lst
        self.lists = lists
        self.profile = profile
        self.entries = entries
        self.refused = refused or []
        self.journal = journal
        self.audit = audit
        self.changed = False

    def compose(self) -> ComposeResult:
        count = len(self.entries)
        with Vertical():
            yield Label(id="title")
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
            numbers = {entry.number080 for entry in self.entries if isinstance(entry, NhnSmsEntry)}
            yield ListsChoice(self.lists, self.lst, number080=numbers.pop() if len(numbers) == 1 else "")
            yield Input(placeholder="reason note (required; goes to the audit log), enter to confirm", id="reason")
            yield Label("enter confirms · esc cancels", classes="hint", id="confirm-hint")
            job = JobPanel(self.lists, self.profile, journal=self.journal, audit=self.audit)
            job.display = False
            yield job

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()
        self._titled()

    @on(Checkbox.Changed, "#everywhere")
    def _titled(self) -> None:
        count, where = len(self.entries), self.query_one(ListsChoice).where
        self.query_one("#title", Label).update(
            f"[b]Deregister {count:,} value{'s' if count != 1 else ''} from {where}?[/b]"
        )

    @on(Input.Submitted, "#reason")
    def _confirmed(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        if not reason:
            self.notify("write a short reason note first (e.g. the ticket number)", severity="warning")
            return
        targets = self.query_one(ListsChoice).chosen("remove from")
        if isinstance(targets, str):
            self.notify(targets, severity="warning")
            return
        labels = [target.label for target in targets]
        ask_before_sending(
            self, "remove", len(self.entries), labels, self.profile, send=lambda: self._send(reason, targets)
        )

    def _send(self, reason: str, targets: list[Target]) -> None:
        if self.changed:
            return
        for widget_id in ("#values", "#lists-choice", "#reason", "#confirm-hint"):
            self.query_one(widget_id).display = False
        job = self.query_one(JobPanel)
        job.display = True
        self.changed = True
        job.start("remove", [entry.value for entry in self.entries], targets, reason=reason)

    def action_close(self) -> None:
        job = self.query_one(JobPanel)
        if job.running and job.cancel():
            return
        self.dismiss(self.changed)
