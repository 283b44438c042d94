"""Where a profile's secrets come from, and keeping them out of everything else.

Order: environment variables, then the session store (secrets typed into the dashboard "for this
session only"), then the OS keyring (service ``optout-tui``, user ``<profile>:<secret name>``).

The keyring is treated as untrustworthy plumbing: every call runs in a daemon thread with a
timeout (a hung D-Bus or a password prompt nobody answers must not freeze the dashboard or keep the
process from exiting), and a backend that would keep secrets in plain text counts as no keyring at
all. `redact` and `RedactingFilter` keep secrets and tokens out of logs and messages.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar
from urllib.parse import quote

from .settings import SECRET_ENV, ConfigError, Profile, Secrets

SERVICE = "optout-tui"
DEFAULT_TIMEOUT = 5.0
T = TypeVar("T")

SECRET_LABELS = {
    "ncloud_access_key": "NAVER Cloud access key ID",
    "ncloud_secret_key": "NAVER Cloud secret key",
    "nhn_user_access_key_id": "NHN Cloud user access key ID",
    "nhn_secret_access_key": "NHN Cloud secret access key",
}


class KeyringUnavailable(ConfigError):
    """The OS keyring cannot be used; the message says why and what to do instead."""


class KeyringTimeout(KeyringUnavailable):
    pass


def keyring_username(profile: str, secret_name: str) -> str:
    return f"{profile}:{secret_name}"


def _profile_name(profile: Profile | str) -> str:
    return profile if isinstance(profile, str) else profile.name


# ---------------------------------------------------------------- calls with a timeout


def _run_with_timeout(fn: Callable[[], T], timeout: float, what: str) -> T:
    """Run `fn` in a daemon thread; give up after `timeout` seconds (the thread is abandoned)."""
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name="optout-keyring", daemon=True).start()
    if not done.wait(timeout):
        raise KeyringTimeout(
            f"the OS keyring did not answer {what} within {timeout:g} s (a locked keyring waiting for a "
            "password prompt, or a hung D-Bus); unlock it, or use environment variables"
        )
    if "error" in box:
        raise box["error"]
    return box["value"]


async def _adaemon(fn: Callable[[], T], timeout: float, what: str) -> T:
    """`_run_with_timeout` for the event loop: the loop never waits on the keyring.

    Not `asyncio.to_thread`: its executor threads are joined at exit, so one hung D-Bus call
    would keep the program from quitting.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(value: Any, error: BaseException | None) -> None:
        if not future.done():
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(value)

    def work() -> None:
        try:
            value, error = fn(), None
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            value, error = None, exc
        try:
            loop.call_soon_threadsafe(settle, value, error)
        except RuntimeError:  # the loop closed while the keyring was thinking
            pass

    threading.Thread(target=work, name="optout-keyring", daemon=True).start()
    try:
        return await asyncio.wait_for(future, timeout)
    except TimeoutError:
        raise KeyringTimeout(
            f"the OS keyring did not answer {what} within {timeout:g} s (a locked keyring waiting for a "
            "password prompt, or a hung D-Bus); unlock it, or use environment variables"
        ) from None


# ---------------------------------------------------------------- is there a usable keyring?


@dataclass(frozen=True, slots=True)
class KeyringStatus:
    usable: bool
    backend: str  # e.g. "keyring.backends.SecretService.Keyring"
    problem: str | None = None  # what is wrong, for a person
    advice: str | None = None  # what to do about it

    @property
    def line(self) -> str:
        if self.usable:
            return f"OS keyring: {self.backend}"
        return f"OS keyring unusable ({self.backend}): {self.problem}. {self.advice}"


_ENV_ADVICE = (
    "Set the secrets as environment variables (" + ", ".join(SECRET_ENV.values()) + ")"
)
_SESSION_ADVICE = _ENV_ADVICE + ", or keep them for this session only in the dashboard's credentials screen"


def _backend_name(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__name__}"


def _plaintext_reason(backend: Any) -> str | None:
    """Why a backend would put secrets somewhere they don't belong, or None when it is a real keyring."""
    name = _backend_name(backend)
    if name.startswith("keyrings.alt."):
        if "Plaintext" in name:
            return "keyrings.alt's PlaintextKeyring keeps secrets in a plain-text file"
        if "Encrypted" in name:
            return "keyrings.alt's EncryptedKeyring keeps secrets in a file and asks for its password on the terminal"
        return f"{name} is a keyrings.alt backend, which does not keep secrets in the OS keyring"
    if "plaintext" in name.lower():
        return f"{name} keeps secrets in plain text"
    return None


