"""The command palette (ctrl+p) offers every dashboard action by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

ACTIONS = [
    ("Show the SMS list", "show_tab('tab-sms')", "tab 1"),
    ("Show the Email list", "show_tab('tab-email')", "tab 2"),
    ("Show the 080 list", "show_tab('tab-080')", "tab 3"),
    ("Show the overview", "show_tab('tab-overview')", "tab 4: snapshot counts, chart and sync"),
    ("Quick lookup", "lookup", "find a number or an address on its list"),
    ("Register values", "register", "add one or many values to this list"),
    ("Deregister selected rows", "deregister", "remove the marked rows (or the current one)"),
    ("Export this view", "export", "every page of the filtered view to CSV or JSON"),
    ("Copy the selected value", "copy", "to the clipboard"),
    ("Reload this list", "reload", "fetch from the first page again"),
    ("Retry after an error", "retry_list", "fetch the pages around the view again"),
    ("Search this list", "focus_search", "focus the search field"),
    ("Filter by dates", "focus_dates", "focus the date range field"),
    ("Clear filter and marks", "clear_filter", "back to the whole list"),
    ("Jobs: resume, results, export", "jobs", "every bulk job; resume unfinished ones; per-value results"),
    ("Audit trail", "audit", "every change: who, when, what, why, the vendor's answer; export"),
    ("Credentials", "credentials", "enter, test and save the secrets for this profile"),
    ("Help: every key", "help", "the keys and their ids"),
    ("Quit", "quit", "leave the dashboard"),
]


class DashboardCommands(Provider):
    """Every action of the dashboard, searchable by name, and a switch to every other profile."""

    async def startup(self) -> None:
        import asyncio

        names = getattr(self.app, "profile_names", None)
        self._profiles: list[str] = await asyncio.to_thread(names) if names else []

    def _commands(self):
        app = self.app
        for name, action, help_text in ACTIONS:
            yield name, partial(app.run_action, action), help_text
        for profile in getattr(self, "_profiles", []):
            yield f"Switch to profile {profile}", partial(app.switch_profile, profile), "its lists and credentials"

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
