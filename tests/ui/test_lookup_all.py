"""The quick lookup asks every configured list a value can be on and answers one line a list: found (with
what the list holds), not on it, or that list's error; a list that is down does not hide the others' answers.
An 080 number still answers from the Notification Hub's registry alone, with every field."""

from __future__ import annotations

import io
import socket
from contextlib import closing

from rich.console import Console

from optout_tui.api.base import ListKind
from optout_tui.bulk.everywhere import job_targets
from optout_tui.normalize import format_number

from .conftest import SIZE, fill, make_app, settle


def answer(app) -> list[str]:
    """The answer as it reads on a wide screen, line by line."""
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(app.screen.query_one("#answer").content)
    return [line.rstrip() for line in out.getvalue().splitlines()]


async def look_up(pilot, value: str) -> list[str]:
    await settle(pilot)
    await pilot.press("l")
    await fill(pilot, "#lookup-value", value)
    await settle(pilot)
    return answer(pilot.app)


async def test_a_mobile_number_is_answered_for_sens_and_each_080_number(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        entry = app.active_pane.entry_list.entry_at(2)
        targets = await job_targets(app.lists, [ListKind.SMS])
        on_one = targets[1]
        await on_one.lst.register([entry.number], **on_one.extra)
        lines = await look_up(pilot, f"+82 {entry.number[1:3]} {entry.number[3:7]} {entry.number[7:]}")
        shown = format_number(entry.number)
        assert lines[0] == f"{shown} is on 2 of the {len(targets)} opt-out lists it can be on"
        assert [line.split("  ")[0] for line in lines[1:]] == [
            f"{'✔' if t in (targets[0], on_one) else '✖'} {t.label}" for t in targets
        ]
        when = entry.registered_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        assert lines[1].endswith(f"OPTED OUT since {when} (source: {entry.source})")
        assert "OPTED OUT since" in lines[2]
        assert all(line.endswith("not on the opt-out list") for line in lines[3:])


async def test_a_list_that_is_down_says_so_on_its_line_and_the_other_still_answers(emulator, tmp_path):
    with closing(socket.socket()) as sock:  # bound, never listening: connections are refused
        sock.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{sock.getsockname()[1]}"
        app = make_app(emulator, tmp_path, profile_changes={"nhn_email_url": down})
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("2")
            await settle(pilot)
            address = app.active_pane.entry_list.current.address
            lines = await look_up(pilot, f"Someone <{address}>")
    assert lines[0] == f"{address} is on 1 of the 2 opt-out lists it can be on (1 could not answer)"
    assert lines[1].startswith("✔ Email") and "UNSUBSCRIBED since" in lines[1]
    assert lines[2].startswith("✖ NHN Email") and "error: " in lines[2]
    assert "Traceback" not in "\n".join(lines)


async def test_an_address_on_no_list_is_answered_by_both_lists(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        lines = await look_up(pilot, "  Nobody.Here@Example.COM ")
    assert lines == [
        "Nobody.Here@example.com is on 0 of the 2 opt-out lists it can be on",  # as typed, the domain in lower case
        "✖ Email      not on the opt-out list",
        "✖ NHN Email  not on the opt-out list",
    ]


async def test_an_080_number_is_answered_from_the_hub_with_every_field(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        entry = app.active_pane.entry_list.current
        text = "\n".join(await look_up(pilot, entry.number))
    assert text.startswith("✔ on the 080 opt-out list")
    for label in ("Company", "Provider", "Share status", "Can deregister"):
        assert label in text
    assert entry.company in text
