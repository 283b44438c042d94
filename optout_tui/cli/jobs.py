"""`optout-tui jobs` (list, resume, show) and `optout-tui audit`: the journal and the audit trail."""

from __future__ import annotations

import sys

import click

from ..api.base import OutcomeStatus
from ..output import FORMATS as OUTPUT_FORMATS
from .changes import ProgressPrinter, print_result, run_engine, storage_errors
from .common import EXIT_OK, EXIT_USAGE, MAX_LIMIT, CliContext, date_range, fail, run, stdout_for

FORMATS = click.Choice(OUTPUT_FORMATS)
OUTCOMES = [status.value for status in OutcomeStatus]
JOB_COLUMNS = [
    "id",
    "created",
    "profile",
    "list",
    "action",
    "state",
    "values",
    "done",
    "already",
    "invalid",
    "failed",
    "not sent",
    "reason",
]
AUDIT_COLUMNS = ["time", "user", "profile", "list", "action", "values", "job", "reason", "answer"]


@click.group("jobs", invoke_without_command=True)
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_LIMIT),
    default=30,
    show_default=True,
    help="How many of the newest jobs to list.",
)
@click.pass_context
@storage_errors
def jobs_group(click_ctx: click.Context, limit: int) -> None:
    """Bulk jobs in the journal: list them, resume one, or show its per-value results."""
    if click_ctx.invoked_subcommand is not None:
        return
    from ..bulk.engine import settle
    from ..bulk.journal import Journal
    from ..output import write_records
    from ..times import local_from_iso

    journal = Journal()
    settle(journal)  # a job cut off after its last answer gets its end and its audit entry now
    jobs = journal.jobs(limit=limit)
    if not jobs:
        click.echo("no jobs in the journal yet")
        return
    write_records(
        (
            {
                "id": job.id,
                "created": local_from_iso(job.created),
                "profile": job.profile,
                "list": job.kind,
                "action": job.action,
                "state": str(job.state),
                "values": f"{job.total:,}",
                "done": f"{job.counts.get('registered', 0) + job.counts.get('removed', 0):,}",
                "already": f"{job.counts.get('already', 0) + job.counts.get('not_on_list', 0):,}",
                **{status: f"{job.counts.get(status, 0):,}" for status in ("invalid", "failed")},
                "not sent": f"{job.pending:,}",
                "reason": job.reason[:30],
            }
            for job in jobs
        ),
        JOB_COLUMNS,
        "table",
        stdout_for("table"),
    )
    resumable = [j for j in jobs if j.resumable]
    if resumable:
        click.echo(f"\n{len(resumable)} job(s) can be resumed: {click_ctx.obj.command('jobs resume ID')}")


@jobs_group.command("resume")
@click.argument("job_id")
@click.pass_obj
@storage_errors
def resume_command(ctx: CliContext, job_id: str) -> None:
    """Send every value of a job that was not answered (interrupted, cancelled) or failed, on every list it
    goes to."""
    from ..api.base import ListKind
    from ..bulk.engine import BulkEngine, JobMismatchError
    from ..bulk.everywhere import Target
    from ..bulk.journal import JobState, Journal

    journal = Journal()
    job = journal.job(job_id)
    if job.state == JobState.RUNNING:
        fail(f"job {job.id} is still running in another optout-tui; wait for it or stop it first", EXIT_USAGE)
    if not job.resumable:
        click.echo(f"job {job.id} is {job.state}: every value has an answer, nothing to resume")
        sys.exit(EXIT_OK)

    async def body() -> int:
        from ..api.factory import require

        profile, _ = ctx.load()
        if profile.name != job.profile:
            raise JobMismatchError(
                f"job {job.id} was made with profile {job.profile!r}; resume it with "
                f"`{ctx.command(f'jobs resume {job.id}', profile=job.profile)}`"
            )
        async with ctx.lists() as lists:
            targets = [Target(require(lists, ListKind(t.kind)), t.extra) for t in job.targets]
            engine = BulkEngine(lists, profile, journal=journal)
            names = ", ".join(target.label for target in targets)
            click.echo(
                f"resuming job {job.id}: {job.pending + job.counts.get('failed', 0):,} of {job.total:,} "
                f"values to send to the {names} list{'s' if len(targets) > 1 else ''}",
                err=True,
            )
            printer = ProgressPrinter()
            try:
                result = await run_engine(ctx, lambda: engine.resume(job.id, on_progress=printer))
            finally:
                printer.close()
            return print_result(ctx, result, names, profile=profile.name)

    sys.exit(run(body, ctx))


