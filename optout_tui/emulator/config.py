"""What the emulator accepts and how it behaves: credentials, data sizes, latency and faults.

The demo credentials are fixed and public on purpose: they only open the emulator, never a vendor.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace


@dataclass(frozen=True, slots=True)
class Credentials:
    """The keys and ids the emulator accepts, one set per emulator."""

    ncloud_access_key: str
    ncloud_secret_key: str
    sens_service_id: str
    nhn_app_key: str
    nhn_user_access_key_id: str
    nhn_secret_access_key: str

    def __repr__(self) -> str:  # secrets stay out of logs even when they are demo values
        secret = {"ncloud_secret_key", "nhn_secret_access_key"}
        shown = ", ".join(f"{f.name}={'***' if f.name in secret else getattr(self, f.name)!r}" for f in fields(self))
        return f"Credentials({shown})"


DEMO = Credentials(
    ncloud_access_key="DEMOACCESSKEY0000001",
    ncloud_secret_key="demo-ncloud-secret-key-for-the-emulator0",
    sens_service_id="ncp:sms:kr:123456789012:demo",
    nhn_app_key="DemoAppKey0123456789",
    nhn_user_access_key_id="DemoUserAccessKeyId1",
    nhn_secret_access_key="demo-nhn-secret-access-key",
)


@dataclass(slots=True)
class EmulatorConfig:
    """Everything optional; the defaults give the demo's data set with no latency and no faults."""

    sms_count: int = 5000
    email_count: int = 1200
    seed: int = 20261123
    latency_ms: float = 0.0
    fault_rate: float = 0.0  # fraction of API requests failed: evenly 429 / 503 / timeout (504)
    hang_seconds: float = 30.0  # how long a "timeout" fault hangs before its 504
    retry_after: float | None = None  # Retry-After seconds on injected 429s (None: no header)
    token_ttl: int = 86400  # NHN access token lifetime, seconds
    mailer_max_page_size: int = 100  # the Mailer caps `size` here and reports the capped size
    sens_register_status: int = 202  # 200/201/202: the docs don't pin it
    # What a SENS registration answers (the docs show an example only): "every" = each number asked for, one
    # already on the list with its original time (as the example reads); "new" = only the numbers it added.
    sens_register_answer: str = "every"
    credentials: Credentials = field(default_factory=lambda: DEMO)
    # SENS error bodies: "alternate" switches between the two documented shapes on every error,
    # "errors" = {status, errors, errorMessage}, "message" = {status, error, message}.
    sens_error_shape: str = "alternate"
    # The Hub's single-number answer: "mixed" sends INTERNAL numbers as a JSON number (as the docs
    # show it, so the leading zero is lost: 801234567) and EXTERNAL ones as a string;
    # "string" / "number" send every number one way.
    hub_number_json: str = "mixed"
    # The Mailer documents no case rule for addresses: False = `Kim@x.kr` and `kim@x.kr` are one entry
    # (register ignores the second, the `emailAddress` filter and delete ignore case); True = every
    # comparison is exact, as a vendor storing addresses verbatim behind an exact filter would do.
    mailer_case_sensitive: bool = False
    # End of the sample data's two-year window, epoch ms; None = the start of the current UTC day
    # (so new registrations are always newer than the sample data).
    anchor_ms: int | None = None

    def copy(self) -> EmulatorConfig:
        return replace(self)

    def __post_init__(self) -> None:
        if not 0 <= self.sms_count <= 2_000_000:
            raise ValueError("sms_count must be between 0 and 2,000,000")
        if self.email_count < 0:
            raise ValueError("email_count must not be negative")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        if self.latency_ms < 0 or self.hang_seconds < 0:
            raise ValueError("latency_ms and hang_seconds must not be negative")
        if self.sens_register_status not in (200, 201, 202):
            raise ValueError("sens_register_status must be 200, 201 or 202")
        if self.sens_register_answer not in ("every", "new"):
            raise ValueError("sens_register_answer must be every or new")
        if self.sens_error_shape not in ("alternate", "errors", "message"):
            raise ValueError("sens_error_shape must be alternate, errors or message")
        if self.hub_number_json not in ("mixed", "string", "number"):
            raise ValueError("hub_number_json must be mixed, string or number")
        if self.mailer_max_page_size < 1 or self.token_ttl < 1:
            raise ValueError("mailer_max_page_size and token_ttl must be positive")
