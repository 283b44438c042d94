"""One line under each list: rows loaded, the total where known, loading, marks, the filter, the last error."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from .row_list import ListState


def describe(state: ListState, filter_label: str = "", snapshot: str = "") -> Text:
    text = Text()
    if snapshot:  # rows from the local snapshot: what they are and how old, instead of the counts
        text.append(snapshot, style="bold")
    elif state.exact:
        text.append(f"{state.loaded:,} loaded of {state.rows:,}", style="bold")
    else:
        text.append(f"{state.loaded:,} loaded", style="bold")
        text.append(" · total not given by the vendor, more on scroll (End finds the end)")
    if snapshot:
        pass  # no pages are loading: the snapshot answered at once
    elif state.finding_end:
        text.append(" · finding the end…", style="italic")
    elif state.loading:
        text.append(" · loading…", style="italic")
    if state.marked:
        text.append(f" · {state.marked:,} marked", style="bold yellow")
    if filter_label:
        text.append(f" · {filter_label}")
    if state.error is not None:
        text.append("  ")
        text.append(f"⚠ {state.error.line}", style="bold red")
        text.append(" (r retries)" if not state.error.is_auth else " (c opens credentials)")
    return text


class StatusLine(Static):
    """Shows a list's state; the pane updates it from RowList.StateChanged."""

    DEFAULT_CSS = """
    StatusLine { height: auto; max-height: 3; padding: 0 1; background: $panel; color: $text; }
    """

    plain = ""  # what it says now, as plain text

    def show(self, state: ListState, filter_label: str = "", note: str = "", snapshot: str = "") -> None:
        text = describe(state, filter_label, snapshot)
        if note:
            text.append(f"  {note}", style="bold red")
        self.plain = text.plain
        self.update(text)
