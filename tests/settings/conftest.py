"""Settings tests never touch a real keyring: an in-memory backend is set for each test that needs one."""

from __future__ import annotations

import keyring
import pytest

from optout_tui.credentials import SESSION, MemoryKeyring


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
