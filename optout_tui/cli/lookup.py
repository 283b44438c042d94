"""`optout-tui lookup VALUE...`: is this number or address on the opt-out lists it can be on?"""

from __future__ import annotations

import json as jsonlib
from typing import Any

import click

from ..kinds import ListKind
from .common import EXIT_API, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, CliContext, run


@click.command()
@click.argument("values", nargs=-1, required=True)
@click.option(
    "--list",
    "only",
    type=click.Choice([kind.value for kind in ListKind]),
    help="Ask this list only (its kind of value), not every list the value can be on.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON array of results.")
@click.pass_obj
def lookup(ctx: CliContext, values: tuple[str, ...], only: str | None, as_json: bool) -> None:
    """Look up phone numbers (mobile or 080) and email addresses on every configured list each can be on,
    the lists asked at once: one line a list (a mobile number: SENS and each of the company's NHN 080
    numbers; an address: the Mailer and NHN Email; an 080 number: the Notification Hub).

    Exit 0 when every value is on at least one of its lists, 1 when some value is on none of them, 2 for bad
    input or settings, 3 when some value was found on none of its lists and one of them could not answer.
    """
    from ..printable import printable

    per_input = run(lambda: _lookup_all(ctx, values, ListKind(only) if only else None), ctx)
    results = [result for results in per_input for result in results]
    if as_json:
        click.echo(jsonlib.dumps(results, ensure_ascii=False, indent=2))
    else:
        width = max(5, *(len(_list_shown(r)) for r in results))
        for result in results:
            click.echo(printable(_line(result, width)))
    # Each input's verdict over its lists: found on one is found; else a list that failed makes it an error.
    verdicts = {
        "found" if "found" in seen else "error" if "error" in seen else seen.pop()
        for seen in ({r["result"] for r in results} for results in per_input)
    }
    if "error" in verdicts:
        raise SystemExit(EXIT_API)
    if verdicts & {"invalid", "unavailable"}:
        raise SystemExit(EXIT_USAGE)
    raise SystemExit(EXIT_PARTIAL if "not_found" in verdicts else EXIT_OK)


async def _lookup_all(ctx: CliContext, values: tuple[str, ...], only: ListKind | None) -> list[list[dict]]:
    """For each input, one result a list."""
    import asyncio

    from ..bulk.everywhere import lookup_everywhere
    from ..normalize import Rejected, classify, normalize_for, value_kind
    from ..records import as_record

    async with ctx.lists() as lists:
        limit = asyncio.Semaphore(8)

        async def one(raw: str) -> list[dict]:
            norm = classify(raw) if only is None else normalize_for(only, raw)
            if isinstance(norm, Rejected):
                return [{"input": raw, "result": "invalid", "reason": norm.reason}]
            async with limit:
                answers = await lookup_everywhere(lists, norm.kind, norm.value, only=only)
            if not answers:  # no list for such a value is set up: why the main one is not
                kind = only or value_kind(norm.kind)
                reason = ctx.in_mode(lists.problems.get(kind, f"the {kind.label} list is not set up"))
                return [
                    {"input": raw, "list": kind.value, "value": norm.value, "result": "unavailable", "reason": reason}
                ]
            out = []
            for answer in answers:
                base: dict[str, Any] = {"input": raw, "list": answer.target.name, "value": norm.value}
                if answer.error is not None:
                    out.append({**base, "result": "error", "reason": answer.error.line})
                elif answer.entry is None:
                    out.append({**base, "result": "not_found"})
                else:
                    out.append({**base, "result": "found", "entry": as_record(answer.entry)})
            return out

        return list(await asyncio.gather(*map(one, values)))


def _list_shown(result: dict) -> str:
    from ..normalize import format_number

    kind, _, number = result.get("list", "?").partition(" ")
    return f"{kind} {format_number(number)}" if number else kind


def _line(result: dict, width: int = 5) -> str:
    from ..normalize import format_number
    from ..times import local, parse_vendor_time

    kind = result.get("list", "?").partition(" ")[0]
    shown = result.get("value", result["input"])
    if kind in ("sms", "080", "nhn-sms"):
        shown = format_number(shown)
    head = f"{_list_shown(result):<{width}} {shown:<28}"
    outcome = result["result"]
    if outcome == "invalid":
        return f"{'?':<{width}} {result['input']!r:<28} invalid: {result['reason']}"
    if outcome in ("unavailable", "error"):
        return f"{head} {outcome}: {result['reason']}"
    if outcome == "not_found":
        return f"{head} not on the opt-out list"
    entry = result["entry"]
    if kind == "sms":
        when = local(parse_vendor_time(entry["registered_at"]))
        return f"{head} OPTED OUT since {when} (source: {entry['source']})"
    if kind == "email":
        when = local(parse_vendor_time(entry["blocked_at"]))
        return f"{head} UNSUBSCRIBED since {when} (by {entry['registered_by']})"
    if kind in ("nhn-sms", "nhn-email"):
        stamp = entry.get("requested_at") or entry.get("blocked_at")
        since = f" since {local(parse_vendor_time(stamp))}" if stamp else ""
        return f"{head} {'OPTED OUT' if kind == 'nhn-sms' else 'UNSUBSCRIBED'}{since}"
    return (
        f"{head} REGISTERED 080 number: {entry['company']}, {entry['status']}, "
        f"{entry['provider']}, {entry['share_status']}"
    )


def register(group: click.Group) -> None:
    group.add_command(lookup)
