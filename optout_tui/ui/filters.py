"""What the filter bar's text means for a list: a `ListFilter`, or one line saying what is wrong.

The number and address searches (SMS, Email and their NHN lists) are exact on the server, so the text is
normalised first (any common form of a number or an address works); the 080 search is the Hub's prefix match
(`_` any digit), read by `search_fragment`. NHN SMS also narrows to one of the company's 080 numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ..api.base import ListFilter, ListKind
from ..api.numbers080 import search_fragment
from ..normalize import Rejected, format_number, normalize_for
from ..times import DateError, describe_range, parse_date_range

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(9999, 12, 30, tzinfo=UTC)  # before it, a moment is a date in every time zone


class FilterError(ValueError):
    """The filter text cannot be used; the message says why and what to type."""


@dataclass(frozen=True, slots=True)
class FilterInput:
    dates: str = ""
    search: str = ""
    source: str = "all"  # Email: all | admin | recipient
    sort: str = "newest"  # Email: newest | oldest
    number080: str = ""  # NHN SMS: one of the company's 080 numbers ("" for all of them)

    @property
    def empty(self) -> bool:
        return (
            not (self.dates.strip() or self.search.strip() or self.number080)
            and self.source == "all"
            and self.sort == "newest"
        )


def search_value(kind: ListKind, text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    if kind is ListKind.N080:
        try:
            return search_fragment(text)
        except ValueError as exc:
            raise FilterError(str(exc)) from None
    result = normalize_for(kind, text)
    if isinstance(result, Rejected):
        raise FilterError(f"search: {result.reason}")
    return result.value


def date_range(text: str) -> tuple[datetime | None, datetime | None]:
    """The date field as the lists, the snapshot and the audit trail can take it (the command line's rules).

    The vendors count time from 1970: a start before it is no start, an end before it is refused. A moment in
    the year 9999 parses but overflows when turned into UTC or Korean time (the vendors', the journal's):
    such an end is no end, such a start is refused (nothing is registered that late)."""
    try:
        since, until = parse_date_range(text)
    except DateError as exc:
        raise FilterError(str(exc)) from None
    if until is not None and until < _EPOCH:
        raise FilterError("nothing on any list is older than 1970; give a later end")
    if since is not None and since > _LATEST:
        raise FilterError("the start is in the year 9999: nothing is registered that late")
    return (since if since is None or since >= _EPOCH else None), (until if until is None or until <= _LATEST else None)


def build_filter(kind: ListKind, given: FilterInput) -> ListFilter:
    since, until = date_range(given.dates)
    by_admin = {"admin": True, "recipient": False}.get(given.source) if kind is ListKind.EMAIL else None
    return ListFilter(
        since=since,
        until=until,
        search=search_value(kind, given.search),
        by_admin=by_admin,
        newest_first=given.sort != "oldest",
        number080=(given.number080 or None) if kind is ListKind.NHN_SMS else None,
    )


def describe_filter(kind: ListKind, flt: ListFilter) -> str:
    parts = [f"080 number {format_number(flt.number080)}"] if flt.number080 else []
    if flt.since or flt.until:
        parts.append(describe_range(flt.since, flt.until))
    if flt.search:
        parts.append(("like " if kind is ListKind.N080 else "= ") + flt.search)
    if kind is ListKind.EMAIL:
        if flt.by_admin is not None:
            parts.append("by admin" if flt.by_admin else "by recipient")
        if not flt.newest_first:
            parts.append("oldest first")
    return ("filter: " + ", ".join(parts) + " (esc clears)") if parts else ""
