"""`optout-tui jobs` (list, resume, show) and `optout-tui audit`: the journal and the audit trail."""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime

import click

from .changes import ProgressPrinter, print_result, run_engine, storage_errors
from .common import EXIT_OK, EXIT_USAGE, CliContext, fail, run

FORMATS = click.Choice(["table", "csv", "jsonl"])


def _local(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return iso


def _table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    for row in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())


@click.group("jobs", invoke_without_command=True)
@click.option("--limit", default=30, show_default=True, help="How many of the newest jobs to list.")
@click.pass_context
@storage_errors
def jobs_group(click_ctx: click.Context, limit: int) -> None:
    """Bulk jobs in the journal: list them, resume one, or show its per-value results."""
    if click_ctx.invoked_subcommand is not None:
        return
    from ..bulk.journal import Journal

    jobs = Journal().jobs(limit=limit)
    if not jobs:
        click.echo("no jobs in the journal yet")
        return
    rows = []
    for job in jobs:
        c = job.counts
        rows.append([job.id, _local(job.created), job.profile, job.kind, job.action, str(job.state),
                     f"{job.total:,}", f"{c.get('done', 0):,}", f"{c.get('already', 0):,}",
                     f"{c.get('invalid', 0):,}", f"{c.get('failed', 0):,}", f"{job.pending:,}", job.reason[:30]])
    _table(["ID", "CREATED", "PROFILE", "LIST", "ACTION", "STATE", "VALUES", "DONE", "ALREADY", "INVALID",
            "FAILED", "NOT SENT", "REASON"], rows)
    resumable = [j for j in jobs if j.resumable]
    if resumable:
        click.echo(f"\n{len(resumable)} job(s) can be resumed: optout-tui jobs resume ID")


@jobs_group.command("resume")
@click.argument("job_id")
@click.pass_obj
@storage_errors
def resume_command(ctx: CliContext, job_id: str) -> None:
    """Send every value of a job that was not answered (interrupted, cancelled) or failed."""
    from ..api.base import ListKind
    from ..bulk.engine import BulkEngine, JobMismatchError
    from ..bulk.journal import Journal, JobState

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
            hint = "--demo" if job.profile == "demo" else f"--profile {job.profile}"
            raise JobMismatchError(
                f"job {job.id} was made with profile {job.profile!r}; resume it with `optout-tui {hint} jobs resume {job.id}`")
        async with ctx.lists() as lists:
            lst = require(lists, ListKind(job.kind))
            engine = BulkEngine(lst, profile, journal=journal)
            click.echo(f"resuming job {job.id}: {job.pending + job.counts.get('failed', 0):,} of {job.total:,} "
                       f"values to send to the {lst.name} list", err=True)
            printer = ProgressPrinter()
            try:
                result = await run_engine(engine, lambda: engine.resume(job.id, on_progress=printer))
            finally:
                printer.close()
            return print_result(result, lst.name, profile=profile.name)

    sys.exit(run(body, ctx))


@jobs_group.command("show")
@click.argument("job_id")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@storage_errors
def show_command(job_id: str, fmt: str) -> None:
    """Per-value results of a job (export with --format csv or jsonl)."""
    from ..bulk.journal import Journal

    journal = Journal()
    job = journal.job(job_id)
    out = click.get_text_stream("stdout")
    if fmt == "table":
        c = job.counts
        click.echo(f"job {job.id}: {job.action} on {job.kind} (profile {job.profile}), {job.state}, created "
                   f"{_local(job.created)} by {job.os_user}" + (f", reason: {job.reason}" if job.reason else ""))
        click.echo(f"  {job.total:,} values: done {c.get('done', 0):,}, already {c.get('already', 0):,}, invalid "
                   f"{c.get('invalid', 0):,}, failed {c.get('failed', 0):,}, not sent {job.pending:,}")
        if job.note:
            click.echo(f"  note: {job.note}")
        width = max((len(r.value) for r in journal.results(job.id)), default=5)
        for r in journal.results(job.id):
            out.write(f"{r.value:<{width}}  {r.status or 'not sent':<8}  {r.detail}".rstrip() + "\n")
        return
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["job_id", "seq", "chunk", "value", "status", "detail"])
        for r in journal.results(job.id):
            writer.writerow([job.id, r.seq, r.chunk, r.value, r.status or "not_sent", r.detail])
        return
    for r in journal.results(job.id):
        out.write(json.dumps({"job_id": job.id, "seq": r.seq, "chunk": r.chunk, "value": r.value,
                              "status": r.status or "not_sent", "detail": r.detail}, ensure_ascii=False) + "\n")


@click.command("audit")
@click.option("--since", metavar="DATE", help="From this date on: 2026-01-31, '2026-01-31 14:00', 7d, 2w, ...")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@storage_errors
def audit_command(since: str | None, fmt: str) -> None:
    """The audit trail: every change, who made it, why, and what the vendor answered."""
    from ..bulk.audit import AuditLog
    from ..dates import DateError, parse_date

    try:
        start = parse_date(since) if since else None
    except DateError as exc:
        fail(str(exc), EXIT_USAGE)
    entries = AuditLog().entries(since=start)
    out = click.get_text_stream("stdout")
    if fmt == "jsonl":
        for e in entries:
            out.write(json.dumps(e.as_dict(), ensure_ascii=False) + "\n")
        return
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", "at", "os_user", "profile", "list", "action", "count", "values", "job_id", "reason", "answer"])
        for e in entries:
            writer.writerow([e.id, e.at, e.os_user, e.profile, e.list, e.action, e.count,
                             " ".join(e.values) if e.values is not None else "", e.job_id or "", e.reason, e.answer])
        return
    rows = []
    for e in entries:
        what = " ".join(e.values[:3]) + (f" (+{e.count - 3:,} more)" if e.count > 3 else "") if e.values else f"{e.count:,} values"
        rows.append([_local(e.at), e.os_user, e.profile, e.list, e.action, what, e.job_id or "", e.reason[:30], e.answer])
    if not rows:
        click.echo("no changes recorded" + (" since then" if since else " yet"))
        return
    _table(["TIME", "USER", "PROFILE", "LIST", "ACTION", "VALUES", "JOB", "REASON", "ANSWER"], rows)


def register(group: click.Group) -> None:
    group.add_command(jobs_group)
    group.add_command(audit_command)
