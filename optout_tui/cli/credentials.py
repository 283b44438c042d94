"""`optout-tui credentials set|show|delete|test`: put a profile's secrets in the OS keyring and check them.

Secrets are never echoed: prompts hide input, `show` masks, errors name settings, not values.
"""

from __future__ import annotations

import os
import sys

import click

from .common import EXIT_API, EXIT_OK, EXIT_USAGE, CliContext, fail, run

_PROFILE_OPTION = click.option("--profile", "profile_name", help="Profile to use (overrides the global --profile).")
_NON_SECRETS = {
    "sens_service_id": "SENS service ID (ncp:sms:kr:...)",
    "nhn_app_key": "NHN Cloud Notification Hub app key",
    "nhn_sms_app_key": "NHN Cloud SMS app key",
    "nhn_email_app_key": "NHN Cloud Email app key",
}
# Each list's endpoint (its vendor's base URL) for `show`; the 080 list also logs in at the NHN OAuth host.
_ENDPOINTS = {
    "SMS": "sens_url",
    "Email": "mailer_url",
    "080": "hub_url",
    "080 login": "nhn_oauth_url",
    "NHN SMS": "nhn_sms_url",
    "NHN Email": "nhn_email_url",
}


def _context(profile_name: str | None) -> CliContext:
    ctx = click.get_current_context().find_object(CliContext) or CliContext()
    if profile_name:
        ctx.profile_name = profile_name
    return ctx


def _active(ctx: CliContext):
    """The config file as read and the chosen profile's name (ConfigError -> one line, exit 2)."""
    from ..config import active_profile_name, load_config
    from ..settings import ConfigError

    if ctx.demo:
        fail("the demo uses the emulator's built-in credentials; drop --demo to manage real ones")
    try:
        config = load_config(ctx.config_path)
    except ConfigError as exc:
        fail(str(exc))
    return config, active_profile_name(config, ctx.profile_name)


def _env_advice() -> str:
    from ..settings import SECRET_ENV

    return "set the secrets as environment variables instead (" + ", ".join(SECRET_ENV.values()) + ")"


# ---------------------------------------------------------------- set


def _parse_stdin(text: str) -> dict[str, str]:
    """NAME=VALUE lines (secret names, their environment variable names, or the two non-secrets)."""
    from ..config import ENV_OVERRIDES
    from ..settings import SECRET_ENV

    aliases = {name: name for name in [*SECRET_ENV, *_NON_SECRETS]}
    aliases.update({env.lower(): name for name, env in SECRET_ENV.items()})
    aliases.update({ENV_OVERRIDES[name].lower(): name for name in _NON_SECRETS})
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip().lower()
        if not sep or key not in aliases:  # the line may be a pasted secret: never echo it
            fail(
                f"standard input line {number} is not a known NAME=VALUE setting; NAME is one of " + ", ".join(aliases)
            )
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[aliases[key]] = value
    return values


def _prompt_values(config, profile_name: str) -> dict[str, str]:
    from ..credentials.redaction import mask
    from ..credentials.stores import load_secrets_report
    from ..settings import SECRET_LABELS

    values: dict[str, str] = {}
    current_profile = config.profiles.get(profile_name)
    for name, label in _NON_SECRETS.items():
        current = getattr(current_profile, name, None) if current_profile else None
        answer = click.prompt(f"{label}", default=current or "", show_default=bool(current))
        if answer.strip() and answer.strip() != current:
            values[name] = answer.strip()
    report = load_secrets_report(profile_name)
    click.echo("Secrets (input hidden; Enter keeps the current one):")
    for name, label in SECRET_LABELS.items():
        current = getattr(report.secrets, name)
        hint = f" [{mask(current)}, from {report.sources[name]}]" if current else ""
        answer = click.prompt(f"  {label}{hint}", default="", hide_input=True, show_default=False)
        if answer.strip():
            values[name] = answer.strip()
    return values


