"""Which keyring backend is in use, whether secrets can be kept in it, and if not, why and what to do.

The keyring is treated as untrustworthy plumbing: every call runs in a daemon thread with a timeout
(a hung D-Bus or a password prompt nobody answers must not freeze the caller or keep the process from
exiting), and a backend that would keep secrets in plain text counts as no keyring at all.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ..settings import SECRET_ENV, ConfigError

SERVICE = "optout-tui"
DEFAULT_TIMEOUT = 5.0
T = TypeVar("T")


class KeyringUnavailable(ConfigError):
    """The OS keyring cannot be used; the message says why and what to do instead."""


class KeyringTimeout(KeyringUnavailable):
    pass


def call_with_timeout(fn: Callable[[], T], timeout: float, what: str) -> T:
    """Run `fn` (a keyring call) in a daemon thread; give up after `timeout` seconds, abandoning the thread.

    A daemon thread rather than an executor's: those are joined at exit, so a call that never returns
    would keep the program from quitting.
    """
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:
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


_ENV_ADVICE = "Set the secrets as environment variables (" + ", ".join(SECRET_ENV.values()) + ")"
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


def inspect_backend(backend: Any) -> KeyringStatus:
    """What the chosen backend means, without calling it (no I/O)."""
    from keyring.backends import chainer, fail, null

    name = _backend_name(backend)
    if isinstance(backend, chainer.ChainerBackend):
        members = list(backend.backends)
        for member in members:
            reason = _plaintext_reason(member)
            if reason:
                return KeyringStatus(
                    False,
                    name,
                    f"the chain of keyrings includes a plain-text one: {reason}",
                    _ENV_ADVICE + ", or uninstall keyrings.alt",
                )
        if not members:
            return inspect_backend(fail.Keyring())
        return KeyringStatus(True, f"{name} ({', '.join(_backend_name(m) for m in members)})")
    if isinstance(backend, fail.Keyring):
        return KeyringStatus(False, name, _why_no_backend(), _no_backend_advice())
    if isinstance(backend, null.Keyring):
        return KeyringStatus(
            False,
            name,
            "the keyring is switched off (null backend, chosen by PYTHON_KEYRING_BACKEND or keyringrc.cfg)",
            _SESSION_ADVICE,
        )
    reason = _plaintext_reason(backend)
    if reason:
        return KeyringStatus(
            False,
            name,
            f"{reason}; optout-tui never stores secrets in plain text",
            _ENV_ADVICE + ", or choose a real keyring backend",
        )
    return KeyringStatus(True, name)


def _why_no_backend() -> str:
    if (
        os.name == "posix"
        and not os.environ.get("DBUS_SESSION_BUS_ADDRESS")
        and not os.path.exists(f"/run/user/{os.getuid()}/bus")
    ):
        return "no OS keyring was found: there is no D-Bus session bus, so the Secret Service (gnome-keyring) can't be reached"
    try:
        from keyring.backends import SecretService

        SecretService.Keyring.priority  # noqa: B018 - raises the reason when it is not viable
    except RuntimeError as exc:
        return f"no OS keyring was found: {str(exc).rstrip('.')}"
    except Exception:  # noqa: S110 - only for the explanation
        pass
    return "no OS keyring was found (keyring's fail backend)"


def _no_backend_advice() -> str:
    if os.name == "posix":
        return (
            _SESSION_ADVICE + "; or install and start gnome-keyring (or KeePassXC with Secret Service) in a "
            "desktop session"
        )
    return _SESSION_ADVICE


def status_from_error(exc: BaseException, backend_name: str | None = None) -> KeyringStatus:
    """A failed keyring call as a status (the backend named as far as it is known)."""
    from keyring.errors import InitError, KeyringLocked, NoKeyringError

    backend_name = backend_name or _current_backend_name()
    if isinstance(exc, KeyringTimeout):
        return KeyringStatus(False, backend_name, str(exc).split(";")[0], _SESSION_ADVICE)
    if isinstance(exc, KeyringLocked):
        return KeyringStatus(
            False,
            backend_name,
            "the keyring collection is locked and was not unlocked",
            "Unlock your login keyring (e.g. log in to the desktop, or open Passwords and Keys), or "
            + _SESSION_ADVICE[0].lower()
            + _SESSION_ADVICE[1:],
        )
    if isinstance(exc, NoKeyringError):
        return KeyringStatus(False, backend_name, _why_no_backend(), _no_backend_advice())
    if isinstance(exc, InitError):
        return KeyringStatus(False, backend_name, f"the keyring could not be opened: {_one_line(exc)}", _SESSION_ADVICE)
    return KeyringStatus(
        False, backend_name, f"the keyring failed: {type(exc).__name__}: {_one_line(exc)}", _SESSION_ADVICE
    )


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _current_backend_name() -> str:
    import keyring.core

    chosen = getattr(keyring.core, "_keyring_backend", None)
    return _backend_name(chosen) if chosen is not None else "not yet chosen"


_PROBE_USER = "__optout_tui_probe__"


def _probe() -> KeyringStatus:
    import keyring

    backend = keyring.get_keyring()  # detection itself talks to D-Bus
    status = inspect_backend(backend)
    if status.usable:
        try:
            backend.get_password(SERVICE, _PROBE_USER)
        except Exception as exc:
            return status_from_error(exc, status.backend)
    return status


def keyring_status(timeout: float = DEFAULT_TIMEOUT) -> KeyringStatus:
    """Can secrets be kept in the OS keyring here? Asks it once (a harmless read), with a timeout."""
    try:
        return call_with_timeout(_probe, timeout, "a test read")
    except Exception as exc:
        return status_from_error(exc)
