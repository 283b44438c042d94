"""The audit trail (`A`): every change made from this machine, newest first, with who, where, what,
why and what the vendor answered. Filter by date (`7d`, `2026-01-31`, `FROM..TO`) and by text (a
value in any form, a job id, words of a reason); export the filtered view to CSV or JSON.

The trail can be long, so it is the paged Line-API list over the journal's read model (bulk/history.py):
opening it reads only the matching rows' ids, and pages of rows are read as they come into view.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Static

from ...bulk.audit import AuditEntry
from ...bulk.history import AuditFilter, AuditRows
from ...normalize import format_number
from ...printable import printable
from ...times import describe_range, local_from_iso
from ..filters import FilterError, date_range
from ..widgets.row_list import Column, RowList, TableRows
from .history_screen import LOOKUP, HistoryScreen

WHAT_WIDTH = 30
COLUMNS = [
    Column("Time", 16),
    Column("User", 8),
    Column("Profile", 8),
    Column("List", 5),
    Column("Action", 8),
    Column("Values / job", WHAT_WIDTH),
    Column("Reason", 11),
    Column("Answer", 0),
]


def shown(value: str) -> str:
    return value if "@" in value else format_number(value)


def what(entry: AuditEntry) -> str:
    """The values (the first few), or the job that holds them."""
    if entry.values:
        taken: list[str] = []
        for value in entry.values:  # as many as fit the column, then how many more
            if taken and len(", ".join([*taken, shown(value)])) > WHAT_WIDTH - 6:
                break
            taken.append(shown(value))
        more = len(entry.values) - len(taken)
        return ", ".join(taken) + (f" +{more:,}" if more > 0 else "")
    if entry.job_id:
        return f"{entry.count:,} · job {entry.job_id}"
    return f"{entry.count:,} values"


def short_answer(answer: str) -> str:
    """The vendor's answer without its zero counts ("done 3, already 0, failed 0" -> "done 3")."""
    parts = [part for part in answer.split(", ") if not re.fullmatch(r"[a-z ]+ 0", part.strip())]
    return ", ".join(parts) or answer


def audit_cells(entry: AuditEntry) -> list[str]:
    return [
        local_from_iso(entry.at, "%Y-%m-%d %H:%M"),
        entry.os_user,
        entry.profile,
        entry.list,
        entry.action,
        what(entry),
        entry.reason or "—",
        short_answer(entry.answer),
    ]


def audit_detail(entry: AuditEntry | None) -> Text:
    """Everything about one entry, for the panel under the list."""
    text = Text(no_wrap=True, overflow="ellipsis")  # one line each: the panel's height never changes
    if entry is None:
        return text
    text.append(f"#{entry.id}  {local_from_iso(entry.at)}", style="bold")
    text.append(
        f"  {entry.os_user} · profile {entry.profile} · {entry.list} {entry.action} · "
        f"{entry.count:,} value{'s' if entry.count != 1 else ''}"
    )
    if entry.job_id:
        text.append(f" · job {entry.job_id}")
    text.append("\nvalues: ", style="dim")
    if entry.values:
        text.append(printable(" ".join(shown(v) for v in entry.values)))
    else:
        text.append(f"too many to keep here: J lists the results of job {entry.job_id}")
    text.append("\nreason: ", style="dim")
    text.append(printable(entry.reason or "—"))
    text.append("\nanswer: ", style="dim")
    text.append(printable(entry.answer or "—"))
    return text