@jobs_group.command("show")
@click.argument("job_id")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option(
    "--outcome",
    type=click.Choice(OUTCOMES),
    metavar="NAME",
    help=f"Only the input lines with this outcome: {', '.join(OUTCOMES)}.",
)
@storage_errors
def show_command(job_id: str, fmt: str, outcome: str | None) -> None:
    """Every input line of a job with its outcome and reason (export with --format csv, jsonl or json)."""
    from ..bulk.journal import Journal
    from ..output import write_records
    from ..printable import printable
    from ..times import local_from_iso

    journal = Journal()
    job = journal.job(job_id)
    results = journal.job_results(job.id)
    records = (record for record in map(results.record, results) if outcome in (None, record["outcome"]))
    out = stdout_for(fmt)
    if fmt != "table":
        write_records(records, results.fields, fmt, out)
        return
    c = job.counts
    out.write(
        printable(
            f"job {job.id}: {job.action} on {job.kind} (profile {job.profile}), {job.state}, created "
            f"{local_from_iso(job.created)} by {job.os_user}" + (f", reason: {job.reason}" if job.reason else "")
        )
        + "\n"
    )
    out.write(
        f"  {job.total:,} values: done {c.get('registered', 0) + c.get('removed', 0):,}, already "
        f"{c.get('already', 0) + c.get('not_on_list', 0):,}, invalid "
        f"{c.get('invalid', 0):,}, failed {c.get('failed', 0):,}, not sent {job.pending:,}\n"
    )
    if len(job.targets) > 1:
        from ..bulk.engine import Action, summary
        from ..bulk.everywhere import label_of

        for target in job.targets:
            counts = summary(target.counts, Action(job.action))
            out.write(printable(f"  {label_of(target.kind, target.extra)}: {counts}") + "\n")
    if job.note:
        out.write(f"  note: {printable(job.note)}\n")
    shown = ({name: printable(str(value)) for name, value in record.items()} for record in records)
    widths = [7, 24, 14, 11, 0] if len(results.fields) == 5 else [7, 24, 14, 20, 11, 0]
    write_records(shown, results.fields, "table", out, widths=widths)


@click.command("audit")
@click.option("--since", metavar="DATE", help="From this date on: 2026-01-31, '2026-01-31 14:00', 7d, 2w, ...")
@click.option(
    "--search",
    metavar="TEXT",
    default="",
    help="Only changes mentioning TEXT: a number or an address in any form, a job id, words of a reason, "
    "a user or a profile.",
)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@storage_errors
def audit_command(since: str | None, search: str, fmt: str) -> None:
    """The audit trail: every change, who made it, why, and what the vendor answered."""
    from ..bulk.history import AuditFilter, History
    from ..output import write_records
    from ..times import local_from_iso

    start, _ = date_range(since, None)
    entries = History().audit(AuditFilter(since=start, search=search), newest_first=False)
    out = stdout_for(fmt)
    if fmt != "table":
        write_records(map(entries.record, entries), entries.fields, fmt, out)
        return
    shown = write_records(
        (
            {
                "time": local_from_iso(e.at),
                "user": e.os_user,
                "profile": e.profile,
                "list": e.list,
                "action": e.action,
                "values": " ".join(e.values[:3]) + (f" (+{e.count - 3:,} more)" if e.count > 3 else "")
                if e.values
                else f"{e.count:,} values",
                "job": e.job_id or "",
                "reason": e.reason[:30],
                "answer": e.answer,
            }
            for e in entries
        ),
        AUDIT_COLUMNS,
        "table",
        out,
    )
    if not shown:
        where = (f" matching {search.strip()!r}" if search.strip() else "") + (" since then" if since else "")
        click.echo("no changes recorded" + (where or " yet"))


def register(group: click.Group) -> None:
    group.add_command(jobs_group)
    group.add_command(audit_command)
