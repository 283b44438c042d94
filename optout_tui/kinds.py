"""The opt-out lists by name: a module of its own, so that parsing input (which needs only
the kind) loads nothing of the API layer."""

from __future__ import annotations

from enum import StrEnum


class ListKind(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    N080 = "080"
    NHN_SMS = "nhn-sms"  # NHN Cloud SMS: recipients opted out through the company's 080 numbers
    NHN_EMAIL = "nhn-email"  # NHN Cloud Email: blocked receivers

    @property
    def label(self) -> str:
        """The list's display name."""
        return {"sms": "SMS", "email": "Email", "080": "080", "nhn-sms": "NHN SMS", "nhn-email": "NHN Email"}[
            self.value
        ]
