"""The one-line tab strip above the lists: "1 SMS  2 Email  3 080  4 NHN SMS  5 NHN Email  6 Overview" (the NHN
lists once set up), the shown tab highlighted. Each label is an action link, so a click shows its tab as its digit
key does.

One widget drawing one line of text: far less to build, style and lay out before the first frame
than Textual's TabbedContent (a Tabs widget per label, an underline bar, focus handling).
"""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget


class TabStrip(Widget):
    """The tabs' labels; the app sets `active` when it shows a tab."""

    DEFAULT_CSS = """
    TabStrip { height: 1; color: $text-muted; }
    """

    active: reactive[str] = reactive("")

    def __init__(self, tabs: list[tuple[str, str]], active: str, *, id: str | None = None) -> None:
        """`tabs`: (tab id, label) in order; a click on a label runs `app.show_tab(tab id)`."""
        super().__init__(id=id)
        self.auto_links = False  # the labels carry their own looks; no link colours over them
        self.tabs = tabs
        self.set_reactive(TabStrip.active, active)

    def render(self) -> Content:
        parts = []
        for tab_id, label in self.tabs:
            look = "bold $foreground on $primary " if tab_id == self.active else ""  # else muted, as styled
            parts.append(f"[{look}@click=app.show_tab({tab_id!r})] {label} [/]")
        return Content.from_markup(" ".join(parts))

    def label_offset(self, tab_id: str) -> int:
        """The column where a tab's label starts (where a click lands on it)."""
        column = 0
        for other, label in self.tabs:
            if other == tab_id:
                return column
            column += len(label) + 3  # a space each side, one between labels
        raise KeyError(tab_id)