def _inspect_backend(backend: Any) -> KeyringStatus:
    """What the chosen backend means, without calling it (no I/O)."""
    from keyring.backends import chainer, fail, null

    name = _backend_name(backend)
    if isinstance(backend, chainer.ChainerBackend):
        members = list(backend.backends)
        for member in members:
            reason = _plaintext_reason(member)
            if reason:
                return KeyringStatus(False, name, f"the chain of keyrings includes a plain-text one: {reason}",
                                     _ENV_ADVICE + ", or uninstall keyrings.alt")
        if not members:
            return _inspect_backend(fail.Keyring())
        return KeyringStatus(True, f"{name} ({', '.join(_backend_name(m) for m in members)})")
    if isinstance(backend, fail.Keyring):
        return KeyringStatus(False, name, _why_no_backend(), _no_backend_advice())
    if isinstance(backend, null.Keyring):
        return KeyringStatus(False, name, "the keyring is switched off (null backend, chosen by PYTHON_KEYRING_BACKEND "
                             "or keyringrc.cfg)", _SESSION_ADVICE)
    reason = _plaintext_reason(backend)
    if reason:
        return KeyringStatus(False, name, f"{reason}; optout-tui never stores secrets in plain text",
                             _ENV_ADVICE + ", or choose a real keyring backend")
    return KeyringStatus(True, name)


def _why_no_backend() -> str:
    if os.name == "posix" and not os.environ.get("DBUS_SESSION_BUS_ADDRESS") and not os.path.exists(
        f"/run/user/{os.getuid()}/bus"
    ):
        return "no OS keyring was found: there is no D-Bus session bus, so the Secret Service (gnome-keyring) can't be reached"
    try:
        from keyring.backends import SecretService

        SecretService.Keyring.priority  # noqa: B018 - raises the reason when it is not viable
    except RuntimeError as exc:
        return f"no OS keyring was found: {str(exc).rstrip('.')}"
    except Exception:  # noqa: BLE001 - only for the explanation
        pass
    return "no OS keyring was found (keyring's fail backend)"


def _no_backend_advice() -> str:
    if os.name == "posix":
        return (_SESSION_ADVICE + "; or install and start gnome-keyring (or KeePassXC with Secret Service) in a "
                "desktop session")
    return _SESSION_ADVICE


def _status_from_error(backend_name: str, exc: BaseException) -> KeyringStatus:
    from keyring.errors import InitError, KeyringLocked, NoKeyringError

    if isinstance(exc, KeyringTimeout):
        return KeyringStatus(False, backend_name, str(exc).split(";")[0], _SESSION_ADVICE)
    if isinstance(exc, KeyringLocked):
        return KeyringStatus(False, backend_name, "the keyring collection is locked and was not unlocked",
                             "Unlock your login keyring (e.g. log in to the desktop, or open Passwords and Keys), or "
                             + _SESSION_ADVICE[0].lower() + _SESSION_ADVICE[1:])
    if isinstance(exc, NoKeyringError):
        return KeyringStatus(False, backend_name, _why_no_backend(), _no_backend_advice())
    if isinstance(exc, InitError):
        return KeyringStatus(False, backend_name, f"the keyring could not be opened: {_one_line(exc)}", _SESSION_ADVICE)
    return KeyringStatus(False, backend_name, f"the keyring failed: {type(exc).__name__}: {_one_line(exc)}",
                         _SESSION_ADVICE)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


_PROBE_USER = "__optout_tui_probe__"


def _probe() -> KeyringStatus:
    import keyring

    backend = keyring.get_keyring()  # detection itself talks to D-Bus
    status = _inspect_backend(backend)
    if status.usable:
        try:
            backend.get_password(SERVICE, _PROBE_USER)
        except Exception as exc:  # noqa: BLE001 - turned into a status
            return _status_from_error(status.backend, exc)
    return status


def keyring_status(timeout: float = DEFAULT_TIMEOUT) -> KeyringStatus:
    """Can secrets be kept in the OS keyring here? Asks it once (a harmless read), with a timeout."""
    try:
        return _run_with_timeout(_probe, timeout, "a test read")
    except Exception as exc:  # noqa: BLE001 - detection errors become a status too
        return _status_from_error(_current_backend_name(), exc)


async def akeyring_status(timeout: float = DEFAULT_TIMEOUT) -> KeyringStatus:
    try:
        return await _adaemon(_probe, timeout, "a test read")
    except Exception as exc:  # noqa: BLE001
        return _status_from_error(_current_backend_name(), exc)


def _current_backend_name() -> str:
    import keyring.core

    chosen = getattr(keyring.core, "_keyring_backend", None)
    return _backend_name(chosen) if chosen is not None else "not yet chosen"


# ---------------------------------------------------------------- session store


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


