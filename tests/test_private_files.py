"""The journal and the snapshot hold people's numbers and addresses: only their owner may read them."""

import stat

from optout_tui.bulk import db as journal_db
from optout_tui.snapshot import schema as snapshot_schema


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_journal_and_snapshot_are_created_owner_only(tmp_path):
    conn, journal = journal_db.connect(tmp_path / "a" / "journal.sqlite3")
    conn.close()
    snapshot = tmp_path / "b" / "snapshot-default.sqlite3"
    snapshot_schema.connect(snapshot).close()
    assert mode(journal) == 0o600 and mode(snapshot) == 0o600
    assert mode(journal.parent) == 0o700 and mode(snapshot.parent) == 0o700
