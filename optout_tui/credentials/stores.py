"""The three places a profile's secrets come from, first found wins: the environment, the session store
(typed into the dashboard "for this session only"), the OS keyring (service ``optout-tui``, user
``<profile>:<secret name>``). Only the keyring is written to; nothing here touches a file.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field, fields
from typing import Any

from ..settings import SECRET_ENV, Profile, Secrets
from .diagnosis import (
    DEFAULT_TIMEOUT,
    SERVICE,
    KeyringStatus,
    KeyringUnavailable,
    call_with_timeout,
    inspect_backend,
    status_from_error,
)


def keyring_username(profile: str, secret_name: str) -> str:
    return f"{profile}:{secret_name}"


def _profile_name(profile: Profile | str) -> str:
    return profile if isinstance(profile, str) else profile.name


class SessionStore:
    """Secrets kept in memory for this process only (when there is no usable keyring)."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def put(self, profile: Profile | str, secrets: Secrets) -> None:
        name = _profile_name(profile)
        with self._lock:
            for f in fields(Secrets):
                value = getattr(secrets, f.name)
                if value:
                    self._values[(name, f.name)] = value

    def get(self, profile: Profile | str, secret_name: str) -> str | None:
        with self._lock:
            return self._values.get((_profile_name(profile), secret_name))

    def has(self, profile: Profile | str) -> bool:
        name = _profile_name(profile)
        with self._lock:
            return any(key[0] == name for key in self._values)

    def clear(self, profile: Profile | str | None = None) -> None:
        with self._lock:
            if profile is None:
                self._values.clear()
            else:
                name = _profile_name(profile)
                for key in [k for k in self._values if k[0] == name]:
                    del self._values[key]


SESSION = SessionStore()


# ---------------------------------------------------------------- loading


@dataclass(slots=True)
class SecretsReport:
    """The secrets of a profile, where each came from, and the keyring's state."""

    secrets: Secrets
    sources: dict[str, str] = field(default_factory=dict)  # name -> "env NCLOUD_..." | keyring | session | missing
    keyring: KeyringStatus | None = None  # None when the keyring was not needed

    @property
    def missing(self) -> list[str]:
        return [name for name, source in self.sources.items() if source == "missing"]


def _read_keyring(profile: str, names: list[str]) -> tuple[KeyringStatus, dict[str, str]]:
    import keyring

    backend = keyring.get_keyring()
    status = inspect_backend(backend)
    if not status.usable:
        return status, {}
    found: dict[str, str] = {}
    try:
        for name in names:
            value = backend.get_password(SERVICE, keyring_username(profile, name))
            if value:
                found[name] = value
    except Exception as exc:
        return status_from_error(exc, status.backend), {}
    return status, found


def load_secrets_report(
    profile: Profile | str, *, session: SessionStore | None = None, timeout: float = DEFAULT_TIMEOUT
) -> SecretsReport:
    """Every secret of the profile with its source. Never raises for keyring trouble."""
    name = _profile_name(profile)
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for key, env in SECRET_ENV.items():
        from_env, from_session = os.environ.get(env, "").strip(), (session or SESSION).get(name, key)
        if from_env:
            values[key], sources[key] = from_env, f"env {env}"
        elif from_session:
            values[key], sources[key] = from_session, "session"
    wanted = [key for key in SECRET_ENV if key not in values]
    status: KeyringStatus | None = None
    if wanted:
        try:
            status, found = call_with_timeout(lambda: _read_keyring(name, wanted), timeout, "a read")
        except Exception as exc:
            status, found = status_from_error(exc), {}
        for key, value in found.items():
            values[key], sources[key] = value, "keyring"
    return SecretsReport(Secrets(**values), {key: sources.get(key, "missing") for key in SECRET_ENV}, status)


def load_secrets(profile: Profile | str, **options: Any) -> Secrets:
    """The profile's secrets: environment, then session, then keyring. Never fails hard."""
    return load_secrets_report(profile, **options).secrets


# ---------------------------------------------------------------- storing and deleting


def _usable_backend() -> Any:
    import keyring

    backend = keyring.get_keyring()
    status = inspect_backend(backend)
    if not status.usable:
        raise KeyringUnavailable(f"cannot store secrets: {status.problem}. {status.advice}")
    return backend


def _store(profile: str, secrets: Secrets) -> list[str]:
    backend = _usable_backend()
    stored = []
    for f in fields(Secrets):
        value = getattr(secrets, f.name)
        if value:
            backend.set_password(SERVICE, keyring_username(profile, f.name), value)
            stored.append(f.name)
    return stored


def _delete(profile: str) -> list[str]:
    from keyring.errors import PasswordDeleteError

    backend = _usable_backend()
    deleted = []
    for name in SECRET_ENV:
        try:
            if backend.get_password(SERVICE, keyring_username(profile, name)) is None:
                continue
            backend.delete_password(SERVICE, keyring_username(profile, name))
            deleted.append(name)
        except PasswordDeleteError:
            pass
    return deleted


def _keyring_failure(action: str, exc: BaseException) -> KeyringUnavailable:
    if isinstance(exc, KeyringUnavailable):
        return exc
    status = status_from_error(exc)
    return KeyringUnavailable(f"cannot {action}: {status.problem}. {status.advice}")


def store_secrets(profile: Profile | str, secrets: Secrets, *, timeout: float = DEFAULT_TIMEOUT) -> list[str]:
    """Put the given (non-empty) secrets in the OS keyring; returns their names.

    Raises KeyringUnavailable (a ConfigError: one line, exit 2) when the keyring is unusable.
    """
    name = _profile_name(profile)
    try:
        return call_with_timeout(lambda: _store(name, secrets), timeout, "a write")
    except Exception as exc:
        raise _keyring_failure("store secrets", exc) from None


def delete_secrets(profile: Profile | str, *, timeout: float = DEFAULT_TIMEOUT) -> list[str]:
    """Remove the profile's secrets from the OS keyring; returns the names that were there."""
    name = _profile_name(profile)
    try:
        return call_with_timeout(lambda: _delete(name), timeout, "a delete")
    except Exception as exc:
        raise _keyring_failure("delete secrets", exc) from None
