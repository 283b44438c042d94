"""`optout-tui add` and `optout-tui remove`: bulk changes through the journalled engine.

Input (arguments, a file or stdin) is previewed first, so every line is accounted for in the
summary: sent, accepted, already on/absent from the list, invalid (with line numbers and reasons),
duplicates, failed. With `--everywhere` one job changes every configured list of each value's kind.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

import click

from ..kinds import ListKind
from .common import EXIT_API, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, CliContext, fail, run

KIND_NAMES = [kind.value for kind in ListKind]
SHOW_AT_MOST = 20


# ---------------------------------------------------------------- progress and summary (shared with `jobs`)


class ProgressPrinter:
    """Progress on stderr: a line redrawn in place on a terminal, else a line per ~10%."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_draw = 0.0
        self._last_tenth = -1
        self._width = 0

    def __call__(self, p: Any) -> None:
        with contextlib.suppress(OSError, ValueError):  # a closed terminal must not stop the job
            self._show(p)

    def _show(self, p: Any) -> None:
        total = max(1, p.values_total)
        if self.tty:
            now = time.monotonic()
            if now - self._last_draw < 0.1 and p.values_done < p.values_total:
                return
            self._last_draw = now
            eta = f", about {p.eta_s:,.0f} s left" if p.eta_s is not None and p.values_done < p.values_total else ""
            retries = f", {p.retries:,} retries" if p.retries else ""
            text = (
                f"{p.values_done:,}/{p.values_total:,} values ({100 * p.values_done // total}%), "
                f"{p.chunks_done:,}/{p.chunks_total:,} requests, {p.rate_per_s:,.0f}/s{eta}{retries}"
            )
            if p.note:
                text += f" - {p.note}"
            text = text[:160]
            self.stream.write("\r" + text.ljust(self._width))
            self._width = len(text)
            self.stream.flush()
            return
        tenth = 10 * p.values_done // total
        if tenth > self._last_tenth and p.values_done:
            self._last_tenth = tenth
            retries = f", {p.retries:,} retries so far" if p.retries else ""
            self.stream.write(
                f"progress: {100 * p.values_done // total}% ({p.values_done:,}/{p.values_total:,} values{retries})\n"
            )
            self.stream.flush()

    def close(self) -> None:
        if self.tty and self._width:
            try:
                self.stream.write("\r" + " " * self._width + "\r")
                self.stream.flush()
            except (OSError, ValueError):
                pass


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _shown(raw: str, limit: int = 60) -> str:
    raw = raw.strip()
    return repr(raw if len(raw) <= limit else raw[: limit - 1] + "…")


def echo_limited(title: str, lines: list[str], total: int | None = None, rest: str = "") -> None:
    """The first SHOW_AT_MOST lines under a title, and where the `rest` are; they may quote input, so terminal
    controls are shown, not obeyed."""
    from ..printable import printable

    total = len(lines) if total is None else total
    if not total:
        return
    click.echo(f"{title} ({total:,}):")
    for line in lines[:SHOW_AT_MOST]:
        click.echo(f"  {printable(line)}")
    if total > SHOW_AT_MOST:
        click.echo(f"  ... and {total - SHOW_AT_MOST:,} more{rest}")


def echo_invalid(preview: Any, label: Callable[[int], str], rejects: str | None = None) -> None:
    from ..printable import printable

    bad = preview.invalid_lines()
    rest = f" in {printable(rejects)}" if rejects else "; use --rejects FILE to keep them all"
    echo_limited(
        "invalid input",
        [f"{label(x.line_no)}: {_shown(x.raw)} - {x.reason}" for x in bad[:SHOW_AT_MOST]],
        len(bad),
        rest,
    )


def write_rejects(path: str, preview: Any) -> None:
    """The input lines not sent (invalid, duplicates) with their line numbers and reasons, in a file only this
    user can read (csv, or as its extension says); an existing file is kept, and the command ends in one line."""
    from pathlib import Path

    from ..output import format_for, write_records
    from ..private_files import open_private

    try:
        with open_private(Path(path)) as out:
            write_records(
                (line.record() for line in preview.refused()),
                ["line", "input", "value", "outcome", "reason"],
                format_for(None, path),
                out,
            )
    except FileExistsError:
        fail(f"{path} exists already: give --rejects a new file name (nothing was sent)", EXIT_USAGE)
    except OSError as exc:
        fail(f"cannot write the rejected lines to {path}: {exc.strerror or exc} (nothing was sent)", EXIT_USAGE)


