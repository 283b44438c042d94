"""Every field of the selected row; `y` copies the value."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ...api.base import Entry
from ..cells import detail_fields


class DetailScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    DetailScreen { align: center middle; }
    DetailScreen > VerticalScroll > * { width: 100%; }
    DetailScreen > VerticalScroll {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 1 2;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "dismiss", "Close", id="detail.close"),
        Binding("y", "copy", "Copy value", id="detail.copy"),
    ]

    def __init__(self, list_name: str, entry: Entry) -> None:
        super().__init__()
        self.list_name = list_name
        self.entry = entry

    def compose(self) -> ComposeResult:
        text = Text()
        for label, value in detail_fields(self.entry):
            text.append(f"{label:<16}", style="dim")
            text.append(f"{value}\n")
        with VerticalScroll():
            yield Label(f"[b]{self.list_name} entry[/b]   y copies the value · esc closes")
            yield Static(text, id="fields")

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.entry.value)
        self.notify(f"copied {self.entry.value}", timeout=2)
