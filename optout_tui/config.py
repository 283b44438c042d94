"""Where the tool keeps its files, and the TOML config file of profiles (never secrets).

The file, by default ``config_dir()/config.toml``::

    default_profile = "prod"

    [profiles.prod]
    sens_service_id = "ncp:sms:kr:123456789012:myservice"
    nhn_app_key = "AbCdEf0123456789"
    zone = "public"               # NAVER Cloud zone of SENS and the Mailer: "public", "gov" or "fin"
    mailer_region = "kr"          # the Mailer's region: "kr", "sgn" or "jpn"
    nhn_sms_app_key = "..."       # NHN Cloud SMS (080 opt-out recipients); NHN_SMS_SECRET_KEY is its secret
    nhn_email_app_key = "..."     # NHN Cloud Email (blocked receivers); NHN_EMAIL_SECRET_KEY is its secret
    read_only = false

    [keys]                        # dashboard keys: binding id (the help screen, `?`, lists them) -> keys
    app.lookup = "ctrl+l"
    "list.search" = "ctrl+f,slash"

Zone and region choose the NAVER Cloud hosts; a URL set in the file (``sens_url = "https://..."``) or the
environment wins over them. Environment variables win over the file (`ENV_OVERRIDES`, and ``OPTOUT_PROFILE``
for the profile name). Writing goes through tomlkit so a hand-edited file keeps its comments and layout.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from .settings import MAILER_REGIONS, SECRET_ENV, ZONES, ConfigError, Profile, mailer_url, sens_url

APP_NAME = "optout-tui"
DEFAULT_PROFILE = "default"

# Profile field -> environment variable that overrides it.
ENV_OVERRIDES = {
    "sens_url": "OPTOUT_SENS_URL",
    "mailer_url": "OPTOUT_MAILER_URL",
    "hub_url": "OPTOUT_HUB_URL",
    "nhn_oauth_url": "OPTOUT_NHN_OAUTH_URL",
    "nhn_sms_url": "OPTOUT_NHN_SMS_URL",
    "nhn_email_url": "OPTOUT_NHN_EMAIL_URL",
    "sens_service_id": "OPTOUT_SENS_SERVICE_ID",
    "nhn_app_key": "OPTOUT_NHN_APP_KEY",
    "nhn_sms_app_key": "NHN_SMS_APP_KEY",
    "nhn_email_app_key": "NHN_EMAIL_APP_KEY",
}
PROFILE_ENV = "OPTOUT_PROFILE"

_URL_FIELDS = ("sens_url", "mailer_url", "hub_url", "nhn_oauth_url", "nhn_sms_url", "nhn_email_url")
_TEXT_FIELDS = (*_URL_FIELDS, "sens_service_id", "nhn_app_key", "nhn_sms_app_key", "nhn_email_app_key")
_CHOICES = {"zone": ZONES, "mailer_region": MAILER_REGIONS}  # setting -> its valid values
_FILE_KEYS = frozenset(_TEXT_FIELDS) | {"read_only", *_CHOICES}
_DEFAULTS = Profile()


# ---------------------------------------------------------------- paths


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


DEMO_ENV = "OPTOUT_TUI_DEMO"  # set by `--demo` (see demo.enter_demo): the demo's files live apart


def _demo_subdir(path: Path) -> Path:
    return path / "demo" if os.environ.get(DEMO_ENV) else path


def data_dir() -> Path:
    """Journal and audit database (the demo's own under demo/, so the real audit trail holds no fake changes)."""
    return _demo_subdir(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


def cache_dir() -> Path:
    """Snapshots: can be deleted at any time. The demo's are kept per sample data set (see `demo.enter_demo`)."""
    path = _demo_subdir(Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)))
    return path / Path(os.environ[DEMO_ENV]).name if os.environ.get(DEMO_ENV) else path


def default_config_path() -> Path:
    return config_dir() / "config.toml"


def config_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The file to use: the one given (``--config``), else the default."""
    return Path(path).expanduser() if path else default_config_path()


# ---------------------------------------------------------------- reading


@dataclass(slots=True)
class AppConfig:
    """The config file as read, before environment overrides."""

    path: Path
    exists: bool = False
    default_profile: str = DEFAULT_PROFILE
    profiles: dict[str, Profile] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    document: dict[str, Any] = field(default_factory=dict)  # everything, for other sections

    def section(self, name: str) -> dict[str, Any]:
        """Another top-level table (e.g. a helper's own settings); empty when absent."""
        value = self.document.get(name, {})
        return value if isinstance(value, dict) else {}

    def profile_names(self) -> list[str]:
        """Every profile that can be chosen; "default" always works (defaults + environment)."""
        names = list(self.profiles)
        return names if DEFAULT_PROFILE in names else [DEFAULT_PROFILE, *names]

    def profile(self, name: str) -> Profile:
        if name in self.profiles:
            return replace(self.profiles[name])
        if name == DEFAULT_PROFILE:
            return Profile(name=DEFAULT_PROFILE)
        known = ", ".join(self.profile_names())
        where = str(self.path) if self.exists else f"{self.path} (which does not exist yet)"
        raise ConfigError(
            f"no profile {name!r} in {where}; profiles: {known}. "
            f"Create it with `optout-tui --profile {name} credentials set`"
        )


def _read_document(path: Path) -> dict[str, Any] | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a config file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror or exc})") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid TOML: the file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already ends in "(at line N, column M)".
        raise ConfigError(f"{path}: not valid TOML: {exc}; fix that line or move the file away") from None


