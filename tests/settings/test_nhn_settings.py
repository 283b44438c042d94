"""The NHN Cloud SMS and Email lists' settings: what a profile without them is told, and the demo's."""

from __future__ import annotations

from optout_tui.api.base import ListFilter, ListKind
from optout_tui.api.factory import build_lists
from optout_tui.demo import demo_settings
from optout_tui.emulator import DEMO, EmulatorConfig, EmulatorServer
from optout_tui.settings import Profile, Secrets


async def test_a_profile_without_them_names_what_to_set():
    lists = build_lists(Profile(nhn_email_app_key="EMAILAPPKEY"), Secrets(nhn_sms_secret_key="Ab3dEf9h"))
    assert lists.get(ListKind.NHN_SMS) is None and lists.get(ListKind.NHN_EMAIL) is None
    assert lists.problems[ListKind.NHN_SMS] == (
        "NHN SMS list is not set up: missing NHN_SMS_APP_KEY (nhn_sms_app_key: NHN_SMS_APP_KEY or nhn_sms_app_key"
        " in the profile)"
    )
    assert lists.problems[ListKind.NHN_EMAIL].startswith("NHN Email list is not set up: missing NHN_EMAIL_SECRET_KEY")
    await lists.aclose()


async def test_the_demo_sets_up_all_five_lists_and_keeps_the_new_secrets_masked():
    with EmulatorServer(EmulatorConfig(sms_count=20, email_count=10)) as server:
        profile, secrets = demo_settings(server)
        assert (profile.nhn_sms_url, profile.nhn_email_url) == (server.base_url, server.base_url)
        lists = build_lists(profile, secrets)
        try:
            assert [lst.kind for lst in lists.available()] == list(ListKind) and not lists.problems
            for kind in (ListKind.NHN_SMS, ListKind.NHN_EMAIL):  # the emulator takes the demo's keys
                assert (await lists.get(kind).fetch_page(ListFilter(), 0)).entries
        finally:
            await lists.aclose()
    shown = repr(secrets)
    assert DEMO.nhn_sms_secret_key not in shown and DEMO.nhn_email_secret_key not in shown
    assert DEMO.nhn_sms_secret_key not in repr(DEMO) and DEMO.nhn_email_secret_key not in repr(DEMO)
