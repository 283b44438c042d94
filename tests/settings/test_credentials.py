"""Secrets: environment, then session, then keyring; a keyring that can't be trusted is named, never used."""

from __future__ import annotations

import asyncio
import threading

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringLocked

from optout_tui.credentials.diagnosis import SERVICE, KeyringUnavailable, keyring_status
from optout_tui.credentials.redaction import mask, redact
from optout_tui.credentials.stores import (
    SESSION,
    delete_secrets,
    load_secrets,
    load_secrets_report,
    store_secrets,
)
from optout_tui.settings import SECRET_ENV, SECRET_LABELS, Profile, Secrets

from .conftest import MEMORY_KEYRING_NAME, MemoryKeyring

FULL = Secrets(
    ncloud_access_key="NCPACCESSKEY00000001",
    ncloud_secret_key="ncpSecretKey0000000000000000000000000001",
    nhn_user_access_key_id="NHNUSERKEYID00000001",
    nhn_secret_access_key="nhnSecretAccessKey00000001",
    nhn_sms_secret_key="NhnSms01",
    nhn_email_secret_key="NhnMail1",
)


class PlaintextKeyring(KeyringBackend):
    """Looks like keyrings.alt's file backend (the module name is what gives it away)."""

    priority = -20

    def __init__(self):
        super().__init__()
        self.writes = 0

    def get_password(self, service, username):
        return "read-from-a-plain-text-file"

    def set_password(self, service, username, password):
        self.writes += 1

    def delete_password(self, service, username):
        pass


PlaintextKeyring.__module__ = "keyrings.alt.file"


class HangingKeyring(KeyringBackend):
    """A keyring whose D-Bus call never returns (until released)."""

    priority = -20

    def __init__(self):
        super().__init__()
        self.release = threading.Event()
        self.calls = 0

    def get_password(self, service, username, *password):
        self.calls += 1
        self.release.wait(30)

    set_password = delete_password = get_password


class LockedKeyring(KeyringBackend):
    priority = -20

    def get_password(self, service, username, *password):
        raise KeyringLocked("Failed to unlock the collection!")

    set_password = delete_password = get_password


def test_keyring_entries_are_per_profile_and_secret(memory_keyring):
    assert store_secrets("prod", FULL) == list(SECRET_LABELS)
    assert memory_keyring.items[(SERVICE, "prod:ncloud_secret_key")] == FULL.ncloud_secret_key
    assert memory_keyring.items[(SERVICE, "prod:nhn_user_access_key_id")] == FULL.nhn_user_access_key_id
    assert load_secrets(Profile(name="prod")) == FULL
    assert load_secrets("stage") == Secrets()


def test_store_only_writes_given_values(memory_keyring):
    store_secrets("prod", FULL)
    store_secrets("prod", Secrets(ncloud_access_key="NEWACCESSKEY"))
    loaded = load_secrets("prod")
    assert loaded.ncloud_access_key == "NEWACCESSKEY" and loaded.ncloud_secret_key == FULL.ncloud_secret_key


def test_environment_wins_then_session_then_keyring(memory_keyring, monkeypatch):
    store_secrets("prod", FULL)
    SESSION.put("prod", Secrets(ncloud_secret_key="from-session-secret", nhn_secret_access_key="session-nhn"))
    monkeypatch.setenv("NCLOUD_SECRET_KEY", "from-env-secret")
    report = load_secrets_report("prod")
    assert report.secrets.ncloud_secret_key == "from-env-secret"
    assert report.secrets.nhn_secret_access_key == "session-nhn"
    assert report.secrets.ncloud_access_key == FULL.ncloud_access_key
    assert report.sources == {
        "ncloud_access_key": "keyring",
        "ncloud_secret_key": "env NCLOUD_SECRET_KEY",
        "nhn_user_access_key_id": "keyring",
        "nhn_secret_access_key": "session",
        "nhn_sms_secret_key": "keyring",
        "nhn_email_secret_key": "keyring",
    }


def test_all_from_environment_never_asks_the_keyring(set_backend, monkeypatch):
    hanging = HangingKeyring()
    set_backend(hanging)
    for name, env in SECRET_ENV.items():
        monkeypatch.setenv(env, getattr(FULL, name))
    report = load_secrets_report("prod", timeout=5)
    assert report.secrets == FULL and report.keyring is None and hanging.calls == 0


def test_session_store_is_per_profile():
    SESSION.put("a", Secrets(ncloud_access_key="A-KEY-VALUE"))
    assert SESSION.has("a") and not SESSION.has("b")
    assert load_secrets("a").ncloud_access_key == "A-KEY-VALUE"
    SESSION.clear("a")
    assert not SESSION.has("a")


def test_delete_removes_the_profiles_entries_only(memory_keyring):
    store_secrets("prod", FULL)
    store_secrets("stage", Secrets(ncloud_access_key="STAGEKEY"))
    assert delete_secrets("prod") == list(SECRET_LABELS)
    assert delete_secrets("prod") == []
    assert load_secrets("prod") == Secrets()
    assert load_secrets("stage").ncloud_access_key == "STAGEKEY"


# ---------------------------------------------------------------- unusable keyrings


def test_memory_keyring_is_usable(memory_keyring):
    status = keyring_status()
    assert status.usable and status.backend == MEMORY_KEYRING_NAME and status.problem is None


