"""Shared fixtures: an isolated home for every test, emulator-backed lists over real loopback HTTP."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """No test touches the developer's config, data, cache or keyring."""
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        path = tmp_path / "home" / sub
        path.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(path))
    for var in (
        "OPTOUT_SENS_URL",
        "OPTOUT_MAILER_URL",
        "OPTOUT_HUB_URL",
        "OPTOUT_NHN_OAUTH_URL",
        "OPTOUT_SENS_SERVICE_ID",
        "OPTOUT_NHN_APP_KEY",
        "NCLOUD_ACCESS_KEY",
        "NCLOUD_SECRET_KEY",
        "NHN_USER_ACCESS_KEY_ID",
        "NHN_SECRET_ACCESS_KEY",
        "OPTOUT_NHN_SMS_URL",
        "OPTOUT_NHN_EMAIL_URL",
        "NHN_SMS_APP_KEY",
        "NHN_SMS_SECRET_KEY",
        "NHN_EMAIL_APP_KEY",
        "NHN_EMAIL_SECRET_KEY",
        "OPTOUT_PROFILE",
        "OPTOUT_TUI_DEMO",
    ):
        monkeypatch.delenv(var, raising=False)
    if "PYTHON_KEYRING_BACKEND" not in os.environ or "optout" not in os.environ.get("PYTHON_KEYRING_BACKEND", ""):
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    yield tmp_path / "home"
