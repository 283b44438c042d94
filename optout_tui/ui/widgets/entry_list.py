"""A tab's list: the `RowList` over a vendor list's pages (`EntryRows`) or over snapshot matches.

`OptOutList.fetch_page` is random access, so pages are read as they come into view. Pages that are not
all full (a filter applied on our side, as the 080 date filter is) cannot be addressed by row; such lists
are small, so they are then read whole, in order, once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType

from ...api.base import Entry, ListFilter, OptOutList, Page
from ...api.errors import ApiError
from ..cells import CELLS
from .row_list import Column, RowList, TableRows, nav_bindings


class EntryRows:
    """A vendor list under a filter, as a row source; its size is learned from the pages."""

    def __init__(self, lst: OptOutList, flt: ListFilter, first_page: asyncio.Future[Page] | None = None) -> None:
        self.lst, self.flt = lst, flt
        self.page_size = max(1, lst.limits.page_size)
        self.specs = CELLS[lst.kind]
        self.columns = [Column(spec.title, spec.width) for spec in self.specs]
        self._first = first_page  # page 0, already asked for while the app was starting up
        self._total: int | None = None
        self._uneven = False
        self._whole: list[Entry] | None = None
        self._reading = asyncio.Lock()

    @property
    def count(self) -> int | None:
        return self._total

    def cells(self, entry: Entry) -> list[str]:
        return [spec.text(entry) for spec in self.specs]

    def page(self, index: int) -> Sequence[Entry] | None:
        """Page 0 if it landed before the list was drawn (rows in the first frame); the rest is fetched."""
        early = self._first if index == 0 else None
        if early is None or not early.done() or early.cancelled() or early.exception() is not None:
            return None
        self._first = None
        return self._take(early.result()) if self._addressable(early.result()) else None

    def _addressable(self, page: Page) -> bool:
        return page.last or len(page.entries) == self.page_size

    def _take(self, page: Page) -> Sequence[Entry]:
        if page.total is not None:
            self._total = page.total
        elif page.last and (page.entries or page.index == 0):  # an empty page past a probe says less
            self._total = page.index * self.page_size + len(page.entries)
        return page.entries

    async def fetch(self, index: int) -> Sequence[Entry]:
        early, self._first = (self._first, None) if index == 0 else (None, self._first)
        try:
            if not self._uneven:
                page = await (
                    early if early is not None and not early.cancelled() else self.lst.fetch_page(self.flt, index)
                )
                if self._addressable(page):
                    return self._take(page)
                self._uneven = True
            async with self._reading:  # one reader of the whole list; the other pages wait for it
                if self._whole is None:
                    self._whole = [entry async for page in self.lst.pages(self.flt) for entry in page.entries]
                    self._total = len(self._whole)
            return self._whole[index * self.page_size : (index + 1) * self.page_size]
        except ApiError:
            raise
        except Exception as error:  # a bug becomes a message, never a traceback
            raise ApiError(self.lst.name, f"unexpected {type(error).__name__}: {error}") from error


def mark_key(entry: Entry) -> tuple[str, str]:
    """What a mark holds on to: the value, and for NHN SMS its 080 number too (one recipient can be on
    several, each a row of its own)."""
    return entry.value, getattr(entry, "number080", "")


class EntryList(RowList):
    """The rows of one opt-out list: the vendor's pages for a filter, or snapshot matches."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *nav_bindings("list"),
        Binding("space", "toggle_mark", "Mark", id="list.mark"),
        Binding("enter", "select", "Detail", show=False, id="list.detail"),
    ]

    class _Named:
        @property
        def entry_list(self) -> EntryList:
            return self.row_list  # type: ignore[attr-defined]

    class StateChanged(_Named, RowList.StateChanged):
        """Counts, loading or error changed (the status line listens)."""

    class Failed(_Named, RowList.Failed):
        """A page request failed; the app decides what to offer (credentials, retry)."""

        error: ApiError

    class DetailRequested(_Named, RowList.Selected):
        @property
        def entry(self) -> Entry:
            return self.row

    Selected = DetailRequested

    def __init__(
        self,
        lst: OptOutList,
        *,
        first_page: asyncio.Future[Page] | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        self.lst = lst
        self.kind = lst.kind
        self.flt = ListFilter()
        super().__init__(
            EntryRows(lst, self.flt, first_page),
            empty="(no entries for this filter)",
            mark_key=mark_key,
            id=id,
            classes=classes,
        )

    def set_filter(self, flt: ListFilter) -> None:
        """Show `flt`: drop every page, cancel stale fetches, start over at the top."""
        self.flt = flt
        self.reload()

    def reload(self) -> None:
        self.show(EntryRows(self.lst, self.flt))

    def show_entries(self, entries: list[Entry]) -> None:
        """Show these entries (snapshot search results) instead of the vendor's pages."""
        vendor = EntryRows(self.lst, self.flt)
        self.show(TableRows(entries, vendor.columns, vendor.cells))

    entry_at = RowList.row_at
    cached_entries = RowList.cached_rows
    marked_entries = RowList.marked_rows


__all__ = ["EntryList", "EntryRows"]
