"""Several processes opening one new snapshot at the same moment (the dashboard and `optout-tui sync`, say)."""

import sqlite3
import threading
from contextlib import closing

from optout_tui.snapshot import SnapshotStore
from optout_tui.snapshot.schema import SCHEMA_VERSION
from tests.bulk.conftest import open_at_once


def test_a_new_snapshot_waits_for_another_process_that_is_turning_it_to_wal(tmp_path):
    """Turning a new file to WAL needs its write lock, and SQLite answers "locked" at once instead of
    calling the busy handler (here: a connection holds the lock, as the other process's switch does)."""
    path = tmp_path / "snapshot.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(0.2, holder.rollback).start()
    SnapshotStore(path).close()
    holder.close()


def test_processes_creating_a_fresh_snapshot_at_once_all_open_it(tmp_path):
    paths = [tmp_path / str(i) / "snapshot.sqlite3" for i in range(10)]
    assert open_at_once("optout_tui.snapshot:SnapshotStore", paths) == []
    for path in paths:
        with closing(sqlite3.connect(path)) as check:
            assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
            assert check.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sms_number'").fetchone()[0] == 1