def print_result(
    ctx: CliContext,
    result: Any,
    kind_title: str,
    *,
    profile: str,
    preview: Any = None,
    labels: Any = None,
    rejects: str | None = None,
) -> int:
    """The summary of a run (and of its input, when given); returns the exit code."""
    from ..api.base import OutcomeStatus
    from ..bulk.engine import Action
    from ..printable import printable

    removing = result.action == Action.REMOVE
    lists = "lists" if result.per_list else "list"
    click.echo(
        f"{'remove from' if removing else 'register on'} the {kind_title} {lists} (profile {profile}), "
        f"job {result.job_id}"
    )
    rows: list[tuple[str, str]] = []
    if preview is not None:
        rows += [
            ("read", _n(preview.read, "value")),
            ("invalid input", f"{preview.invalid:,}"),
            ("duplicates", f"{preview.duplicate:,} (sent once)"),
        ]
    retries = f" ({result.retries:,} retries)" if result.retries else ""
    if result.per_list:  # a value counts once on each list it went to
        retries = f" over {len(result.per_list)} lists{retries}"
    if result.resumed:
        rows += [
            ("sent now", f"{_n(result.answered_now, 'value')} in {_n(result.requests, 'request')}{retries}"),
            ("job total", _n(result.sent + result.pending, "value")),
        ]
    else:
        rows += [("sent", f"{_n(result.sent, 'value')} in {_n(result.requests, 'request')}{retries}")]
    rows += [
        ("accepted", f"{result.done:,}"),
        ("already absent" if removing else "already on the list", f"{result.already:,}"),
        ("refused as invalid", f"{result.invalid:,}"),
        ("failed", f"{result.failed:,}"),
    ]
    if result.unknown:
        rows.append(("unknown", f"{result.unknown:,} (the vendor took them; what it did cannot be told)"))
    if result.pending:  # a request cut off in flight may still have reached the vendor
        rows.append(("not confirmed", f"{result.pending:,} (resuming re-sends them; that is safe)"))
    if result.per_list:
        from ..bulk.engine import summary

        rows += [(label, summary(counts, result.action)) for label, counts in result.per_list]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        click.echo(printable(f"  {name + ':':<{width + 1}} {value}"))
    if preview is not None and preview.invalid:
        echo_invalid(preview, labels, rejects)
    if result.invalid:
        refused = [o for o in result.outcomes if o.status == OutcomeStatus.INVALID]
        echo_limited("refused by the vendor as invalid", [_said(o) for o in refused[:SHOW_AT_MOST]], len(refused))
    if result.failed:
        failed = [o for o in result.outcomes if o.status == OutcomeStatus.FAILED]
        echo_limited("failed", [_said(o) for o in failed[:SHOW_AT_MOST]], len(failed))
    if result.stopped:
        click.echo(f"stopped: {printable(result.stopped)}")
    if result.cancelled:
        click.echo("cancelled: what was sent is recorded in the journal.")
    if result.failed or result.pending:
        click.echo(f"to send the rest: {ctx.command(f'jobs resume {result.job_id}')}")
    if result.api_failed_entirely:
        return EXIT_API
    if result.cancelled:
        return 130
    if result.failed or result.invalid or result.pending or (preview is not None and preview.invalid):
        return EXIT_PARTIAL
    return EXIT_OK


def _said(outcome: Any) -> str:
    """A value and why, with its list in a job for several lists."""
    on = f" on {outcome.list}" if getattr(outcome, "list", "") else ""
    return f"{outcome.value}{on}: {outcome.detail}"


