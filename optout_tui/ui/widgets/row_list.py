"""The one list widget of the dashboard (every tab, the audit trail, jobs, a job's results) over a row source.

Textual's Line API (a `ScrollView` drawing its own lines, as Textualize/toolong does): only the rows on
screen are drawn and only the pages near the view are read, each in a worker, so a list of a million rows
opens as fast as one of ten. Pages live in Textual's `LRUCache`, so memory stays flat however far one
scrolls and the page being read is the last to go. When the source does not know its size (SENS gives no
total), the list grows as pages arrive and End finds the last page by galloping then bisecting (a few dozen
requests for a million rows). A new source bumps a generation number and cancels the page workers, so a
page of the old one can never land in the new view. The header is the first line, so it scrolls sideways
with the columns when they are wider than the screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar, Protocol

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..cells import GAP, fit

PREFETCH_PAGES = 1  # pages read beyond each edge of the view
MAX_IN_FLIGHT = 4  # page reads running at once per list
MIN_FLEX = 12  # the least a column of width 0 ("what is left") gets; more than that scrolls sideways


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    width: int  # terminal cells; 0 = whatever is left


class RowSource(Protocol):
    """What a `RowList` shows: rows a page at a time, and the cells of a row."""

    @property
    def columns(self) -> Sequence[Column]: ...

    @property
    def page_size(self) -> int: ...

    @property
    def count(self) -> int | None:
        """Rows in all; None while not known (the list then grows as full pages arrive)."""

    def page(self, index: int) -> Sequence[Any] | None:
        """Page `index` (rows index*page_size onwards) if it is at hand, else None: `fetch` then reads it."""

    async def fetch(self, index: int) -> Sequence[Any]:
        """Page `index`, read in a worker."""

    def cells(self, row: Any) -> Sequence[str]: ...


class Readable(Protocol):
    """A read model of the journal (the audit trail, a job's results): blocking reads by position."""

    @property
    def count(self) -> int: ...

    def rows(self, offset: int, limit: int) -> Sequence[Any]: ...


class TableRows:
    """Rows in memory, or a blocking read model (read in a thread), as a row source."""

    def __init__(
        self,
        data: Readable | Sequence[Any],
        columns: Sequence[Column],
        cells: Callable[[Any], Sequence[str]],
        *,
        page_size: int = 200,
    ) -> None:
        self.data, self.columns, self.cells, self.page_size = data, columns, cells, page_size

    @property
    def count(self) -> int:
        return len(self.data) if isinstance(self.data, Sequence) else self.data.count

    def page(self, index: int) -> Sequence[Any] | None:
        offset = index * self.page_size
        return self.data[offset : offset + self.page_size] if isinstance(self.data, Sequence) else None

    async def fetch(self, index: int) -> Sequence[Any]:
        return await asyncio.to_thread(self.data.rows, index * self.page_size, self.page_size)  # type: ignore[union-attr]


@dataclass(frozen=True, slots=True)
class ListState:
    """What a status line shows about a list."""

    rows: int  # rows known to exist (exact when `exact`)
    exact: bool  # the end of the list is known
    loaded: int  # rows read so far (distinct)
    loading: bool
    finding_end: bool
    marked: int
    error: Any  # what the source raised (an ApiError on the tabs), or None


def nav_bindings(prefix: str) -> list[BindingType]:
    """The moving keys, under ids of the list's own section of the keymap."""
    return [
        Binding("up,k", "cursor_up", "Up", show=False, id=f"{prefix}.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id=f"{prefix}.down"),
        Binding("pageup", "page_up", "Page up", show=False, id=f"{prefix}.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id=f"{prefix}.page_down"),
        Binding("home,g", "first", "First row", show=False, id=f"{prefix}.first"),
        Binding("end,G", "last", "Last row", show=False, id=f"{prefix}.last"),
    ]


class RowList(ScrollView, can_focus=True):
    """Rows of a source with a cursor, optional marks (space), lazy pages; left/right scroll sideways."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "row-list--header",
        "row-list--cursor",
        "row-list--marked",
        "row-list--placeholder",
        "row-list--more",
    }

    DEFAULT_CSS = """
    RowList {
        overflow-x: auto;
        overflow-y: scroll;
        height: 1fr;
        & > .row-list--header { background: $boost; text-style: bold; color: $text-accent; }
        & > .row-list--cursor { background: $accent 40%; text-style: bold; }
        &:focus > .row-list--cursor { background: $accent; color: $text; }
        & > .row-list--marked { color: $warning; text-style: bold; }
        & > .row-list--placeholder { color: $text-muted; }
        & > .row-list--more { color: $text-muted; text-style: italic; }
    }
    """

    BINDINGS = nav_bindings("rows")
    CACHE_ROWS = 250_000  # rows kept, in whole pages: bounded memory however far one scrolls

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class StateChanged(Message):
        """Counts, loading or error changed (a status line listens)."""

        def __init__(self, row_list: RowList, state: ListState) -> None:
            super().__init__()
            self.row_list = row_list
            self.state = state

    class Highlighted(Message):
        """The row under the cursor changed, or its page arrived (row is None while it loads)."""

        def __init__(self, row_list: RowList, row: Any) -> None:
            super().__init__()
            self.row_list = row_list
            self.row = row

    class Selected(Message):
        """enter or a double click on a row."""

        def __init__(self, row_list: RowList, row: Any) -> None:
            super().__init__()
            self.row_list = row_list
            self.row = row

    class Failed(Message):
        """A page could not be read; the screen says what to do."""

        def __init__(self, row_list: RowList, error: Exception) -> None:
            super().__init__()
            self.row_list = row_list
            self.error = error

    def __init__(
        self,
        source: RowSource | None = None,
        *,
        empty: str = "(nothing here)",
        mark_key: Callable[[Any], Hashable] | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.empty = empty
        self.mark_key = mark_key  # marks are kept by this key, so they survive paging and new sources
        self.marked: dict[Hashable, Any] = {}
        self._generation = 0
        self._reset(source)

    # ------------------------------------------------------------ state

    def _reset(self, source: RowSource | None) -> None:
        self.source = source
        self.pages: LRUCache[int, Sequence[Any]] = LRUCache(max(2, self.CACHE_ROWS // self.page_size))
        self._loaded: dict[int, int] = {}  # every page ever read -> rows (for "loaded")
        self._in_flight: set[int] = set()
        count = source.count if source is not None else 0
        self._rows, self._exact = (count, True) if count is not None else (0, False)
        self._finding_end = False
        self._error: Exception | None = None
        self._semaphore = asyncio.Semaphore(MAX_IN_FLIGHT)

    @property
    def page_size(self) -> int:
        return max(1, self.source.page_size) if self.source is not None else 1

    @property
    def row_count(self) -> int:
        return self._rows

    @property
    def exact(self) -> bool:
        return self._exact

    @property
    def state(self) -> ListState:
        return ListState(
            rows=self._rows,
            exact=self._exact,
            loaded=sum(self._loaded.values()),
            loading=bool(self._in_flight) or self._finding_end,
            finding_end=self._finding_end,
            marked=len(self.marked),
            error=self._error,
        )

    def row_at(self, index: int) -> Any:
        """The row at `index` if its page is cached (None while it loads); reading it keeps the page."""
        page = self.pages.get(index // self.page_size)
        offset = index % self.page_size
        return page[offset] if page is not None and offset < len(page) else None

    @property
    def current(self) -> Any:
        return self.row_at(self.cursor) if self._rows else None

    def cached_rows(self) -> list[Any]:
        return [row for index in sorted(self.pages.keys()) for row in self.pages.get(index) or ()]

    def marked_rows(self) -> list[Any]:
        return list(self.marked.values())

    # ------------------------------------------------------------ public actions

    def show(self, source: RowSource) -> None:
        """Show a new source from its top."""
        self._generation += 1
        self.workers.cancel_group(self, "pages")
        self._reset(source)
        self.cursor = 0
        self.scroll_to(x=0, y=0, animate=False)
        self._update_virtual_size()
        self._request_visible()
        self.refresh()
        self._post_state()

    def retry(self) -> None:
        """Read the pages around the view again after an error."""
        self._error = None
        self._request_visible()
        self._post_state()

    def clear_marks(self) -> None:
        self.marked.clear()
        self.refresh()
        self._post_state()

    # ------------------------------------------------------------ lifecycle

    def on_mount(self) -> None:
        self._update_virtual_size()
        self._request_visible()

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._request_visible()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._request_visible()

    def watch_cursor(self, old: int, new: int) -> None:
        top, height = round(self.scroll_y), self._page_height()
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    # ------------------------------------------------------------ geometry (line 0 is the header)

    def _widths(self) -> list[int]:
        """Each column's width; the one of width 0 takes what is left of the view (MIN_FLEX at least)."""
        columns = self.source.columns if self.source is not None else ()
        used = 2 + len(GAP) * max(0, len(columns) - 1) + sum(c.width for c in columns)
        left = max(MIN_FLEX, self.scrollable_content_region.width - used)
        return [c.width or left for c in columns]

    def _line_width(self) -> int:
        widths = self._widths()
        return 2 + sum(widths) + len(GAP) * max(0, len(widths) - 1)

    def _update_virtual_size(self) -> None:
        extra = 0 if self._exact else 1  # the "loading more…" line
        self.virtual_size = Size(self._line_width(), 1 + self._rows + extra)

    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _visible_pages(self) -> range:
        top, size = round(self.scroll_y), self.page_size
        first = max(0, top // size - PREFETCH_PAGES)
        return range(first, (top + self._page_height()) // size + PREFETCH_PAGES + 1)

    # ------------------------------------------------------------ reading pages

    def _needed(self, index: int) -> bool:
        if index in self.pages or index in self._in_flight:
            return False
        if self._exact:
            return index == 0 or index * self.page_size < self._rows
        return index * self.page_size <= self._rows  # grow one page at a time past the known rows

    def _request_visible(self) -> None:
        if self.source is None or self._error is not None or not self.is_mounted:
            return
        for index in self._visible_pages():
            if not self._needed(index):
                continue
            rows = self.source.page(index)
            if rows is not None:
                self._store(index, rows)
            else:
                self._in_flight.add(index)
                self.run_worker(
                    partial(self._load, self._generation, index),  # type: ignore[arg-type]  # Textual's WorkType rejects async def (Textualize/textual#6386)
                    group="pages",
                    name=f"page {index}",
                    exit_on_error=False,
                )
        self._post_state()

    async def _load(self, generation: int, index: int) -> None:
        assert self.source is not None
        try:
            async with self._semaphore:
                if generation != self._generation or index not in self._visible_pages():
                    return  # stale, or scrolled away while waiting: asked again if it comes back
                rows = await self.source.fetch(index)
        except Exception as error:
            if generation == self._generation:
                self._fail(error)
            return
        finally:
            if generation == self._generation:
                self._in_flight.discard(index)
        if generation == self._generation:
            self._store(index, rows)
            self._request_visible()

    @staticmethod
    async def _read(source: RowSource, index: int) -> Sequence[Any]:
        rows = source.page(index)
        return rows if rows is not None else await source.fetch(index)

    def _store(self, index: int, rows: Sequence[Any]) -> None:
        """Cache a page and learn what it says about the size of the list."""
        self.pages.set(index, rows)
        self._loaded[index] = len(rows)
        count = self.source.count if self.source is not None else None
        if count is not None:
            self._rows, self._exact = count, True
        elif len(rows) < self.page_size:  # the first page that is not full is the last one
            self._rows, self._exact = index * self.page_size + len(rows), True
        elif not self._exact:
            self._rows = max(self._rows, (index + 1) * self.page_size)
        if self._exact and self.cursor >= self._rows:
            self.cursor = max(0, self._rows - 1)
        self._update_virtual_size()
        self.refresh()
        self._post_state()
        if self.cursor // self.page_size == index:
            self.post_message(self.Highlighted(self, self.current))

    def _fail(self, error: Exception) -> None:
        self._error = error
        self._post_state()
        self.post_message(self.Failed(self, error))

    def _post_state(self) -> None:
        if self.is_attached:
            self.post_message(self.StateChanged(self, self.state))

    async def _find_end(self, generation: int) -> None:
        """Gallop then bisect over page indexes for the first page that is not full."""
        self._finding_end = True
        self._post_state()
        source, size = self.source, self.page_size
        assert source is not None
        try:
            full = self._rows // size - 1  # highest page known to be full
            probe, step = full + 1, 1
            while len(rows := await self._read(source, probe)) == size and source.count is None:
                if generation != self._generation:
                    return
                full, step = probe, step * 2
                self._rows = max(self._rows, (probe + 1) * size)
                self._update_virtual_size()
                self._post_state()
                probe = full + step
            last = rows
            while probe - full > 1 and source.count is None:
                middle = (full + probe) // 2
                rows = await self._read(source, middle)
                if generation != self._generation:
                    return
                if len(rows) < size:
                    probe, last = middle, rows
                else:
                    full = middle
                    self._rows = max(self._rows, (middle + 1) * size)
            if generation == self._generation:
                self._store(probe, last)
                self.cursor = max(0, self._rows - 1)
        except Exception as error:
            if generation == self._generation:
                self._fail(error)
        finally:
            if generation == self._generation:
                self._finding_end = False
                self._post_state()
                self._request_visible()

    # ------------------------------------------------------------ key actions

    def _move(self, row: int) -> None:
        limit = self._rows - 1 if self._exact else self._rows  # may sit on "loading more…"
        self.cursor = max(0, min(row, max(0, limit)))

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_page_up(self) -> None:
        height = self._page_height()
        self.scroll_to(y=max(0, self.scroll_y - height), animate=False, immediate=True)
        self._move(self.cursor - height)

    def action_page_down(self) -> None:
        height = self._page_height()
        self.scroll_to(y=self.scroll_y + height, animate=False, immediate=True)
        self._move(self.cursor + height)

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(self._rows if not self._exact else self._rows - 1)
        if not self._exact and not self._finding_end and self._error is None and self.source is not None:
            self.run_worker(
                partial(self._find_end, self._generation),  # type: ignore[arg-type]  # Textual's WorkType rejects async def (Textualize/textual#6386)
                group="pages",
                name="find end",
                exit_on_error=False,
            )

    def action_toggle_mark(self) -> None:
        row = self.current
        if row is None or self.mark_key is None:
            return
        key = self.mark_key(row)
        if self.marked.pop(key, None) is None:
            self.marked[key] = row
        self._move(self.cursor + 1)
        self._post_state()

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        row = round(self.scroll_y) + offset.y - 1
        if row < self._rows:
            self.cursor = row
            if event.chain == 2:
                self.action_select()

    # ------------------------------------------------------------ drawing

    _base_style: Style | None = None
    _frame_widths: list[int] | None = None

    def render_lines(self, crop):
        # worked out once a frame: the widget's own style walks up the whole tree
        self._base_style, self._frame_widths = self.rich_style, self._widths()
        try:
            return super().render_lines(crop)
        finally:
            self._base_style = self._frame_widths = None

    def _text(self, cells: Sequence[str]) -> str:
        widths = self._frame_widths or self._widths()
        return GAP.join(fit(text, width) for text, width in zip(cells, widths, strict=False))

    def render_line(self, y: int) -> Strip:
        base = self._base_style or self.rich_style
        if y == 0:
            titles = [c.title for c in self.source.columns] if self.source is not None else []
            return self._strip("  " + self._text(titles), base + self.get_component_rich_style("row-list--header"))
        row = round(self.scroll_y) + y - 1
        if row >= self._rows:
            if row == self._rows and not self._exact:
                text = "  … loading more" if (self._in_flight or self._finding_end) else "  … more below"
                return self._strip(text, base + self.get_component_rich_style("row-list--more"))
            if row == 0 and self._exact and self.source is not None:
                return self._strip("  " + self.empty, base + self.get_component_rich_style("row-list--placeholder"))
            return self._strip("", base)
        item = self.row_at(row)
        if item is None or self.source is None:
            text, style = "  …", base + self.get_component_rich_style("row-list--placeholder")
        else:
            marked = self.mark_key is not None and self.mark_key(item) in self.marked
            text = ("● " if marked else "  ") + self._text(self.source.cells(item))
            style = base + self.get_component_rich_style("row-list--marked") if marked else base
        if row == self.cursor:
            style = style + self.get_component_rich_style("row-list--cursor")
        return self._strip(text, style)

    def _strip(self, text: str, style: Style) -> Strip:
        """The line across the whole row width, cropped to the columns in view."""
        x, width = round(self.scroll_x), self.scrollable_content_region.width
        return Strip([Segment(text, style)]).adjust_cell_length(max(width, x + width), style).crop(x, x + width)
