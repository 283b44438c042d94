"""The dashboard app. It is handed its lists (and profile) by whoever starts it: the command line in
real use, the demo with the built-in emulator, tests with an in-process emulator. Screens for the
rarer jobs (register, deregister, export, credentials, help) are imported when first opened, so the
first rows reach the screen sooner.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.notifications import SeverityLevel
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Footer, Static
from textual.worker import Worker, WorkerState

from ..api.base import Entry, ListFilter, ListKind, Lists, OptOutList, Page
from ..api.errors import ApiError
from ..settings import Profile, Secrets
from .commands import DashboardCommands
from .widgets.entry_list import EntryList
from .widgets.list_pane import ListPane
from .widgets.tab_strip import TabStrip
from .widgets.top_bar import TopBar

if TYPE_CHECKING:
    from .snapshot_search import SnapshotSearcher

# Every list's tab, in the order of their digits (1-5), then the Overview (6). A list keeps its digit whether or
# not the lists before it are set up, so a key learnt once stays right.
TAB_IDS = {kind: f"tab-{kind.value}" for kind in ListKind}
ALWAYS_SHOWN = (ListKind.SMS, ListKind.EMAIL, ListKind.N080)  # the others have a tab only once set up
OVERVIEW_TAB = "tab-overview"
OVERVIEW_DIGIT = str(len(TAB_IDS) + 1)
FIRST_KIND = ListKind.SMS
FIRST_TAB = TAB_IDS[FIRST_KIND]
ListsFactory = Callable[[Profile, Secrets], Lists]


class OptOutApp(App[None]):
    """Browse, look up, register and deregister opt-outs on the lists of one profile."""

    TITLE = "optout-tui"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute, so subclasses elsewhere find it
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {DashboardCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                str(digit),
                f"show_tab({tab!r})",
                kind.label,
                show=False,
                id=f"tab.{kind.value}",
                tooltip=f"Show the {kind.label} list{'' if kind in ALWAYS_SHOWN else ' (once set up)'}",
            )
            for digit, (kind, tab) in enumerate(TAB_IDS.items(), start=1)
        ),
        Binding(
            OVERVIEW_DIGIT,
            "show_tab('tab-overview')",
            "Overview",
            show=False,
            id="tab.overview",
            tooltip="Show the overview (snapshot)",
        ),
        Binding("l", "lookup", "Lookup", id="app.lookup"),
        Binding("a", "register", "Register", id="app.register"),
        Binding("d,delete", "deregister", "Deregister", id="app.deregister"),
        Binding("e", "export", "Export", id="app.export"),
        Binding("y", "copy", "Copy", show=False, id="app.copy"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="app.reload"),
        Binding("c", "credentials", "Credentials", show=False, id="app.credentials"),
        Binding("J", "jobs", "Jobs", show=False, id="app.jobs", tooltip="Jobs: resume, per-value results, export"),
        Binding("A", "audit", "Audit trail", show=False, id="app.audit", tooltip="Audit trail of every change, export"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    _first_page: asyncio.Future[Page] | None = None  # the first tab's page 0, asked for before the screen is built

    def __init__(
        self,
        lists: Lists,
        profile: Profile,
        *,
        keymap: dict[str, str] | None = None,
        secrets: Secrets | None = None,
        lists_factory: ListsFactory | None = None,
        bulk_options: dict[str, Any] | None = None,
        open_credentials_on_start: bool | None = None,
        owns_lists: bool = False,
        config_path: str | None = None,
    ) -> None:
        super().__init__()
        self.lists = lists
        self.profile = profile
        self.secrets = secrets or Secrets()
        self.lists_factory = lists_factory
        self.bulk_options = bulk_options or {}
        self.keymap = dict(keymap or {})  # the config's [keys], binding id -> keys (set at mount; help shows it)
        self._credentials_offered = False
        self._snapshot_searcher: SnapshotSearcher | None = None
        self._quit_question: Widget | None = None  # the question asked before quitting while a job runs
        self._jobs_check_pending = False
        self.config_path = config_path  # where other profiles are read from (palette: switch profile)
        self.owns_lists = owns_lists  # close the lists' connections on exit (the CLI hands them over)
        self.first_tab = self._remembered_tab()
        missing_all = not lists.available()
        self._open_credentials_on_start = (
            missing_all if open_credentials_on_start is None else open_credentials_on_start
        )

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield TopBar(self.profile)
        digits = {kind: digit for digit, kind in enumerate(TAB_IDS, start=1)}
        labels = [(TAB_IDS[kind], f"{digits[kind]} {kind.label}") for kind in self.tab_kinds()]
        yield TabStrip([*labels, (OVERVIEW_TAB, f"{OVERVIEW_DIGIT} Overview")], self.first_tab, id="tab-strip")
        with ContentSwitcher(id="tabs", initial=self.first_tab):  # the other tabs are built when first shown
            yield self._tab(self.first_tab)
        yield Footer()

    def tab_kinds(self) -> list[ListKind]:
        """The lists with a tab: the first three always (one not set up says how to), the NHN lists once the
        profile sets them up (any of their settings given), so a SENS-only profile is not shown five tabs."""
        from ..api.factory import NEEDS, missing_settings

        return [
            kind
            for kind in TAB_IDS
            if kind in ALWAYS_SHOWN
            or self.lists.get(kind) is not None
            or len(missing_settings(kind, self.profile, self.secrets)) < len(NEEDS[kind])
        ]

    def _remembered_tab(self) -> str:
        """The tab this profile was last left on (last_tab.py) while it is still there, else the first."""
        from . import last_tab

        tab = last_tab.load(self.profile.name)
        return tab if tab in (*(TAB_IDS[kind] for kind in self.tab_kinds()), OVERVIEW_TAB) else FIRST_TAB

    def _tab(self, tab_id: str) -> Widget:
        if tab_id == OVERVIEW_TAB:
            return Vertical(self._overview_widget(), id=OVERVIEW_TAB)
        return self._tab_content(next(k for k, t in TAB_IDS.items() if t == tab_id))

    def _tab_content(self, kind: ListKind) -> Widget:
        """A list's tab (no container around it): its pane, or what is wrong with the list."""
        if self.lists.get(kind) is None:
            problem = self.lists.problems.get(kind, "this list is not available")
            return Static(
                f"[b]{kind.label}[/b]: {problem}\n\nPress [b]c[/b] to enter credentials.",
                id=TAB_IDS[kind],
                classes="problem",
            )
        early = None
        if TAB_IDS[kind] == self.first_tab:  # its page 0 was asked for at start-up (taken once)
            early, self._first_page = self._first_page, None
        return ListPane(self.lists.get(kind), first_page=early, id=TAB_IDS[kind])  # type: ignore[arg-type]

    def on_load(self) -> None:
        """Ask for the first tab's page 0 before the screen is even built, so its rows come right after
        the first frame; its pane takes the answer, or the error, as if it had asked itself."""
        self._settling: Worker[bool] = self.run_worker(
            self._settle_jobs,
            name="settle jobs",
            exit_on_error=False,
        )
        lst = next((self.lists.get(k) for k, t in TAB_IDS.items() if t == self.first_tab), None)
        if lst is not None:
            self._first_page = asyncio.get_running_loop().create_future()
            self.run_worker(self._fetch_first_page(lst, self._first_page), name="first page", exit_on_error=False)

    @staticmethod
    async def _fetch_first_page(lst: OptOutList, page: asyncio.Future[Page]) -> None:
        try:
            page.set_result(await lst.fetch_page(ListFilter(), 0))
        except Exception as exc:
            page.set_exception(exc)
        finally:
            page.cancel()  # nothing once answered; cancelled with the app, the pane stops waiting

    async def _ensure_tab(self, tab_id: str) -> None:
        """Build a tab (a list's pane, or the overview) the first time it is shown."""
        switcher = self.query_one("#tabs", ContentSwitcher)
        if switcher.query_children(f"#{tab_id}"):
            return
        await switcher.add_content(self._tab(tab_id))

    def _overview_widget(self) -> Widget:
        """The snapshot overview (its chart library is imported only now)."""
        try:
            from .overview import Overview

            return Overview(self.lists, self.profile)
        except Exception as exc:
            return Static(f"The overview is not available here: {exc}", classes="problem")

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        self.sub_title = f"{self.profile.name}{' · DEMO' if self.profile.demo else ''}"
        self._focus_list()
        if self._open_credentials_on_start:
            self.call_after_refresh(self.action_credentials)
        elif not self.profile.read_only:
            self._jobs_check_pending = True  # once the first rows are on screen (a faster start)
            self.set_timer(2.0, self._check_unfinished_jobs)  # or soon in any case (no list shown)

    @on(EntryList.StateChanged)
    def _first_rows_shown(self, event: EntryList.StateChanged) -> None:
        if self._jobs_check_pending and (event.state.loaded or not event.state.loading):
            self.call_after_refresh(self._check_unfinished_jobs)

    def _check_unfinished_jobs(self) -> None:
        if self._jobs_check_pending:
            self._jobs_check_pending = False
            self.run_worker(self._offer_unfinished_jobs, name="unfinished jobs", exit_on_error=False)  # type: ignore[arg-type]  # Textual's WorkType rejects async def (Textualize/textual#6386)

    async def _journal(self):
        """The bulk journal the screens share (opened off the event loop on first use)."""
        if self.bulk_options.get("journal") is None:
            from ..bulk.journal import Journal

            self.bulk_options["journal"] = await asyncio.to_thread(Journal)
        return self.bulk_options["journal"]

    async def _settle_jobs(self) -> bool:
        """Jobs killed after their last answer get their end and audit entry now, as a CLI job's start gives them."""
        from ..bulk.engine import settle

        try:
            await asyncio.to_thread(settle, await self._journal())
        except Exception as exc:
            self.notify(f"could not read the job journal: {exc}", severity="warning", timeout=8)
            return False
        return True

    async def _offer_unfinished_jobs(self) -> None:
        from .screens.jobs import unfinished_jobs

        try:
            if not await self._settling.wait():  # settled jobs are not offered; a failure was said already
                return
            jobs = await unfinished_jobs(await self._journal(), self.profile)
        except Exception as exc:
            self.notify(f"could not read the job journal: {exc}", severity="warning", timeout=8)
            return
        if jobs:
            self.notify(
                f"{len(jobs)} unfinished job{'s' if len(jobs) > 1 else ''} from earlier "
                f"(latest {jobs[0].id}); press J to resume",
                severity="warning",
                timeout=12,
            )

    async def action_jobs(self) -> None:
        """Every bulk job: resume an unfinished one, list and export a job's per-value results."""
        from .screens.jobs import JobsScreen

        try:
            journal = await self._journal()
        except Exception as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        audit = self.bulk_options.get("audit")
        self.push_screen(JobsScreen(journal, self.lists, self.profile, audit=audit), self._after_change)

    async def action_audit(self) -> None:
        """The audit trail of every change, newest first."""
        from .screens.audit import AuditScreen

        try:
            journal = await self._journal()
        except Exception as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        self.push_screen(AuditScreen(journal.path))

    # ------------------------------------------------------------ helpers

    @property
    def active_tab(self) -> Widget | None:
        """The shown tab's content (a list's pane or problem, or the overview)."""
        return self.query_one("#tabs", ContentSwitcher).visible_content

    @property
    def active_pane(self) -> ListPane | None:
        """The shown list's pane (None on the overview, or when the list is not available)."""
        tab = self.active_tab
        return tab if isinstance(tab, ListPane) else None

    def _focus_list(self) -> None:
        """Focus the shown tab's main widget (a list, or the overview) so its keys work."""
        pane = self.active_pane
        if pane is not None:
            pane.entry_list.focus()
            return
        tab = self.active_tab
        if tab is not None and tab.id == OVERVIEW_TAB and tab.children and tab.children[0].can_focus:
            tab.children[0].focus()

    def pane_for(self, kind: ListKind) -> ListPane | None:
        """A list's pane, if its tab has been shown."""
        return next((pane for pane in self.query(ListPane) if pane.kind is kind), None)

    # ------------------------------------------------------------ tabs

    async def action_show_tab(self, tab: str) -> None:
        """Show a tab (keys 1-6, a click on its label, the command palette), building it if new."""
        strip = self.query_one(TabStrip)
        if tab not in (tab_id for tab_id, _ in strip.tabs):
            kind = next((k for k, t in TAB_IDS.items() if t == tab), None)
            self.notify(
                f"profile {self.profile.name!r} does not set up the {kind.label} list: press c to enter its settings"
                if kind is not None
                else "that tab is not available here",
                severity="warning",
            )
            return
        await self._ensure_tab(tab)
        self.query_one("#tabs", ContentSwitcher).current = tab
        strip.active = tab
        self._focus_list()
        from . import last_tab

        await asyncio.to_thread(last_tab.save, self.profile.name, tab)

    # Actions on the lists, off while another view (audit, jobs, a dialog) covers them, so that
    # neither a key nor the command palette acts on a list the person cannot see (the footer behind
    # the view keeps them, greyed out; the palette leaves them out).
    LIST_ACTIONS = frozenset({"show_tab", "register", "deregister", "export", "copy", "reload"})

    def lists_covered(self) -> bool:
        """Another view (audit, jobs, a dialog) is over the lists; the command palette does not count."""
        from textual.command import CommandPalette

        return any(not isinstance(screen, CommandPalette) for screen in self.screen_stack[1:])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action in self.LIST_ACTIONS and self.lists_covered() else True

    # ------------------------------------------------------------ list events

    @on(EntryList.DetailRequested)
    def _detail(self, event: EntryList.DetailRequested) -> None:
        from .screens.detail import DetailScreen

        self.push_screen(DetailScreen(event.entry_list.lst.name, event.entry))

    @on(EntryList.Failed)
    def _list_failed(self, event: EntryList.Failed) -> None:
        self.report_error(event.error)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification shows its text as it is: a value, a reason or a vendor's message can hold
        markup or terminal controls, so markup is never read and controls are shown (printable.py)."""
        from ..printable import printable

        super().notify(
            printable(message, keep="\n"), title=printable(title), severity=severity, timeout=timeout, markup=False
        )

    def report_error(self, error: ApiError) -> None:
        """Say what happened and what to do; after an auth error, offer the credentials screen once."""
        if error.is_auth:
            self.notify(f"{error.line}. Press c to enter credentials.", severity="error", timeout=10)
            if not self._credentials_offered:
                self._credentials_offered = True
                self.call_after_refresh(self.action_credentials)
        elif error.is_network or error.retryable:
            self.notify(f"{error.line}. Press r to retry.", severity="error", timeout=8)
        else:
            self.notify(error.line, severity="error", timeout=8)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Last line of defence: a worker that failed becomes a message, never a traceback."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            if isinstance(error, ApiError):
                self.report_error(error)
            else:
                self.notify(
                    f"{event.worker.name or 'a background task'} failed: {type(error).__name__}: {error}",
                    severity="error",
                    timeout=10,
                )

    # ------------------------------------------------------------ actions

    def action_lookup(self) -> None:
        from .screens.lookup import LookupScreen

        self.push_screen(LookupScreen(self.lists))

    def action_copy(self) -> None:
        pane = self.active_pane
        entry = pane.entry_list.current if pane else None
        if entry is None:
            self.notify("no row selected", severity="warning")
            return
        self.copy_to_clipboard(entry.value)
        self.notify(f"copied {entry.value}", timeout=2)

    def action_reload(self) -> None:
        pane = self.active_pane
        if pane is not None:
            pane.reload()

    def action_register(self) -> None:
        pane = self.active_pane
        if pane is None:
            self.notify("this tab has no list to register on", severity="warning")
            return
        if self._refuse_read_only():
            return
        from .screens.register import RegisterScreen

        screen = RegisterScreen(pane.lst, self.profile, lists=self.lists, **self.bulk_options)
        self.push_screen(screen, self._after_change)

    def action_deregister(self) -> None:
        pane = self.active_pane
        if pane is None:
            return
        if self._refuse_read_only():
            return
        entries = pane.selected_entries()
        if not entries:
            self.notify("no row selected: move to a row, or mark rows with space", severity="warning")
            return
        from .screens.deregister import DeregisterScreen, deregistrable

        allowed, refused = deregistrable(entries)
        if not allowed:
            self.notify(f"cannot deregister: {refused[0][1]}", severity="warning", timeout=8)
            return
        self.push_screen(
            DeregisterScreen(pane.lst, self.profile, allowed, refused, lists=self.lists, **self.bulk_options),
            self._after_change,
        )

    def _after_change(self, changed: bool | None) -> None:
        pane = self.active_pane
        if changed and pane is not None:
            pane.entry_list.clear_marks()
            pane.reload()

    def _refuse_read_only(self) -> bool:
        if self.profile.read_only:
            self.notify(
                f"profile {self.profile.name!r} is read-only: changes are blocked (set read_only = false to allow)",
                severity="warning",
                timeout=8,
            )
            return True
        return False

    def action_export(self) -> None:
        pane = self.active_pane
        if pane is None:
            return
        from .screens.export import ExportScreen

        self.push_screen(ExportScreen.of(pane))

    def action_quit(self) -> None:  # type: ignore[override]
        """Quit (q, ctrl+q); while a bulk job is sending, ask first. Quitting stops the job, recorded as
        such, so what was not sent stays resumable. Asked again while the question is open, it quits."""
        from .screens.confirm import ConfirmScreen
        from .widgets.job_panel import JobPanel

        jobs = [panel for screen in self.screen_stack for panel in screen.query(JobPanel) if panel.running]
        if not jobs:
            self.exit()
        elif isinstance(self.screen, ConfirmScreen) and self.screen is self._quit_question:
            self.screen.dismiss(True)
        else:
            self._quit_question = ConfirmScreen(
                "A bulk job is still sending. Quit anyway?",
                f"Quitting stops it; what was not sent stays resumable: J here, or `{self._resume_command('ID')}`"
                " (the id is printed when the dashboard closes).",
                yes="Quit",
                no="Stay",
            )

            def answered(yes: bool | None) -> None:
                if yes:
                    self._stop_jobs_and_exit(jobs)

            self.push_screen(self._quit_question, answered)

    def _resume_command(self, job_id: str) -> str:
        return f"optout-tui{' --demo' if self.profile.demo else ''} jobs resume {job_id}"

    @work(group="quit", exclusive=True)
    async def _stop_jobs_and_exit(self, jobs: list[Any]) -> None:
        lines = []
        for panel in jobs:
            result = await panel.stop()
            if result is not None and result.job_id and result.pending + result.failed:
                lines.append(
                    f"job {result.job_id} stopped with {result.pending + result.failed:,} values not sent;"
                    f" to finish it: {self._resume_command(result.job_id)}"
                )
        self.exit(message="\n".join(lines) or None)

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_credentials(self) -> None:
        from .screens.credentials import CredentialsScreen

        if isinstance(self.screen, CredentialsScreen):
            return
        self.push_screen(CredentialsScreen(self.profile, self.secrets, self.lists_factory), self._credentials_done)

    async def _credentials_done(self, secrets: Secrets | None) -> None:
        if secrets is None or self.lists_factory is None:
            return
        await self._use(self.profile, secrets)

    async def _use(self, profile: Profile, secrets: Secrets) -> None:
        """Show another profile, or the same one with new secrets: new lists, new tabs."""
        assert self.lists_factory is not None
        old = self.lists
        self.profile, self.secrets = profile, secrets
        self.lists = self.lists_factory(profile, secrets)
        self.first_tab = self._remembered_tab()
        if self._snapshot_searcher is not None:  # another profile has another snapshot
            self._snapshot_searcher.close()
            self._snapshot_searcher = None
        self._credentials_offered = False
        await self.recompose()
        self._focus_list()
        await old.aclose()
        if not self.lists.available():
            self.action_credentials()

    def profile_names(self) -> list[str]:
        """Profiles in the config file (the palette offers to switch to them)."""
        if self.profile.demo or self.lists_factory is None:
            return []
        from ..config import load_config

        try:
            return [name for name in load_config(self.config_path).profile_names() if name != self.profile.name]
        except Exception:
            return []

    async def switch_profile(self, name: str) -> None:
        from ..config import load_profile
        from ..credentials.stores import load_secrets
        from ..settings import ConfigError

        try:
            profile = await asyncio.to_thread(load_profile, self.config_path, name)
        except ConfigError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        secrets = await asyncio.to_thread(load_secrets, profile)
        await self._use(profile, secrets)
        self.notify(f"now on profile {name!r}")

    def snapshot_searcher(self) -> SnapshotSearcher:
        """The local snapshot of this profile, searched from the lists' filters (opened on first use)."""
        if self._snapshot_searcher is None:
            from .snapshot_search import SnapshotSearcher

            self._snapshot_searcher = SnapshotSearcher(self.profile.name)
        return self._snapshot_searcher

    async def on_unmount(self) -> None:
        if self._snapshot_searcher is not None:
            self._snapshot_searcher.close()
        if self.owns_lists:
            await self.lists.aclose()

    def selected_entry(self) -> Entry | None:
        pane = self.active_pane
        return pane.entry_list.current if pane else None
