"""Parse a big input file in a forked child while this process gets ready to send.

Reading and normalising 100,000 lines is ~0.25 s of CPU, and loading the HTTP stack and opening
the journal is ~0.1 s more, all before the first request. With a second core the two run side
by side: the child reads and parses and hands back what a command needs (the values, the counts,
the lines that were not ok), while this process imports and opens; then it waits for the child.

Used only where fork is safe: POSIX but not macOS (its system libraries may not survive a fork),
only while this process has one thread, and only for regular files (stdin and pipes cannot be
read twice). Elsewhere, and for small files, it parses in-process, so the result is the same
everywhere. A child that dies without an answer, or cannot be started, means parsing here.
"""

from __future__ import annotations

import marshal
import os
import signal
import sys
import threading
from collections.abc import Iterable

from ..kinds import ListKind
from .plan import NotTextError, Preview, PreviewLine, preview_lines, read_values_file

#: A regular file smaller than this is parsed in-process: the fork would cost more than it saves.
MIN_BYTES = 64 * 1024


def fork_is_safe() -> bool:
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


class ParseAhead:
    """`values` (command-line arguments) then the lines of `path` ("-" for stdin), previewed for
    `kind` without the ok lines (see `preview_lines`). `result()` gives the Preview or raises what
    reading the file raised (OSError, NotTextError)."""

    def __init__(self, values: Iterable[str], path: str | None, kind: ListKind) -> None:
        self.values = list(values)
        self.path = path
        self.kind = ListKind(kind)
        self._pid = 0
        self._fd = -1
        if path and fork_is_safe() and _big_enough(path):
            self._fork()

    # ------------------------------------------------------------ this process

    @property
    def in_background(self) -> bool:
        """A child is parsing: this process is free until `result()`."""
        return bool(self._pid)

    def result(self) -> Preview:
        if not self._pid:
            return self._parse()
        answer = self._collect()
        if answer is None:  # the child died without a word: parse here (only regular files are forked)
            return self._parse()
        return _from_wire(answer)

    def cancel(self) -> None:
        """Stop the child, if one is still running (the command ended early)."""
        if self._pid:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()

    def __enter__(self) -> ParseAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()

    def _parse(self) -> Preview:
        lines = self.values + (list(read_values_file(self.path)) if self.path else [])
        return preview_lines(lines, self.kind, keep_ok_lines=False)

    def _collect(self) -> tuple | None:
        chunks: list[bytes] = []
        try:
            while block := os.read(self._fd, 1 << 20):
                chunks.append(block)
        except BaseException:
            self.cancel()
            raise
        status = self._reap()
        try:
            answer = marshal.loads(b"".join(chunks))
        except (EOFError, ValueError, TypeError):
            return None
        # A whole answer is a tuple (a cut-off one does not load). The exit status is unknown when
        # SIGCHLD is ignored (the kernel reaps the child itself): then the answer alone decides.
        return answer if status in (0, None) and isinstance(answer, tuple) else None

    def _reap(self) -> int | None:
        pid, self._pid = self._pid, 0
        os.close(self._fd)
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return None
        return os.waitstatus_to_exitcode(status)

    # ------------------------------------------------------------ the child

    def _fork(self) -> None:
        try:
            read_end, write_end = os.pipe()
        except OSError:  # out of file descriptors: parse in-process
            return
        try:
            pid = os.fork()
        except OSError:  # out of processes or memory: parse in-process
            os.close(read_end)
            os.close(write_end)
            return
        if pid:
            os.close(write_end)
            self._pid, self._fd = pid, read_end
            return
        code = 1
        try:  # the child: never returns, never runs the parent's exit handlers
            os.close(read_end)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what an interrupt does
            try:
                answer = _to_wire(self._parse())
            except NotTextError as exc:
                answer = ("not text", str(exc))
            except OSError as exc:
                answer = ("os error", exc.errno, exc.strerror, exc.filename)
            data = memoryview(marshal.dumps(answer))
            while data:
                data = data[os.write(write_end, data):]
            code = 0
        finally:
            os._exit(code)


_EARLY: ParseAhead | None = None


def start_early(values: Iterable[str], path: str, kind: ListKind | str) -> None:
    """Start parsing a file named on the command line before the argument parser has even loaded
    (see `cli.main`); the command claims it with `take`."""
    global _EARLY
    if kind in {k.value for k in ListKind}:
        import atexit

        _EARLY = ParseAhead(values, path, ListKind(kind))
        atexit.register(_EARLY.cancel)  # the command never got to it (--help, a usage error)


def take(values: Iterable[str], path: str | None, kind: ListKind) -> ParseAhead:
    """The parse started early for exactly this input, else a new one (an early one is stopped)."""
    global _EARLY
    early, _EARLY = _EARLY, None
    values = list(values)
    if early is not None:
        if (early.values, early.path, early.kind) == (values, path, ListKind(kind)):
            return early
        early.cancel()
    return ParseAhead(values, path, kind)


def _big_enough(path: str) -> bool:
    """A regular file of MIN_BYTES or more. Not stdin, a pipe or a terminal: their input cannot be
    read again if the child dies, and a child reading a pipe could outlive a killed parent."""
    if path == "-":
        return False
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return False  # let the in-process read say what is wrong
    import stat

    return stat.S_ISREG(st.st_mode) and st.st_size >= MIN_BYTES


def _to_wire(preview: Preview) -> tuple:
    lines = [(x.line_no, x.raw, x.value, x.status, x.reason) for x in preview.lines]
    return ("ok", preview.values, preview.ok, preview.invalid, preview.duplicate, lines)


def _from_wire(answer: tuple) -> Preview:
    tag = answer[0]
    if tag == "not text":
        raise NotTextError(answer[1])
    if tag == "os error":
        raise OSError(answer[1], answer[2], answer[3])
    _, values, ok, invalid, duplicate, lines = answer
    return Preview(lines=[PreviewLine(*x) for x in lines], values=values, ok=ok, invalid=invalid,
                   duplicate=duplicate)

