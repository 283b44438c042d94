"""Jobs (`J`): every bulk job in the journal, newest first, with its state and counts. An unfinished
one (cancelled, interrupted, stopped, or with failures) is resumed here with the progress panel, on
every list it goes to, so nothing a person started is silently lost when the dashboard or the network
died; the per-value results of any job are listed (enter) and exported to CSV or JSON (`e`). A job for
several lists shows each list's counts.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ...api.base import ListKind, Lists
from ...bulk.engine import Action, summary
from ...bulk.everywhere import label_of
from ...printable import printable
from ...settings import Profile
from ...times import local_from_iso
from ..widgets.job_panel import JobPanel
from ..widgets.row_list import Column, RowList, TableRows
from .history_screen import LOOKUP

JOBS_SHOWN = 500  # the newest jobs listed (the command line's `optout-tui jobs --limit` reaches further)

COLUMNS = [
    Column("Job", 15),
    Column("Created", 16),
    Column("List", 9),
    Column("Action", 8),
    Column("State", 11),
    Column("Values", 7),
    Column("Done", 7),
    Column("Failed", 6),
    Column("Not sent", 8),
    Column("Reason", 0),
]


async def unfinished_jobs(journal, profile: Profile) -> list:
    """This profile's resumable jobs, read off the event loop."""

    def read():
        return [job for job in journal.resumable_jobs() if job.profile == profile.name]

    return await asyncio.to_thread(read)


def job_cells(job) -> list[str]:
    c = job.counts
    return [
        job.id,
        local_from_iso(job.created, "%Y-%m-%d %H:%M"),
        job.kind if len(job.targets) == 1 else f"{len(job.targets)} lists",
        job.action,
        str(job.state),
        f"{job.total:,}",
        f"{c.get('registered', 0) + c.get('removed', 0):,}",
        f"{c.get('failed', 0):,}",
        f"{job.pending:,}",
        job.reason or "—",
    ]


def job_detail(job, profile: Profile) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")  # one line each: the panel's height changes only for a job's lists
    if job is None:
        return text
    c = job.counts
    several = len(job.targets) > 1
    text.append(f"job {job.id}", style="bold")
    text.append(
        f"  {job.action} on {f'{len(job.targets)} lists' if several else job.kind} · profile {job.profile} · "
        f"{job.os_user} · {local_from_iso(job.created)}, last change {local_from_iso(job.updated, '%H:%M:%S')}"
    )
    text.append(f"\n{job.total:,} values: ")
    text.append(f"done {c.get('registered', 0) + c.get('removed', 0):,}", style="green")
    text.append(f" · already {c.get('already', 0) + c.get('not_on_list', 0):,} · invalid {c.get('invalid', 0):,} · ")
    text.append(f"failed {c.get('failed', 0):,}", style="bold red" if c.get("failed") else "")
    text.append(" · ")
    text.append(f"not sent {job.pending:,}", style="bold yellow" if job.pending else "")
    for target in job.targets if several and not job.purged else ():  # each list's own counts
        text.append(f"\n  {label_of(target.kind, target.extra)}: {summary(target.counts, Action(job.action))}")
    text.append(printable(f"\nreason: {job.reason or '—'}" + (f" · note: {job.note}" if job.note else ""), keep="\n"))
    text.append("\n")
    if job.resumable and job.profile == profile.name:
        text.append("r resumes it (sends what was not sent or failed) · ", style="bold yellow")
    elif job.resumable:
        text.append(f"made with profile {job.profile!r}: resume it from that profile · ", style="yellow")
    text.append("enter lists its results · e exports them", style="dim")
    return text


