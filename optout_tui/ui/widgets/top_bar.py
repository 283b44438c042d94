"""The header: the product, the active profile, and a badge that says LIVE or DEMO (and read-only, and the NAVER
Cloud zone when it is not the public one).

One widget drawing one line (no child per part): less to build and style before the first frame.
"""

from __future__ import annotations

from textual.content import Content
from textual.markup import escape
from textual.widget import Widget

from ...settings import Profile


class TopBar(Widget):
    DEFAULT_CSS = """
    TopBar { height: 1; background: $primary-background; color: $text-muted; }
    """

    def __init__(self, profile: Profile) -> None:
        super().__init__()
        self.profile = profile

    @property
    def badges(self) -> list[str]:
        """What the badges on the right say (DEMO or LIVE, READ-ONLY, and GOV ZONE or FIN ZONE)."""
        found = ["READ-ONLY"] if self.profile.read_only else []
        if self.profile.zone != "public":
            found.append(f"{self.profile.zone.upper()} ZONE")
        found.append("DEMO · built-in emulator, sample data" if self.profile.demo else "LIVE")
        return found

    def render(self) -> Content:
        left = Content.from_markup(
            f"[bold $text] optout-tui · advertising opt-out lists [/] profile: {escape(self.profile.name)} "
        )
        looks = {"READ-ONLY": "bold $text on $secondary", "LIVE": "bold $text on $error"}
        right = Content.from_markup(
            "".join(
                f"[{looks.get(badge, 'bold $background on $warning')}] {escape(badge)} [/]" for badge in self.badges
            )
        )
        gap = max(1, self.size.width - left.cell_length - right.cell_length)
        return Content.assemble(left, " " * gap, right)
