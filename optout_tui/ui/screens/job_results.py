"""The per-value results of one bulk job (enter on the jobs screen): every value in input order with
what the vendor answered, filtered by outcome (the failed ones, say), exported to CSV or JSON.
A job can hold 100,000 values, so this is the same paged Line-API list as the audit trail. A job for
several lists has a line for each list a value went to, with its list.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Select, Static

from ...bulk.everywhere import label_of
from ...bulk.history import RESULT_STATUSES, JobResultRows, ValueResult
from ...normalize import format_number
from ..widgets.row_list import Column, RowList, TableRows
from .history_screen import LOOKUP, HistoryScreen

COLUMNS = [Column("Line", 7), Column("Value", 32), Column("Outcome", 11), Column("Detail", 0)]
LIST_COLUMNS = [Column("Line", 7), Column("Value", 24), Column("List", 21), Column("Outcome", 11), Column("Detail", 0)]
STATUS_OPTIONS = [("Every value", "all")] + [(label.capitalize(), label) for label in RESULT_STATUSES]


def result_cells(row: ValueResult) -> list[str]:
    """An input line: a value as people read it, or a refused line as it was typed."""
    value = row.input if not row.value else row.value if "@" in row.value else format_number(row.value)
    return [f"{row.line:,}", value, row.status or "not sent", row.detail or ""]


class JobResultsScreen(HistoryScreen):
    DEFAULT_CSS = """
    JobResultsScreen { background: $background; }
    JobResultsScreen > Vertical { height: 1fr; }
    JobResultsScreen #results-title { height: 1; background: $primary-background; text-style: bold; padding: 0 1; }
    JobResultsScreen #results-filters { height: 1; margin: 1 0; }
    JobResultsScreen Select { width: 24; height: 1; }
    JobResultsScreen SelectCurrent { border: none; height: 1; padding: 0 1; background: $boost; }
    JobResultsScreen Select:focus > SelectCurrent { border: none; background: $accent 30%; }
    JobResultsScreen #results-status { height: 1; padding: 0 1; background: $panel; }
    JobResultsScreen .hint { width: 1fr; padding: 0 2; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="results.back"),
        Binding("o", "focus_outcome", "Outcome filter", id="results.outcome"),
        Binding("e", "export", "Export", id="results.export"),
        LOOKUP,
    ]

    def __init__(self, db_path, job) -> None:
        super().__init__(db_path)
        self.job = job
        self.source: JobResultRows | None = None

    def compose(self) -> ComposeResult:
        job = self.job
        lists = job.kind if len(job.targets) == 1 else f"{len(job.targets)} lists"
        with Vertical():
            yield Static(
                f"Results of job {job.id} · {job.action} on {lists} · {job.total:,} values", id="results-title"
            )
            with Horizontal(id="results-filters"):
                yield Select(STATUS_OPTIONS, value="all", allow_blank=False, id="outcome")
                yield Static("o picks the outcome · e exports what is shown", classes="hint")
            yield RowList(empty="(no value with this outcome)", id="results-list")
            yield Static("reading the journal…", id="results-status")
        yield Footer()

    def on_mount(self) -> None:
        self.rows.focus()
        self._open("all")

    @work(exclusive=True, group="open", exit_on_error=False)
    async def _open(self, outcome: str) -> None:
        status = "" if outcome == "all" else RESULT_STATUSES[outcome]
        try:
            history = await self.open_history()
            source = await asyncio.to_thread(history.job_results, self.job.id, status)
        except Exception as exc:  # JournalError (locked, damaged) says what to do
            self.query_one("#results-status", Static).update(Text(f"✖ {exc}", style="bold red"))
            return
        self.source = source
        if "list" in source.fields:  # each line names its list, as people read it
            labels = {t.name: label_of(t.kind, t.extra) for t in self.job.targets}

            def cells(row: ValueResult) -> list[str]:
                line, value, *rest = result_cells(row)
                return [line, value, labels.get(row.list, row.list), *rest]

            self.rows.show(TableRows(source, LIST_COLUMNS, cells))
        else:
            self.rows.show(TableRows(source, COLUMNS, result_cells))
        label = "values" if outcome == "all" else f"values {outcome}"
        self.query_one("#results-status", Static).update(
            Text(f"{source.count:,} {label} of {self.job.total:,}", style="bold")
        )

    @on(Select.Changed, "#outcome")
    def _outcome(self, event: Select.Changed) -> None:
        event.stop()
        self._open(str(event.value))
        self.rows.focus()

    @on(RowList.Failed)
    def _failed(self, event: RowList.Failed) -> None:
        self.query_one("#results-status", Static).update(Text(f"✖ {event.error}", style="bold red"))

    def action_focus_outcome(self) -> None:
        self.query_one(Select).focus()

    def action_back(self) -> None:
        if not self.rows.has_focus:
            self.rows.focus()
            return
        self.dismiss(None)

    def action_export(self) -> None:
        if self.source is None:
            return
        from .save_rows import SaveRowsScreen

        outcome = self.query_one(Select).value
        suffix = "" if outcome == "all" else f"-{str(outcome).replace(' ', '-')}"
        self.app.push_screen(
            SaveRowsScreen(
                f"Export the results of job {self.job.id}", self.source, f"job-{self.job.id}-results{suffix}.csv"
            )
        )