def load_config(path: str | os.PathLike[str] | None = None) -> AppConfig:
    """Read the config file (no file at all is fine). Raises ConfigError with file and line."""
    file = config_path(path)
    document = _read_document(file)
    if document is None:
        return AppConfig(path=file)
    config = AppConfig(path=file, exists=True, document=document)

    profiles = document.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(f"{file}: `profiles` must be a table ([profiles.NAME] sections)")
    for name, table in profiles.items():
        config.profiles[name] = _profile_from_table(file, name, table)

    default = document.get("default_profile", DEFAULT_PROFILE)
    if not isinstance(default, str) or not default:
        raise ConfigError(f"{file}: default_profile must be a profile name in quotes")
    if default != DEFAULT_PROFILE and default not in config.profiles:
        known = ", ".join(config.profile_names())
        raise ConfigError(
            f"{file}: default_profile is {default!r} but there is no [profiles.{default}]; profiles: {known}"
        )
    config.default_profile = default

    config.keys = _keymap(file, document.get("keys", {}))
    return config


# The dashboard's binding ids, the names `[keys]` remaps (tests/ui checks them against the app's bindings);
# plain data, as this module must not import Textual.
KEY_IDS = frozenset(
    {
        "app.audit",
        "app.copy",
        "app.credentials",
        "app.deregister",
        "app.export",
        "app.help",
        "app.jobs",
        "app.lookup",
        "app.quit",
        "app.register",
        "app.reload",
        "tab.080",
        "tab.email",
        "tab.nhn-email",
        "tab.nhn-sms",
        "tab.overview",
        "tab.sms",
        "list.back",
        "list.dates",
        "list.detail",
        "list.down",
        "list.first",
        "list.last",
        "list.mark",
        "list.page_down",
        "list.page_up",
        "list.retry",
        "list.search",
        "list.up",
        "rows.down",
        "rows.first",
        "rows.last",
        "rows.page_down",
        "rows.page_up",
        "rows.up",
        "overview.full_sync",
        "overview.period",
        "overview.sync",
        "audit.back",
        "audit.dates",
        "audit.export",
        "audit.reload",
        "audit.search",
        "jobs.close",
        "jobs.export",
        "jobs.reload",
        "jobs.results",
        "jobs.resume",
        "results.back",
        "results.export",
        "results.outcome",
        "confirm.no",
        "confirm.yes",
        "credentials.cancel",
        "deregister.close",
        "detail.close",
        "detail.copy",
        "export.close",
        "help.close",
        "lookup.close",
        "register.close",
        "register.send",
        "save.close",
    }
)


def _keymap(file: Path, table: Any, prefix: str = "") -> dict[str, str]:
    """`[keys]` as binding id -> keys; `app.lookup = ...` (a dotted TOML key) and `"app.lookup" = ...` alike."""
    if not isinstance(table, dict):
        raise ConfigError(f'{file}: [keys] must map binding ids to keys, e.g. app.lookup = "ctrl+l"')
    keymap: dict[str, str] = {}
    for name, value in table.items():
        binding_id = prefix + name
        if isinstance(value, dict):
            keymap.update(_keymap(file, value, f"{binding_id}."))
        elif not isinstance(value, str):
            raise ConfigError(f'{file}: [keys] must map binding ids to keys, e.g. app.lookup = "ctrl+l"')
        elif binding_id not in KEY_IDS:
            raise ConfigError(
                f"{file}: [keys] has no binding {binding_id!r}; binding ids: {', '.join(sorted(KEY_IDS))}"
            )
        else:
            keymap[binding_id] = value
    return keymap