@click.command("set")
@_PROFILE_OPTION
@click.option("--stdin", "from_stdin", is_flag=True, help="Read NAME=VALUE lines from standard input.")
@click.option("--sens-service-id", help="SENS service ID, saved in the config file (not secret).")
@click.option("--nhn-app-key", help="NHN Cloud app key, saved in the config file (not secret).")
def set_command(
    profile_name: str | None, from_stdin: bool, sens_service_id: str | None, nhn_app_key: str | None
) -> None:
    """Store a profile's secrets in the OS keyring (prompts with hidden input, or --stdin)."""
    from ..config import update_profile
    from ..credentials.diagnosis import KeyringUnavailable, keyring_status
    from ..credentials.stores import store_secrets
    from ..settings import SECRET_ENV, ConfigError, Secrets

    ctx = _context(profile_name)
    config, name = _active(ctx)
    if from_stdin:
        values = _parse_stdin(sys.stdin.read())
    elif sens_service_id or nhn_app_key:
        values = {}
    else:
        status = keyring_status()  # before asking for anything the keyring could not keep
        if not status.usable:
            fail(f"the OS keyring can't be used here ({status.problem}); {_env_advice()}")
        values = _prompt_values(config, name)
    if sens_service_id:
        values["sens_service_id"] = sens_service_id.strip()
    if nhn_app_key:
        values["nhn_app_key"] = nhn_app_key.strip()

    secrets = {k: v for k, v in values.items() if k in SECRET_ENV and v}
    settings = {k: v for k, v in values.items() if k in _NON_SECRETS and v}
    if not secrets and not settings:
        click.echo(f"nothing to change for profile {name!r}")
        raise SystemExit(EXIT_OK)

    if secrets:  # check before writing anything, so a refusal changes nothing
        status = keyring_status()
        if not status.usable:
            fail(f"the OS keyring can't be used here ({status.problem}); {_env_advice()}")
    try:
        if settings or (name not in config.profiles and name != "default"):
            path = update_profile(config.path, name, **settings)
            if settings:
                click.echo(f"saved {', '.join(settings)} for profile {name!r} in {path}")
        if secrets:
            stored = store_secrets(name, Secrets(**secrets))
            click.echo(f"stored {len(stored)} secret(s) for profile {name!r} in the OS keyring: {', '.join(stored)}")
    except KeyringUnavailable as exc:
        fail(f"{str(exc).split('. ')[0]}; {_env_advice()}")
    except ConfigError as exc:
        fail(str(exc))
    shadowed = [SECRET_ENV[k] for k in secrets if os.environ.get(SECRET_ENV[k], "").strip()]
    if shadowed:
        click.echo(f"note: {', '.join(shadowed)} set in the environment win over the keyring", err=True)


# ---------------------------------------------------------------- show


@click.command("show")
@_PROFILE_OPTION
def show_command(profile_name: str | None) -> None:
    """Print the profile's settings, its secrets masked with their source, and the keyring in use."""
    from ..config import resolve_profile
    from ..credentials.diagnosis import keyring_status
    from ..credentials.redaction import mask
    from ..credentials.stores import load_secrets_report
    from ..settings import SECRET_ENV, ConfigError

    ctx = _context(profile_name)
    config, name = _active(ctx)
    try:
        profile, sources = resolve_profile(ctx.config_path, name)
    except ConfigError as exc:
        fail(str(exc))
    report = load_secrets_report(profile)
    status = report.keyring or keyring_status()

    where = str(config.path) if config.exists else f"{config.path} (not created yet)"
    click.echo(f"profile    {name}{'  (read-only: writes are blocked)' if profile.read_only else ''}")
    click.echo(f"config     {where}")
    click.echo("settings")
    for key in (*_NON_SECRETS, "zone", "mailer_region"):
        value = getattr(profile, key) or "(not set)"
        click.echo(f"  {key:<24}{value:<52} {sources[key]}")
    click.echo("endpoints")
    for label, key in _ENDPOINTS.items():
        click.echo(f"  {label:<24}{getattr(profile, key):<52} {sources[key]}")
    click.echo("secrets")
    for key, env in SECRET_ENV.items():
        value = getattr(report.secrets, key)
        source = report.sources[key]
        if source == "missing":
            source = f"missing: `{ctx.command('credentials set')}` or {env}"
        click.echo(f"  {key:<24}{mask(value):<24} {source}")
    if status.usable:
        click.echo(f"keyring    {status.backend}")
    else:
        click.echo(f"keyring    {status.backend}: unusable: {status.problem}")
        click.echo(f"           {status.advice}")


