"""Turn what a person pasted or exported into the canonical values a bulk job sends.

Every input line ends up in exactly one bucket (ok, invalid with a reason, or a duplicate of an
earlier line), so the command line and the dashboard's live preview can account for all of them.
Duplicates are found by `normalize.same_value` (addresses that differ only in case are one).
"""

from __future__ import annotations

import csv
import math
import re
import sys
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..kinds import ListKind

if TYPE_CHECKING:
    from ..api.base import ListLimits

_DELIMITERS = (",", "\t", ";")


@dataclass(slots=True)
class PreviewLine:
    line_no: int
    raw: str
    value: str | None
    status: str  # "ok" | "invalid" | "duplicate"
    reason: str = ""  # invalid: why; duplicate: "same as line N"

    def record(self) -> dict[str, object]:
        """As `jobs show` writes an input line."""
        return {
            "line": self.line_no,
            "input": self.raw,
            "value": self.value or "",
            "outcome": self.status,
            "reason": self.reason,
        }


class Inputs(Sequence[str]):
    """The text of each ok line, kept with the job so that its results show what was typed. Held as blocks of
    lines joined by newlines (a line never holds one), with "" for a line that is its value already: a million
    lines are a few hundred strings, not a million objects."""

    BLOCK = 1024

    def __init__(self) -> None:
        self._blocks: list[str] = []
        self._open: list[str] = []

    def append(self, text: str) -> None:
        self._open.append(text)
        if len(self._open) == self.BLOCK:
            self._blocks.append("\n".join(self._open))
            self._open = []

    def __len__(self) -> int:
        return len(self._blocks) * self.BLOCK + len(self._open)

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, _ = index.indices(len(self))
            out: list[str] = []
            for block in range(start // self.BLOCK, (stop - 1) // self.BLOCK + 1 if stop > start else 0):
                texts = self._blocks[block].split("\n") if block < len(self._blocks) else self._open
                base = block * self.BLOCK
                out += texts[max(0, start - base) : stop - base]
            return out
        return self[index : index + 1][0]


@dataclass(slots=True)
class Preview:
    lines: list[PreviewLine] = field(default_factory=list)
    values: list[str] = field(default_factory=list)  # ok values, in input order
    line_nos: array = field(default_factory=lambda: array("q"))  # the input line of each value
    inputs: Inputs = field(default_factory=Inputs)  # the text of each value's line ("" when it is the value)
    kinds: list[ListKind] | None = None  # a mixed input's kind of each value (SMS, EMAIL, N080); None: all one kind
    ok: int = 0
    invalid: int = 0
    duplicate: int = 0

    @property
    def read(self) -> int:
        """Input lines that held something (blank lines and comments are not counted)."""
        return self.ok + self.invalid + self.duplicate

    def invalid_lines(self) -> list[PreviewLine]:
        return [line for line in self.lines if line.status == "invalid"]

    def refused(self) -> list[PreviewLine]:
        """The lines not sent: invalid ones and duplicates, in input order."""
        return [line for line in self.lines if line.status != "ok"]


def _first_field(text: str) -> str | None:
    """The first column of a CSV-ish line, or None when the line has no delimiter."""
    if not any(d in text for d in _DELIMITERS):
        return None
    delimiter = next(d for d in _DELIMITERS if d in text)
    try:
        row = next(csv.reader([text], delimiter=delimiter, skipinitialspace=True))
    except csv.Error:
        return None
    return row[0].strip() if row else ""


_HEADER_WORD = re.compile(r"^[^\W\d]+(?:[ _./-][^\W\d]+)*$")


def _looks_like_header(text: str) -> bool:
    """A first row such as `phone`, `번호`, `phone,name` or `email;note`: its first column is words only."""
    first = _first_field(text)
    if first is None:
        first = text
    return bool(_HEADER_WORD.match(first.strip().strip("\"'")))


def preview_lines(lines: Iterable[str], kind: ListKind | None, *, keep_ok_lines: bool = True) -> Preview:
    """Normalise every line for `kind`, or for the kind each line is (`normalize.classify`: mixed input, each
    value to the lists of its kind) when `kind` is None; blank lines, `#` comments and a header row are skipped.

    `keep_ok_lines=False` leaves the ok lines out of `lines` (their values are in `values`): the
    command line reports only the others, and 100,000 ok lines cost time and memory.

    A header row is a first line that is not a value and whose first column is words only
    (`phone`, `번호`, `email,name`).

    A line is tried whole first (so `"Kim, Minsu" <kim@example.kr>` stays an address); when that
    fails and the line has a delimiter, its first column is tried (exports from spreadsheets).
    """
    from ..normalize import Normalized, classify, normalize_for, same_value

    kind = None if kind is None else ListKind(kind)
    key = same_value(kind or ListKind.EMAIL)  # mixed: addresses fold case, and a number's digits are their own key
    preview = Preview(kinds=[] if kind is None else None)
    seen: set[str] = set()  # an earlier line's number is looked up only for the duplicates, after the loop
    repeats: list[tuple[PreviewLine, str]] = []
    cache: dict[str, object] = {}
    seen_data = False

    def normalise(text: str):  # for first columns, which repeat (headers, notes)
        result = cache.get(text)
        if result is None:
            result = classify(text) if kind is None else normalize_for(kind, text)
            if len(cache) < 10_000:
                cache[text] = result
        return result

    for line_no, raw in enumerate(lines, start=1):
        text = raw.strip().lstrip("\ufeff")
        if not text or text.startswith("#"):
            continue
        result = classify(text) if kind is None else normalize_for(kind, text)
        if result.__class__ is not Normalized:
            if not seen_data and _looks_like_header(text):
                seen_data = True
                continue
            column = _first_field(text)
            if column:
                retry = normalise(column)
                if isinstance(retry, Normalized):
                    result = retry
        seen_data = True
        if result.__class__ is Normalized:
            value = result.value
            folded = key(value)
            if folded not in seen:
                seen.add(folded)
                preview.values.append(value)
                preview.line_nos.append(line_no)
                preview.inputs.append("" if text == value else text)
                if preview.kinds is not None:
                    preview.kinds.append(result.kind)
                preview.ok += 1
                if keep_ok_lines:
                    preview.lines.append(PreviewLine(line_no, raw, value, "ok"))
            else:
                preview.duplicate += 1
                repeats.append((PreviewLine(line_no, raw, value, "duplicate"), folded))
                preview.lines.append(repeats[-1][0])
        else:
            preview.invalid += 1
            preview.lines.append(PreviewLine(line_no, raw, None, "invalid", getattr(result, "reason", str(result))))
    if repeats:
        wanted = {folded for _, folded in repeats}
        first = {}
        for value, line_no in zip(preview.values, preview.line_nos, strict=True):
            if (folded := key(value)) in wanted:
                first[folded] = line_no
        for line, folded in repeats:
            line.reason = f"same as line {first[folded]}"
    return preview


class NotTextError(OSError):
    """The file is not text (a spreadsheet, an archive): say what to do instead of listing junk lines."""


_BINARY_MAGIC = {
    b"PK\x03\x04": "an Excel (.xlsx) or zip file",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) file",
    b"%PDF": "a PDF file",
}


