"""`optout-tui emulator`: serve the built-in emulator of the three vendor APIs on a loopback port."""

from __future__ import annotations

import click

from .common import EXIT_USAGE, fail

LOOPBACK_NAMES = {"localhost"}


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _banner(base: str, creds) -> str:
    lines = [
        "optout-tui emulator: NAVER Cloud SENS and Outbound Mailer, NHN Cloud Notification Hub, SMS and Email",
        f"listening on {base}",
        "",
        "Endpoints (one port serves every vendor):",
        f"  SENS opt-out numbers   {base}/sms/v2/services/{creds.sens_service_id}/unsubscribes",
        f"  Mailer unsubscribers   {base}/api/v1/unsubscribers",
        f"  Hub 080 numbers        {base}/sender/v1.0/unsubscribe-phone-numbers",
        f"  NHN SMS 080 recipients {base}/sms/v3.0/appKeys/{creds.nhn_sms_app_key}/blockservice/recipients",
        f"  NHN Email blocked      {base}/email/v2.1/appKeys/{creds.nhn_email_app_key}/block-receivers",
        f"  NHN OAuth token        {base}/oauth2/token/create",
        f"  Emulator control       {base}/_emulator/stats",
        "",
        "Demo credentials (they open this emulator only). Paste to point optout-tui at it:",
        f"  export OPTOUT_SENS_URL={base}",
        f"  export OPTOUT_MAILER_URL={base}/api/v1",
        f"  export OPTOUT_HUB_URL={base}",
        f"  export OPTOUT_NHN_OAUTH_URL={base}",
        f"  export OPTOUT_SENS_SERVICE_ID={creds.sens_service_id}",
        f"  export OPTOUT_NHN_APP_KEY={creds.nhn_app_key}",
        f"  export NCLOUD_ACCESS_KEY={creds.ncloud_access_key}",
        f"  export NCLOUD_SECRET_KEY={creds.ncloud_secret_key}",
        f"  export OPTOUT_NHN_SMS_URL={base}",
        f"  export NHN_SMS_APP_KEY={creds.nhn_sms_app_key}",
        f"  export NHN_SMS_SECRET_KEY={creds.nhn_sms_secret_key}",
        f"  export OPTOUT_NHN_EMAIL_URL={base}",
        f"  export NHN_EMAIL_APP_KEY={creds.nhn_email_app_key}",
        f"  export NHN_EMAIL_SECRET_KEY={creds.nhn_email_secret_key}",
        f"  export NHN_USER_ACCESS_KEY_ID={creds.nhn_user_access_key_id}",
        f"  export NHN_SECRET_ACCESS_KEY={creds.nhn_secret_access_key}",
        "",
        "Press Ctrl-C to stop.",  # NHN_SECRET_ACCESS_KEY above is the last export: EmulatorProcess reads to it
    ]
    return "\n".join(lines)


def register(group: click.Group) -> None:
    @group.command("emulator")
    @click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to listen on.")
    @click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
    @click.option(
        "--sms-count",
        default=5000,
        show_default=True,
        type=click.IntRange(0, 2_000_000),
        help="SMS opt-out numbers in the sample data.",
    )
    @click.option(
        "--email-count",
        default=1200,
        show_default=True,
        type=click.IntRange(0, 1_000_000),
        help="Email unsubscribers in the sample data.",
    )
    @click.option("--seed", default=20261123, show_default=True, type=int, help="Sample data seed.")
    @click.option(
        "--latency-ms", default=0.0, show_default=True, type=click.FloatRange(0), help="Delay before every API answer."
    )
    @click.option(
        "--fault-rate",
        default=0.0,
        show_default=True,
        type=click.FloatRange(0, 1),
        help="Fraction of API requests failed with 429 / 503 / timeout.",
    )
    @click.option(
        "--token-ttl",
        default=86400,
        show_default=True,
        type=click.IntRange(1),
        help="NHN access token lifetime, seconds.",
    )
    @click.option(
        "--rate-limit",
        type=click.FloatRange(0, min_open=True),
        metavar="R",
        help="Requests a second each vendor service (SENS, Mailer, Hub) allows; over it: HTTP 429. [default: none]",
    )
    @click.option(
        "--quota",
        type=click.IntRange(0),
        metavar="N",
        help="Requests SENS and the Mailer each answer before their daily quota is used up (429, code 400).",
    )
    def emulator(
        host, port, sms_count, email_count, seed, latency_ms, fault_rate, token_ttl, rate_limit, quota
    ) -> None:
        """Serve the SENS, Outbound Mailer and Notification Hub emulator with sample data."""
        if not _is_loopback(host):
            fail(
                f"refusing to listen on {host}: the emulator accepts public demo credentials, "
                "so it only listens on loopback (127.0.0.1, ::1 or localhost)",
                EXIT_USAGE,
            )
        import signal
        import threading

        from ..emulator import EmulatorConfig, EmulatorServer

        config = EmulatorConfig(
            sms_count=sms_count,
            email_count=email_count,
            seed=seed,
            latency_ms=latency_ms,
            fault_rate=fault_rate,
            token_ttl=token_ttl,
            rate_limit=rate_limit,
            quota=quota,
        )
        stop = threading.Event()
        # Ctrl-C and SIGTERM both end the wait below (also while the sample data is being built); set
        # explicitly so a shell that started us in the background (SIGINT ignored) can still stop us,
        # and nothing ends in a traceback.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        server = EmulatorServer(config, host=host, port=port)
        try:
            server.start()
        except (OSError, RuntimeError) as exc:
            fail(f"cannot listen on {host}:{port}: {exc}; pick another --port (0 = any free port)", EXIT_USAGE)
        click.echo(_banner(server.base_url, config.credentials))
        try:
            while not stop.wait(0.5):
                pass
        finally:
            server.stop()
        click.echo("emulator stopped", err=True)
