"""The command palette (ctrl+p): the keys' own bindings, by the names the help screen gives them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.actions import parse
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from .keys import key_display

if TYPE_CHECKING:
    from .app import OptOutApp


class DashboardCommands(Provider):
    """Every binding that works now: the app's own, on any screen, as far as its `check_action` allows
    (no list action while another view covers the lists), then those in force where the palette was opened
    (the focused list's, a dialog's); and a switch to every other profile."""

    async def startup(self) -> None:
        self._profiles = await asyncio.to_thread(cast("OptOutApp", self.app).profile_names)

    def _commands(self) -> Iterator[tuple[str, Callable[[], Any], str]]:
        app = cast("OptOutApp", self.app)
        found: dict[str, tuple[Binding, Callable[[], Any], list[str]]] = {}
        for binding in app.BINDINGS:
            if isinstance(binding, Binding) and binding.id and app.check_action(*parse(binding.action)[1:]):
                keys = app.keymap.get(binding.id, binding.key).split(",")
                found[binding.id] = (binding, partial(app.run_action, binding.action), keys)
        for key, (node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            if enabled and binding.id and node is not app:
                found.setdefault(binding.id, (binding, partial(app.run_action, binding.action, node), []))[2].append(
                    key
                )
        for binding, run, keys in found.values():
            yield binding.tooltip or binding.description, run, f"press {key_display(app, ','.join(keys))}"
        for profile in self._profiles:
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
