"""Help (`?`): every key, by where it works, with the keys in force (remapped ones included)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ..app import OVERVIEW_DIGIT, TAB_IDS
from ..keys import all_keys

TIPS = (
    f"Tabs: {', '.join(f'{digit} {kind.label}' for digit, kind in enumerate(TAB_IDS, start=1))},"
    f" {OVERVIEW_DIGIT} Overview. A list keeps its digit whatever else is set up; the NHN lists have a tab once the"
    " profile sets them up.\n"
    "Dates: 2026-01-31 (from that day), 7d / 2w / 3m / 1y (recent), 2026-01-01..2026-01-31 (range).\n"
    "Search: the number and address lists look up the exact value (any common form is normalised); 080 matches"
    " the start of a number (_ = any digit). NHN SMS: choose one of the company's 080 numbers beside the search.\n"
    'Keys can be remapped in the config file\'s \\[keys] table by the ids shown here, e.g. "app.lookup" = "ctrl+l".'
)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 100; max-width: 100%; height: 32; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 2;
    }
    HelpScreen .tips { color: $text-muted; margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "dismiss", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        table = Table(box=None, padding=(0, 2), expand=True)
        table.add_column("where", style="dim", no_wrap=True)
        table.add_column("keys", style="bold", no_wrap=True)
        table.add_column("does")
        table.add_column("id (for \\[keys])", style="dim", no_wrap=True)
        section = None
        for info in all_keys(self.app):
            table.add_row(info.section if info.section != section else "", info.keys, info.description, info.binding_id)
            section = info.section
        with VerticalScroll():
            yield Label("[b]Keys[/b]   esc closes")
            yield Static(table)
            yield Static(TIPS, classes="tips")
