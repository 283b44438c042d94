"""`optout-tui --demo` opens the dashboard on the built-in emulator and stops it on exit."""

from __future__ import annotations

import pytest
from textual import on

from optout_tui.cli.common import EXIT_USAGE, CliContext
from optout_tui.cli.dashboard import run_dashboard
from optout_tui.ui.app import OptOutApp
from optout_tui.ui.widgets.entry_list import EntryList


class LeavesWhenRowsArrive(OptOutApp):
    """The real app, which quits as soon as its first rows are loaded, reporting what it saw."""

    @on(EntryList.StateChanged)
    def _rows(self, event: EntryList.StateChanged) -> None:
        if event.state.loaded:
            in_force = self.screen.active_bindings
            self.exit(
                {
                    "profile": self.profile.name,
                    "demo": self.profile.demo,
                    "rows": event.state.loaded,
                    "ctrl+k": in_force["ctrl+k"].binding.id if "ctrl+k" in in_force else None,
                }
            )


def test_demo_mode_shows_sample_rows_and_stops_the_emulator(tmp_path):
    ctx = CliContext(demo=True)
    seen = run_dashboard(ctx, app_class=LeavesWhenRowsArrive, headless=True, size=(120, 36))
    assert seen["demo"] is True and seen["profile"] == "demo" and seen["rows"] > 0
    assert ctx._emulator is None  # stopped on exit


def test_keys_from_the_config_file_are_applied(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[keys]\napp.lookup = "ctrl+k"\n', encoding="utf-8")
    seen = run_dashboard(
        CliContext(demo=True, config_path=str(config)), app_class=LeavesWhenRowsArrive, headless=True, size=(120, 36)
    )
    assert seen["ctrl+k"] == "app.lookup"


def test_an_unknown_key_id_in_the_config_is_one_line_naming_the_ids(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nlookup = "ctrl+k"\n', encoding="utf-8")
    ctx = CliContext(demo=True, config_path=str(config))
    with pytest.raises(SystemExit) as exit_:
        run_dashboard(ctx, app_class=LeavesWhenRowsArrive, headless=True, size=(120, 36))
    assert exit_.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no binding 'lookup'" in err and "app.lookup" in err
    assert ctx._emulator is None  # stopped all the same


class LeavesOnTheFirstError(OptOutApp):
    """The real app, which quits with the status line's error once the first page has failed."""

    @on(EntryList.StateChanged)
    def _state(self, event: EntryList.StateChanged) -> None:
        if event.state.error:
            self.exit(event.state.error)


def test_the_first_pages_error_reaches_the_list(tmp_path, monkeypatch):
    from optout_tui.emulator import EmulatorConfig, EmulatorServer

    with EmulatorServer(EmulatorConfig(sms_count=20, email_count=5)) as server:
        for name, value in {
            "OPTOUT_SENS_URL": server.base_url,
            "OPTOUT_MAILER_URL": f"{server.base_url}/api/v1",
            "OPTOUT_HUB_URL": server.base_url,
            "OPTOUT_NHN_OAUTH_URL": server.base_url,
            "OPTOUT_SENS_SERVICE_ID": server.config.credentials.sens_service_id,
            "NCLOUD_ACCESS_KEY": "WRONGACCESSKEY000001",
            "NCLOUD_SECRET_KEY": "wrong-secret",
        }.items():
            monkeypatch.setenv(name, value)
        error = run_dashboard(
            CliContext(config_path=None), app_class=LeavesOnTheFirstError, headless=True, size=(120, 36)
        )
    assert error.is_auth and error.status == 401  # the first page's own error, not a hang or a crash


class LeavesAtOnce(OptOutApp):
    def on_mount(self) -> None:
        self.call_after_refresh(lambda: self.exit([worker.name for worker in self.workers if worker.is_running]))


def test_leaving_before_a_silent_vendor_answers_does_not_wait_for_it(monkeypatch):
    import socket

    silent = socket.socket()  # accepts connections, never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        monkeypatch.setenv("OPTOUT_SENS_URL", f"http://127.0.0.1:{silent.getsockname()[1]}")
        monkeypatch.setenv("OPTOUT_SENS_SERVICE_ID", "ncp:sms:kr:1:x")
        monkeypatch.setenv("NCLOUD_ACCESS_KEY", "AK")
        monkeypatch.setenv("NCLOUD_SECRET_KEY", "SK")
        running = run_dashboard(CliContext(), app_class=LeavesAtOnce, headless=True, size=(120, 36))
        assert "first page" in running  # still asking when the app left; the app's worker ends with it
    finally:
        silent.close()


async def test_the_first_rows_come_from_the_apps_first_page_worker(emulator, tmp_path):
    from textual.worker import get_current_worker

    from .conftest import SIZE, make_app

    app = make_app(emulator, tmp_path)
    sms, asked = app.lists.sms, []
    fetch_page = sms.fetch_page

    async def noted(flt, index):  # the real adapter's answer; who asked for which page is noted
        asked.append((index, get_current_worker().name))
        return await fetch_page(flt, index)

    sms.fetch_page = noted
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [name for index, name in asked if index == 0] == ["first page"]  # asked once, by the app
        assert app.active_pane.entry_list.state.loaded > 0 and app.active_pane.entry_list.current is not None
