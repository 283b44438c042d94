"""Quick lookup (`l`): one value in any common form, normalised, asked of every configured list it can be on at
once (a mobile number: SENS and each of the company's NHN 080 numbers; an address: the Mailer and NHN Email;
an 080 number: the Hub's registry), one line a list; a value only one list can hold gets its every field."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ...api.base import EmailEntry, Entry, Lists, NhnEmailEntry, NhnSmsEntry, SmsEntry
from ...bulk.everywhere import ListAnswer, lookup_everywhere
from ...kinds import ListKind
from ...normalize import Rejected, classify, format_number
from ...printable import printable
from ..cells import by_whom, detail_fields, local_time


def found_text(list_name: str, entry: Entry) -> Text:
    text = Text()
    text.append(f"✔ on the {list_name} opt-out list\n", style="bold green")
    for label, value in detail_fields(entry):
        text.append(f"  {label:<15}", style="dim")
        text.append(f"{value}\n")
    return text


def found_line(entry: Entry) -> str:
    """An entry in one line, as `optout-tui lookup` says it."""
    if isinstance(entry, SmsEntry):
        return printable(f"OPTED OUT since {local_time(entry.registered_at)} (source: {entry.source})")
    if isinstance(entry, EmailEntry):
        return f"UNSUBSCRIBED since {local_time(entry.blocked_at)} (by {by_whom(entry)})"
    if isinstance(entry, NhnSmsEntry):
        return f"OPTED OUT since {local_time(entry.requested_at)}"
    if isinstance(entry, NhnEmailEntry):
        return f"UNSUBSCRIBED since {local_time(entry.blocked_at)}"
    return printable(f"REGISTERED 080 number: {entry.company}, {entry.status}, {entry.provider}, {entry.share_status}")


def answers_text(shown: str, answers: list[ListAnswer]) -> Group:
    """What each list said of a value: one line a list (found, not on it, or why it could not tell)."""
    found = sum(answer.entry is not None for answer in answers)
    failed = sum(answer.error is not None for answer in answers)
    head = Text(f"{shown} is on {found} of the {len(answers)} opt-out lists it can be on", style="bold")
    if failed:
        head.append(f" ({failed} could not answer)", style="bold red")
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    for answer in answers:
        mark = f"✖ {answer.target.label}"
        if answer.error is not None:
            table.add_row(Text(mark, style="bold red"), Text(f"error: {answer.error.line}", style="red"))
        elif answer.entry is None:
            table.add_row(Text(mark, style="yellow"), Text("not on the opt-out list", style="yellow"))
        else:
            label = f"✔ {answer.target.label}"
            table.add_row(Text(label, style="bold green"), Text(found_line(answer.entry), style="green"))
    return Group(head, table)


class LookupScreen(ModalScreen[None]):
    """Type, enter, read the answer; esc closes."""

    AUTO_FOCUS = "#lookup-value"  # the field, not the scrolling box around it: typing goes straight in

    DEFAULT_CSS = """
    LookupScreen { align: center middle; }
    LookupScreen > VerticalScroll > * { width: 100%; }
    LookupScreen > VerticalScroll {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 1 2;
    }
    LookupScreen #answer { height: auto; margin-top: 1; }
    LookupScreen .hint { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "Close", id="lookup.close")]

    def __init__(self, lists: Lists, initial: str = "") -> None:
        super().__init__()
        self.lists = lists
        self.initial = initial

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label("[b]Quick lookup[/b]  a mobile or 080 number, or an email address, in any form")
            yield Label("enter looks up · esc closes", classes="hint")
            yield Input(
                value=self.initial, placeholder="010-1234-5678 · +82 10 1234 5678 · name@example.com", id="lookup-value"
            )
            yield Static("", id="answer")

    @property
    def answer(self) -> Static:
        return self.query_one("#answer", Static)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        result = classify(event.value)
        if isinstance(result, Rejected):
            self.answer.update(Text(f"✖ {result.reason}", style="bold red"))
            self._ready_for_next()
            return
        shown = result.value if "@" in result.value else format_number(result.value)
        self.answer.update(Text(f"asking every list {shown} can be on…", style="italic"))
        self._look_up(result.kind, result.value, shown)

    @work(exclusive=True, group="lookup", exit_on_error=False)
    async def _look_up(self, kind: ListKind, value: str, shown: str) -> None:
        answers = await lookup_everywhere(self.lists, kind, value)  # the lists at once; each answer has its error
        if not answers:  # no list for such a value is set up
            problem = self.lists.problems.get(kind, f"the {kind.label} list is not available")
            self.answer.update(Text(f"✖ {problem}; press c for credentials", style="bold red"))
            return
        if len(answers) > 1:
            self.answer.update(answers_text(shown, answers))
        elif answers[0].error is not None:
            self.answer.update(Text(f"✖ {answers[0].error.line}", style="bold red"))
        elif answers[0].entry is None:
            label = answers[0].target.label
            self.answer.update(Text(f"✖ {shown} is not on the {label} opt-out list", style="bold yellow"))
        else:
            self.answer.update(found_text(answers[0].target.label, answers[0].entry))
        self._ready_for_next()

    def _ready_for_next(self) -> None:
        """Select what was typed, so the next value typed replaces it (one lookup after another)."""
        field = self.query_one("#lookup-value", Input)
        field.focus()
        field.select_all()
