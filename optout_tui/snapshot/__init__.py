"""A local SQLite copy of each opt-out list, for instant search, exports and the overview.

The vendors only answer exact lookups; the snapshot answers "which numbers starting 010-1234
opted out last week?" at once. Exact lookups still ask the vendor, which is the truth: every
result from here carries the snapshot's age. No Textual, no click: the CLI and the dashboard
both build on this.

    store = SnapshotStore.for_profile(profile.name)
    await Syncer(store, lists, progress=print).sync()        # full first, then incremental
    search(store, ListKind.SMS, "010-1234", limit=50)        # -> SearchResult(entries, more, state)
"""

from .lock import SnapshotBusy
from .overview import Overview, overview
from .search import SearchResult, search, search_all
from .store import SnapshotStore, SyncState, age_text
from .sync import Syncer, SyncProgress, SyncReport

__all__ = [
    "Overview",
    "SearchResult",
    "SnapshotBusy",
    "SnapshotStore",
    "SyncProgress",
    "SyncReport",
    "SyncState",
    "Syncer",
    "age_text",
    "overview",
    "search",
    "search_all",
]