def _from_env_and_session(profile: str, session: SessionStore) -> tuple[dict[str, str], dict[str, str]]:
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for name, env in SECRET_ENV.items():
        env_value = os.environ.get(env, "").strip()
        if env_value:
            values[name], sources[name] = env_value, f"env {env}"
            continue
        session_value = session.get(profile, name)
        if session_value:
            values[name], sources[name] = session_value, "session"
    return values, sources


def _read_keyring(profile: str, names: list[str]) -> tuple[KeyringStatus, dict[str, str]]:
    import keyring

    backend = keyring.get_keyring()
    status = _inspect_backend(backend)
    if not status.usable:
        return status, {}
    found: dict[str, str] = {}
    try:
        for name in names:
            value = backend.get_password(SERVICE, keyring_username(profile, name))
            if value:
                found[name] = value
    except Exception as exc:  # noqa: BLE001 - a broken keyring is a status, not a crash
        return _status_from_error(status.backend, exc), {}
    return status, found


def _assemble(values: dict[str, str], sources: dict[str, str], status: KeyringStatus | None,
              from_keyring: dict[str, str]) -> SecretsReport:
    for name, value in from_keyring.items():
        values[name], sources[name] = value, "keyring"
    for name in SECRET_ENV:
        sources.setdefault(name, "missing")
    ordered = {name: sources[name] for name in SECRET_ENV}
    return SecretsReport(Secrets(**values), ordered, status)


def _still_wanted(profile: Profile | str, session: SessionStore | None):
    """What the environment and the session give, and which secrets are left for the keyring."""
    name = _profile_name(profile)
    values, sources = _from_env_and_session(name, session or SESSION)
    return name, values, sources, [n for n in SECRET_ENV if n not in values]


def load_secrets_report(
    profile: Profile | str, *, session: SessionStore | None = None, timeout: float = DEFAULT_TIMEOUT
) -> SecretsReport:
    """Every secret of the profile with its source. Never raises for keyring trouble."""
    name, values, sources, wanted = _still_wanted(profile, session)
    if not wanted:
        return _assemble(values, sources, None, {})
    try:
        status, found = _run_with_timeout(lambda: _read_keyring(name, wanted), timeout, "a read")
    except Exception as exc:  # noqa: BLE001
        status, found = _status_from_error(_current_backend_name(), exc), {}
    return _assemble(values, sources, status, found)


async def aload_secrets_report(
    profile: Profile | str, *, session: SessionStore | None = None, timeout: float = DEFAULT_TIMEOUT
) -> SecretsReport:
    name, values, sources, wanted = _still_wanted(profile, session)
    if not wanted:
        return _assemble(values, sources, None, {})
    try:
        status, found = await _adaemon(lambda: _read_keyring(name, wanted), timeout, "a read")
    except Exception as exc:  # noqa: BLE001
        status, found = _status_from_error(_current_backend_name(), exc), {}
    return _assemble(values, sources, status, found)


def load_secrets(profile: Profile | str, **options: Any) -> Secrets:
    """The profile's secrets: environment, then session, then keyring. Never fails hard."""
    return load_secrets_report(profile, **options).secrets


async def aload_secrets(profile: Profile | str, **options: Any) -> Secrets:
    return (await aload_secrets_report(profile, **options)).secrets


# ---------------------------------------------------------------- storing and deleting


def _usable_backend() -> Any:
    import keyring

    backend = keyring.get_keyring()
    status = _inspect_backend(backend)
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
    status = _status_from_error(_current_backend_name(), exc)
    return KeyringUnavailable(f"cannot {action}: {status.problem}. {status.advice}")


def store_secrets(profile: Profile | str, secrets: Secrets, *, timeout: float = DEFAULT_TIMEOUT) -> list[str]:
    """Put the given (non-empty) secrets in the OS keyring; returns their names.

    Raises KeyringUnavailable (a ConfigError: one line, exit 2) when the keyring is unusable.
    """
    name = _profile_name(profile)
    try:
        return _run_with_timeout(lambda: _store(name, secrets), timeout, "a write")
    except Exception as exc:  # noqa: BLE001
        raise _keyring_failure("store secrets", exc) from None


async def astore_secrets(profile: Profile | str, secrets: Secrets, *, timeout: float = DEFAULT_TIMEOUT) -> list[str]:
    name = _profile_name(profile)
    try:
        return await _adaemon(lambda: _store(name, secrets), timeout, "a write")
    except Exception as exc:  # noqa: BLE001
        raise _keyring_failure("store secrets", exc) from None


def delete_secrets(profile: Profile | str, *, timeout: float = DEFAULT_TIMEOUT) -> list[str]:
    """Remove the profile's secrets from the OS keyring; returns the names that were there."""
    name = _profile_name(profile)
    try:
        return _run_with_timeout(lambda: _delete(name), timeout, "a delete")
    except Exception as exc:  # noqa: BLE001
        raise _keyring_failure("delete secrets", exc) from None


