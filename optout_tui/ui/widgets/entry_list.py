"""A list of opt-out entries that scales to millions: Textual's Line API over a page cache.

Only the rows on screen are drawn (`render_line`), and only the pages near the view are fetched,
each by its own worker, through `OptOutList.fetch_page` (random access). Pages live in an LRU cache,
so memory stays flat however far the user scrolls. When the vendor gives no total (SENS), the list
grows as pages arrive, and End finds the last page by galloping then bisecting (a few dozen requests
for a million rows) instead of walking every page. Changing the filter bumps a generation number and
cancels the page workers, so a stale page can never land in the new view.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
from functools import partial

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...api.base import Entry, ListFilter, OptOutList, Page
from ...api.errors import ApiError
from ..cells import row_text

PAGE_CACHE_PAGES = 2_500  # pages kept (x page size rows): bounded memory however far you scroll
PREFETCH_PAGES = 1  # pages fetched beyond each edge of the view
MAX_IN_FLIGHT = 4  # page requests running at once per list


@dataclass(frozen=True, slots=True)
class ListState:
    """What the status line shows about one list."""

    rows: int  # rows known to exist (exact when `exact`)
    exact: bool  # the end of the list is known (a total from the vendor, or the last page seen)
    loaded: int  # rows fetched so far (distinct)
    loading: bool
    finding_end: bool
    marked: int
    error: ApiError | None


class EntryList(ScrollView, can_focus=True):
    """The rows of one opt-out list; cursor, marks, lazy pages."""

    COMPONENT_CLASSES = {
        "entry-list--cursor",
        "entry-list--marked",
        "entry-list--placeholder",
        "entry-list--more",
    }

    DEFAULT_CSS = """
    EntryList {
        overflow-x: hidden;
        overflow-y: scroll;
        height: 1fr;
        & > .entry-list--cursor { background: $accent 40%; text-style: bold; }
        &:focus > .entry-list--cursor { background: $accent; color: $text; }
        & > .entry-list--marked { color: $warning; text-style: bold; }
        & > .entry-list--placeholder { color: $text-muted; }
        & > .entry-list--more { color: $text-muted; text-style: italic; }
    }
    """

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("home,g", "first", "First row", show=False, id="list.first"),
        Binding("end,G", "last", "Last row", show=False, id="list.last"),
        Binding("space", "toggle_mark", "Mark", id="list.mark"),
        Binding("enter", "open_detail", "Detail", show=False, id="list.detail"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class StateChanged(Message):
        """Counts, loading or error changed (the status line listens)."""

        def __init__(self, entry_list: EntryList, state: ListState) -> None:
            super().__init__()
            self.entry_list = entry_list
            self.state = state

    class Failed(Message):
        """A page request failed; the app decides what to offer (credentials, retry)."""

        def __init__(self, entry_list: EntryList, error: ApiError) -> None:
            super().__init__()
            self.entry_list = entry_list
            self.error = error

    class DetailRequested(Message):
        def __init__(self, entry_list: EntryList, entry: Entry) -> None:
            super().__init__()
            self.entry_list = entry_list
            self.entry = entry

    def __init__(
        self,
        lst: OptOutList,
        *,
        first_page: asyncio.Future[Page] | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.lst = lst
        # page 0 of the unfiltered list, already asked for while the app was starting up
        self._first_page = first_page
        self.kind = lst.kind
        self.flt = ListFilter()
        self.page_size = max(1, lst.limits.page_size)
        self.marked: dict[str, Entry] = {}  # by value, so marks survive paging and re-sorting
        self._generation = 1
        self._reset_pages()

    # ------------------------------------------------------------ state

    def _reset_pages(self) -> None:
        self._pages: OrderedDict[int, list[Entry]] = OrderedDict()
        self._page_sizes: dict[int, int] = {}  # every page ever fetched -> entries (for "loaded")
        self._in_flight: set[int] = set()
        self._rows = 0
        self._exact = False
        self._finding_end = False
        self._error: ApiError | None = None
        self._semaphore = asyncio.Semaphore(MAX_IN_FLIGHT)
        # Pages that are not all full (a filter applied on our side, as the 080 date filter is)
        # cannot be addressed by row; such lists are small, so they are read whole, in order.
        self._sequential: list[Entry] | None = None

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
            loaded=sum(self._page_sizes.values()),
            loading=bool(self._in_flight) or self._finding_end,
            finding_end=self._finding_end,
            marked=len(self.marked),
            error=self._error,
        )

    def entry_at(self, row: int) -> Entry | None:
        """The entry at `row` if its page is cached (None while it loads)."""
        if self._sequential is not None:
            return self._sequential[row] if row < len(self._sequential) else None
        page = self._pages.get(row // self.page_size)
        if page is None:
            return None
        offset = row % self.page_size
        return page[offset] if offset < len(page) else None

    @property
    def current(self) -> Entry | None:
        return self.entry_at(self.cursor) if self._rows else None

    def cached_entries(self) -> list[Entry]:
        if self._sequential is not None:
            return list(self._sequential)
        return [entry for page in self._pages.values() for entry in page]

    def marked_entries(self) -> list[Entry]:
        return list(self.marked.values())

    # ------------------------------------------------------------ public actions

    def set_filter(self, flt: ListFilter) -> None:
        """Show `flt`: drop every page, cancel stale fetches, start over at the top."""
        self.flt = flt
        self.reload()

    def show_entries(self, entries: list[Entry]) -> None:
        """Show these entries (snapshot search results) instead of the vendor's pages."""
        self._generation += 1
        self.workers.cancel_group(self, "pages")
        self._reset_pages()
        self._sequential = list(entries)
        self._rows, self._exact = len(self._sequential), True
        self._page_sizes[0] = self._rows
        self.cursor = 0
        self.scroll_to(y=0, animate=False)
        self._update_virtual_size()
        self.refresh()
        self._post_state()

    def reload(self) -> None:
        self._generation += 1
        self.workers.cancel_group(self, "pages")
        self._reset_pages()
        self.cursor = 0
        self.scroll_to(y=0, animate=False)
        self._update_virtual_size()
        self._request_visible()
        self._post_state()

    def retry(self) -> None:
        """Try the pages around the view again after an error."""
        self._error = None
        self._request_visible()
        self._post_state()

    def clear_marks(self) -> None:
        self.marked.clear()
        self.refresh()
        self._post_state()

    # ------------------------------------------------------------ lifecycle

    def on_mount(self) -> None:
        early, self._first_page = self._first_page, None
        if early is not None:  # taken as soon as it lands (no worker to wait for): rows in the first frame
            if early.done():
                self._take_first_page(self._generation, early)
            else:
                self._in_flight.add(0)
                early.add_done_callback(partial(self._take_first_page, self._generation))
        self._update_virtual_size()
        self._request_visible()

    def _take_first_page(self, generation: int, future: asyncio.Future[Page]) -> None:
        error = None if future.cancelled() else future.exception()
        if generation != self._generation or future.cancelled() or not self.is_attached:
            return  # the filter changed meanwhile: this page is stale
        self._in_flight.discard(0)
        if error is not None:
            self._fail(error if isinstance(error, ApiError)
                       else ApiError(self.lst.name, f"unexpected {type(error).__name__}: {error}"))
            return
        self._store(future.result())
        self._request_visible()

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._request_visible()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._request_visible()

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()

    # ------------------------------------------------------------ geometry

    def _update_virtual_size(self) -> None:
        width = self.scrollable_content_region.width
        extra = 0 if self._exact else 1  # the "loading more…" line
        self.virtual_size = Size(width, self._rows + extra)

    def _scroll_cursor_into_view(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def _visible_pages(self) -> range:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        first = max(0, top // self.page_size - PREFETCH_PAGES)
        last = (top + height) // self.page_size + PREFETCH_PAGES
        return range(first, last + 1)

    # ------------------------------------------------------------ fetching

    def _needed(self, index: int) -> bool:
        if index in self._pages or index in self._in_flight:
            return False
        if self._exact and index * self.page_size >= max(self._rows, 1) and index > 0:
            return False
        if not self._exact and index * self.page_size > self._rows:
            return False  # grow one page at a time past the known rows
        return True

    def _request_visible(self) -> None:
        if self._error is not None or not self.is_mounted or self._sequential is not None:
            return
        for index in self._visible_pages():
            if self._needed(index):
                self._in_flight.add(index)
                self.run_worker(
                    partial(self._load_page, self._generation, index),
                    group="pages",
                    name=f"{self.kind.value} page {index}",
                    exit_on_error=False,
                )
        self._post_state()

    async def _load_page(self, generation: int, index: int) -> None:
        try:
            async with self._semaphore:
                if generation != self._generation:
                    return
                if index not in self._visible_pages():
                    return  # scrolled away while waiting: fetch again if it comes back
                page = await self.lst.fetch_page(self.flt, index)
        except ApiError as error:
            if generation == self._generation:
                self._fail(error)
            return
        except Exception as error:  # noqa: BLE001 - a bug becomes a message, never a traceback
            if generation == self._generation:
                self._fail(ApiError(self.lst.name, f"unexpected {type(error).__name__}: {error}"))
            return
        finally:
            if generation == self._generation:
                self._in_flight.discard(index)
        if generation == self._generation:
            self._store(page)
            self._request_visible()

    def _fail(self, error: ApiError) -> None:
        self._error = error
        self._post_state()
        self.post_message(self.Failed(self, error))

    def _store(self, page: Page) -> None:
        """Cache a page and learn what it says about the size of the list."""
        if not page.last and len(page.entries) != self.page_size and self._sequential is None:
            self._read_whole()
            return
        self._pages[page.index] = list(page.entries)
        self._pages.move_to_end(page.index)
        while len(self._pages) > PAGE_CACHE_PAGES:
            self._pages.popitem(last=False)
        self._page_sizes[page.index] = len(page.entries)
        self._learn_size(page)
        self._update_virtual_size()
        self.refresh()
        self._post_state()

    def _learn_size(self, page: Page) -> None:
        if page.total is not None:
            self._rows, self._exact = page.total, True
        elif page.last:
            self._rows = page.index * self.page_size + len(page.entries)
            self._exact = True
        elif not self._exact:
            self._rows = max(self._rows, (page.index + 1) * self.page_size)
        if self._exact and self.cursor >= self._rows:
            self.cursor = max(0, self._rows - 1)

    def _post_state(self) -> None:
        if self.is_attached:
            self.post_message(self.StateChanged(self, self.state))

    def _read_whole(self) -> None:
        """Switch to reading the list in order (pages of uneven size), in one worker."""
        self._generation += 1
        self.workers.cancel_group(self, "pages")
        self._reset_pages()
        self._sequential = []
        self._in_flight.add(-1)
        self.run_worker(partial(self._load_in_order, self._generation), group="pages", name="read whole", exit_on_error=False)

    async def _load_in_order(self, generation: int) -> None:
        assert self._sequential is not None
        try:
            async for page in self.lst.pages(self.flt):
                if generation != self._generation:
                    return
                self._sequential.extend(page.entries)
                self._page_sizes[page.index] = len(page.entries)
                self._rows = len(self._sequential)
                self._update_virtual_size()
                self.refresh()
                self._post_state()
            self._exact = True
        except ApiError as error:
            if generation == self._generation:
                self._fail(error)
        finally:
            if generation == self._generation:
                self._in_flight.discard(-1)
                self._update_virtual_size()
                self.refresh()
                self._post_state()

    # ------------------------------------------------------------ finding the end (no total)

    async def _find_end(self, generation: int) -> None:
        """Gallop then bisect over page indexes for the first page marked last."""
        self._finding_end = True
        self._post_state()
        try:
            full = max(-1, self._rows // self.page_size - 1)  # highest page known to be full
            step = 1
            probe = full + step
            last_page: Page | None = None
            while last_page is None:
                page = await self.lst.fetch_page(self.flt, probe)
                if generation != self._generation:
                    return
                if page.last or page.total is not None and page.total <= (probe + 1) * self.page_size:
                    last_page = page
                else:
                    full, step = probe, step * 2
                    self._rows = max(self._rows, (probe + 1) * self.page_size)
                    self._update_virtual_size()
                    self._post_state()
                    probe = full + step
            while probe - full > 1:
                middle = (full + probe) // 2
                page = await self.lst.fetch_page(self.flt, middle)
                if generation != self._generation:
                    return
                if page.last:
                    probe, last_page = middle, page
                else:
                    full = middle
                    self._rows = max(self._rows, (middle + 1) * self.page_size)
            if last_page.index != probe:  # pragma: no cover - defensive
                last_page = await self.lst.fetch_page(self.flt, probe)
            self._store(last_page)
            if not last_page.entries and probe > 0:
                self._rows, self._exact = probe * self.page_size, True
                self._update_virtual_size()
            self.cursor = max(0, self._rows - 1)
        except ApiError as error:
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

    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

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
        if self._exact:
            self._move(self._rows - 1)
            return
        self._move(self._rows)
        if not self._finding_end and self._error is None:
            self.run_worker(
                partial(self._find_end, self._generation), group="pages", name="find end", exit_on_error=False
            )

    def action_toggle_mark(self) -> None:
        entry = self.current
        if entry is None:
            return
        if self.marked.pop(entry.value, None) is None:
            self.marked[entry.value] = entry
        self._move(self.cursor + 1)
        self._post_state()

    def action_open_detail(self) -> None:
        entry = self.current
        if entry is not None:
            self.post_message(self.DetailRequested(self, entry))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = round(self.scroll_y) + offset.y
        if row < self._rows:
            self.cursor = row
            if event.chain == 2:
                self.action_open_detail()

    # ------------------------------------------------------------ drawing

    _base_style: Style | None = None

    def render_lines(self, crop):
        # the widget's own style once per frame: working it out walks up the whole tree
        self._base_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._base_style = None

    def render_line(self, y: int) -> Strip:
        row = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base = self._base_style or self.rich_style
        if row >= self._rows:
            if row == self._rows and not self._exact:
                text = "  … loading more" if (self._in_flight or self._finding_end) else "  … more below"
                return self._strip(text, width, self.get_component_rich_style("entry-list--more"))
            if row == 0 and self._exact:
                return self._strip("  (no entries for this filter)", width,
                                   self.get_component_rich_style("entry-list--placeholder"))
            return Strip.blank(width, base)
        entry = self.entry_at(row)
        if entry is None:
            style = base + self.get_component_rich_style("entry-list--placeholder")
            text = "  …"
        else:
            marked = entry.value in self.marked
            text = ("● " if marked else "  ") + row_text(self.kind, entry)
            style = base + self.get_component_rich_style("entry-list--marked") if marked else base
        if row == self.cursor:
            style = style + self.get_component_rich_style("entry-list--cursor")
        return self._strip(text, width, style)

    @staticmethod
    def _strip(text: str, width: int, style: Style) -> Strip:
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)


__all__ = ["EntryList", "ListState"]
