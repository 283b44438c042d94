"""Lookup, detail and copy, register, deregister, export, help, keys and the command palette."""

from __future__ import annotations

import csv
import io
import json

from rich.console import Console
from textual.widgets import TextArea

from optout_tui.api.base import ListKind
from optout_tui.ui.screens.deregister import DeregisterScreen
from optout_tui.ui.screens.detail import DetailScreen
from optout_tui.ui.screens.help import HelpScreen
from optout_tui.ui.screens.lookup import LookupScreen
from optout_tui.ui.screens.register import RegisterScreen
from optout_tui.ui.widgets.job_panel import JobPanel
from optout_tui.ui.widgets.top_bar import TopBar

from .conftest import EMAIL_COUNT, SIZE, SMS_COUNT, fill, make_app, settle


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


def answer(app) -> str:
    shown = io.StringIO()  # a line a list: a table
    Console(file=shown, width=200).print(app.screen.query_one("#answer").content)
    return shown.getvalue()


# ---------------------------------------------------------------- lookup


async def test_lookup_finds_a_number_typed_in_any_form(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        entry = app.active_pane.entry_list.entry_at(3)
        await pilot.press("3")  # from another tab: lookup works anywhere
        await pilot.press("l")
        assert isinstance(app.screen, LookupScreen)
        await fill(pilot, "#lookup-value", f"+82-{entry.number[1:3]}-{entry.number[3:7]}-{entry.number[7:]}")
        await settle(pilot)
        text = answer(app)
        assert "✔ SMS " in text
        assert entry.source in text
        assert entry.registered_at.astimezone().strftime("%Y-%m-%d %H:%M:%S") in text
        await pilot.press("escape")
        assert not isinstance(app.screen, LookupScreen)


async def test_lookup_of_an_address_that_is_not_listed_says_so(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await fill(pilot, "#lookup-value", "  Nobody.Here@Example.COM ")
        await settle(pilot)
        assert "is on 0 of the 2 opt-out lists" in answer(app) and "✖ Email " in answer(app)


async def test_lookup_of_nonsense_says_why_without_asking(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await fill(pilot, "#lookup-value", "12-34")
        await settle(pilot)
        assert answer(app).startswith("✖")


# ---------------------------------------------------------------- detail and copy


async def test_enter_shows_every_080_field_and_y_copies(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        entry = app.active_pane.entry_list.current
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        shown = str(app.screen.query_one("#fields").render())
        for label in ("Company", "Provider", "Share status", "Terminable", "Requested", "Started", "Deleted"):
            assert label in shown
        assert entry.company in shown
        await pilot.press("y")
        assert app.clipboard == entry.number
        await pilot.press("escape")
        await pilot.press("down", "y")
        assert app.clipboard == app.active_pane.entry_list.current.number


# ---------------------------------------------------------------- register


async def test_register_previews_then_sends_and_the_new_rows_appear(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        assert isinstance(app.screen, RegisterScreen)
        app.screen.query_one("#everywhere").value = False  # the SMS list alone, not every list of mobile numbers
        app.screen.query_one(TextArea).insert("010-0000-1111\n01000001112\nnot a number\n010 0000 1111\n")
        await pilot.pause(0.3)
        await settle(pilot)
        preview = app.screen.preview
        assert (preview.ok, preview.invalid, preview.duplicate) == (2, 1, 1)
        counts = str(app.screen.query_one("#preview-counts").render())
        assert "2 to send" in counts and "1 invalid" in counts and "1 duplicate" in counts
        await pilot.press("ctrl+s")
        await settle(pilot)
        job = app.screen.query_one(JobPanel)
        assert job.result is not None and job.result.done == 2 and job.result.failed == 0
        assert "2 registered" in str(job.query_one("#job-result").render())
        await pilot.press("escape")
        await settle(pilot)
        lst = app.lists.sms
        assert await lst.lookup("01000001111") is not None
        # the list was reloaded: the newest rows (ours) are at the top
        top = {app.active_pane.entry_list.entry_at(i).number for i in range(2)}
        assert top == {"01000001111", "01000001112"}


async def test_register_reads_a_file_and_080_needs_a_company(emulator, tmp_path):
    values = tmp_path / "numbers.csv"
    values.write_text("number,note\n080-765-0001,a\n0807650002,b\n", encoding="utf-8")
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("a")
        await fill(pilot, "#file-path", str(values))
        await settle(pilot)
        assert app.screen.preview.ok == 2
        await pilot.press("ctrl+s")
        assert "company name" in " ".join(notifications(app))
        await fill(pilot, "#company", "Demo Shop", submit=False)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.query_one(JobPanel).result.done == 2
        entry = await app.lists.n080.lookup("0807650001")
        assert entry is not None and entry.company == "Demo Shop"


async def test_register_of_a_missing_file_says_so(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await fill(pilot, "#file-path", str(tmp_path / "nope.txt"))
        await settle(pilot)
        assert "cannot read" in str(app.screen.query_one("#preview-counts").render())


async def test_a_read_only_profile_refuses_changes(emulator, tmp_path):
    app = make_app(emulator, tmp_path, profile_changes={"read_only": True})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        assert not isinstance(app.screen, RegisterScreen)
        await pilot.press("d")
        assert not isinstance(app.screen, DeregisterScreen)
        assert any("read-only" in message for message in notifications(app))
        assert "READ-ONLY" in app.query_one(TopBar).render().plain


# ---------------------------------------------------------------- deregister


async def test_deregister_marked_rows_after_confirming_with_a_reason(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        entry_list = app.active_pane.entry_list
        gone = [entry_list.entry_at(0).number, entry_list.entry_at(1).number]
        await pilot.press("space", "space", "d")
        assert isinstance(app.screen, DeregisterScreen)
        app.screen.query_one("#everywhere").value = False  # the SMS list alone, not every list of mobile numbers
        await pilot.pause()
        title = str(app.screen.query_one("Label").render())
        assert "Deregister 2 values from the SMS opt-out list?" in title
        await pilot.press("enter")  # no reason yet: refused
        assert app.screen.query_one(JobPanel).display is False
        await fill(pilot, "#reason", "ticket 4711")
        await settle(pilot)
        result = app.screen.query_one(JobPanel).result
        assert result.done == 2
        await pilot.press("escape")
        await settle(pilot)
        for number in gone:
            assert await app.lists.sms.lookup(number) is None
        assert not entry_list.marked


async def test_deregister_can_be_cancelled_before_anything_is_sent(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = app.active_pane.entry_list.current.number
        await pilot.press("delete")
        assert isinstance(app.screen, DeregisterScreen)
        assert "1 value" in str(app.screen.query_one("Label").render())
        await pilot.press("escape")
        assert await app.lists.sms.lookup(number) is not None


async def test_080_internal_numbers_say_why_they_cannot_be_deregistered(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        entry_list = app.active_pane.entry_list
        row = next(i for i, e in enumerate(entry_list.cached_entries()) if not e.can_deregister[0])
        entry_list.cursor = row
        await pilot.press("d")
        assert not isinstance(app.screen, DeregisterScreen)
        why = entry_list.current.can_deregister[1]
        assert any(why in message for message in notifications(app))


# ---------------------------------------------------------------- export


async def test_export_writes_every_page_of_the_view_to_csv(emulator, tmp_path):
    target = tmp_path / "sms.csv"
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await fill(pilot, "#export-path", str(target))
        await settle(pilot)
        assert "written" in str(app.screen.query_one("#export-status").render())
    with target.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == SMS_COUNT
    assert set(rows[0]) == {"number", "registered_at", "source"}


async def test_export_of_a_filtered_email_view_to_json(emulator, tmp_path):
    target = tmp_path / "admins.json"
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        app.active_pane.query_one("#source").value = "admin"
        await settle(pilot)
        expected = app.active_pane.entry_list.row_count
        await pilot.press("e")
        await fill(pilot, "#export-path", str(target))
        await settle(pilot)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert len(data) == expected < EMAIL_COUNT
    assert all(item["registered_by"] == "admin" for item in data)


# ---------------------------------------------------------------- help, keys, palette


async def test_help_lists_every_key_with_its_id(emulator, tmp_path):
    from optout_tui.ui.keys import all_keys

    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        infos = all_keys(app)
        ids = {info.binding_id for info in infos}
        assert {"app.lookup", "app.register", "app.deregister", "app.export", "list.search", "tab.sms"} <= ids
        assert all(info.binding_id for info in infos), "every binding has an id"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_keys_can_be_remapped_by_binding_id(emulator, tmp_path):
    from optout_tui.ui.keys import all_keys

    app = make_app(emulator, tmp_path, keymap={"app.lookup": "ctrl+l"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        assert not isinstance(app.screen, LookupScreen)
        await pilot.press("ctrl+l")
        assert isinstance(app.screen, LookupScreen)
        shown = next(info for info in all_keys(app) if info.binding_id == "app.lookup")
        assert shown.keys == "^l"


async def test_the_command_palette_offers_the_actions(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"lookup")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)


async def palette(screen) -> dict:
    """What the dashboard's palette offers over `screen`, by name."""
    from optout_tui.ui.commands import DashboardCommands

    provider = DashboardCommands(screen)
    await provider.startup()
    return {hit.text: hit async for hit in provider.discover()}


async def test_the_palette_is_the_bindings_with_their_keys(emulator, tmp_path):
    from textual.binding import Binding

    from optout_tui.ui.app import OptOutApp

    app = make_app(emulator, tmp_path, keymap={"app.lookup": "ctrl+l"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        offered = await palette(app.screen)
        app_bindings = [b for b in OptOutApp.BINDINGS if isinstance(b, Binding)]
        assert {b.tooltip or b.description for b in app_bindings} <= set(offered)
        assert offered["Lookup"].help == "press ^l" and offered["Deregister"].help == "press d / del"  # keys in force
        assert {"Search", "Dates", "Retry", "Mark"} <= set(offered)  # the focused list's own
        await offered["Search"].command()  # run on the list's pane, where its binding lives
        await pilot.pause()
        assert app.focused.id == "search"


async def test_list_actions_are_off_while_another_view_covers_the_lists(emulator, tmp_path):
    from optout_tui.ui.screens.jobs import JobsScreen

    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.check_action("register", ()) and app.check_action("show_tab", ("tab-email",))
        await pilot.press("J")
        await settle(pilot)
        assert isinstance(app.screen, JobsScreen)
        assert not app.check_action("register", ()) and not app.check_action("show_tab", ("tab-email",))
        assert app.check_action("lookup", ())
        assert await app.run_action("register") is False and await app.run_action("show_tab('tab-email')") is False
        assert isinstance(app.screen, JobsScreen) and app.active_pane.kind is ListKind.SMS
        offered = await palette(app.screen)
        assert "Register" not in offered and "Show the Email list" not in offered
        assert {"Lookup", "Audit trail of every change, export", "Resume"} <= set(offered)
        await pilot.press("escape")
        assert not isinstance(app.screen, JobsScreen)
        assert app.check_action("register", ())


async def test_single_keys_type_into_inputs_instead_of_firing(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "l", "a", "d", "2")
        assert app.active_pane.kind is ListKind.SMS
        assert app.focused.value == "lad2"
        assert not app.screen_stack[1:]


def test_the_config_knows_every_binding_id_and_no_other():
    import importlib
    import inspect
    import pkgutil

    from textual.binding import Binding

    import optout_tui.ui
    from optout_tui.config import KEY_IDS

    ids = set()
    for module in pkgutil.walk_packages(optout_tui.ui.__path__, "optout_tui.ui."):
        for _, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if cls.__module__.startswith("optout_tui."):
                ids |= {b.id for b in getattr(cls, "BINDINGS", []) if isinstance(b, Binding) and b.id}
    assert ids == KEY_IDS