async def adelete_secrets(profile: Profile | str, *, timeout: float = DEFAULT_TIMEOUT) -> list[str]:
    name = _profile_name(profile)
    try:
        return await _adaemon(lambda: _delete(name), timeout, "a delete")
    except Exception as exc:  # noqa: BLE001
        raise _keyring_failure("delete secrets", exc) from None


# ---------------------------------------------------------------- an in-memory backend


_memory_keyring_class: type | None = None


def __getattr__(name: str) -> Any:
    """`MemoryKeyring` is built on first use: importing keyring costs ~0.1 s at start-up."""
    global _memory_keyring_class
    if name == "MemoryKeyring":
        if _memory_keyring_class is None:
            _memory_keyring_class = _make_memory_keyring()
        return _memory_keyring_class
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _make_memory_keyring() -> type:
    from keyring.backend import KeyringBackend
    from keyring.errors import PasswordDeleteError

    class MemoryKeyring(KeyringBackend):
        """A keyring in this process's memory: for tests (never touch a real keyring).

        Its priority is below keyring's fail backend, so it is never chosen by detection; set it
        with ``keyring.set_keyring(MemoryKeyring())`` or
        ``PYTHON_KEYRING_BACKEND=optout_tui.credentials.MemoryKeyring``.
        """

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

    MemoryKeyring.__module__ = __name__
    MemoryKeyring.__qualname__ = "MemoryKeyring"
    return MemoryKeyring


# ---------------------------------------------------------------- masking and redaction


def mask(secret: str | None) -> str:
    """Enough to tell two keys apart, nothing to guess with: the last 2 characters, no length (``set, …7Q``)."""
    if not secret:
        return "(not set)"
    return f"set, …{secret[-2:]}" if len(secret) >= 10 else "set"


REDACTED = "[redacted]"
_MIN_SECRET = 4  # shorter "secrets" would shred ordinary text

# Header and field forms that carry credentials whatever their values are.
_CREDENTIAL_PATTERNS = [
    re.compile(r"(?i)\b((?:x-nhn-)?authorization['\"]?\s*[:=]\s*['\"]?)(?:(?:bearer|basic)\s+)?[^\s'\",;}]+"),
    re.compile(r"(?i)\b(x-ncp-apigw-signature-v2['\"]?\s*[:=]\s*['\"]?)[^\s'\",;}]+"),
    re.compile(r"(?i)\b(x-ncp-iam-access-key['\"]?\s*[:=]\s*['\"]?)[^\s'\",;}]+"),
    re.compile(r"(?i)(['\"]?(?:access_?token|refresh_?token|client_?secret|secret_?key|secret_?access_?key|token)"
               r"['\"]?\s*[:=]\s*['\"]?)[^\s'\",;}&]+"),
    re.compile(r"\b((?:Bearer|Basic|bearer|BEARER)\s+)(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{12,}"),
]

_registered: set[str] = set()
_registered_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a value (e.g. an NHN access token) so every later `redact` removes it."""
    if value and len(value) >= _MIN_SECRET:
        with _registered_lock:
            _registered.add(value)


def _variants(values: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for value in values:
        if value and len(value) >= _MIN_SECRET:
            out.add(value)
            out.add(quote(value, safe=""))
            out.add(base64.b64encode(value.encode()).decode())
    return out


def _secret_values(secrets: Secrets | Iterable[str] | None) -> set[str]:
    if secrets is None:
        values: set[str] = set()
    elif isinstance(secrets, Secrets):
        values = set(secrets.values())
        if secrets.nhn_user_access_key_id and secrets.nhn_secret_access_key:
            pair = f"{secrets.nhn_user_access_key_id}:{secrets.nhn_secret_access_key}"
            values.add(base64.b64encode(pair.encode()).decode())  # the NHN token call's Basic header
    else:
        values = {v for v in secrets if v}
    with _registered_lock:
        values |= _registered
    return _variants(values)


def redact(text: str, secrets: Secrets | Iterable[str] | None = None) -> str:
    """`text` with every known secret, token and credential header value replaced by [redacted]."""
    if not text:
        return text
    for value in sorted(_secret_values(secrets), key=len, reverse=True):
        if value in text:
            text = text.replace(value, REDACTED)
    for pattern in _CREDENTIAL_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED if m.group(1) else REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter (put it on handlers) that redacts messages, arguments and tracebacks."""

    def __init__(self, secrets: Secrets | Iterable[str] | None = None) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def install_log_redaction(logger: logging.Logger | None = None, secrets: Secrets | Iterable[str] | None = None) -> None:
    """Add a RedactingFilter to every handler of `logger` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter(secrets))