async def run_engine(ctx: CliContext, call) -> Any:
    """Run an engine call with a SIGTERM/SIGHUP handler that cancels it cleanly (the journal keeps the rest)."""
    import asyncio

    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    installed = []
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is None:
            continue
        try:
            loop.add_signal_handler(sig, task.cancel)  # type: ignore[union-attr]
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass
    try:
        return await call()
    except asyncio.CancelledError:  # a second signal while the journal was being closed
        fail(f"interrupted; the journal holds what was sent: see `{ctx.command('jobs')}`", 130)
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def storage_errors(fn):
    """Turn journal and profile refusals into one line and exit 2."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from ..bulk.db import JournalError
        from ..bulk.engine import JobMismatchError, ReadOnlyProfileError

        try:
            return fn(*args, **kwargs)
        except (JournalError, ReadOnlyProfileError, JobMismatchError) as exc:
            ctx = click.get_current_context().find_object(CliContext) or CliContext()
            fail(ctx.in_mode(str(exc)), EXIT_USAGE)

    return wrapper


# ---------------------------------------------------------------- add / remove


def read_input(values: tuple[str, ...], file: str | None, kind: Any) -> Any:
    """The arguments, then the lines of `file` ("-" for stdin), previewed for `kind` (None: each line's own) with
    the ok lines left out (see `preview_lines`); a file that cannot be read ends the command in one line."""
    from itertools import chain

    from ..bulk.plan import NotTextError, preview_lines, read_values_file

    try:
        lines = chain(values, read_values_file(file)) if file else values
    except NotTextError as exc:
        fail(str(exc), EXIT_USAGE)
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}", EXIT_USAGE)
    return preview_lines(lines, kind, keep_ok_lines=False)


def _change(
    ctx: CliContext,
    action: str,
    kind: ListKind | None,
    values: tuple[str, ...],
    *,
    file: str | None,
    reason: str,
    dry_run: bool,
    yes: bool,
    extra: dict[str, str],
    rejects: str | None = None,
    everywhere: bool = False,
) -> None:
    """Preview the input, then change `kind`'s list, or with `everywhere` every configured list of each value's
    kind (`kind` None: the kind each value is), as one job."""
    from ..normalize import value_kind

    if not values and not file:
        fail(f"give the values to {action} as arguments or with --file PATH (- for stdin)", EXIT_USAGE)
    asking = action == "remove" and not dry_run and not reason.strip()
    if asking and (file == "-" or not sys.stdin.isatty()):  # nobody to ask
        fail("a removal needs a reason for the audit trail: add --reason TEXT", EXIT_USAGE)
    preview = read_input(values, file, kind)
    kinds = list(dict.fromkeys(preview.kinds)) if preview.kinds is not None else [value_kind(kind)]  # type: ignore[arg-type]
    if everywhere and action == "register" and ListKind.N080 in kinds and "company" not in extra:
        fail("adding an 080 number needs --company NAME (the company shown for it)", EXIT_USAGE)
    if rejects:
        write_rejects(rejects, preview)
    count, source = len(values), "stdin" if file == "-" else file

    def label(line_no: int) -> str:
        return (
            f"argument {line_no}"
            if line_no <= count
            else f"line {line_no - count}" + (f" of {source}" if source and count else "")
        )

    if not preview.values:
        click.echo(
            f"nothing to send: {preview.read:,} values read, {preview.invalid:,} invalid, "
            f"{preview.duplicate:,} duplicates"
        )
        echo_invalid(preview, label, rejects)
        sys.exit(EXIT_PARTIAL if preview.invalid else EXIT_USAGE)

    async def body() -> int:
        from ..api.factory import require
        from ..bulk.engine import Action, BulkEngine, check_writable
        from ..bulk.everywhere import Target, job_targets

        nonlocal reason
        profile, _ = ctx.load()
        async with ctx.lists() as lists:
            if everywhere:
                targets = await job_targets(lists, kinds, {ListKind.N080: extra})
                for wanted in kinds:  # a value with no list to go to would be neither sent nor refused
                    if not any(value_kind(target.kind) is wanted for target in targets):
                        require(lists, wanted)  # says why its list is not set up
                engine = BulkEngine(lists, profile)
            else:
                targets = [Target(require(lists, kind), extra)]  # type: ignore[arg-type]
                engine = BulkEngine(targets[0].lst, profile)
            names = ", ".join(target.label for target in targets)
            if dry_run:
                return _print_plan(targets, profile, action, preview, label=label, rejects=rejects)
            check_writable(profile)
            while asking and not reason.strip():  # ctrl+c gives up: nothing is removed
                reason = click.prompt("Why are they removed? (kept in the audit trail)", err=True)
            if (
                action == Action.REMOVE
                and not yes
                and not _confirm(
                    f"Remove {len(preview.values):,} value(s) from the {names} opt-out "
                    f"list{'s' if len(targets) > 1 else ''} (profile {profile.name})?",
                    file == "-",
                )
            ):
                click.echo("nothing was removed.", err=True)
                return EXIT_PARTIAL
            printer = ProgressPrinter()
            try:
                result = await run_engine(
                    ctx,
                    lambda: engine.run(
                        Action(action),
                        preview.values,
                        reason=reason,
                        extra=extra,
                        on_progress=printer,
                        distinct=True,
                        preview=preview,
                        targets=targets if everywhere else (),
                    ),
                )
            finally:
                printer.close()
            return print_result(
                ctx, result, names, profile=profile.name, preview=preview, labels=label, rejects=rejects
            )

    sys.exit(storage_errors(run)(body, ctx))


def _confirm(question: str, stdin_used: bool) -> bool:
    if stdin_used:
        fail("the values come from stdin, so there is no way to confirm: add --yes", EXIT_USAGE)
    click.echo(f"{question} [y/N]: ", nl=False, err=True)
    try:
        answer = sys.stdin.readline()
    except KeyboardInterrupt:
        return False
    if not answer:  # end of input: nobody there to answer
        click.echo("", err=True)
        fail("cannot ask for confirmation here (no input to read): add --yes", EXIT_USAGE)
    return answer.strip().lower() in ("y", "yes")


def _print_plan(targets, profile, action: str, preview, *, label, rejects: str | None = None) -> int:
    from collections import Counter

    from ..bulk.plan import plan_chunks
    from ..normalize import value_kind

    several = len(targets) > 1
    names = ", ".join(target.label for target in targets)
    click.echo(
        f"dry run: would {action} on the {names} list{'s' if several else ''} (profile {profile.name}); nothing is sent"
    )
    click.echo(f"  read:          {_n(preview.read, 'value')}")
    click.echo(f"  to send:       {preview.ok:,}")
    click.echo(f"  invalid input: {preview.invalid:,}")
    click.echo(f"  duplicates:    {preview.duplicate:,} (sent once)")
    by_kind = Counter(preview.kinds) if preview.kinds is not None else None
    for target in targets:
        plan = plan_chunks(by_kind[value_kind(target.kind)] if by_kind else preview.ok, target.lst.limits)
        rate = f", at most {plan.rate_per_second:g} requests/s" if plan.rate_per_second else ""
        click.echo(
            (f"  {target.label}: {_n(plan.values, 'value')} in " if several else "  plan:          ")
            + f"{_n(plan.chunks, 'request')} of up to {_n(plan.batch_size, 'value')}, "
            f"{plan.max_in_flight} in flight{rate}"
        )
    if profile.read_only:
        click.echo(f"  note: profile {profile.name} is read-only, so a real run would be refused")
    echo_invalid(preview, label, rejects)
    return EXIT_PARTIAL if preview.invalid else EXIT_OK


_FILE_HELP = "Read values from PATH, one a line (a CSV's first column); - reads stdin."
_REJECTS_HELP = (
    "Write the input lines not sent (invalid, duplicates) with their line numbers and reasons to FILE "
    "(a new file, owner-only; csv, or .jsonl/.json by extension). Arguments are lines 1..N, then the file."
)


_EVERYWHERE_HELP = (
    "Every configured list of each value's kind, as one job: a mobile number goes to SENS and to each of the "
    "company's NHN 080 numbers, an address to the Mailer and NHN Email, an 080 number to the Hub. KIND may be "
    "left out: each value (a mixed --file) goes to the lists of its own kind."
)
_080_HELP = "The company's 080 number whose opt-out recipients change (nhn-sms only, required there)."


def _kind(kind: str | None, values: tuple[str, ...], everywhere: bool) -> tuple[ListKind | None, tuple[str, ...]]:
    """KIND, or with --everywhere the first value when KIND is left out."""
    if kind in KIND_NAMES:
        return ListKind(kind), values
    if everywhere:
        return None, values if kind is None else (kind, *values)
    raise click.BadParameter(
        f"{kind!r} is not one of {', '.join(map(repr, KIND_NAMES))}" if kind else "a list is needed (or --everywhere)",
        param_hint="'KIND'",
    )


def _number080(kind: ListKind | None, number: str | None, everywhere: bool, action: str) -> dict[str, str]:
    """The extra naming NHN SMS's 080 number; refused in one line where it is missing or has no place."""
    from ..normalize import Rejected, normalize_080

    if kind is not ListKind.NHN_SMS or everywhere:
        if number:
            fail("--080 only applies to nhn-sms (without --everywhere, which takes every 080 number)", EXIT_USAGE)
        return {}
    if not number:
        fail(f"to {action} on nhn-sms, name the 080 number: --080 NUMBER (or --everywhere for every one)", EXIT_USAGE)
    found = normalize_080(number)
    if isinstance(found, Rejected):
        fail(f"--080 {number}: {found.reason}", EXIT_USAGE)
    return {"number080": found.value}


@click.command("add")
@click.argument("kind", required=False, metavar="[KIND]")
@click.argument("values", nargs=-1)
@click.option("--file", "-f", "file", metavar="PATH|-", help=_FILE_HELP)
@click.option("--everywhere", is_flag=True, help=_EVERYWHERE_HELP)
@click.option("--company", metavar="NAME", help="Company name shown for an 080 number (080 only, required there).")
@click.option("--080", "number080", metavar="NUMBER", help=_080_HELP)
@click.option("--reason", default="", metavar="TEXT", help="Why: kept in the audit trail.")
@click.option("--dry-run", is_flag=True, help="Show the plan and the input counts; send nothing.")
@click.option("--rejects", metavar="FILE", help=_REJECTS_HELP)
@click.pass_obj
def add_command(
    ctx: CliContext, kind: str | None, values, *, file, everywhere, company, number080, reason, dry_run, rejects
) -> None:
    """Register values on an opt-out list (KIND: sms, email, 080 with --company, nhn-sms with --080,
    nhn-email), or with --everywhere on every list of their kind."""
    list_kind, values = _kind(kind, values, everywhere)
    extra = _number080(list_kind, number080, everywhere, "add")
    if list_kind is ListKind.N080 and not (company or "").strip():
        fail("adding an 080 number needs --company NAME (the company shown for it)", EXIT_USAGE)
    if company and (list_kind not in (ListKind.N080, None) or not company.strip()):
        fail("--company only applies to 080 numbers", EXIT_USAGE)
    if company:
        extra["company"] = company.strip()
    _change(
        ctx,
        "register",
        list_kind,
        values,
        file=file,
        reason=reason,
        dry_run=dry_run,
        yes=True,
        extra=extra,
        rejects=rejects,
        everywhere=everywhere,
    )


@click.command("remove")
@click.argument("kind", required=False, metavar="[KIND]")
@click.argument("values", nargs=-1)
@click.option("--file", "-f", "file", metavar="PATH|-", help=_FILE_HELP)
@click.option("--everywhere", is_flag=True, help=_EVERYWHERE_HELP)
@click.option("--080", "number080", metavar="NUMBER", help=_080_HELP)
@click.option(
    "--reason",
    default="",
    metavar="TEXT",
    help="Why: kept in the audit trail. Required: asked for on a terminal, else refused without it.",
)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--dry-run", is_flag=True, help="Show the plan and the input counts; send nothing.")
@click.option("--rejects", metavar="FILE", help=_REJECTS_HELP)
@click.pass_obj
def remove_command(
    ctx: CliContext, kind: str | None, values, *, file, everywhere, number080, reason, yes, dry_run, rejects
) -> None:
    """Remove values from an opt-out list (or with --everywhere from every list of their kind), with a reason,
    after confirmation (or --yes)."""
    list_kind, values = _kind(kind, values, everywhere)
    extra = _number080(list_kind, number080, everywhere, "remove")
    _change(
        ctx,
        "remove",
        list_kind,
        values,
        file=file,
        reason=reason,
        dry_run=dry_run,
        yes=yes,
        extra=extra,
        rejects=rejects,
        everywhere=everywhere,
    )


def register(group: click.Group) -> None:
    group.add_command(add_command)
    group.add_command(remove_command)
