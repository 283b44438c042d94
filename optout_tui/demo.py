"""Demo mode: a profile and secrets that point at a running built-in emulator, and the demo's own files."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from .settings import Profile, Secrets


def sample_data_key(anchor_ms: int) -> str:
    """Names the sample data a demo emulator serves when its window ends at `anchor_ms` (its seed and
    sizes, and the day its times are counted back from: the same values get other times every day)."""
    from .emulator import EmulatorConfig

    cfg = EmulatorConfig()
    day = datetime.fromtimestamp(anchor_ms / 1000, UTC)
    return f"{day:%Y-%m-%d}-seed{cfg.seed}-sms{cfg.sms_count}-email{cfg.email_count}"


def enter_demo(anchor_ms: int | None = None) -> list[str]:
    """Make this process's journal, audit trail and snapshot the demo's own, the snapshot kept per sample
    data set; the arguments that make the demo's emulator serve exactly that set.

    A snapshot is only true of the data it was copied from. Every demo emulator starts afresh from sample
    data, so a copy made on another day, or from one whose data the demo then changed, would show entries
    a lookup says are not there: the emulator is told to forget the copy when its data changes.
    """
    from .config import DEMO_ENV, cache_dir
    from .emulator.clock import start_of_utc_day_ms

    anchor_ms = start_of_utc_day_ms() if anchor_ms is None else anchor_ms
    os.environ[DEMO_ENV] = sample_data_key(anchor_ms)
    return ["--anchor-ms", str(anchor_ms), "--forget-on-change", str(cache_dir())]


def demo_settings(server) -> tuple[Profile, Secrets]:
    """Settings for an `optout_tui.emulator.EmulatorServer` that has been started."""
    from .emulator import DEMO

    creds = getattr(server, "credentials", None) or DEMO
    base = server.base_url
    profile = Profile(
        name="demo",
        sens_url=base,
        mailer_url=f"{base}/api/v1",
        hub_url=base,
        nhn_oauth_url=base,
        nhn_sms_url=base,
        nhn_email_url=base,
        sens_service_id=creds.sens_service_id,
        nhn_app_key=creds.nhn_app_key,
        nhn_sms_app_key=creds.nhn_sms_app_key,
        nhn_email_app_key=creds.nhn_email_app_key,
        demo=True,
    )
    secrets = Secrets(
        ncloud_access_key=creds.ncloud_access_key,
        ncloud_secret_key=creds.ncloud_secret_key,
        nhn_user_access_key_id=creds.nhn_user_access_key_id,
        nhn_secret_access_key=creds.nhn_secret_access_key,
        nhn_sms_secret_key=creds.nhn_sms_secret_key,
        nhn_email_secret_key=creds.nhn_email_secret_key,
    )
    return profile, secrets
