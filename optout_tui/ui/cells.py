"""How each list's entries look in the table: columns, widths and cell text (pure, no Textual).

The columns follow the dashboard issue: SMS number/registered/source; Email address/blocked/by;
080 every field; NHN SMS 080 number/recipient/requested; NHN Email address/blocked. Times are shown in the
machine's local time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from rich.cells import cell_len, set_cell_size

from ..api.base import EmailEntry, Entry, ListKind, NhnEmailEntry, NhnSmsEntry, Number080Entry, SmsEntry
from ..normalize import format_number
from ..printable import printable
from ..times import DATE_FORMAT, TIME_FORMAT, local


def local_time(when: datetime | None, fmt: str = TIME_FORMAT) -> str:
    """A cell's time: local, or a dash where the vendor gave none."""
    return local(when, fmt, missing="—")


def by_whom(entry: EmailEntry) -> str:
    return "admin" if entry.by_admin else "recipient"


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


E = TypeVar("E", bound=Entry)


@dataclass(frozen=True, slots=True)
class CellSpec(Generic[E]):
    title: str
    width: int
    text: Callable[[E], str]


SMS_CELLS: tuple[CellSpec[SmsEntry], ...] = (
    CellSpec("Number", 15, lambda e: format_number(e.number)),
    CellSpec("Registered", 19, lambda e: local_time(e.registered_at)),
    CellSpec("Source", 6, lambda e: e.source),
)

EMAIL_CELLS: tuple[CellSpec[EmailEntry], ...] = (
    CellSpec("Address", 40, lambda e: e.address),
    CellSpec("Blocked", 19, lambda e: local_time(e.blocked_at)),
    CellSpec("By", 9, by_whom),
)

N080_CELLS: tuple[CellSpec[Number080Entry], ...] = (
    CellSpec("Number", 13, lambda e: format_number(e.number)),
    CellSpec("Company", 20, lambda e: e.company),
    CellSpec("Status", 11, lambda e: e.status),
    CellSpec("Provider", 8, lambda e: e.provider),
    CellSpec("Share", 9, lambda e: e.share_status),
    CellSpec("Term.", 5, lambda e: yes_no(e.terminable)),
    CellSpec("Requested", 10, lambda e: local_time(e.requested_at, DATE_FORMAT)),
    CellSpec("Started", 10, lambda e: local_time(e.started_at, DATE_FORMAT)),
    CellSpec("Deleted", 10, lambda e: local_time(e.deleted_at, DATE_FORMAT)),
)

NHN_SMS_CELLS: tuple[CellSpec[NhnSmsEntry], ...] = (
    CellSpec("080 number", 13, lambda e: format_number(e.number080)),
    CellSpec("Recipient", 15, lambda e: format_number(e.recipient)),
    CellSpec("Requested", 19, lambda e: local_time(e.requested_at)),
)

NHN_EMAIL_CELLS: tuple[CellSpec[NhnEmailEntry], ...] = (
    CellSpec("Address", 40, lambda e: e.address),
    CellSpec("Blocked", 19, lambda e: local_time(e.blocked_at)),
)

CELLS: dict[ListKind, tuple[CellSpec[Any], ...]] = {  # each kind's specs take that kind's entries
    ListKind.SMS: SMS_CELLS,
    ListKind.EMAIL: EMAIL_CELLS,
    ListKind.N080: N080_CELLS,
    ListKind.NHN_SMS: NHN_SMS_CELLS,
    ListKind.NHN_EMAIL: NHN_EMAIL_CELLS,
}

GAP = "  "


def fit(text: str, width: int) -> str:
    """Pad or cut `text` to exactly `width` terminal cells (ellipsis when cut); Hangul is two cells wide.
    Every cell of every list passes here, so terminal controls in a value are shown here, never obeyed."""
    if not text.isprintable():  # fast in C; the rare text with a control (or a space other than " ") only
        text = printable(text)
    if text.isascii():
        return text[: max(0, width - 1)] + "…" if len(text) > width else text.ljust(width)
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def header_text(kind: ListKind) -> str:
    return GAP.join(fit(spec.title, spec.width) for spec in CELLS[kind])


def row_text(kind: ListKind, entry: Entry) -> str:
    return GAP.join(fit(spec.text(entry), spec.width) for spec in CELLS[kind])


def detail_fields(entry: Entry) -> list[tuple[str, str]]:
    """Every field of an entry, labelled, for the detail screen and the lookup; terminal controls shown."""
    return [(label, printable(value)) for label, value in _detail_fields(entry)]


def _detail_fields(entry: Entry) -> list[tuple[str, str]]:
    if isinstance(entry, SmsEntry):
        return [
            ("Number", format_number(entry.number)),
            ("Digits", entry.number),
            ("Registered", local_time(entry.registered_at)),
            ("Source", entry.source),
        ]
    if isinstance(entry, EmailEntry):
        return [
            ("Address", entry.address),
            ("Blocked", local_time(entry.blocked_at)),
            ("Registered by", by_whom(entry)),
        ]
    if isinstance(entry, NhnSmsEntry):
        return [
            ("Recipient", format_number(entry.recipient)),
            ("Digits", entry.recipient),
            ("080 number", format_number(entry.number080)),
            ("Requested", local_time(entry.requested_at)),
        ]
    if isinstance(entry, NhnEmailEntry):
        return [("Address", entry.address), ("Blocked", local_time(entry.blocked_at))]
    assert isinstance(entry, Number080Entry)
    can, why = entry.can_deregister
    return [
        ("Number", format_number(entry.number)),
        ("Company", entry.company),
        ("Status", entry.status),
        ("Provider", entry.provider),
        ("Share status", entry.share_status),
        ("Terminable", yes_no(entry.terminable)),
        ("Requested", local_time(entry.requested_at)),
        ("Started", local_time(entry.started_at)),
        ("Deleted", local_time(entry.deleted_at)),
        ("Can deregister", "yes" if can else f"no: {why}"),
    ]
