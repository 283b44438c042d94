"""The Register and Deregister forms' "every list of this kind": on at first where a kind has several lists,
one job to every list of the kind with each list's outcome (checked against the emulator by each list's own
lookup), and NHN SMS without it needing its 080 number."""

from __future__ import annotations

import httpx
from textual.widgets import Checkbox, Select, TextArea

from optout_tui.api.base import ListFilter, ListKind
from optout_tui.bulk.everywhere import job_targets, lookup_everywhere
from optout_tui.ui.screens.confirm import ConfirmScreen
from optout_tui.ui.screens.deregister import DeregisterScreen
from optout_tui.ui.screens.register import ListsChoice, RegisterScreen
from optout_tui.ui.widgets.job_panel import JobPanel

from .conftest import SIZE, fill, make_app, settle


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


def rendered(widget) -> str:
    return str(widget.render())


async def open_register(pilot, text: str, lst=None) -> RegisterScreen:
    """The Register form of the tab shown, or of `lst`, with `text` typed and previewed."""
    app = pilot.app
    await settle(pilot)
    if lst is None:
        await pilot.press("a")
    else:
        await app.push_screen(RegisterScreen(lst, app.profile, lists=app.lists, **app.bulk_options))
    await settle(pilot)
    app.screen.query_one(TextArea).insert(text)
    await pilot.pause(0.3)  # the preview waits for typing to pause
    await settle(pilot)
    assert isinstance(app.screen, RegisterScreen)
    return app.screen


