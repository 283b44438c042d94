"""`optout-tui search`, `sync` and `export`: the local snapshot on the command line.

`search` and `export` read only the snapshot (no network, instant) and always say how old it is;
`sync` brings it up to date from the vendors.
"""

from __future__ import annotations

import sys

import click

from ..output import FORMATS
from .common import (
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    MAX_LIMIT,
    CliContext,
    date_range,
    fail,
    run,
    stdout_for,
    stdout_gone,
)

KINDS = ["sms", "email", "080", "nhn-sms", "nhn-email"]


def _sync_hint(ctx: CliContext, kind: str | None = None) -> str:
    return f"run `{ctx.command('sync' + (f' --list {kind}' if kind else ''))}` first"


def _open_store(ctx: CliContext):
    """The snapshot of the active profile (opening it starts nothing: no emulator, no network)."""
    import sqlite3

    from ..settings import ConfigError
    from ..snapshot import SnapshotStore

    try:
        if ctx.demo:
            name = "demo"
        else:
            from ..config import load_profile

            name = load_profile(ctx.config_path, ctx.profile_name).name
        return SnapshotStore.for_profile(name)
    except ConfigError as exc:
        fail(str(exc))
    except (sqlite3.Error, OSError) as exc:
        fail(f"cannot open the snapshot ({exc}): delete it and {_sync_hint(ctx)}")


@click.command("search")
@click.argument("text")
@click.option("--list", "kind", type=click.Choice(KINDS), help="Search one list (default: every synced list).")
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=50, show_default=True, help="Entries per list.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.pass_obj
def search_command(ctx: CliContext, text: str, kind: str | None, limit: int, fmt: str) -> None:
    """Find entries by prefix or any part of a number or address, in the local snapshot.

    Instant and offline; results are as old as the last sync (shown). Exact lookups
    (`optout-tui lookup`) ask the vendor, which is the truth.
    """
    import sqlite3

    from ..api.base import ListKind
    from ..output import RecordWriter, write_records
    from ..records import FIELDS, as_display, as_record
    from ..snapshot import search, search_all

    store = _open_store(ctx)
    try:
        if kind:
            list_kind = ListKind(kind)
            if store.state(list_kind) is None and not store.has_data(list_kind):
                fail(f"no snapshot of the {list_kind.label} list yet: {_sync_hint(ctx, kind)}")
            results = [search(store, list_kind, text, limit)]
        else:
            results = search_all(store, text, limit)
            if not results and not any(store.state(k) or store.has_data(k) for k in ListKind):
                fail(f"no snapshot yet: {_sync_hint(ctx)}")
    except sqlite3.Error as exc:
        fail(f"the snapshot at {store.path} cannot be read ({exc}): delete it and {_sync_hint(ctx)}")
    finally:
        store.close()

    out = stdout_for(fmt)
    found = 0
    try:
        # JSON is one array over every list; CSV and tables have a block per list, each with its columns.
        whole = RecordWriter(out, [], fmt) if fmt in ("json", "jsonl") else None
        for result in results:
            shown = len(result.entries)
            found += shown
            more = " (more: raise --limit or narrow the search)" if result.more else ""
            note = (
                f"{result.kind.label}: {shown} match{'es' if shown != 1 else ''} for {result.query!r}{more}"
                f" — snapshot {result.age}"
            )
            if fmt == "table":
                out.write(note + "\n")
                write_records(map(as_display, result.entries), FIELDS[result.kind], fmt, out, indent="  ")
                continue
            click.echo(note, err=True)
            records = ({"list": result.kind.value, **as_record(entry)} for entry in result.entries)
            if whole:
                whole.write_records(records)
            else:
                write_records(records, ["list", *FIELDS[result.kind]], fmt, out)
        if whole:
            whole.close()
        out.flush()
    except BrokenPipeError:  # `| head`
        stdout_gone()
    sys.exit(EXIT_OK if found else EXIT_PARTIAL)


