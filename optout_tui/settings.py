"""The settings one profile needs to reach its lists: plain data, no I/O.

`config.py` fills these from the TOML file and the environment, `credentials.stores` fills `Secrets`
from the environment, the session or the keyring; `api.factory` turns them into lists.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


class ConfigError(Exception):
    """Settings are missing or wrong; the message says which and how to set them."""


# NAVER Cloud's zones: each runs its own API gateway domain (api.ncloud-docs.com, api-gov..., api-fin...).
# NHN Cloud has no zones.
ZONES = {"public": "ntruss.com", "gov": "gov-ntruss.com", "fin": "fin-ntruss.com"}
# The Outbound Mailer's regions are path segments on the zone's host.
MAILER_REGIONS = {"kr": "/api/v1", "sgn": "/api/v1-sgn", "jpn": "/api/v1-jpn"}


def sens_url(zone: str = "public") -> str:
    return f"https://sens.apigw.{ZONES[zone]}"


def mailer_url(zone: str = "public", region: str = "kr") -> str:
    return f"https://mail.apigw.{ZONES[zone]}{MAILER_REGIONS[region]}"


DEFAULT_SENS_URL = sens_url()
DEFAULT_MAILER_URL = mailer_url()
DEFAULT_HUB_URL = "https://notification-hub.api.nhncloudservice.com"
DEFAULT_NHN_OAUTH_URL = "https://oauth.api.nhncloudservice.com"
DEFAULT_NHN_SMS_URL = "https://sms.api.nhncloudservice.com"
DEFAULT_NHN_EMAIL_URL = "https://email.api.nhncloudservice.com"


@dataclass(slots=True)
class Profile:
    """Non-secret settings of one profile."""

    name: str = "default"
    sens_url: str = DEFAULT_SENS_URL
    mailer_url: str = DEFAULT_MAILER_URL
    hub_url: str = DEFAULT_HUB_URL
    nhn_oauth_url: str = DEFAULT_NHN_OAUTH_URL
    nhn_sms_url: str = DEFAULT_NHN_SMS_URL
    nhn_email_url: str = DEFAULT_NHN_EMAIL_URL
    zone: str = "public"  # NAVER Cloud zone of SENS and the Mailer (ZONES)
    mailer_region: str = "kr"  # MAILER_REGIONS
    sens_service_id: str | None = None
    nhn_app_key: str | None = None
    nhn_sms_app_key: str | None = None
    nhn_email_app_key: str | None = None
    read_only: bool = False
    demo: bool = False  # talking to the built-in emulator


# Secret name -> environment variable. The keyring entry is "<profile>:<secret name>".
SECRET_ENV = {
    "ncloud_access_key": "NCLOUD_ACCESS_KEY",
    "ncloud_secret_key": "NCLOUD_SECRET_KEY",
    "nhn_user_access_key_id": "NHN_USER_ACCESS_KEY_ID",
    "nhn_secret_access_key": "NHN_SECRET_ACCESS_KEY",
    "nhn_sms_secret_key": "NHN_SMS_SECRET_KEY",
    "nhn_email_secret_key": "NHN_EMAIL_SECRET_KEY",
}
SECRET_LABELS = {
    "ncloud_access_key": "NAVER Cloud access key ID",
    "ncloud_secret_key": "NAVER Cloud secret key",
    "nhn_user_access_key_id": "NHN Cloud user access key ID",
    "nhn_secret_access_key": "NHN Cloud secret access key",
    "nhn_sms_secret_key": "NHN Cloud SMS secret key",
    "nhn_email_secret_key": "NHN Cloud Email secret key",
}


@dataclass(slots=True)
class Secrets:
    """Secret settings of one profile. `repr` masks every value so they never reach a log."""

    ncloud_access_key: str | None = None
    ncloud_secret_key: str | None = None
    nhn_user_access_key_id: str | None = None
    nhn_secret_access_key: str | None = None
    nhn_sms_secret_key: str | None = None
    nhn_email_secret_key: str | None = None

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={'***' if getattr(self, f.name) else None}" for f in fields(self))
        return f"Secrets({shown})"

    __str__ = __repr__

    def values(self) -> list[str]:
        return [v for v in (getattr(self, f.name) for f in fields(self)) if v]
