"""`optout-tui purge --before DATE`: delete the personal data kept on this machine that is older than DATE.

Two places hold people's numbers and addresses besides the audit trail: the journal's per-value rows
of bulk jobs, and the snapshots (local copies of the lists, one per profile). The audit trail is the
evidence of every change and is never purged.
"""

from __future__ import annotations

import sys

import click

from .changes import storage_errors
from .common import EXIT_PARTIAL, EXIT_USAGE, fail


@click.command("purge")
@click.option(
    "--before",
    "before_text",
    required=True,
    metavar="DATE",
    help="Older than this: 2025-12-31, '2025-12-31 18:00', or 90d / 12w / 6m / 1y ago.",
)
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@storage_errors
def purge_command(before_text: str, dry_run: bool, yes: bool) -> None:
    """Delete the per-value results of bulk jobs finished before DATE, and every list's snapshot
    last synced before DATE. The audit trail (who changed what, when, why) stays."""
    import sqlite3

    from ..bulk.journal import Journal
    from ..snapshot import SnapshotBusy, SnapshotStore
    from ..times import DATE_FORMAT, MINUTE_FORMAT, DateError, local, parse_date

    try:
        before = parse_date(before_text)
    except DateError as exc:
        fail(str(exc), EXIT_USAGE)
    when = local(before, DATE_FORMAT if before.time() == before.min.time() else MINUTE_FORMAT)
    journal = Journal()
    jobs = journal.purge(before, dry_run=True)
    lines = (
        [
            f"  results of {len(jobs.jobs):,} bulk job(s) finished before {when}: {jobs.values:,} values"
            + (f" ({jobs.unsent:,} of them never sent or failed)" if jobs.unsent else "")
        ]
        if jobs.jobs
        else []
    )
    try:
        stores = [SnapshotStore(path) for path in SnapshotStore.existing()]
        for store in stores:
            for kind, rows in store.stale(before).items():
                state = store.state(kind)
                synced = local(state.synced_at, DATE_FORMAT) if state and state.synced_at else None
                lines.append(
                    f"  the {kind.label} snapshot of profile {store.path.stem.removeprefix('snapshot-')}: "
                    f"{rows:,} entries, " + (f"last synced {synced}" if synced else "never completely synced")
                )
    except (sqlite3.Error, OSError) as exc:
        fail(f"cannot read a snapshot ({exc}); delete the snapshot files (they are a cache) and sync again")
    kept = (
        (
            f"kept: the audit trail; {len(jobs.kept)} interrupted or running job(s) from before {when}, whose "
            "values still have to be sent (`optout-tui jobs`)"
        )
        if jobs.kept
        else "kept: the audit trail"
    )
    if not lines:
        click.echo(f"nothing older than {when} to purge; {kept}")
        return
    click.echo(("dry run: would delete" if dry_run else "to delete") + ":\n" + "\n".join(lines) + f"\n{kept}")
    if dry_run:
        return
    if not yes:
        if not sys.stdin.isatty():
            fail("purge deletes for good and there is no terminal to confirm on: add --yes (or --dry-run)", EXIT_USAGE)
        if not click.confirm("Delete them for good?", default=False, err=True):
            click.echo("nothing was deleted.", err=True)
            sys.exit(EXIT_PARTIAL)
    try:
        gone = sum(sum(store.purge(before).values()) for store in stores)
    except SnapshotBusy as exc:
        fail(f"{exc}, then purge again", EXIT_USAGE)
    except sqlite3.Error as exc:
        fail(f"cannot purge a snapshot ({exc}); delete the snapshot files (they are a cache) and sync again")
    done = journal.purge(before)
    click.echo(
        f"purged: the results of {len(done.jobs):,} job(s) ({done.values:,} values) and {gone:,} snapshot entries"
    )


def register(group: click.Group) -> None:
    group.add_command(purge_command)