def test_fail_backend_is_explained(set_backend, monkeypatch):
    set_backend(fail.Keyring())
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    status = keyring_status()
    assert not status.usable and status.backend == "keyring.backends.fail.Keyring"
    assert "no OS keyring" in status.problem
    assert "NCLOUD_ACCESS_KEY" in status.advice and "session only" in status.advice


def test_null_backend_is_explained(set_backend):
    set_backend(null.Keyring())
    status = keyring_status()
    assert not status.usable and "switched off" in status.problem


def test_plaintext_backend_is_never_used(set_backend):
    plain = PlaintextKeyring()
    set_backend(plain)
    status = keyring_status()
    assert (
        not status.usable
        and "plain-text file" in status.problem
        and "never stores secrets in plain text" in status.problem
    )
    assert load_secrets("prod") == Secrets()  # not read from it either
    with pytest.raises(KeyringUnavailable, match="plain-text"):
        store_secrets("prod", FULL)
    assert plain.writes == 0


def test_a_chain_holding_a_plaintext_backend_is_not_usable(set_backend, monkeypatch):
    chain = chainer.ChainerBackend()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [MemoryKeyring(), PlaintextKeyring()])
    set_backend(chain)
    status = keyring_status()
    assert not status.usable and "includes a plain-text one" in status.problem


def test_locked_collection_is_explained(set_backend):
    set_backend(LockedKeyring())
    status = keyring_status()
    assert not status.usable and "locked" in status.problem and "Unlock" in status.advice
    report = load_secrets_report("prod")
    assert report.secrets == Secrets() and report.keyring == status
    with pytest.raises(KeyringUnavailable, match="locked"):
        store_secrets("prod", FULL)


def test_a_hung_keyring_times_out_instead_of_freezing(set_backend, monkeypatch):
    hanging = HangingKeyring()
    set_backend(hanging)
    monkeypatch.setenv("NCLOUD_ACCESS_KEY", "ENVACCESSKEY")
    try:
        report = load_secrets_report("prod", timeout=0.2)
        assert report.secrets == Secrets(ncloud_access_key="ENVACCESSKEY")  # env still works
        assert not report.keyring.usable and "did not answer" in report.keyring.problem
        assert not keyring_status(timeout=0.2).usable
        with pytest.raises(KeyringUnavailable, match="did not answer"):
            store_secrets("prod", FULL, timeout=0.2)
    finally:
        hanging.release.set()


async def test_a_hung_keyring_does_not_block_the_event_loop(set_backend):
    hanging = HangingKeyring()
    set_backend(hanging)
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        report = await asyncio.to_thread(load_secrets_report, "prod", timeout=0.3)
    finally:
        task.cancel()
        hanging.release.set()
    assert "did not answer" in report.keyring.problem
    assert ticks >= 1  # the loop kept running while the keyring hung


# ---------------------------------------------------------------- masking and redaction


@pytest.mark.parametrize(
    ("secret", "shown"),
    [
        ("NCPACCESSKEY00000001", "set, …01"),
        ("abcdefghijkl", "set, …kl"),
        ("short", "set"),
        (None, "(not set)"),
        ("", "(not set)"),
    ],
)
def test_mask_shows_at_most_two_characters_and_no_length(secret, shown):
    assert mask(secret) == shown


def test_secrets_repr_never_shows_values():
    assert FULL.ncloud_secret_key not in repr(FULL) and FULL.ncloud_secret_key not in f"{FULL}"


def test_redact_removes_secrets_and_their_encodings():
    import base64
    from urllib.parse import quote

    weird = Secrets(ncloud_secret_key="a/b+c=d&secret0001")
    text = f"key={weird.ncloud_secret_key} url={quote(weird.ncloud_secret_key, safe='')}"
    assert weird.ncloud_secret_key not in redact(text, weird)
    assert quote(weird.ncloud_secret_key, safe="") not in redact(text, weird)
    basic = base64.b64encode(f"{FULL.nhn_user_access_key_id}:{FULL.nhn_secret_access_key}".encode()).decode()
    assert basic not in redact(f"sent {basic}", FULL)


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==",
        "X-NHN-Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc123.def456",
        "x-ncp-apigw-signature-v2: Zm9vYmFyYmF6MTIzNDU2Nzg5MA==",
        "x-ncp-iam-access-key: SOMEACCESSKEYID12345",
        "{'X-Secret-Key': 'SOMEACCESSKEYID12345', 'Content-Type': 'application/json'}",
        '{"access_token": "tok-1234567890abcdef", "token_type": "Bearer"}',
        "headers={'authorization': 'Bearer tok-1234567890abcdef'}",
        "body token=tok-1234567890abcdef&x=1",
    ],
)
def test_redact_removes_credential_headers_whatever_their_values(text):
    cleaned = redact(text)
    assert "[redacted]" in cleaned
    for secret in (
        "dXNlcjpwYXNzd29yZDEyMw==",
        "eyJhbGciOiJIUzI1NiJ9.abc123.def456",
        "Zm9vYmFyYmF6MTIzNDU2Nzg5MA==",
        "SOMEACCESSKEYID12345",
        "tok-1234567890abcdef",
    ):
        assert secret not in cleaned


def test_redact_leaves_ordinary_text_alone():
    text = "Basic authentication failed for SENS (HTTP 401); token_type Bearer; 010-1234-5678 kim@naver.com"
    assert redact(text, FULL) == text
