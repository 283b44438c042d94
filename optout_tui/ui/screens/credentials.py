"""Credentials (`c`; by itself on first run or after an auth error): masked inputs, a connection test
per vendor (one list request), and save to the OS keyring, or for this session only when there is no
usable keyring (said plainly). Keyring calls run off the event loop (`asyncio.to_thread`), with their timeout.
"""

from __future__ import annotations

import asyncio
from dataclasses import fields, replace
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ...api.base import ListFilter, ListKind
from ...api.errors import ApiError
from ...credentials.redaction import mask
from ...settings import SECRET_ENV, SECRET_LABELS, ConfigError, Profile, Secrets

TEST_TIMEOUT_S = 15.0
PROFILE_SETTINGS = {
    "sens_service_id": "SENS service id (ncp:sms:kr:…)",
    "nhn_app_key": "NHN Cloud Notification Hub app key",
    "nhn_sms_app_key": "NHN Cloud SMS app key",
    "nhn_email_app_key": "NHN Cloud Email app key",
}


class CredentialsScreen(ModalScreen[Secrets | None]):
    """Dismisses with the new secrets when saved (the app rebuilds its lists), None when cancelled."""

    DEFAULT_CSS = """
    CredentialsScreen { align: center middle; }
    CredentialsScreen > Vertical {
        width: 96; max-width: 100%; height: 34; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 2;
    }
    CredentialsScreen VerticalScroll { height: 1fr; }
    CredentialsScreen .field { height: 1; margin-bottom: 1; }
    CredentialsScreen .field Label { width: 36; padding: 0 1 0 0; }
    CredentialsScreen .field Input { width: 1fr; height: 1; border: none; padding: 0 1; background: $boost; }
    CredentialsScreen .field Input:focus { border: none; background: $accent 30%; }
    CredentialsScreen #keyring-status { height: auto; margin: 1 0; }
    CredentialsScreen .buttons { height: auto; margin-top: 1; }
    CredentialsScreen .buttons Button { margin-right: 1; }
    CredentialsScreen #test-results { height: auto; margin-top: 1; }
    CredentialsScreen .hint { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="credentials.cancel")]

    def __init__(self, profile: Profile, secrets: Secrets, lists_factory=None) -> None:
        super().__init__()
        self.profile = profile
        self.secrets = secrets
        self.lists_factory = lists_factory
        self.keyring_usable: bool | None = None
        self.results: dict[ListKind, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"[b]Credentials for profile {self.profile.name!r}[/b]   esc closes without saving")
            with VerticalScroll():  # the buttons below stay in view however small the terminal
                yield Static("checking the OS keyring…", id="keyring-status")
                yield Label("Secrets are never shown; leave a field empty to keep what is set.", classes="hint")
                for name in SECRET_ENV:
                    with Horizontal(classes="field"):
                        yield Label(SECRET_LABELS.get(name, name))
                        yield Input(
                            password=True, placeholder=f"now: {mask(getattr(self.secrets, name))}", id=f"secret-{name}"
                        )
                for name, label in PROFILE_SETTINGS.items():
                    with Horizontal(classes="field"):
                        yield Label(label)
                        yield Input(value=getattr(self.profile, name) or "", id=f"setting-{name}")
            with Horizontal(classes="buttons"):
                yield Button("Test SMS", id="test-sms", compact=True)
                yield Button("Test Email", id="test-email", compact=True)
                yield Button("Test 080", id="test-080", compact=True)
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Keep for this session only", id="session", variant="warning", compact=True)
            yield Static("", id="test-results")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._check_keyring()

    @work(exclusive=True, group="keyring-status", exit_on_error=False)
    async def _check_keyring(self) -> None:
        from ...credentials.diagnosis import keyring_status

        status = await asyncio.to_thread(keyring_status)
        self.keyring_usable = status.usable
        widget = self.query_one("#keyring-status", Static)
        if status.usable:
            widget.update(Text(f"✔ {status.line}; Save stores the secrets there.", style="green"))
        else:
            widget.update(
                Text(
                    f"⚠ {status.line}\nSave is not possible here: use 'Keep for this session only' "
                    "(forgotten when the dashboard closes) or the environment variables.",
                    style="bold yellow",
                )
            )
        if self.focused is not None:  # the status took room: keep the field being typed in in view
            self.call_after_refresh(self.focused.scroll_visible, animate=False)

    # ------------------------------------------------------------ the form

    def form_secrets(self) -> Secrets:
        values = {}
        for f in fields(Secrets):
            typed = self.query_one(f"#secret-{f.name}", Input).value.strip()
            values[f.name] = typed or getattr(self.secrets, f.name)
        return Secrets(**values)

    def form_profile(self) -> Profile:
        settings: dict[str, Any] = {
            name: self.query_one(f"#setting-{name}", Input).value.strip() or None for name in PROFILE_SETTINGS
        }
        return replace(self.profile, **settings)

    # ------------------------------------------------------------ testing

    @on(Button.Pressed, "#test-sms")
    def _test_sms(self) -> None:
        self._test(ListKind.SMS)

    @on(Button.Pressed, "#test-email")
    def _test_email(self) -> None:
        self._test(ListKind.EMAIL)

    @on(Button.Pressed, "#test-080")
    def _test_080(self) -> None:
        self._test(ListKind.N080)

    def _show_results(self) -> None:
        text = Text()
        for line in self.results.values():
            text.append(
                line + "\n", style="green" if line.startswith("✔") else "bold red" if line.startswith("✖") else ""
            )
        self.query_one("#test-results", Static).update(text)

    @work(group="test", exit_on_error=False)
    async def _test(self, kind: ListKind) -> None:
        if self.lists_factory is None:
            self.results[kind] = f"✖ {kind.label}: cannot test here (no way to build lists was given)"
            self._show_results()
            return
        self.results[kind] = f"… {kind.label}: calling the vendor once"
        self._show_results()
        self.results[kind] = await test_connection(self.lists_factory, self.form_profile(), self.form_secrets(), kind)
        self._show_results()

    # ------------------------------------------------------------ saving

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self._save()

    @work(exclusive=True, group="save", exit_on_error=False)
    async def _save(self) -> None:
        from ...credentials.stores import store_secrets

        secrets = self.form_secrets()
        try:
            stored = await asyncio.to_thread(store_secrets, self.profile, secrets)
        except ConfigError as exc:  # KeyringUnavailable / KeyringTimeout
            self.query_one("#keyring-status", Static).update(
                Text(
                    f"✖ {exc}\nNothing was saved. 'Keep for this session only' keeps them until the dashboard closes.",
                    style="bold red",
                )
            )
            return
        self._apply_profile()
        self.notify(f"saved {len(stored)} secrets to the OS keyring for profile {self.profile.name!r}")
        self.dismiss(secrets)

    @on(Button.Pressed, "#session")
    def _keep_for_session(self) -> None:
        from ...credentials.stores import SESSION

        secrets = self.form_secrets()
        SESSION.put(self.profile, secrets)
        self._apply_profile()
        self.notify(
            "secrets kept for this session only: they are forgotten when the dashboard closes",
            severity="warning",
            timeout=8,
        )
        self.dismiss(secrets)

    def _apply_profile(self) -> None:
        """Non-secret settings typed here apply to this session's profile."""
        new = self.form_profile()
        for name in PROFILE_SETTINGS:
            setattr(self.profile, name, getattr(new, name))

    def action_cancel(self) -> None:
        self.dismiss(None)


async def test_connection(lists_factory, profile: Profile, secrets: Secrets, kind: ListKind) -> str:
    """One list request to the vendor with these settings; one line saying what was found."""
    try:
        lists = lists_factory(profile, secrets)
    except ConfigError as exc:
        return f"✖ {kind.label}: {exc}"
    try:
        lst = lists.get(kind)
        if lst is None:
            return f"✖ {lists.problems.get(kind, kind.label + ' is not set up')}"
        page = await asyncio.wait_for(lst.fetch_page(ListFilter(), 0), TEST_TIMEOUT_S)
        if page.note:  # reachable, but the answer does not say whether the list is empty or the settings wrong
            return f"⚠ {kind.label}: reachable; {page.note}"
        count = (
            f"{page.total:,} entries" if page.total is not None else f"{len(page.entries)} entries on the first page"
        )
        return f"✔ {kind.label}: connected, {count}"
    except ApiError as exc:
        return f"✖ {kind.label}: {exc.line}"
    except TimeoutError:
        return f"✖ {kind.label}: no answer in {TEST_TIMEOUT_S:.0f} s; check the endpoint and the network"
    finally:
        await lists.aclose()
