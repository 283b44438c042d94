"""The dashboard's one yes/no question: before a bulk send, before esc throws typed or read values
away, before quitting while a job runs. Dismisses with True (yes) or False (no, esc)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Static

from ...settings import Profile

HANDFUL = 5  # values sent without a question; more are sent only after a yes naming count, list and profile


class ConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > VerticalScroll {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmScreen #confirm-detail { margin-top: 1; color: $text-muted; }
    ConfirmScreen #confirm-buttons { height: auto; margin-top: 1; }
    ConfirmScreen Button { margin-right: 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, detail: str = "", *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.labels = (yes, no)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text(self.question, style="bold"), id="confirm-question")
            if self.detail:
                yield Static(Text(self.detail), id="confirm-detail")
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.labels[0]} (y)", variant="warning", id="confirm-yes")
                yield Button(f"{self.labels[1]} (n / esc)", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-yes").focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def lists_named(labels: Sequence[str]) -> str:
    """Where a change goes, for people: `the SMS opt-out list`, or `SMS, NHN SMS 080-123-4567 and NHN Email`."""
    if len(labels) == 1:
        return f"the {labels[0]} opt-out list"
    return f"{', '.join(labels[:-1])} and {labels[-1]}"


def ask_before_sending(
    screen: Screen, action: str, count: int, labels: Sequence[str], profile: Profile, *, send: Callable[[], object]
) -> None:
    """Send at once up to a handful of values; ask first, naming the count, lists and profile, for more."""
    if count <= HANDFUL:
        send()
        return
    verb, where = ("Register", "on") if action == "register" else ("Deregister", "from")
    question = f"{verb} {count:,} values {where} {lists_named(labels)} of profile {profile.name!r}?"

    def answered(yes: bool | None) -> None:
        if yes:
            send()

    screen.app.push_screen(ConfirmScreen(question, yes=verb), answered)
