"""A read-only list over a random-access row source (the audit trail, a job's results), drawn with
Textual's Line API: only the rows on screen are drawn and only the pages near the view are read, each
in a thread, so a list of a million rows opens as fast as one of ten and memory stays flat.

The source gives `count` and `rows(offset, limit)` (see ui/history.py); a new source (a new filter)
bumps a generation number, so a page of the old one can never land in the new view.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..cells import GAP, fit

PAGE_ROWS = 200
CACHE_PAGES = 200  # 40,000 rows at most in memory, however far one scrolls


class RowSource(Protocol):
    @property
    def count(self) -> int: ...

    def rows(self, offset: int, limit: int) -> list[Any]: ...


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    width: int  # terminal cells; 0 = whatever is left


class RowList(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"row-list--cursor", "row-list--placeholder"}

    DEFAULT_CSS = """
    RowList {
        overflow-x: hidden;
        overflow-y: scroll;
        height: 1fr;
        & > .row-list--cursor { background: $accent 40%; text-style: bold; }
        &:focus > .row-list--cursor { background: $accent; color: $text; }
        & > .row-list--placeholder { color: $text-muted; }
    }
    """

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="rows.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="rows.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="rows.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="rows.page_down"),
        Binding("home,g", "first", "First row", show=False, id="rows.first"),
        Binding("end,G", "last", "Last row", show=False, id="rows.last"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        """The row under the cursor changed, or its page arrived (row is None while it loads)."""

        def __init__(self, row_list: RowList, row: Any) -> None:
            super().__init__()
            self.row_list = row_list
            self.row = row

    class Selected(Message):
        """A row was double-clicked (screens bind enter themselves, so the footer shows what it does)."""

        def __init__(self, row_list: RowList, row: Any) -> None:
            super().__init__()
            self.row_list = row_list
            self.row = row

    class Failed(Message):
        def __init__(self, row_list: RowList, error: Exception) -> None:
            super().__init__()
            self.row_list = row_list
            self.error = error

    def __init__(
        self,
        columns: Sequence[Column],
        cells: Callable[[Any], Sequence[str]],
        *,
        empty: str = "(nothing here)",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.cells = cells
        self.empty = empty
        self.source: RowSource | None = None
        self._generation = 0
        self._pages: OrderedDict[int, list[Any]] = OrderedDict()
        self._in_flight: set[int] = set()

    # ------------------------------------------------------------ source

    def show(self, source: RowSource) -> None:
        """Show a new source from its top."""
        self._generation += 1
        self.workers.cancel_group(self, "rows")
        self.source = source
        self._pages.clear()
        self._in_flight.clear()
        self.cursor = 0
        self.scroll_to(y=0, animate=False)
        self.virtual_size = Size(self.scrollable_content_region.width, max(1, source.count))
        self._request_visible()
        self.refresh()

    @property
    def row_count(self) -> int:
        return self.source.count if self.source is not None else 0

    def row_at(self, index: int) -> Any:
        page = self._pages.get(index // PAGE_ROWS)
        if page is None:
            return None
        offset = index % PAGE_ROWS
        return page[offset] if offset < len(page) else None

    @property
    def current(self) -> Any:
        return self.row_at(self.cursor) if self.row_count else None

    def header(self) -> str:
        return "  " + GAP.join(fit(c.title, c.width) if c.width else c.title for c in self.columns)

    # ------------------------------------------------------------ pages

    def on_resize(self, event: events.Resize) -> None:
        if self.source is not None:
            self.virtual_size = Size(self.scrollable_content_region.width, max(1, self.row_count))
        self._request_visible()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._request_visible()

    def _visible_pages(self) -> range:
        top = round(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        return range(max(0, top // PAGE_ROWS), (top + height) // PAGE_ROWS + 1)

    def _request_visible(self) -> None:
        if self.source is None or not self.is_mounted:
            return
        for index in self._visible_pages():
            if index * PAGE_ROWS >= self.row_count or index in self._pages or index in self._in_flight:
                continue
            self._in_flight.add(index)
            self.run_worker(partial(self._load, self._generation, self.source, index), group="rows",
                            name=f"rows page {index}", exit_on_error=False)

    async def _load(self, generation: int, source: RowSource, index: int) -> None:
        try:
            rows = await asyncio.to_thread(source.rows, index * PAGE_ROWS, PAGE_ROWS)
        except Exception as error:  # noqa: BLE001 - a locked or damaged journal: one line, never a traceback
            if generation == self._generation:
                self._in_flight.discard(index)
                self.post_message(self.Failed(self, error))
            return
        if generation != self._generation:
            return
        self._in_flight.discard(index)
        self._pages[index] = rows
        while len(self._pages) > CACHE_PAGES:
            self._pages.popitem(last=False)
        self.refresh()
        if self.cursor // PAGE_ROWS == index:
            self.post_message(self.Highlighted(self, self.current))

    # ------------------------------------------------------------ cursor

    def watch_cursor(self, old: int, new: int) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def _move(self, row: int) -> None:
        self.cursor = max(0, min(row, self.row_count - 1))

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_page_up(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        self.scroll_to(y=max(0, self.scroll_y - height), animate=False, immediate=True)
        self._move(self.cursor - height)

    def action_page_down(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        self.scroll_to(y=self.scroll_y + height, animate=False, immediate=True)
        self._move(self.cursor + height)

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(self.row_count - 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = round(self.scroll_y) + offset.y
        if row < self.row_count:
            self.cursor = row
            if event.chain == 2 and self.current is not None:
                self.post_message(self.Selected(self, self.current))

    # ------------------------------------------------------------ drawing

    def _line(self, cells: Sequence[str]) -> str:
        width = self.scrollable_content_region.width - 2 if self.is_mounted else 0
        parts, used = [], 0
        for column, text in zip(self.columns, cells):
            size = column.width or max(4, width - used)
            parts.append(fit(text, size))
            used += size + len(GAP)
        return GAP.join(parts)

    def render_line(self, y: int) -> Strip:
        row = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if row >= self.row_count:
            if row == 0 and self.source is not None:
                return self._strip("  " + self.empty, width, base + self.get_component_rich_style("row-list--placeholder"))
            return Strip.blank(width, base)
        item = self.row_at(row)
        if item is None:
            text, style = "  …", base + self.get_component_rich_style("row-list--placeholder")
        else:
            text, style = "  " + self._line(self.cells(item)), base
        if row == self.cursor:
            style = style + self.get_component_rich_style("row-list--cursor")
        return self._strip(text, width, style)

    @staticmethod
    def _strip(text: str, width: int, style: Style) -> Strip:
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)
