"""NHN Cloud access tokens issued by the emulator's OAuth endpoint."""

from __future__ import annotations

import secrets
import time


class TokenStore:
    def __init__(self) -> None:
        self._expiry: dict[str, float] = {}  # token -> time.monotonic() deadline
        self.issued = 0

    def issue(self, ttl: int) -> str:
        token = secrets.token_urlsafe(32)
        self._expiry[token] = time.monotonic() + ttl
        self.issued += 1
        return token

    def valid(self, token: str) -> bool:
        deadline = self._expiry.get(token)
        if deadline is None:
            return False
        if time.monotonic() >= deadline:
            del self._expiry[token]
            return False
        return True

    def revoke(self, token: str) -> bool:
        return self._expiry.pop(token, None) is not None

    def expire_all(self) -> int:
        count = len(self._expiry)
        self._expiry.clear()
        return count