async def test_every_list_of_the_kind_is_on_where_the_kind_has_several_lists(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_register(pilot, "")
        choice = screen.query_one(ListsChoice)
        assert choice.display and choice.everywhere  # SMS: SENS and NHN SMS
        labels = [target.label for target in await job_targets(app.lists, [ListKind.SMS])]
        assert labels[0] == "SMS" and len(labels) > 2 and all(label.startswith("NHN SMS 080-") for label in labels[1:])
        assert rendered(screen.query_one("#lists-named")) == "→ " + ", ".join(labels[:-1]) + f" and {labels[-1]}"
        assert "Register on every list of this kind" in rendered(screen.query_one("#title"))
        screen.query_one(Checkbox).value = False
        await pilot.pause()
        assert "Register on the SMS opt-out list" in rendered(screen.query_one("#title"))
        assert not screen.query_one("#lists-named").display
        await pilot.press("escape")
        await pilot.press("3")  # 080 numbers: the Hub's registry only
        screen = await open_register(pilot, "")
        assert not screen.query_one(ListsChoice).display and not screen.query_one(ListsChoice).everywhere


async def test_with_one_list_of_a_kind_the_form_sends_to_that_list_alone(emulator, tmp_path):
    app = make_app(emulator, tmp_path, profile_changes={"nhn_sms_app_key": "", "nhn_email_app_key": ""})
    async with app.run_test(size=SIZE) as pilot:
        assert app.lists.nhn_sms is None and app.lists.nhn_email is None
        screen = await open_register(pilot, "010-7100-0001\n")
        assert not screen.query_one(ListsChoice).display and not screen.query_one(ListsChoice).everywhere
        assert "Register on the SMS opt-out list" in rendered(screen.query_one("#title"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        result = screen.query_one(JobPanel).result
        assert result.done == 1 and result.per_list == []
        assert await app.lists.sms.lookup("01071000001") is not None


async def test_an_everywhere_registration_is_one_job_with_each_lists_outcome(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        targets = await job_targets(app.lists, [ListKind.SMS])
        already = targets[2]  # one 080 number has the first value already
        await already.lst.register(["01071000011"], **already.extra)
        screen = await open_register(pilot, "010-7100-0011\nnot a number\n+82 10 7100 0012\n010 7100 0011\n")
        await pilot.press("ctrl+s")  # 2 values: a handful, sent without a question
        await settle(pilot)
        panel = screen.query_one(JobPanel)
        result = panel.result
        assert [label for label, _ in result.per_list] == [target.label for target in targets]
        for target, (label, counts) in zip(targets, result.per_list, strict=True):
            want = {"registered": 1, "already": 1} if target is already else {"registered": 2}
            assert counts == want, label
        shown = rendered(panel.query_one("#job-result"))
        assert f"\n  {already.label}: registered 1, already 1, invalid 0, failed 0" in shown
        assert "\n  SMS: registered 2, already 0, invalid 0, failed 0" in shown
        assert f"over {len(targets)} lists" in rendered(panel.query_one("#job-progress"))
        assert panel.query_one("#job-refused").display  # the invalid line and the repeat, listed
        assert "2 input lines not sent" in rendered(panel.query_one("#refused-title"))
        for value in ("01071000011", "01071000012"):
            answers = await lookup_everywhere(app.lists, ListKind.SMS, value)
            assert [a.target.label for a in answers if a.entry is not None] == [t.label for t in targets]


async def test_the_question_before_sending_more_than_a_handful_names_every_list(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        labels = [target.label for target in await job_targets(app.lists, [ListKind.SMS])]
        await open_register(pilot, "".join(f"010-7100-{i:04d}\n" for i in range(100, 106)))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        asked = rendered(app.screen.query_one("#confirm-question"))
        names = ", ".join(labels[:-1]) + f" and {labels[-1]}"
        assert asked == f"Register 6 values on {names} of profile 'demo'?"
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.query_one(JobPanel).result is None


async def test_nhn_sms_without_every_list_needs_the_080_number_and_sends_to_it_alone(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_register(pilot, "010-7100-0021\n", lst=app.lists.nhn_sms)
        assert screen.query_one(ListsChoice).everywhere  # SENS is configured too
        screen.query_one(Checkbox).value = False
        await pilot.pause()
        select = screen.query_one(Select)
        assert select.display and select.is_blank()
        await pilot.press("ctrl+s")
        assert notifications(app)[-1] == "to register on NHN SMS, choose the 080 number (or every list of this kind)"
        assert not screen.query_one(JobPanel).display  # nothing was sent
        targets = await job_targets(app.lists, [ListKind.NHN_SMS])
        chosen, other = targets[1:3]  # two of the company's 080 numbers (the first target is SENS)
        select.value = chosen.sublist
        await pilot.press("ctrl+s")
        await settle(pilot)
        result = screen.query_one(JobPanel).result
        assert result.done == 1 and result.per_list == []
        assert await app.lists.nhn_sms.lookup("01071000021", chosen.sublist) is not None
        assert await app.lists.nhn_sms.lookup("01071000021", other.sublist) is None
        assert await app.lists.sms.lookup("01071000021") is None


async def test_deregistering_nhn_sms_rows_of_one_080_number_removes_them_there_alone(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        targets = await job_targets(app.lists, [ListKind.NHN_SMS])
        first, second = targets[1:3]  # the first two 080 numbers share some recipients
        page = await app.lists.nhn_sms.fetch_page(ListFilter(number080=second.sublist), 0)
        shared = []
        for entry in page.entries:
            if await app.lists.nhn_sms.lookup(entry.value, first.sublist) is not None:
                shared = [entry]
                break
        assert shared and shared[0].number080 == second.sublist
        screen = DeregisterScreen(app.lists.nhn_sms, app.profile, shared, lists=app.lists, **app.bulk_options)
        await app.push_screen(screen)
        await settle(pilot)
        screen.query_one(Checkbox).value = False
        await pilot.pause()
        assert screen.query_one(Select).value == second.sublist  # the number the rows are on
        assert "Deregister 1 value from the NHN SMS opt-out list?" in rendered(screen.query_one("#title"))
        await fill(pilot, "#reason", "ticket 7101")
        await settle(pilot)
        assert screen.query_one(JobPanel).result.done == 1
        value = shared[0].value
        assert await app.lists.nhn_sms.lookup(value, second.sublist) is None
        assert await app.lists.nhn_sms.lookup(value, first.sublist) is not None


async def test_deregistering_everywhere_removes_from_every_list_of_the_kind(emulator, tmp_path):
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        address = app.active_pane.entry_list.current.value
        await app.lists.nhn_email.register([address])
        await pilot.press("d")
        assert isinstance(app.screen, DeregisterScreen)
        await settle(pilot)
        assert "Deregister 1 value from every list of this kind?" in rendered(app.screen.query_one("#title"))
        assert rendered(app.screen.query_one("#lists-named")) == "→ Email and NHN Email"
        await fill(pilot, "#reason", "ticket 7102")
        await settle(pilot)
        result = app.screen.query_one(JobPanel).result
        assert result.per_list == [("Email", {"removed": 1}), ("NHN Email", {"removed": 1})]
        answers = await lookup_everywhere(app.lists, ListKind.EMAIL, address)
        assert [(a.target.label, a.entry, a.error) for a in answers] == [
            ("Email", None, None),
            ("NHN Email", None, None),
        ]


async def test_a_list_that_stops_part_way_is_shown_with_its_counts(emulator, tmp_path):
    """The Mailer refuses the credentials once: the job goes on for NHN Email and stops for the Mailer alone."""
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        screen = await open_register(pilot, "stop1@ex.kr\nstop2@ex.kr\n")
        fault = {"count": 1, "status": "401", "route": "mailer"}
        async with httpx.AsyncClient() as client:
            (await client.post(f"{emulator.base_url}/_emulator/fail-next", json=fault)).raise_for_status()
        await pilot.press("ctrl+s")
        await settle(pilot)
        result = screen.query_one(JobPanel).result
        assert result.per_list[0][0] == "Email" and result.per_list[0][1].get("pending") == 2
        assert result.per_list[1] == ("NHN Email", {"registered": 2})
        shown = rendered(screen.query_one("#job-result"))
        assert "\n  Email: registered 0, already 0, invalid 0, failed 0, not sent 2" in shown
        assert "\n  NHN Email: registered 2, already 0, invalid 0, failed 0" in shown
        assert f"not sent (resume the job {result.job_id})" in shown
        answers = await lookup_everywhere(app.lists, ListKind.EMAIL, "stop1@ex.kr")
        assert [a.entry is not None for a in answers] == [False, True]
