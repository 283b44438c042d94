"""One sync per snapshot at a time (the dashboard and a command line may both try): an OS file lock,
released by the OS if the process dies, so a crash never leaves the snapshot locked."""

from __future__ import annotations

import os
from pathlib import Path

from ..file_lock import lock_fd as _lock
from ..file_lock import unlock_fd as _unlock


class SnapshotBusy(Exception):
    """Another sync of the same snapshot is running."""


class SyncLock:
    def __init__(self, path: Path) -> None:
        self.path = Path(str(path) + ".lock")
        self._fd: int | None = None

    def __enter__(self) -> SyncLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            raise SnapshotBusy(
                "another sync of this profile's snapshot is running (dashboard or command line): wait for it to finish"
            ) from None
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            _unlock(self._fd)
            os.close(self._fd)
            self._fd = None