# ---------------------------------------------------------------- delete


@click.command("delete")
@_PROFILE_OPTION
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def delete_command(profile_name: str | None, yes: bool) -> None:
    """Remove the profile's secrets from the OS keyring."""
    from ..credentials.diagnosis import KeyringUnavailable
    from ..credentials.stores import delete_secrets

    ctx = _context(profile_name)
    _, name = _active(ctx)
    if not yes:
        click.confirm(f"Delete the secrets of profile {name!r} from the OS keyring?", abort=True)
    try:
        deleted = delete_secrets(name)
    except KeyringUnavailable as exc:
        fail(str(exc))
    if deleted:
        click.echo(f"deleted {len(deleted)} secret(s) of profile {name!r} from the OS keyring: {', '.join(deleted)}")
    else:
        click.echo(f"no secrets of profile {name!r} were in the OS keyring")


# ---------------------------------------------------------------- test


@click.command("test")
@_PROFILE_OPTION
def test_command(profile_name: str | None) -> None:
    """Call each vendor once with the profile's settings and say what came back.

    Exit 3 if any call failed, 2 if a list's settings were refused (say, a plain http URL) or no list is set
    up at all.
    """
    from ..printable import printable

    ctx = _context(profile_name)
    if not ctx.demo:
        _active(ctx)  # config errors as one line before anything else
    results = run(lambda: _test_all(ctx), ctx)
    for line in results["lines"]:
        click.echo(printable(line))
    if results["failed"]:
        raise SystemExit(EXIT_API)
    nothing_set_up = results["not_set_up"] == len(results["lines"])
    raise SystemExit(EXIT_USAGE if results["refused"] or nothing_set_up else EXIT_OK)


async def _test_all(ctx: CliContext) -> dict:
    import asyncio

    from ..api.base import ListFilter, ListKind
    from ..api.errors import ApiError
    from ..api.factory import missing_settings
    from ..credentials.redaction import redact

    async def one(lst) -> tuple[bool, str]:
        try:
            page = await lst.fetch_page(ListFilter(), 0)
        except ApiError as exc:
            return False, f"FAILED: {exc.line}"
        except Exception as exc:  # one line per vendor, never a traceback
            return False, f"FAILED: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
        if page.note:  # reachable, but the answer does not say whether the list is empty or the settings wrong
            return True, f"reachable; {page.note}"
        count = len(page.entries)
        total = f" of {page.total:,}" if page.total is not None else ""
        more = "" if page.last else " (more pages follow)"
        return True, f"ok: {count} entr{'y' if count == 1 else 'ies'} on the first page{total}{more}"

    lines: list[str] = []
    failed = not_set_up = refused = 0
    async with ctx.lists() as lists:
        available = [lists.get(kind) for kind in ListKind]
        answers = await asyncio.gather(*(one(lst) for lst in available if lst is not None))
        answers_iter = iter(answers)
        profile, secrets = ctx.load()
        width = max(len(kind.label) for kind in ListKind)
        for kind, lst in zip(ListKind, available, strict=True):
            if lst is None:  # not set up at all, or set up with settings that were refused
                if missing_settings(kind, profile, secrets):
                    not_set_up += 1
                else:
                    refused += 1
                lines.append(f"{kind.label:<{width}} {ctx.in_mode(lists.problems.get(kind, 'not set up'))}")
                continue
            ok, text = next(answers_iter)
            failed += not ok
            lines.append(f"{kind.label:<{width}} {ctx.in_mode(redact(text, secrets))}")
    return {"lines": lines, "failed": failed, "not_set_up": not_set_up, "refused": refused}


# ---------------------------------------------------------------- the group


def register(group: click.Group) -> None:
    @group.group("credentials")
    def credentials() -> None:
        """Set, show, delete and test a profile's secrets (kept in the OS keyring, never in files)."""

    for command in (set_command, show_command, delete_command, test_command):
        credentials.add_command(command)
