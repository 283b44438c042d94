"""An exclusive lock on a file that the OS drops when its process ends, however it ends.

A lock is held through an open file (flock on POSIX, msvcrt on Windows), so `kill -9`, a closed
terminal or a crash release it with the process: a lock never outlives its holder, and a recycled
process id means nothing. Used for "a sync of this snapshot is running" and "this job is running".
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

if sys.platform == "win32":
    import msvcrt

    def lock_fd(fd: int) -> None:
        """Lock an open file without waiting; OSError if another holder has it."""
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def unlock_fd(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def lock_fd(fd: int) -> None:
        """Lock an open file without waiting; OSError if another holder has it."""
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def unlock_fd(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class FileLock:
    """An owner-only (0600) lock file; `acquire` it, `release` it, or ask whether anyone `held` it."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self, wait: float = 0.0) -> bool:
        """Take the lock, trying for up to `wait` seconds; False if someone else holds it. Someone merely
        asking whether it is `held` holds it for an instant, which a short wait rides over."""
        deadline = time.monotonic() + wait
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                lock_fd(fd)
            except OSError:
                os.close(fd)
            else:
                if _same_file(fd, self.path):
                    self._fd = fd
                    return True
                # Its holder removed it as we opened it: a lock on a file no longer at the path guards nothing.
                os.close(fd)
                continue
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    def release(self, *, remove: bool = False) -> None:
        """Let go; `remove` deletes the file first (while still holding it, so nobody locks a file that is
        going away unnoticed)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if remove:  # Windows keeps a file that is open: the next holder reuses it
                with contextlib.suppress(OSError):
                    os.unlink(self.path)
            unlock_fd(fd)
        finally:
            os.close(fd)

    def held(self) -> bool:
        """Whether a process (this one included, through another FileLock) holds the lock now."""
        if self._fd is not None:
            return True
        try:
            fd = os.open(self.path, os.O_RDWR)
        except FileNotFoundError:
            return False
        try:
            lock_fd(fd)
        except OSError:
            return True
        else:
            unlock_fd(fd)
            return False
        finally:
            os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk, ours = os.stat(path), os.fstat(fd)
    except OSError:
        return False
    return (on_disk.st_dev, on_disk.st_ino) == (ours.st_dev, ours.st_ino)
