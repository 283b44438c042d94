"""Local databases hold people's phone numbers and addresses: readable by this user only."""

from __future__ import annotations

from pathlib import Path


def create_private(path: Path) -> None:
    """Create `path` (and its folder) owner-only if it does not exist yet; SQLite gives its -wal
    and -shm files the same mode. Errors are left to the caller's connect, which says what is wrong."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            path.touch(mode=0o600)
    except OSError:
        pass
