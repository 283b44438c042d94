"""Entries as records for output: JSON-ready values and display strings, shared by CLI and exports."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from .api.base import EmailEntry, Entry, ListKind, NhnEmailEntry, NhnSmsEntry, Number080Entry, OptOutList, SmsEntry
from .normalize import format_number
from .output import RecordWriter
from .times import MINUTE_FORMAT, iso, local

FIELDS = {
    ListKind.SMS: ["number", "registered_at", "source"],
    ListKind.EMAIL: ["address", "blocked_at", "registered_by"],
    ListKind.N080: [
        "number",
        "company",
        "status",
        "provider",
        "share_status",
        "terminable",
        "requested_at",
        "started_at",
        "deleted_at",
    ],
    ListKind.NHN_SMS: ["number080", "recipient", "requested_at"],
    ListKind.NHN_EMAIL: ["address", "blocked_at"],
}
_KINDS = {
    SmsEntry: ListKind.SMS,
    EmailEntry: ListKind.EMAIL,
    Number080Entry: ListKind.N080,
    NhnSmsEntry: ListKind.NHN_SMS,
    NhnEmailEntry: ListKind.NHN_EMAIL,
}


def kind_of(entry: Entry) -> ListKind:
    return _KINDS[type(entry)]


def as_record(entry: Entry) -> dict:
    """Machine-readable: canonical values, ISO 8601 times with offset."""
    if isinstance(entry, SmsEntry):
        return {"number": entry.number, "registered_at": iso(entry.registered_at), "source": entry.source}
    if isinstance(entry, EmailEntry):
        return {
            "address": entry.address,
            "blocked_at": iso(entry.blocked_at),
            "registered_by": "admin" if entry.by_admin else "recipient",
        }
    if isinstance(entry, NhnSmsEntry):
        return {"number080": entry.number080, "recipient": entry.recipient, "requested_at": iso(entry.requested_at)}
    if isinstance(entry, NhnEmailEntry):
        return {"address": entry.address, "blocked_at": iso(entry.blocked_at)}
    assert isinstance(entry, Number080Entry)
    return {
        "number": entry.number,
        "company": entry.company,
        "status": entry.status,
        "provider": entry.provider,
        "share_status": entry.share_status,
        "terminable": entry.terminable,
        "requested_at": iso(entry.requested_at),
        "started_at": iso(entry.started_at),
        "deleted_at": iso(entry.deleted_at),
    }


def as_display(entry: Entry) -> dict[str, str]:
    """Human-readable: the same keys as `as_record`, formatted numbers, local times."""
    if isinstance(entry, SmsEntry):
        cells = [format_number(entry.number), local(entry.registered_at), entry.source]
    elif isinstance(entry, EmailEntry):
        cells = [entry.address, local(entry.blocked_at), "admin" if entry.by_admin else "recipient"]
    elif isinstance(entry, NhnSmsEntry):
        cells = [format_number(entry.number080), format_number(entry.recipient), local(entry.requested_at)]
    elif isinstance(entry, NhnEmailEntry):
        cells = [entry.address, local(entry.blocked_at)]
    else:
        assert isinstance(entry, Number080Entry)
        cells = [
            format_number(entry.number),
            entry.company,
            entry.status,
            entry.provider,
            entry.share_status,
            "yes" if entry.terminable else "no",
            local(entry.requested_at, MINUTE_FORMAT),
            local(entry.started_at, MINUTE_FORMAT),
            local(entry.deleted_at, MINUTE_FORMAT),
        ]
    return dict(zip(FIELDS[kind_of(entry)], cells, strict=True))


def table_widths(kind: ListKind) -> list[int]:
    """The column widths of `list`'s table: the list adapter's own (loaded only for a table)."""
    from .api.email import MailerEmailList
    from .api.nhn_email import NhnEmailList
    from .api.nhn_sms import NhnSmsList
    from .api.numbers080 import Hub080List
    from .api.sms import SensSmsList

    adapters: dict[ListKind, type[OptOutList]] = {
        ListKind.SMS: SensSmsList,
        ListKind.EMAIL: MailerEmailList,
        ListKind.N080: Hub080List,
        ListKind.NHN_SMS: NhnSmsList,
        ListKind.NHN_EMAIL: NhnEmailList,
    }
    return [c.width for c in adapters[kind].columns]


class EntryWriter(RecordWriter):
    """A list's entries, one `as_record` each, or `as_display` cells in a table as wide as `list`'s: the same
    columns from the command line (the vendor or the snapshot) and the dashboard."""

    def __init__(self, out: IO[str], kind: ListKind, fmt: str) -> None:
        super().__init__(out, FIELDS[kind], fmt, widths=table_widths(kind) if fmt == "table" else None)

    def write(self, entries: Iterable[Entry]) -> None:
        self.write_records(map(as_display if self.fmt == "table" else as_record, entries))
