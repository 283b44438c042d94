"""Every key of the dashboard in one place, for the help screen and the command palette.

Bindings are declared on the widgets that own them, each with an `id`; the `[keys]` table of the
config file maps those ids to other keys (Textual's keymap). This module only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual.app import App
from textual.binding import Binding

if TYPE_CHECKING:
    from .app import OptOutApp


@dataclass(frozen=True, slots=True)
class KeyInfo:
    section: str
    binding_id: str
    keys: str
    description: str
    action: str


def _sections() -> list[tuple[str, list[Binding]]]:
    from .app import OptOutApp
    from .overview import Overview
    from .screens.audit import AuditScreen
    from .screens.confirm import ConfirmScreen
    from .screens.credentials import CredentialsScreen
    from .screens.deregister import DeregisterScreen
    from .screens.detail import DetailScreen
    from .screens.export import ExportScreen
    from .screens.job_results import JobResultsScreen
    from .screens.jobs import JobsScreen
    from .screens.lookup import LookupScreen
    from .screens.register import RegisterScreen
    from .screens.save_rows import SaveRowsScreen
    from .widgets.entry_list import EntryList
    from .widgets.list_pane import ListPane
    from .widgets.row_list import RowList

    def bindings(cls) -> list[Binding]:
        return [b for b in cls.BINDINGS if isinstance(b, Binding)]

    return [
        ("Anywhere", bindings(OptOutApp)),
        ("List", bindings(EntryList) + bindings(ListPane)),
        ("Overview", bindings(Overview)),
        ("Quick lookup", bindings(LookupScreen)),
        ("Detail", bindings(DetailScreen)),
        ("Register", bindings(RegisterScreen)),
        ("Deregister", bindings(DeregisterScreen)),
        ("Export", bindings(ExportScreen)),
        ("Audit trail", bindings(AuditScreen)),
        ("Jobs", bindings(JobsScreen)),
        ("Job results", bindings(JobResultsScreen)),
        ("Audit, jobs", bindings(RowList)),
        ("Save rows", bindings(SaveRowsScreen)),
        ("Credentials", bindings(CredentialsScreen)),
        ("Questions", bindings(ConfirmScreen)),
    ]


def key_display(app: App, keys: str) -> str:
    """`d,delete` as the footer shows those keys: `d / del`."""
    return " / ".join(app.get_key_display(Binding(key.strip(), "")) for key in keys.split(","))


def all_keys(app: App) -> list[KeyInfo]:
    """Every binding with the keys in force now (the config's remapping applied)."""
    keymap = cast("OptOutApp", app).keymap
    out = [
        KeyInfo(
            section,
            b.id or "",
            key_display(app, keymap.get(b.id or "", b.key)),
            b.tooltip or b.description or b.action,
            b.action,
        )
        for section, bindings in _sections()
        for b in bindings
    ]
    palette = KeyInfo(
        "Anywhere", "command_palette", key_display(app, "ctrl+p"), "Command palette (every action)", "command_palette"
    )
    last_anywhere = max(i for i, info in enumerate(out) if info.section == "Anywhere")
    out.insert(last_anywhere + 1, palette)
    return out
