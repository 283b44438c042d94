"""`optout-tui list sms|email|080|nhn-sms|nhn-email`: stream a whole list (or a filtered part) in constant memory."""

from __future__ import annotations

from contextlib import aclosing

import click

from ..output import FORMATS
from .common import CliContext, date_range, fail, run, stdout_for, stdout_gone

KINDS = ["sms", "email", "080", "nhn-sms", "nhn-email"]


@click.command("list")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--since", help="Registered on or after: 2026-01-31, '2026-01-31 14:00', or 7d / 2w / 3m.")
@click.option("--until", help="Registered on or before (a bare date includes that whole day).")
@click.option(
    "--search", help="Exact number or address (nhn-sms: the recipient); 080: prefix match (_ = any one digit)."
)
@click.option("--080", "number080", metavar="NUMBER", help="nhn-sms only: the company's 080 number to list.")
@click.option("--by", "by", type=click.Choice(["admin", "recipient"]), help="Email only: who registered it.")
@click.option("--oldest-first", is_flag=True, help="Email only: oldest first (default newest first).")
@click.option("--limit", type=click.IntRange(min=1), help="Stop after N entries.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.pass_obj
def list_command(ctx: CliContext, kind: str, *, since, until, search, number080, by, oldest_first, limit, fmt) -> None:
    """List the entries of one opt-out list, page by page as they arrive."""
    from ..api.base import ListFilter, ListKind
    from ..normalize import Rejected, normalize_080, normalize_for

    list_kind = ListKind(kind)
    since_at, until_at = date_range(since, until)
    if number080 is not None:
        if list_kind is not ListKind.NHN_SMS:
            fail("--080 only applies to nhn-sms (the 080 number whose recipients to list)")
        norm = normalize_080(number080)
        if isinstance(norm, Rejected):
            fail(f"--080 {number080!r}: {norm.reason}")
        number080 = norm.value
    if search and list_kind is not ListKind.N080:
        norm = normalize_for(list_kind, search)
        if isinstance(norm, Rejected):
            fail(f"--search {search!r}: {norm.reason}")
        search = norm.value
    elif search:
        from ..api.numbers080 import search_fragment

        try:
            search = search_fragment(search)
        except ValueError as exc:
            fail(f"--search: {exc}")
    flt = ListFilter(
        since=since_at,
        until=until_at,
        search=search,
        by_admin=None if by is None else by == "admin",
        newest_first=not oldest_first,
        number080=number080,
    )
    count = run(lambda: _stream(ctx, list_kind, flt, limit, fmt), ctx)
    if fmt == "table":
        click.echo(f"{count} entr{'y' if count == 1 else 'ies'}", err=True)


async def _stream(ctx: CliContext, kind, flt, limit, fmt) -> int:
    from ..api.factory import require
    from ..records import EntryWriter

    out = stdout_for(fmt)
    async with ctx.lists() as lists:
        lst = require(lists, kind)
        try:
            writer = EntryWriter(out, kind, fmt)
            async for page in _pages_up_to(lst, flt, limit):
                writer.write(page)
            writer.close()
        except BrokenPipeError:  # `| head`
            stdout_gone()
    return writer.count


async def _pages_up_to(lst, flt, limit):
    """The entries page by page, cut at `limit`."""
    left = limit
    async with aclosing(lst.pages(flt)) as pages:  # closed here when cut short, its requests with it
        async for page in pages:
            entries = page.entries if left is None else page.entries[:left]
            if entries:
                yield entries
            if left is not None:
                left -= len(entries)
                if left <= 0:
                    return


def register(group: click.Group) -> None:
    group.add_command(list_command)