class AuditScreen(HistoryScreen):
    DEFAULT_CSS = """
    AuditScreen { background: $background; }
    AuditScreen > Vertical { height: 1fr; }
    AuditScreen #audit-title { height: 1; background: $primary-background; text-style: bold; padding: 0 1; }
    AuditScreen #audit-filters { height: 1; margin: 1 0; }
    AuditScreen #audit-filters Input { width: 1fr; height: 1; border: none; padding: 0 1; margin-right: 1; background: $boost; }
    AuditScreen #audit-filters Input:focus { border: none; background: $accent 30%; }
    AuditScreen #audit-dates { max-width: 40; }
    AuditScreen #audit-detail { height: 5; padding: 0 1; background: $panel; border-top: solid $primary; }
    AuditScreen #audit-status { height: auto; max-height: 3; padding: 0 1; background: $panel; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="audit.back"),
        Binding("f", "focus_dates", "Dates", id="audit.dates"),
        Binding("slash", "focus_search", "Search", id="audit.search"),
        Binding("e", "export", "Export", id="audit.export"),
        Binding("ctrl+r", "reload", "Reload", id="audit.reload"),
        LOOKUP,
    ]

    def __init__(self, db_path) -> None:
        super().__init__(db_path)
        self.source: AuditRows | None = None
        self.flt = AuditFilter()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Audit trail · every change made from this machine, newest first", id="audit-title")
            with Horizontal(id="audit-filters"):
                yield Input(placeholder="f since: 7d, 2026-01-31, FROM..TO", id="audit-dates")
                yield Input(placeholder="/ search: a value in any form, a job id, words of a reason", id="audit-search")
            yield RowList(empty="(no changes recorded for this filter)", id="audit-list")
            yield Static("", id="audit-detail")
            yield Static("opening the audit trail…", id="audit-status")
        yield Footer()

    def on_mount(self) -> None:
        self.rows.focus()
        self._open(self.flt)

    # ------------------------------------------------------------ loading

    @work(exclusive=True, group="open", exit_on_error=False)
    async def _open(self, flt: AuditFilter) -> None:
        try:
            history = await self.open_history()
            source = await asyncio.to_thread(history.audit, flt)
        except Exception as exc:  # JournalError (locked, damaged) says what to do
            self._status(Text(f"✖ {exc}", style="bold red"))
            return
        self.flt, self.source = flt, source
        self.rows.show(TableRows(source, COLUMNS, audit_cells))
        self._show_count()

    def _show_count(self, note: str = "") -> None:
        if self.source is None:
            return
        text = Text(f"{self.source.count:,} change{'s' if self.source.count != 1 else ''}", style="bold")
        parts = []
        if self.flt.since or self.flt.until:
            parts.append(describe_range(self.flt.since, self.flt.until))
        if self.flt.search:
            parts.append(f"matching {self.flt.search!r}")
        if parts:
            text.append(" · filter: " + ", ".join(parts) + " (esc clears)")
        if note:
            text.append(f"  {note}", style="bold red")
        self._status(text)

    def _status(self, text: Text | str) -> None:
        self.query_one("#audit-status", Static).update(text)

    @on(RowList.Highlighted)
    def _highlighted(self, event: RowList.Highlighted) -> None:
        self.query_one("#audit-detail", Static).update(audit_detail(event.row))

    @on(RowList.Failed)
    def _failed(self, event: RowList.Failed) -> None:
        self._show_count(f"✖ {event.error}")

    # ------------------------------------------------------------ filters

    def _filter_from_inputs(self) -> AuditFilter | None:
        dates = self.query_one("#audit-dates", Input).value
        try:
            since, until = date_range(dates)
        except FilterError as exc:
            self._show_count(str(exc))
            return None
        return AuditFilter(since, until, self.query_one("#audit-search", Input).value.strip())

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        flt = self._filter_from_inputs()
        if flt is not None:
            self._open(flt)
            self.rows.focus()

    def action_focus_dates(self) -> None:
        self.query_one("#audit-dates", Input).focus()

    def action_focus_search(self) -> None:
        self.query_one("#audit-search", Input).focus()

    def action_reload(self) -> None:
        self._open(self.flt)

    def action_back(self) -> None:
        """esc: from a field back to the list; then clear the filter; then close."""
        if not self.rows.has_focus:
            self.rows.focus()
            return
        if self.flt != AuditFilter() or any(i.value for i in self.query(Input)):
            for field in self.query(Input):
                field.value = ""
            self._open(AuditFilter())
            return
        self.dismiss(None)

    def action_export(self) -> None:
        if self.source is None:
            return
        from .save_rows import SaveRowsScreen

        name = f"optout-audit-{datetime.now():%Y%m%d-%H%M}.csv"
        self.app.push_screen(SaveRowsScreen("Export the audit trail", self.source, name))
