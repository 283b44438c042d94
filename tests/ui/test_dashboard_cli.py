"""`optout-tui --demo` opens the dashboard on the built-in emulator and stops it on exit."""

from __future__ import annotations

from textual import on

from optout_tui.cli.common import CliContext
from optout_tui.cli.dashboard import run_dashboard
from optout_tui.ui.app import OptOutApp
from optout_tui.ui.widgets.entry_list import EntryList


class LeavesWhenRowsArrive(OptOutApp):
    """The real app, which quits as soon as its first rows are loaded, reporting what it saw."""

    @on(EntryList.StateChanged)
    def _rows(self, event: EntryList.StateChanged) -> None:
        if event.state.loaded:
            import gc

            self.exit({"profile": self.profile.name, "demo": self.profile.demo, "rows": event.state.loaded,
                       "keymap": dict(self._keymap), "gc": gc.isenabled()})


def test_demo_mode_shows_sample_rows_and_stops_the_emulator(tmp_path):
    ctx = CliContext(demo=True)
    seen = run_dashboard(ctx, app_class=LeavesWhenRowsArrive, headless=True, size=(120, 36))
    assert seen["demo"] is True and seen["profile"] == "demo" and seen["rows"] > 0
    assert ctx._emulator is None  # stopped on exit
    assert seen["gc"] is True  # paused for start-up only


def test_keys_from_the_config_file_are_applied(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[keys]\n"app.lookup" = "ctrl+k"\n', encoding="utf-8")
    seen = run_dashboard(CliContext(demo=True, config_path=str(config)), app_class=LeavesWhenRowsArrive,
                         headless=True, size=(120, 36))
    assert seen["keymap"] == {"app.lookup": "ctrl+k"}


class LeavesOnTheFirstError(OptOutApp):
    """The real app, which quits with the status line's error once the first page has failed."""

    @on(EntryList.StateChanged)
    def _state(self, event: EntryList.StateChanged) -> None:
        if event.state.error:
            self.exit(event.state.error)


def test_a_first_page_asked_for_before_the_app_runs_brings_its_error_along(tmp_path, monkeypatch):
    from optout_tui.emulator import EmulatorConfig, EmulatorServer

    with EmulatorServer(EmulatorConfig(sms_count=20, email_count=5)) as server:
        for name, value in {
            "OPTOUT_SENS_URL": server.base_url, "OPTOUT_MAILER_URL": f"{server.base_url}/api/v1",
            "OPTOUT_HUB_URL": server.base_url, "OPTOUT_NHN_OAUTH_URL": server.base_url,
            "OPTOUT_SENS_SERVICE_ID": server.config.credentials.sens_service_id,
            "NCLOUD_ACCESS_KEY": "WRONGACCESSKEY000001", "NCLOUD_SECRET_KEY": "wrong-secret",
        }.items():
            monkeypatch.setenv(name, value)
        error = run_dashboard(CliContext(config_path=None), app_class=LeavesOnTheFirstError,
                              headless=True, size=(120, 36))
    assert error.is_auth and error.status == 401  # the prefetched page's own error, not a hang or a crash


class LeavesAtOnce(OptOutApp):
    def on_mount(self) -> None:
        self.call_after_refresh(self.exit)


def test_leaving_before_a_silent_vendor_answers_leaves_no_fetch_behind(monkeypatch):
    import socket
    import threading

    silent = socket.socket()  # accepts connections, never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        monkeypatch.setenv("OPTOUT_SENS_URL", f"http://127.0.0.1:{silent.getsockname()[1]}")
        monkeypatch.setenv("OPTOUT_SENS_SERVICE_ID", "ncp:sms:kr:1:x")
        monkeypatch.setenv("NCLOUD_ACCESS_KEY", "AK")
        monkeypatch.setenv("NCLOUD_SECRET_KEY", "SK")
        before = set(threading.enumerate())
        run_dashboard(CliContext(), app_class=LeavesAtOnce, headless=True, size=(120, 36))
        started = [t for t in threading.enumerate() if t not in before]
        for thread in started:
            thread.join(timeout=10)  # the fetch is cancelled: it ends at once, not after ~2 minutes of retries
        assert [t.name for t in started if t.is_alive()] == []
    finally:
        silent.close()