def _profile_from_table(file: Path, name: str, table: Any) -> Profile:
    where = f"{file}: [profiles.{name}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    secret_keys = sorted(k for k in table if k in SECRET_ENV or k.endswith(("secret", "secret_key", "password")))
    if secret_keys:
        raise ConfigError(
            f"{where} holds {', '.join(secret_keys)}: secrets never go in the config file; remove them and "
            f"use `optout-tui --profile {name} credentials set` (OS keyring) or environment variables"
        )
    unknown = sorted(set(table) - _FILE_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown setting {', '.join(unknown)}; known: {', '.join(sorted(_FILE_KEYS))}")
    profile = Profile(name=name)
    for key in _TEXT_FIELDS:
        if key in table:
            value = table[key]
            if not isinstance(value, str):
                raise ConfigError(f'{where}: {key} must be text in quotes, e.g. {key} = "..."')
            setattr(profile, key, value.strip() or getattr(_DEFAULTS, key))
    for key, valid in _CHOICES.items():
        if key in table:
            if not isinstance(table[key], str) or table[key] not in valid:
                raise ConfigError(f"{where}: {key} must be one of {', '.join(valid)} (got {table[key]!r})")
            setattr(profile, key, table[key])
    if "sens_url" not in table:
        profile.sens_url = sens_url(profile.zone)
    if "mailer_url" not in table:
        profile.mailer_url = mailer_url(profile.zone, profile.mailer_region)
    if "read_only" in table:
        if not isinstance(table["read_only"], bool):
            raise ConfigError(f"{where}: read_only must be true or false (no quotes)")
        profile.read_only = table["read_only"]
    for key in _URL_FIELDS:
        _check_url(where, key, getattr(profile, key))
    return profile


def _check_url(where: str, key: str, url: str) -> None:
    if not url.startswith(("https://", "http://")):
        raise ConfigError(f"{where}: {key} must start with https:// (got {url!r})")
    try:
        port = urlsplit(url).port
    except ValueError:  # an unclosed [IPv6 address, a port that is no number or beyond 65535
        port = 0
    if port == 0:
        raise ConfigError(f"{where}: {key} {url!r} is not a usable URL; check its host and its port (1 to 65535)")


# ---------------------------------------------------------------- the active profile


def active_profile_name(config: AppConfig, name: str | None = None) -> str:
    """--profile, else OPTOUT_PROFILE, else the file's default_profile, else "default"."""
    return name or os.environ.get(PROFILE_ENV) or config.default_profile


def load_profile(path: str | os.PathLike[str] | None = None, name: str | None = None) -> Profile:
    """The profile to use, with environment overrides applied (they win over the file)."""
    return resolve_profile(path, name)[0]


def resolve_profile(
    path: str | os.PathLike[str] | None = None, name: str | None = None
) -> tuple[Profile, dict[str, str]]:
    """The profile plus where each setting came from ("default", "config file", "env OPTOUT_..")."""
    config = load_config(path)
    chosen = active_profile_name(config, name)
    profile = config.profile(chosen)
    table = config.document.get("profiles", {}).get(chosen, {})
    sources = {}
    for f in fields(Profile):
        if f.name in ("name", "demo"):
            continue
        if f.name in table:
            sources[f.name] = "config file"
        elif {"sens_url": {"zone"}, "mailer_url": {"zone", "mailer_region"}}.get(f.name, set()) & set(table):
            sources[f.name] = "zone and region (config file)"
        else:
            sources[f.name] = "default"
    for key, env in ENV_OVERRIDES.items():
        value = os.environ.get(env, "").strip()
        if not value and key in _URL_FIELDS and env in os.environ:  # never a silent fall-back to production
            raise ConfigError(
                f"environment variable {env} is empty: give it a URL, or `unset {env}` to use {getattr(profile, key)}"
            )
        if value:
            if key in _URL_FIELDS:
                _check_url(f"environment variable {env}", key, value)
            setattr(profile, key, value)
            sources[key] = f"env {env}"
    return profile, sources


# ---------------------------------------------------------------- writing


def update_profile(path: str | os.PathLike[str] | None, name: str, **settings: Any) -> Path:
    """Change some settings of one profile (None removes a setting); creates the profile and file."""
    import tomlkit

    unknown = set(settings) - _FILE_KEYS
    if unknown:
        raise ConfigError(f"unknown profile setting {', '.join(sorted(unknown))}")
    if not name or any(ch in name for ch in ".[]\"'\n"):
        raise ConfigError(f"{name!r} is not a usable profile name (letters, digits, - and _)")
    file = config_path(path)
    _read_document(file)  # refuse to rewrite a file we could not read
    document = tomlkit.parse(file.read_text("utf-8")) if file.exists() else tomlkit.document()
    profiles = document.setdefault("profiles", tomlkit.table(is_super_table=True))
    table = profiles.setdefault(name, tomlkit.table())
    for key, value in settings.items():
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
    _write_atomically(file, tomlkit.dumps(document))
    load_config(file)  # what we wrote must read back
    return file


def _write_atomically(file: Path, text: str) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=file.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