@click.command("sync")
@click.option("--list", "kind", type=click.Choice(KINDS), help="Sync one list (default: every list set up).")
@click.option("--full", is_flag=True, help="Fetch everything again instead of only what changed.")
@click.pass_obj
def sync_command(ctx: CliContext, kind: str | None, full: bool) -> None:
    """Bring the local snapshot up to date (the first sync fetches whole lists, with progress)."""
    from ..api.base import ListKind
    from ..settings import ConfigError
    from ..snapshot import SnapshotBusy, Syncer

    err = sys.stderr
    tty = err.isatty()

    def progress(p) -> None:
        line = p.line()
        if tty:
            err.write("\r\033[K" + line)
        elif p.phase == "done" or p.pages % 500 == 0:
            err.write(line + "\n")
        err.flush()

    async def body():
        store = _open_store(ctx)
        try:
            async with ctx.lists() as lists:
                syncer = Syncer(store, lists, progress=progress)
                try:
                    return await syncer.sync([ListKind(kind)] if kind else None, full=full)
                except SnapshotBusy as exc:
                    raise ConfigError(str(exc)) from None
        finally:
            store.close()
            if tty:
                err.write("\r\033[K")
                err.flush()

    reports = run(body, ctx)
    for report in reports:
        click.echo(report.line())
    if all(r.skipped for r in reports):
        sys.exit(EXIT_USAGE)


@click.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--search", "text", help="Only entries matching (prefix or any part, as `search`).")
@click.option("--since", help="Registered on or after: 2026-01-31, '2026-01-31 14:00', or 7d / 2w / 3m.")
@click.option("--until", help="Registered on or before (a bare date includes that whole day).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Default: from the file's extension (.csv, .jsonl, .json), else csv.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File (default: stdout).")
@click.option("--force", is_flag=True, help="Replace the file if it exists (else asked on a terminal).")
@click.pass_obj
def export_command(
    ctx: CliContext, kind: str, *, text, since, until, fmt: str | None, output: str | None, force: bool
) -> None:
    """Export a list, or the part matching --search/--since, from the local snapshot."""
    import os
    import sqlite3
    import tempfile

    from ..api.base import ListKind
    from ..output import format_for
    from ..records import EntryWriter
    from ..snapshot.export import export_entries
    from ..times import opt_to_ms

    list_kind = ListKind(kind)
    since_ms, until_ms = map(opt_to_ms, date_range(since, until))
    if output and os.path.lexists(output) and not force:  # written owner-only (mkstemp), never over a file unasked
        if not sys.stdin.isatty():
            fail(f"{output} exists: add --force to replace it, or choose another file")
        if not click.confirm(f"{output} exists. Replace it?", default=False, err=True):
            fail(f"not exported: {output} is left as it was", EXIT_PARTIAL)
    store = _open_store(ctx)
    state = store.state(list_kind)
    if state is None and not store.has_data(list_kind):
        store.close()
        fail(f"no snapshot of the {list_kind.label} list yet: {_sync_hint(ctx, kind)}")

    def write(out) -> int:
        writer = EntryWriter(out, list_kind, format_for(fmt, output))
        writer.write(export_entries(store, list_kind, search=text, since=since_ms, until=until_ms))
        writer.close()
        return writer.count

    try:
        if output:
            # Write beside the target and rename: an interrupted export never leaves half a file.
            folder = os.path.dirname(os.path.abspath(output))
            fd, tmp = tempfile.mkstemp(prefix=".export-", dir=folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                    count = write(out)
                os.replace(tmp, output)
            except BaseException:
                os.unlink(tmp)
                raise
        else:
            count = write(stdout_for(format_for(fmt, None)))
    except BrokenPipeError:
        stdout_gone()
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    except sqlite3.Error as exc:
        fail(f"the snapshot at {store.path} cannot be read ({exc}): delete it and {_sync_hint(ctx)}")
    finally:
        store.close()
    from ..snapshot import age_text

    where = f" to {output}" if output else ""
    click.echo(
        f"{count:,} {list_kind.label} entr{'y' if count == 1 else 'ies'} exported{where} (snapshot {age_text(state)})",
        err=True,
    )


def register(group: click.Group) -> None:
    group.add_command(search_command)
    group.add_command(sync_command)
    group.add_command(export_command)
