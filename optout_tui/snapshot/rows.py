"""Entries to snapshot rows and back; times as exact epoch milliseconds."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from ..api.base import EmailEntry, Entry, ListKind, NhnEmailEntry, NhnSmsEntry, Number080Entry, SmsEntry
from ..times import opt_from_ms, opt_to_ms


def sms_row(e: SmsEntry) -> list:
    return [e.number, opt_to_ms(e.registered_at), e.source]


def email_row(e: EmailEntry) -> list:
    return [e.address, opt_to_ms(e.blocked_at), 1 if e.by_admin else 0]


def n080_row(e: Number080Entry) -> list:
    return [
        e.number,
        e.company,
        e.status,
        e.provider,
        e.share_status,
        1 if e.terminable else 0,
        opt_to_ms(e.requested_at),
        opt_to_ms(e.started_at),
        opt_to_ms(e.deleted_at),
    ]


def nhn_sms_row(e: NhnSmsEntry) -> list:
    return [f"{e.recipient} {e.number080}", e.number080, e.recipient, opt_to_ms(e.requested_at)]


def nhn_email_row(e: NhnEmailEntry) -> list:
    return [e.address, opt_to_ms(e.blocked_at)]


# each takes its own kind's entry: which one is the caller's promise, by the kind it looks up
TO_ROW: dict[ListKind, Callable[[Any], list]] = {
    ListKind.SMS: sms_row,
    ListKind.EMAIL: email_row,
    ListKind.N080: n080_row,
    ListKind.NHN_SMS: nhn_sms_row,
    ListKind.NHN_EMAIL: nhn_email_row,
}


def page_json(kind: ListKind, entries: Iterable[Entry]) -> str:
    """One page of entries as a JSON array of rows in `TableSpec.columns` order (what the writer takes)."""
    to_row = TO_ROW[kind]
    return json.dumps([to_row(e) for e in entries], ensure_ascii=False, separators=(",", ":"))


def entry_from_row(kind: ListKind, row: tuple) -> Entry:
    """A row in `TableSpec.columns` order back into the list's entry type."""
    if kind is ListKind.SMS:
        return SmsEntry(number=row[0], registered_at=opt_from_ms(row[1]), source=row[2])  # type: ignore[arg-type]
    if kind is ListKind.EMAIL:
        return EmailEntry(address=row[0], blocked_at=opt_from_ms(row[1]), by_admin=bool(row[2]))  # type: ignore[arg-type]
    if kind is ListKind.NHN_SMS:
        return NhnSmsEntry(number080=row[1], recipient=row[2], requested_at=opt_from_ms(row[3]))
    if kind is ListKind.NHN_EMAIL:
        return NhnEmailEntry(address=row[0], blocked_at=opt_from_ms(row[1]))
    return Number080Entry(
        number=row[0],
        company=row[1],
        status=row[2],
        provider=row[3],
        share_status=row[4],
        terminable=bool(row[5]),
        requested_at=opt_from_ms(row[6]),
        started_at=opt_from_ms(row[7]),
        deleted_at=opt_from_ms(row[8]),
    )
