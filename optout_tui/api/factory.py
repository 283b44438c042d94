"""Turn a profile and its secrets into its lists; say exactly what is missing where not."""

from __future__ import annotations

from functools import partial

import httpx

from ..settings import ConfigError, Profile, Secrets
from .base import ListKind, Lists
from .email import MailerEmailList
from .http import RetryPolicy, VendorHttp
from .ncp_signing import NcpSigner
from .nhn_email import NhnEmailList
from .nhn_envelope import secret_key_auth
from .nhn_sms import NhnSmsList, default_update_user
from .nhn_token import NhnTokenProvider
from .numbers080 import Hub080List, HubAuth
from .sms import SensSmsList

# What each list needs: (setting, where a user sets it).
NEEDS = {
    ListKind.SMS: [
        ("sens_service_id", "OPTOUT_SENS_SERVICE_ID or sens_service_id in the profile"),
        ("ncloud_access_key", "NCLOUD_ACCESS_KEY or `optout-tui credentials set`"),
        ("ncloud_secret_key", "NCLOUD_SECRET_KEY or `optout-tui credentials set`"),
    ],
    ListKind.EMAIL: [
        ("ncloud_access_key", "NCLOUD_ACCESS_KEY or `optout-tui credentials set`"),
        ("ncloud_secret_key", "NCLOUD_SECRET_KEY or `optout-tui credentials set`"),
    ],
    ListKind.N080: [
        ("nhn_app_key", "OPTOUT_NHN_APP_KEY or nhn_app_key in the profile"),
        ("nhn_user_access_key_id", "NHN_USER_ACCESS_KEY_ID or `optout-tui credentials set`"),
        ("nhn_secret_access_key", "NHN_SECRET_ACCESS_KEY or `optout-tui credentials set`"),
    ],
    ListKind.NHN_SMS: [
        ("nhn_sms_app_key", "NHN_SMS_APP_KEY or nhn_sms_app_key in the profile"),
        ("nhn_sms_secret_key", "NHN_SMS_SECRET_KEY or `optout-tui credentials set`"),
    ],
    ListKind.NHN_EMAIL: [
        ("nhn_email_app_key", "NHN_EMAIL_APP_KEY or nhn_email_app_key in the profile"),
        ("nhn_email_secret_key", "NHN_EMAIL_SECRET_KEY or `optout-tui credentials set`"),
    ],
}


def missing_settings(kind: ListKind, profile: Profile, secrets: Secrets) -> list[tuple[str, str]]:
    return [
        (name, where)
        for name, where in NEEDS[kind]
        if not (getattr(profile, name, None) or getattr(secrets, name, None))
    ]


def build_lists(
    profile: Profile,
    secrets: Secrets,
    *,
    retry: RetryPolicy | None = None,
    timeout: httpx.Timeout | float | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    in_flight: int = 8,
) -> Lists:
    """Every list the profile can reach; the others carry the reason in `Lists.problems`."""
    lists = Lists()
    client = partial(
        VendorHttp, retry=retry, timeout=timeout, transport=transport, max_connections=max(16, in_flight * 2)
    )
    for kind in ListKind:
        missing = missing_settings(kind, profile, secrets)
        if missing:
            names = ", ".join(where.split(" or ")[0] for _, where in missing)
            lists.problems[kind] = (
                f"{kind.label} list is not set up: missing {names} ("
                + "; ".join(f"{name}: {where}" for name, where in missing)
                + ")"
            )
            continue
        try:
            if kind is ListKind.SMS:
                sign = NcpSigner(secrets.ncloud_access_key, secrets.ncloud_secret_key)  # type: ignore[arg-type]
                http = client("SENS", profile.sens_url, auth=sign, refresh=sign.refresh)
                lists.sms = SensSmsList(http, profile.sens_service_id, in_flight=in_flight)  # type: ignore[arg-type]
            elif kind is ListKind.EMAIL:
                sign = NcpSigner(secrets.ncloud_access_key, secrets.ncloud_secret_key)  # type: ignore[arg-type]
                http = client("Outbound Mailer", profile.mailer_url, auth=sign, refresh=sign.refresh)
                lists.email = MailerEmailList(http, in_flight=in_flight)
            elif kind is ListKind.N080:
                tokens = NhnTokenProvider(
                    profile.nhn_oauth_url,
                    secrets.nhn_user_access_key_id,  # type: ignore[arg-type]
                    secrets.nhn_secret_access_key,  # type: ignore[arg-type]
                    retry=retry,
                    timeout=timeout,
                    transport=transport,
                )
                auth = HubAuth(profile.nhn_app_key, tokens)  # type: ignore[arg-type]
                http = client("Notification Hub", profile.hub_url, auth=auth, refresh=auth.refresh)
                lists.n080 = Hub080List(http, auth)
            elif kind is ListKind.NHN_SMS:  # NEEDS made sure of the app key and the secret (`or ""` is for mypy)
                secret = secret_key_auth(secrets.nhn_sms_secret_key or "")
                http = client("NHN Cloud SMS", profile.nhn_sms_url, auth=secret)
                user = default_update_user(profile.name)
                lists.nhn_sms = NhnSmsList(http, profile.nhn_sms_app_key or "", update_user=user, in_flight=in_flight)
            else:
                secret = secret_key_auth(secrets.nhn_email_secret_key or "")
                http = client("NHN Cloud Email", profile.nhn_email_url, auth=secret)
                lists.nhn_email = NhnEmailList(http, profile.nhn_email_app_key or "", in_flight=in_flight)
        except ConfigError as exc:
            lists.problems[kind] = str(exc)
    return lists


def require(lists: Lists, kind: ListKind):
    """The list of `kind`, or a ConfigError saying what to set up."""
    lst = lists.get(kind)
    if lst is None:
        raise ConfigError(lists.problems.get(kind, f"the {kind.label} list is not available"))
    return lst
