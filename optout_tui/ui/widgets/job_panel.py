"""Runs one bulk job (register or remove) with the bulk engine and shows it: a progress bar with
chunks and rows done, rate and time left, then what was done, ignored and failed (list by list for a job
for several lists), and the input lines not sent (invalid, duplicates) as the job's results list them.
Failed rows can be sent again (the job is resumed) or saved to a file, the lines not sent saved too.
Cancelling stops sending; the journal keeps the job resumable.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, ProgressBar, Static

from ...api.base import Lists
from ...api.errors import ApiError
from ...bulk.engine import Action, BulkEngine, ReadOnlyProfileError, summary
from ...bulk.history import RESULT_FIELDS, ValueResult
from ...private_files import open_private
from ...settings import Profile
from ..screens.confirm import lists_named
from ..screens.job_results import COLUMNS, result_cells
from .row_list import RowList, TableRows

if TYPE_CHECKING:
    from ...bulk.everywhere import Target
    from ...bulk.plan import Preview, PreviewLine

PROGRESS_EVERY_S = 0.05  # at most 20 redraws a second, however fast the chunks come back


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def progress_text(progress: Any) -> str:
    text = (
        f"chunks {progress.chunks_done:,}/{progress.chunks_total:,} · "
        f"rows {progress.values_done:,}/{progress.values_total:,} · "
        f"{progress.rate_per_s:,.0f} rows/s · {_duration(progress.eta_s)} left"
    )
    if progress.retries:
        text += f" · {progress.retries} retries"
    if progress.note:
        text += f"\n{progress.note}"
    return text


def listed(outcome: Any) -> str:
    """`NHN SMS 080-123-4567: ` before an outcome of a job for several lists (it names its list)."""
    return f"{outcome.list}: " if getattr(outcome, "list", "") else ""


def result_text(result: Any, action: str) -> Text:
    verb = "registered" if action == "register" else "deregistered"
    ignored = "already on the list" if action == "register" else "were not on the list"
    text = Text()
    head = "Cancelled" if result.cancelled else "Stopped" if result.stopped else "Done"
    text.append(f"{head}: ", style="bold")
    text.append(f"{result.done:,} {verb}", style="bold green")
    text.append(f" · {result.already:,} ignored ({ignored})")
    if result.invalid:
        text.append(f" · {result.invalid:,} refused as invalid", style="yellow")
    if result.unknown:
        text.append(f" · {result.unknown:,} unknown (see the job's results)", style="yellow")
    if result.failed:
        text.append(f" · {result.failed:,} failed", style="bold red")
    if result.pending:
        text.append(f" · {result.pending:,} not sent (resume the job {result.job_id})", style="yellow")
    for label, counts in result.per_list:  # a job for several lists: each list's own counts
        text.append(f"\n  {label}: {summary(counts, Action(action))}")
    if result.stopped:
        text.append(f"\n{result.stopped}", style="red")
    first = next((o for o in result.outcomes if o.status == "failed" and o.detail), None)
    if first is not None:
        text.append(f"\nfirst error: {listed(first)}{first.detail}", style="red")
    if result.job_id:
        text.append(f"\njob {result.job_id}: J lists it with its per-value results", style="dim")
    text.append("\nesc closes", style="dim")
    return text


class RefusedLines:
    """The input lines a job did not send (invalid ones, duplicates), in input order: saved with the Job results
    screen's dialog, each line as `--rejects` writes it."""

    fields = RESULT_FIELDS

    def __init__(self, preview: Preview) -> None:
        self.lines = preview.refused()

    @property
    def count(self) -> int:
        return len(self.lines)

    def rows(self, offset: int, limit: int) -> list[PreviewLine]:
        return self.lines[offset : offset + limit]

    def record(self, line: PreviewLine) -> dict[str, object]:
        return line.record()


def refused_cells(line: PreviewLine) -> list[str]:
    """A refused line as the Job results screen shows one."""
    return result_cells(ValueResult(-1, -1, line.value or "", line.status, line.reason, line.line_no, line.raw))


