"""Every list a value can be on: what each of them says of it (looked up in parallel), and the lists a change
"everywhere" goes to.

A mobile number can be on SENS and on each of the company's NHN 080 numbers, an address on the Mailer and on
NHN Email, an 080 number on the Notification Hub's registry. A list the profile does not configure is simply
not among them, so a list joins by configuration alone. NHN SMS keeps its recipients per 080 number: it is one
target per number, and its adapter says which numbers the company has (a call, so finding the targets can fail
like a lookup can).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..api.base import Entry, Lists, OptOutList
from ..api.errors import ApiError
from ..kinds import ListKind
from ..normalize import format_number, value_kind

# The extra that picks one of a list's own lists (its targets), by list kind: NHN SMS's 080 number.
SUBLIST = {ListKind.NHN_SMS: "number080"}


@dataclass(slots=True)
class Target:
    """One list a value is looked up on or a job sends to: a list, with what it needs on every call."""

    lst: OptOutList
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> ListKind:
        return self.lst.kind

    @property
    def sublist(self) -> str:
        """The 080 number of an NHN SMS target; "" elsewhere."""
        return self.extra.get(SUBLIST.get(self.kind, ""), "")

    @property
    def name(self) -> str:
        """For records: the list's kind, and its 080 number if it has one (`nhn-sms 0801234567`)."""
        return f"{self.kind.value} {self.sublist}" if self.sublist else self.kind.value

    @property
    def label(self) -> str:
        """For people: `NHN SMS 080-123-4567`."""
        return label_of(self.kind, self.extra)


@dataclass(slots=True)
class ListAnswer:
    """What one list said of a value: its entry, not on it (neither), or why it could not tell (`error`)."""

    target: Target
    entry: Entry | None = None
    error: ApiError | None = None


def label_of(kind: str, extra: Mapping[str, str]) -> str:
    """A target for people, from its kind and extra (as the journal keeps them): `NHN SMS 080-123-4567`."""
    kind = ListKind(kind)
    sublist = extra.get(SUBLIST.get(kind, ""), "")
    return f"{kind.label} {format_number(sublist)}" if sublist else kind.label


def lists_of(lists: Lists, kind: ListKind) -> list[OptOutList]:
    """The configured lists holding values of `kind` (SMS: mobile numbers, EMAIL: addresses, N080)."""
    return [lst for lst in lists.available() if value_kind(lst.kind) is value_kind(kind)]


async def sublists(lst: OptOutList, extra: Mapping[str, str] | None = None) -> list[Target]:
    """`lst` as targets: one per 080 number for NHN SMS (asked of the adapter), else the list itself."""
    key = SUBLIST.get(lst.kind)
    if key is None:
        return [Target(lst, dict(extra or {}))]
    numbers = await lst.numbers080()  # type: ignore[attr-defined]
    # A terminated number blocks nothing any more, and takes no registration.
    return [Target(lst, {**(extra or {}), key: n.number}) for n in numbers if "TERMINATE" not in n.status]


async def job_targets(
    lists: Lists, kinds: Iterable[ListKind], extra: Mapping[ListKind, Mapping[str, str]] | None = None
) -> list[Target]:
    """Every configured list for values of `kinds` (in that order), as a job's targets; `extra` by value kind
    (the company an 080 number is registered for). Raises the ApiError of a list whose targets cannot be told."""
    lsts = [lst for kind in dict.fromkeys(map(value_kind, kinds)) for lst in lists_of(lists, kind)]
    found = await asyncio.gather(*(sublists(lst, (extra or {}).get(value_kind(lst.kind))) for lst in lsts))
    return [target for targets in found for target in targets]


def target_of(lists: Lists, kind: str, extra: Mapping[str, str]) -> Target | None:
    """A job's target, from the journal's kind and extra, on these lists (None: not configured here)."""
    lst = lists.get(ListKind(kind))
    return None if lst is None else Target(lst, dict(extra))


async def _ask(target: Target, value: str) -> ListAnswer:
    try:
        extra = {key: v for key, v in target.extra.items() if key == SUBLIST.get(target.kind)}
        return ListAnswer(target, await (target.lst.lookup(value, **extra) if extra else target.lst.lookup(value)))
    except ApiError as exc:
        return ListAnswer(target, error=exc)
    except Exception as exc:  # one list's surprise must not hide the others' answers
        return ListAnswer(target, error=ApiError(target.lst.name, f"{type(exc).__name__}: {exc}"))


async def _ask_list(lst: OptOutList, value: str) -> list[ListAnswer]:
    try:
        targets = await sublists(lst)
    except ApiError as exc:
        return [ListAnswer(Target(lst), error=exc)]
    return list(await asyncio.gather(*(_ask(target, value) for target in targets)))


async def lookup_everywhere(
    lists: Lists, kind: ListKind, value: str, *, only: ListKind | None = None
) -> list[ListAnswer]:
    """What every configured list for a canonical `value` of `kind` says of it (only the lists of kind `only`,
    when given): the lists are asked at once, so the answer takes as long as the slowest list. Each answer
    carries its own error; an empty answer means no list for such a value is configured."""
    lsts = [lst for lst in lists_of(lists, kind) if only is None or lst.kind is only]
    return [answer for answers in await asyncio.gather(*(_ask_list(lst, value) for lst in lsts)) for answer in answers]