def read_values_file(path: str) -> Iterator[str]:
    """The lines of a file, or of stdin for "-": UTF-8 (with or without BOM), else CP949 (Korean Excel).

    Raises OSError with the path in its message when the file cannot be read, and NotTextError
    when it is not a text file at all.
    """
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as fh:
            data = fh.read()
    name = "standard input" if path == "-" else path
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise NotTextError(f"{name} is {what}, not text: save it as CSV (UTF-8) or plain text, one value a line")
    if b"\x00" in data[:8192]:
        raise NotTextError(f"{name} is not a text file: save it as CSV (UTF-8) or plain text, one value a line")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp949")
        except UnicodeDecodeError as exc:
            raise NotTextError(
                f"{name} is neither UTF-8 nor CP949 text (byte {exc.start}): save it as CSV (UTF-8)"
            ) from None
    del data
    return _lines(text)


def _lines(text: str, piece: int = 1 << 20) -> Iterator[str]:
    """`text.splitlines()` a piece at a time (each cut just after a newline, so no line or CRLF is split):
    the lines of a big file are not all held at once."""
    start = 0
    while start < len(text):
        cut = text.find("\n", start + piece)
        end = len(text) if cut < 0 else cut + 1
        yield from text[start:end].splitlines()
        start = end


@dataclass(frozen=True, slots=True)
class ChunkPlan:
    """How a job of `values` values is cut into requests for one list."""

    values: int
    batch_size: int
    chunks: int
    max_in_flight: int
    rate_per_second: float | None

    @property
    def min_seconds(self) -> float | None:
        """The least time the vendor's rate limit allows for the requests, if it has one."""
        if not self.rate_per_second:
            return None
        return self.chunks / self.rate_per_second


def plan_chunks(count: int, limits: ListLimits) -> ChunkPlan:
    size = max(1, limits.batch_size)
    return ChunkPlan(
        values=count,
        batch_size=size,
        chunks=math.ceil(count / size) if count else 0,
        max_in_flight=max(1, limits.max_in_flight),
        rate_per_second=limits.rate_per_second,
    )
