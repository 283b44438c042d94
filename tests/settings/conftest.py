"""Settings tests never touch a real keyring: an in-memory backend is set for each test that needs one."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from optout_tui.credentials.stores import SESSION


class MemoryKeyring(KeyringBackend):
    """A keyring in this process's memory. Its priority is below keyring's fail backend, so detection
    never chooses it: only `keyring.set_keyring` does."""

    priority = -10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.items[(service, username)]
        except KeyError:
            raise PasswordDeleteError("not found") from None


MEMORY_KEYRING_NAME = f"{MemoryKeyring.__module__}.MemoryKeyring"


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def set_backend():
    """Switch to any backend instance for one test."""
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def empty_session_store():
    SESSION.clear()
    yield
    SESSION.clear()
