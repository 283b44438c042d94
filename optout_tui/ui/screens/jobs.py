"""Unfinished bulk jobs of this profile (cancelled, interrupted, stopped or with failures), offered
for resuming: nothing a person started is silently lost when the dashboard or the network died.
"""

from __future__ import annotations

import asyncio

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ...api.base import ListKind, Lists
from ...settings import Profile
from ..widgets.job_panel import JobPanel


async def unfinished_jobs(journal, profile: Profile) -> list:
    """This profile's resumable jobs, read off the event loop."""
    def read():
        return [job for job in journal.resumable_jobs() if job.profile == profile.name]

    return await asyncio.to_thread(read)


def describe_job(job) -> str:
    counts = job.counts
    return (
        f"{job.id}  {job.action} on {job.kind}  {job.total:,} values  state {job.state}  "
        f"not sent {counts.get('pending', 0):,} · failed {counts.get('failed', 0):,}  ({job.created[:16]})"
    )


class JobsScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    JobsScreen { align: center middle; }
    JobsScreen > Vertical > Static, JobsScreen > Vertical > Label { width: 100%; }
    JobsScreen > Vertical { width: 110; height: auto; max-height: 30; border: thick $accent; background: $surface; padding: 1 2; }
    JobsScreen OptionList { height: auto; max-height: 12; }
    """

    BINDINGS = [Binding("escape", "close", "Cancel / close", id="jobs.close")]

    def __init__(self, jobs: list, lists: Lists, profile: Profile, *, journal=None, audit=None) -> None:
        super().__init__()
        self.jobs = jobs
        self.lists = lists
        self.profile = profile
        self.journal = journal
        self.audit = audit
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("[b]Unfinished jobs[/b]   enter resumes the highlighted job · esc closes")
            yield OptionList(*[Option(describe_job(job), id=job.id) for job in self.jobs], id="jobs")
            yield Label("", id="jobs-note")

    @on(OptionList.OptionSelected)
    async def _resume(self, event: OptionList.OptionSelected) -> None:
        job = next(j for j in self.jobs if j.id == event.option.id)
        lst = self.lists.get(ListKind(job.kind))
        if lst is None:
            self.query_one("#jobs-note", Label).update(f"the {job.kind} list is not set up here; press c for credentials")
            return
        if self.query(JobPanel):
            return
        panel = JobPanel(lst, self.profile, journal=self.journal, audit=self.audit)
        await self.query_one(Vertical).mount(panel)
        self.changed = True
        panel.resume(job.id, job.action, job.total)

    def action_close(self) -> None:
        panels = self.query(JobPanel)
        if panels and panels.first().running and panels.first().cancel():
            return
        self.dismiss(self.changed)
