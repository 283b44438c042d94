"""The header: the product, the active profile, and a badge that says LIVE or DEMO (and read-only)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from ...settings import Profile


class TopBar(Horizontal):
    DEFAULT_CSS = """
    TopBar { height: 1; background: $primary-background; }
    TopBar .product { width: auto; padding: 0 1; text-style: bold; color: $text; }
    TopBar .profile { width: 1fr; padding: 0 1; color: $text-muted; }
    TopBar .badge { width: auto; padding: 0 1; text-style: bold; }
    TopBar .badge.demo { background: $warning; color: $background; }
    TopBar .badge.live { background: $error; color: $text; }
    TopBar .badge.read-only { background: $secondary; color: $text; }
    """

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile

    def compose(self) -> ComposeResult:
        yield Static("optout-tui · advertising opt-out lists", classes="product")
        yield Static(f"profile: {self.profile.name}", classes="profile", id="profile-name")
        if self.profile.read_only:
            yield Static("READ-ONLY", classes="badge read-only")
        if self.profile.demo:
            yield Static("DEMO · built-in emulator, sample data", classes="badge demo", id="mode-badge")
        else:
            yield Static("LIVE", classes="badge live", id="mode-badge")
