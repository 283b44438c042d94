"""`optout-tui lookup VALUE...`: is this number or address on its opt-out list?"""

from __future__ import annotations

import json as jsonlib

import click

from .common import EXIT_API, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, CliContext, run


@click.command()
@click.argument("values", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array of results.")
@click.pass_obj
def lookup(ctx: CliContext, values: tuple[str, ...], as_json: bool) -> None:
    """Look up phone numbers (mobile or 080) and email addresses, each on its own list.

    Exit 0 when all were found, 1 when any was not, 2 for bad input or settings, 3 for an API error.
    """
    from ..printable import printable

    results = run(lambda: _lookup_all(ctx, values), ctx)
    if as_json:
        click.echo(jsonlib.dumps(results, ensure_ascii=False, indent=2))
    else:
        for result in results:
            click.echo(printable(_line(result)))
    outcomes = {r["result"] for r in results}
    if "error" in outcomes:
        raise SystemExit(EXIT_API)
    if outcomes & {"invalid", "unavailable"}:
        raise SystemExit(EXIT_USAGE)
    raise SystemExit(EXIT_PARTIAL if "not_found" in outcomes else EXIT_OK)


async def _lookup_all(ctx: CliContext, values: tuple[str, ...]) -> list[dict]:
    import asyncio

    from ..api.errors import ApiError
    from ..normalize import Rejected, classify
    from ..records import as_record

    classified = [(raw, classify(raw)) for raw in values]
    results: list[dict] = []
    async with ctx.lists() as lists:
        limit = asyncio.Semaphore(8)

        async def one(raw: str, norm) -> dict:
            if isinstance(norm, Rejected):
                return {"input": raw, "result": "invalid", "reason": norm.reason}
            base = {"input": raw, "list": norm.kind.value, "value": norm.value}
            lst = lists.get(norm.kind)
            if lst is None:
                return {**base, "result": "unavailable", "reason": ctx.in_mode(lists.problems.get(norm.kind, ""))}
            try:
                async with limit:
                    entry = await lst.lookup(norm.value)
            except ApiError as exc:
                return {**base, "result": "error", "reason": exc.line}
            if entry is None:
                return {**base, "result": "not_found"}
            return {**base, "result": "found", "entry": as_record(entry)}

        results = list(await asyncio.gather(*(one(raw, norm) for raw, norm in classified)))
    return results


def _line(result: dict) -> str:
    from ..normalize import format_number
    from ..times import local, parse_vendor_time

    kind = result.get("list", "?")
    shown = result.get("value", result["input"])
    if kind in ("sms", "080"):
        shown = format_number(shown)
    head = f"{kind:<5} {shown:<28}"
    outcome = result["result"]
    if outcome == "invalid":
        return f"{'?':<5} {result['input']!r:<28} invalid: {result['reason']}"
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
    return (
        f"{head} REGISTERED 080 number: {entry['company']}, {entry['status']}, "
        f"{entry['provider']}, {entry['share_status']}"
    )


def register(group: click.Group) -> None:
    group.add_command(lookup)
