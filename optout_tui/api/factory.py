"""Turn a profile and its secrets into the three lists; say exactly what is missing where not."""

from __future__ import annotations

from functools import partial

import httpx

from ..settings import ConfigError, Profile, Secrets
from .base import ListKind, Lists
from .email import MailerEmailList
from .http import RetryPolicy, VendorHttp
from .ncp_signing import signed_headers
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
}


def missing_settings(kind: ListKind, profile: Profile, secrets: Secrets) -> list[tuple[str, str]]:
    return [
        (name, where)
        for name, where in NEEDS[kind]
        if not (getattr(profile, name, None) or getattr(secrets, name, None))
    ]


def ncp_signer(access_key: str, secret_key: str):
    async def sign(request: httpx.Request) -> None:
        target = request.url.raw_path.decode("ascii")  # exactly what goes on the wire
        request.headers.update(signed_headers(request.method, target, access_key, secret_key))

    return sign


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
                sign = ncp_signer(secrets.ncloud_access_key, secrets.ncloud_secret_key)  # type: ignore[arg-type]
                http = client("SENS", profile.sens_url, auth=sign)
                lists.sms = SensSmsList(http, profile.sens_service_id, in_flight=in_flight)  # type: ignore[arg-type]
            elif kind is ListKind.EMAIL:
                sign = ncp_signer(secrets.ncloud_access_key, secrets.ncloud_secret_key)  # type: ignore[arg-type]
                http = client("Outbound Mailer", profile.mailer_url, auth=sign)
                lists.email = MailerEmailList(http, in_flight=in_flight)
            else:
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
        except ConfigError as exc:
            lists.problems[kind] = str(exc)
    return lists


def require(lists: Lists, kind: ListKind):
    """The list of `kind`, or a ConfigError saying what to set up."""
    lst = lists.get(kind)
    if lst is None:
        raise ConfigError(lists.problems.get(kind, f"the {kind.label} list is not available"))
    return lst
