"""Demo mode: a profile and secrets that point at a running built-in emulator."""

from __future__ import annotations

from .settings import Profile, Secrets


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
        sens_service_id=creds.sens_service_id,
        nhn_app_key=creds.nhn_app_key,
        demo=True,
    )
    secrets = Secrets(
        ncloud_access_key=creds.ncloud_access_key,
        ncloud_secret_key=creds.ncloud_secret_key,
        nhn_user_access_key_id=creds.nhn_user_access_key_id,
        nhn_secret_access_key=creds.nhn_secret_access_key,
    )
    return profile, secrets
