"""Secrets as a person may see them: masked for display, removed from any text shown (vendor errors, test results)."""

from __future__ import annotations

import base64
import re
from urllib.parse import quote

from ..settings import Secrets


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
    re.compile(
        r"(?i)\b((?:x-ncp-apigw-signature-v2|x-ncp-iam-access-key|x-secret-key)['\"]?\s*[:=]\s*['\"]?)[^\s'\",;}]+"
    ),
    re.compile(
        r"(?i)(['\"]?(?:access_?token|refresh_?token|client_?secret|secret_?key|secret_?access_?key|token)"
        r"['\"]?\s*[:=]\s*['\"]?)[^\s'\",;}&]+"
    ),
    re.compile(r"\b((?:Bearer|Basic|bearer|BEARER)\s+)(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{12,}"),
]


def _forms(secrets: Secrets) -> set[str]:
    """Each secret as it could travel: raw, URL-encoded, base64, and the NHN token call's Basic pair."""
    values = set(secrets.values())
    if secrets.nhn_user_access_key_id and secrets.nhn_secret_access_key:
        values.add(
            base64.b64encode(f"{secrets.nhn_user_access_key_id}:{secrets.nhn_secret_access_key}".encode()).decode()
        )
    forms: set[str] = set()
    for value in values:
        if len(value) >= _MIN_SECRET:
            forms |= {value, quote(value, safe=""), base64.b64encode(value.encode()).decode()}
    return forms


def redact(text: str, secrets: Secrets | None = None) -> str:
    """`text` with every one of `secrets`, and every credential header or token value, replaced by [redacted]."""
    if not text:
        return text
    for value in sorted(_forms(secrets or Secrets()), key=len, reverse=True):
        text = text.replace(value, REDACTED)
    for pattern in _CREDENTIAL_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED if m.group(1) else REDACTED, text)
    return text