class JobsScreen(ModalScreen[bool]):
    """Dismisses with True when a resumed job changed a list (the app reloads it)."""

    DEFAULT_CSS = """
    JobsScreen { background: $background; }
    JobsScreen > Vertical { height: 1fr; }
    JobsScreen #jobs-title { height: 1; background: $primary-background; text-style: bold; padding: 0 1; margin-bottom: 1; }
    JobsScreen #jobs-detail { height: auto; min-height: 5; padding: 0 1; background: $panel; border-top: solid $primary; }
    JobsScreen JobPanel { padding: 0 1; background: $panel; }
    JobsScreen #jobs-status { height: 1; padding: 0 1; background: $panel; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="jobs.close"),
        Binding("r", "resume", "Resume", id="jobs.resume"),
        Binding("enter", "results", "Results", id="jobs.results"),
        Binding("e", "export", "Export results", id="jobs.export"),
        Binding("ctrl+r", "reload", "Reload", id="jobs.reload"),
        LOOKUP,
    ]

    def __init__(self, journal, lists: Lists, profile: Profile, *, audit=None, db_path=None) -> None:
        super().__init__()
        self.journal = journal
        self.lists = lists
        self.profile = profile
        self.audit = audit
        self.db_path = db_path or journal.path
        self.jobs: list = []
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Jobs · bulk registrations and removals in the journal, newest first", id="jobs-title")
            yield RowList(empty="(no bulk jobs in the journal yet)", id="jobs-list")
            yield Static("", id="jobs-detail")
            panel = JobPanel(self.lists, self.profile, journal=self.journal, audit=self.audit)
            panel.display = False
            yield panel
            yield Static("reading the journal…", id="jobs-status")
        yield Footer()

    @property
    def rows(self) -> RowList:
        return self.query_one(RowList)

    @property
    def panel(self) -> JobPanel:
        return self.query_one(JobPanel)

    def on_mount(self) -> None:
        self.rows.focus()
        self._load()

    @work(exclusive=True, group="load", exit_on_error=False)
    async def _load(self, keep: str | None = None) -> None:
        try:
            jobs = await asyncio.to_thread(self.journal.jobs, JOBS_SHOWN)
        except Exception as exc:
            self._status(Text(f"✖ {exc}", style="bold red"))
            return
        self.jobs = jobs
        self.rows.show(TableRows(jobs, COLUMNS, job_cells))
        if keep is not None:
            index = next((i for i, job in enumerate(jobs) if job.id == keep), 0)
            self.rows.cursor = index
        resumable = sum(1 for job in jobs if job.resumable and job.profile == self.profile.name)
        text = Text(f"{len(jobs):,} job{'s' if len(jobs) != 1 else ''}", style="bold")
        if resumable:
            text.append(f" · {resumable} of this profile can be resumed (r)", style="bold yellow")
        self._status(text)

    def _status(self, text: Text | str) -> None:
        self.query_one("#jobs-status", Static).update(text)

    @property
    def current(self):
        return self.rows.current

    @on(RowList.Highlighted)
    def _highlighted(self, event: RowList.Highlighted) -> None:
        self.query_one("#jobs-detail", Static).update(job_detail(event.row, self.profile))

    @on(RowList.Selected)
    def _selected(self, event: RowList.Selected) -> None:
        event.stop()
        self.action_results()

    # ------------------------------------------------------------ actions

    def action_reload(self) -> None:
        job = self.current
        self._load(job.id if job else None)

    def action_results(self) -> None:
        job = self.current
        if job is None:
            return
        from .job_results import JobResultsScreen

        self.app.push_screen(JobResultsScreen(self.db_path, job))

    def action_export(self) -> None:
        job = self.current
        if job is None:
            return
        self._export(job)

    @work(exclusive=True, group="export", exit_on_error=False)
    async def _export(self, job) -> None:
        from ...bulk.history import History
        from .save_rows import SaveRowsScreen

        try:
            history = await asyncio.to_thread(History, self.db_path)
            source = await asyncio.to_thread(history.job_results, job.id)
        except Exception as exc:
            self._status(Text(f"✖ {exc}", style="bold red"))
            return
        self.app.push_screen(
            SaveRowsScreen(f"Export the results of job {job.id}", source, f"job-{job.id}-results.csv"),
            lambda _: history.close(),
        )

    def action_resume(self) -> None:
        job = self.current
        if job is None:
            return
        if self.panel.running:
            self.notify("a job is running here already; wait for it or press esc to cancel it", severity="warning")
            return
        problem = self._why_not_resumable(job)
        if problem:
            self.notify(problem, severity="warning", timeout=8)
            return
        panel = self.panel
        panel.display = True
        self.changed = True
        panel.resume(job.id, job.action, job.total)

    def _why_not_resumable(self, job) -> str:
        if str(job.state) == "running":
            return f"job {job.id} is running in another optout-tui; wait for it to finish"
        if not job.resumable:
            return f"job {job.id} is {job.state}: every value has an answer, nothing to resume"
        if job.profile != self.profile.name:
            return (
                f"job {job.id} was made with profile {job.profile!r}; open the dashboard on that profile to resume it"
            )
        if self.profile.read_only:
            return f"profile {self.profile.name!r} is read-only: changes are blocked"
        missing = next((t.kind for t in job.targets if self.lists.get(ListKind(t.kind)) is None), None)
        if missing is not None:
            return f"the {missing} list is not set up here; press c on the lists for credentials"
        return ""

    @on(JobPanel.Finished)
    def _finished(self, event: JobPanel.Finished) -> None:
        job = self.current
        self._load(job.id if job else None)

    def action_close(self) -> None:
        panel = self.panel
        if panel.running and panel.cancel():
            return  # first esc cancels the resumed job; the next one closes
        if panel.running:
            return
        self.dismiss(self.changed)
