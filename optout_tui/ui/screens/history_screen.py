"""What the journal-backed list screens share (the audit trail, a job's per-value results): the
database opened in a thread on first use and closed with the screen, and the paged row list."""

from __future__ import annotations

import asyncio

from textual.binding import Binding
from textual.screen import ModalScreen

from ...bulk.history import History
from ..widgets.row_list import RowList

# A full screen is modal, and a modal screen hides the app's keys: the quick lookup is offered again under
# the app's own id, so one `[keys]` entry moves it everywhere.
LOOKUP = Binding("l", "app.lookup", "Lookup", id="app.lookup")


class HistoryScreen(ModalScreen[None]):
    def __init__(self, db_path) -> None:
        super().__init__()
        self.db_path = db_path
        self.history: History | None = None

    @property
    def rows(self) -> RowList:
        return self.query_one(RowList)

    async def open_history(self) -> History:
        """The journal database, opened off the event loop the first time (it may be locked)."""
        if self.history is None:
            self.history = await asyncio.to_thread(History, self.db_path)
        return self.history

    def on_unmount(self) -> None:
        if self.history is not None:
            self.history.close()
