"""Failures never crash the dashboard: auth errors offer credentials, network errors offer retry."""

from __future__ import annotations

import httpx
from textual.widgets import Button

from optout_tui.api.base import ListKind
from optout_tui.settings import Secrets
from optout_tui.ui.screens.credentials import CredentialsScreen
from optout_tui.ui.widgets.top_bar import TopBar

from .conftest import SIZE, fill, make_app, settle, status_text


def fail_next(server, **order) -> None:
    httpx.post(f"{server.base_url}/_emulator/fail-next", json=order).raise_for_status()


WRONG = Secrets(
    ncloud_access_key="WRONGACCESSKEY000001",
    ncloud_secret_key="wrong-secret-key-0000000000000000000000",
    nhn_user_access_key_id="WrongUserAccessKeyId",
    nhn_secret_access_key="wrong-nhn-secret",
)


async def test_an_auth_error_opens_the_credentials_screen_and_fixing_them_loads_the_list(emulator, tmp_path):
    from optout_tui.demo import demo_settings

    _, right = demo_settings(emulator)
    app = make_app(emulator, tmp_path, secrets=WRONG)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CredentialsScreen)
        screen = app.screen
        # the null keyring of the tests is unusable: the screen says so
        assert "unusable" in str(screen.query_one("#keyring-status").render())
        # the inputs are masked and never show the secret
        field = screen.query_one("#secret-ncloud_secret_key")
        assert field.password and right.ncloud_secret_key not in field.placeholder
        for name in ("ncloud_access_key", "ncloud_secret_key"):
            await fill(pilot, f"#secret-{name}", getattr(right, name), submit=False)
        screen.query_one("#test-sms", Button).press()
        await settle(pilot)
        assert screen.results[ListKind.SMS].startswith("✔ SMS: connected")
        screen.query_one("#test-080", Button).press()
        await settle(pilot)
        assert screen.results[ListKind.N080].startswith("✖ 080")
        screen.query_one("#save", Button).press()  # no usable keyring: refused, said plainly
        await settle(pilot)
        assert isinstance(app.screen, CredentialsScreen)
        assert "Nothing was saved" in str(screen.query_one("#keyring-status").render())
        screen.query_one("#session", Button).press()
        await settle(pilot)
        assert not isinstance(app.screen, CredentialsScreen)
        assert app.secrets.ncloud_access_key == right.ncloud_access_key
        assert app.active_pane.entry_list.row_count > 0
        assert "⚠" not in status_text(app)


async def test_the_list_says_what_an_auth_error_means(emulator, tmp_path):
    app = make_app(emulator, tmp_path, secrets=WRONG)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # close the credentials screen that opened by itself
        text = status_text(app)
        assert "⚠" in text and "credentials" in text


async def test_a_vendor_outage_offers_retry_and_r_retries(emulator, tmp_path):
    fail_next(emulator, count=2, status="503", route="sens")  # both tries of the first page
    app = make_app(emulator, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "r retries" in status_text(app)
        assert any("retry" in n.message for n in app._notifications)
        await pilot.press("r")
        await settle(pilot)
        assert "⚠" not in status_text(app)
        assert app.active_pane.entry_list.row_count > 0


async def test_an_unreachable_endpoint_says_check_the_network(emulator, tmp_path):
    app = make_app(emulator, tmp_path, profile_changes={"sens_url": "http://127.0.0.1:9"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = status_text(app)
        assert "network" in text and "r retries" in text
        await pilot.press("2")  # the other lists still work
        await settle(pilot)
        assert app.active_pane.entry_list.row_count > 0


async def test_first_run_without_settings_opens_credentials(emulator, tmp_path):
    from optout_tui.api.factory import build_lists
    from optout_tui.settings import Profile
    from optout_tui.ui.app import OptOutApp

    profile = Profile(name="new")
    app = OptOutApp(build_lists(profile, Secrets()), profile, lists_factory=build_lists, owns_lists=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CredentialsScreen)
        await pilot.press("escape")
        assert "not set up" in str(app.query_one(".problem").render())
        await pilot.press("l")
        await fill(pilot, "#lookup-value", "010-1234-5678")
        await settle(pilot)
        assert "press c" in str(app.screen.query_one("#answer").render())


async def test_the_palette_switches_to_another_profile(emulator, tmp_path, monkeypatch):
    from optout_tui.config import load_profile
    from optout_tui.credentials.stores import load_secrets
    from optout_tui.demo import demo_settings
    from optout_tui.ui.app import OptOutApp

    from .conftest import lists_factory

    demo, secrets = demo_settings(emulator)
    urls = "\n".join(
        f'{key} = "{getattr(demo, key)}"' for key in ("sens_url", "mailer_url", "hub_url", "nhn_oauth_url")
    )
    config = tmp_path / "config.toml"
    config.write_text(
        f'default_profile = "desk"\n[profiles.desk]\n{urls}\nsens_service_id = "{demo.sens_service_id}"\n'
        f'nhn_app_key = "{demo.nhn_app_key}"\nread_only = true\n'
        f'[profiles.admin]\n{urls}\nsens_service_id = "{demo.sens_service_id}"\nnhn_app_key = "{demo.nhn_app_key}"\n',
        encoding="utf-8",
    )
    for name, env in (
        ("ncloud_access_key", "NCLOUD_ACCESS_KEY"),
        ("ncloud_secret_key", "NCLOUD_SECRET_KEY"),
        ("nhn_user_access_key_id", "NHN_USER_ACCESS_KEY_ID"),
        ("nhn_secret_access_key", "NHN_SECRET_ACCESS_KEY"),
    ):
        monkeypatch.setenv(env, getattr(secrets, name))
    profile = load_profile(str(config))
    app = OptOutApp(
        lists_factory(profile, load_secrets(profile)),
        profile,
        lists_factory=lists_factory,
        owns_lists=True,
        config_path=str(config),
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.profile.name == "desk" and "READ-ONLY" in app.query_one(TopBar).badges
        await pilot.press("ctrl+p")
        await pilot.press(*"admin")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.profile.name == "admin" and not app.profile.read_only
        assert "profile: admin" in app.query_one(TopBar).render().plain
        assert "READ-ONLY" not in app.query_one(TopBar).badges
        assert app.active_pane.entry_list.row_count > 0
