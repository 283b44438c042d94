"""Quick lookup (`l`): one value in any common form, normalised, asked of the right list in one call."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ...api.base import Entry, Lists
from ...api.errors import ApiError
from ...normalize import Rejected, classify, format_number
from ..cells import detail_fields


def found_text(list_name: str, entry: Entry) -> Text:
    text = Text()
    text.append(f"✔ on the {list_name} opt-out list\n", style="bold green")
    for label, value in detail_fields(entry):
        text.append(f"  {label:<15}", style="dim")
        text.append(f"{value}\n")
    return text


class LookupScreen(ModalScreen[None]):
    """Type, enter, read the answer; esc closes."""

    AUTO_FOCUS = "#lookup-value"  # the field, not the scrolling box around it: typing goes straight in

    DEFAULT_CSS = """
    LookupScreen { align: center middle; }
    LookupScreen > VerticalScroll > * { width: 100%; }
    LookupScreen > VerticalScroll {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
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
        lst = self.lists.get(result.kind)
        if lst is None:
            problem = self.lists.problems.get(result.kind, f"the {result.kind.label} list is not available")
            self.answer.update(Text(f"✖ {problem}; press c for credentials", style="bold red"))
            return
        shown = result.value if "@" in result.value else format_number(result.value)
        self.answer.update(Text(f"asking the {lst.name} list for {shown}…", style="italic"))
        self._look_up(lst, result.value, shown)

    @work(exclusive=True, group="lookup", exit_on_error=False)
    async def _look_up(self, lst, value: str, shown: str) -> None:
        try:
            entry = await lst.lookup(value)
        except ApiError as exc:
            self.answer.update(Text(f"✖ {exc.line}", style="bold red"))
            self._ready_for_next()
            return
        if entry is None:
            text = Text(f"✖ {shown} is not on the {lst.name} opt-out list", style="bold yellow")
        else:
            text = found_text(lst.name, entry)
        self.answer.update(text)
        self._ready_for_next()

    def _ready_for_next(self) -> None:
        """Select what was typed, so the next value typed replaces it (one lookup after another)."""
        field = self.query_one("#lookup-value", Input)
        field.focus()
        field.select_all()
