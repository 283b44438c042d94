"""Local databases and exported files hold people's phone numbers and addresses: readable by this user only."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import TextIO


def create_private(path: Path) -> None:
    """Create `path` (and its folder) owner-only if it does not exist yet; SQLite gives its -wal
    and -shm files the same mode. Errors are left to the caller's connect, which says what is wrong."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            path.touch(mode=0o600)
    except OSError:
        pass


def open_private(path: Path, *, replace: bool = False) -> TextIO:
    """`path` opened to write text, created owner-only (0600). An existing file raises FileExistsError
    unless `replace` (then it is emptied and made owner-only too): the check and the creation are one
    step (O_EXCL), so a file that appears in between is never overwritten unasked."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if replace else os.O_EXCL), 0o600)
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):  # not /dev/null or a pipe
            with contextlib.suppress(PermissionError):  # someone else's file we may write: its mode is theirs
                os.fchmod(fd, 0o600)
        return open(fd, "w", encoding="utf-8", newline="")
    except BaseException:
        os.close(fd)
        raise
