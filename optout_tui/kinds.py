"""The three opt-out lists by name: a module of its own, so that parsing input (which needs only
the kind) loads nothing of the API layer."""

from __future__ import annotations

from enum import StrEnum


class ListKind(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    N080 = "080"

    @property
    def label(self) -> str:
        """The list's display name."""
        return {"sms": "SMS", "email": "Email", "080": "080"}[self.value]