class JobPanel(Vertical):
    """The progress and the end of a bulk job."""

    DEFAULT_CSS = """
    JobPanel { height: auto; }
    JobPanel ProgressBar { margin: 1 0 0 0; width: 100%; }
    JobPanel ProgressBar Bar { width: 1fr; }
    JobPanel #job-progress { height: auto; color: $text-muted; }
    JobPanel #job-result { height: auto; margin-top: 1; }
    JobPanel #job-actions { height: auto; margin-top: 1; display: none; }
    JobPanel #job-actions.visible { display: block; }
    JobPanel #save-path { width: 1fr; }
    JobPanel #job-refused { height: auto; margin-top: 1; display: none; }
    JobPanel #refused-list { height: auto; max-height: 7; }
    """

    class Finished(Message):
        def __init__(self, result: Any) -> None:
            super().__init__()
            self.result = result

    def __init__(self, lists: Lists, profile: Profile, *, journal=None, audit=None) -> None:
        super().__init__()
        self.lists = lists  # what a job is resumed on: the profile's lists, since a job may go to any of them
        self.profile = profile
        self.journal = journal
        self.audit = audit
        self.result: Any = None
        self.running = False
        self._engine_task: asyncio.Task | None = None  # not `_task`: that name is the widget's own message loop
        self._last_draw = 0.0
        self._finishing = False  # every value answered; the journal and the audit are being written
        self.refused: RefusedLines | None = None  # the lines the job did not send, once it has ended

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=None, show_eta=False, id="job-bar")
        yield Static("", id="job-progress")
        yield Static("", id="job-result")
        with Horizontal(id="job-actions"):
            yield Button("Retry failed", id="retry-failed", variant="warning")
            yield Input(placeholder="save failed rows to… (path, enter)", id="save-path")
        with Vertical(id="job-refused"):
            yield Static("", id="refused-title")
            yield RowList(id="refused-list")
            yield Button("Save them…", id="save-refused", compact=True)

    def start(
        self,
        action: str,
        values: list[str],
        targets: Sequence[Target],
        *,
        reason: str = "",
        preview: Preview | None = None,
    ) -> None:
        """Send `values` to the `targets` (one list, or every list of their kind as one job); the `preview` they
        are the ok values of, when given, is kept with the job (every line)."""
        self.query_one("#job-actions").remove_class("visible")
        self.query_one("#job-refused").display, self.refused = False, None
        self.query_one("#job-result", Static).update("")
        names = lists_named([target.label for target in targets])
        self._begin(len(values), f"sending {len(values):,} values to {names}…")
        self._run(action, values, reason, targets, preview=preview)

    def resume(self, job_id: str, action: str, total: int) -> None:
        """Send what an earlier run of `job_id` left unanswered or failed, on each of its lists."""
        self._begin(total, f"resuming job {job_id}…")
        self._run(action, [], "", (), resume_id=job_id)

    def _begin(self, total: int, line: str) -> None:
        self.query_one(ProgressBar).update(total=total, progress=0)
        self.query_one("#job-progress", Static).update(line)
        self.running = True
        self._finishing = False
        self._engine_task = None  # until the worker starts the engine

    def cancel(self) -> bool:
        """Stop sending (what was answered stays done). True when the job is still being run.

        Once every value has its answer the job is only being recorded (journal, audit trail): that
        is left to finish, since cutting it off would lose the audit entry of what was sent.
        """
        if self._engine_task is None or self._engine_task.done():
            return False
        if self._finishing:
            self.query_one("#job-progress", Static).update("every value has its answer; recording the job…")
            return True
        self._engine_task.cancel()
        self.query_one("#job-progress", Static).update("cancelling… (answers already received are kept)")
        return True

    async def stop(self) -> Any:
        """Cancel the job and wait until the engine has recorded it (what was not sent stays resumable);
        its result, or None when it never started or ended in an error."""
        task = self._engine_task
        if task is None:
            return None
        self.cancel()
        await asyncio.wait([task])
        return None if task.cancelled() or task.exception() is not None else task.result()

    @work(exclusive=True, group="job", exit_on_error=False)
    async def _run(
        self,
        action: str,
        values: list[str],
        reason: str,
        targets: Sequence[Target],
        resume_id: str | None = None,
        preview: Preview | None = None,
    ) -> None:
        engine = BulkEngine(self.lists, self.profile, journal=self.journal, audit=self.audit)
        if resume_id is not None:
            job = engine.resume(resume_id, on_progress=self._on_progress)
        else:
            job = engine.run(
                action,
                values,
                reason=reason,
                on_progress=self._on_progress,
                distinct=preview is not None,
                preview=preview,
                targets=targets,
            )
        self._engine_task = asyncio.ensure_future(job)
        try:
            result = await self._engine_task
        except ReadOnlyProfileError as exc:
            self._show_failure(str(exc))
            return
        except ApiError as exc:
            self._show_failure(exc.line)
            return
        except ValueError as exc:  # e.g. a job that is not resumable
            self._show_failure(str(exc))
            return
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # this panel is going away: let the worker end
            # the engine was cut off while it recorded its end; the journal has the job
            self._show_failure("cancelled while the job was being recorded; J shows what was sent")
            return
        except Exception as exc:  # the journal or a bug: one line, never a traceback
            self._show_failure(f"the job could not run: {exc}")
            return
        finally:
            self.running = False
        self.result = result
        bar = self.query_one(ProgressBar)
        bar.update(progress=result.sent)
        self.query_one("#job-progress", Static).update(self._final_progress(result))
        self.query_one("#job-result", Static).update(result_text(result, action))
        if result.failed_values:
            self.query_one("#job-actions").add_class("visible")
            self.query_one("#retry-failed", Button).label = f"Retry {len(result.failed_values):,} failed"
        if preview is not None and (preview.invalid or preview.duplicate):
            self._show_refused(RefusedLines(preview))
        self.post_message(self.Finished(result))

    def _show_refused(self, refused: RefusedLines) -> None:
        self.refused = refused
        self.query_one("#refused-title", Static).update(
            Text(
                f"{refused.count:,} input line{'s' if refused.count != 1 else ''} not sent (invalid or duplicate):",
                style="bold yellow",
            )
        )
        self.query_one("#refused-list", RowList).show(TableRows(refused.lines, COLUMNS, refused_cells))
        self.query_one("#job-refused").display = True

    @on(Button.Pressed, "#save-refused")
    def _save_refused(self, event: Button.Pressed) -> None:
        event.stop()
        from ..screens.save_rows import SaveRowsScreen

        if self.refused is not None and self.result is not None:
            name = f"job-{self.result.job_id}-refused.csv"
            self.app.push_screen(SaveRowsScreen("Save the input lines not sent", self.refused, name))

    def _final_progress(self, result: Any) -> str:
        line = f"{result.sent:,} values answered"
        if result.requests:
            line += f" in {result.requests:,} request{'s' if result.requests != 1 else ''}"
        if result.per_list:
            line += f" over {len(result.per_list)} lists"
        if result.retries:
            line += f", {result.retries:,} retries"
        return line

    def _show_failure(self, line: str) -> None:
        self.running = False
        self.query_one("#job-result", Static).update(Text(f"✖ {line}", style="bold red"))
        self.post_message(self.Finished(None))

    def _on_progress(self, progress: Any) -> None:
        now = time.monotonic()
        if now - self._last_draw < PROGRESS_EVERY_S and progress.values_done < progress.values_total:
            return
        self._last_draw = now
        self._finishing = progress.values_done >= progress.values_total
        self.query_one(ProgressBar).update(total=progress.values_total, progress=progress.values_done)
        hint = "recording the job…" if self._finishing else "esc cancels (what is done stays done)"
        self.query_one("#job-progress", Static).update(progress_text(progress) + "\n" + hint)

    @on(Button.Pressed, "#retry-failed")
    def _retry_failed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.result is not None and self.result.failed_values:  # on the lists they failed on, in the same job
            self.resume(self.result.job_id, self.result.action, len(self.result.failed_values))

    @on(Input.Submitted, "#save-path")
    def _save_failed(self, event: Input.Submitted) -> None:
        event.stop()
        if self.result is None:
            return
        path = Path(event.value.strip()).expanduser()
        lines = [f"{o.value}\t{listed(o)}{o.detail}" for o in self.result.outcomes if o.status == "failed"]
        try:
            with open_private(path) as out:  # personal data: owner-only, and never over an existing file
                out.write("\n".join(lines) + "\n")
        except FileExistsError:
            self.notify(f"{path} exists; choose another name (nothing was overwritten)", severity="error")
            return
        except OSError as exc:
            self.notify(f"could not save to {path}: {exc.strerror or exc}; choose another path", severity="error")
            return
        self.notify(f"saved {len(lines):,} failed rows to {path}")
