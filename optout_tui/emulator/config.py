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
    # NHN Cloud SMS and Email: an app key in the path, a secret key in X-Secret-Key (NHN's form: 8 characters)
    nhn_sms_app_key: str = "DemoSmsAppKey0123456"
    nhn_sms_secret_key: str = "DemoSms8"
    nhn_email_app_key: str = "DemoEmailAppKey01234"
    nhn_email_secret_key: str = "DemoMai8"

    def __repr__(self) -> str:  # secrets stay out of logs even when they are demo values
        secret = {"ncloud_secret_key", "nhn_secret_access_key", "nhn_sms_secret_key", "nhn_email_secret_key"}
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


NHN_SMS_CHOICES = {
    "nhn_sms_failure_status": ("http", "200"),
    "nhn_sms_remove_param": ("recipientNoList", "recipientNo"),
    "nhn_sms_remove_missing": ("ignore", "reject", "partial"),
    "nhn_sms_register_existing": ("keep", "renew"),
    "nhn_sms_page_size_echo": ("requested", "rows"),
    "nhn_sms_one_number_data": ("list", "object"),
    "nhn_sms_bad_secret": ("-1004", "-1000", "401"),
    "nhn_sms_account": ("ok", "disabled", "ip-denied", "blocked", "not-joined", "failing"),
}


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
    # The gateways' limits (see throttle.py): requests a second per vendor service, each its own bucket (None: no
    # limit); and the NCP daily quota: requests SENS and the Mailer each answer before 429/400 "quota exceeded".
    rate_limit: float | None = None
    quota: int | None = None
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
    # How the Hub refuses a missing, unknown, revoked or expired access token (NHN doesn't document it):
    # "401" = HTTP 401 with resultCode 80007 (NHN's public API code for an expired or unknown token);
    # "403" = HTTP 403 with the Hub's own 403000 "no permission"; "200" = HTTP 200, isSuccessful false, 80007
    # (as NHN's API Gateway answers permission errors, seen live by a peer tool).
    hub_expired_token: str = "401"
    # The Mailer documents no case rule for addresses: False = `Kim@x.kr` and `kim@x.kr` are one entry
    # (register ignores the second, the `emailAddress` filter and delete ignore case); True = every
    # comparison is exact, as a vendor storing addresses verbatim behind an exact filter would do.
    mailer_case_sensitive: bool = False
    # What the NCP gateway signs the query over (shared/api/README.md section 5): "sent" = the raw query, as the
    # Go SDK signs it; "decoded" = the query percent-decoded, as NAVER's Python and JS SDKs sign it.
    ncp_signature_reading: str = "sent"
    # SENS as seen live (2026-09): a list call that finds nothing answers HTTP 404 with an empty body instead
    # of `[]`, and so does one for an unknown service id (the live report could not tell the two apart).
    sens_empty_404: bool = False
    # False: every Mailer call is refused with 403/77202 "not subscribed to the mail service" (a project
    # without the Mailer, e.g. one whose mail moved into SENS).
    mailer_subscribed: bool = True
    # NHN Cloud Email (nhn_email.py): one option per question its docs leave open.
    nhn_email_count: int = 800
    nhn_email_failure_status: str = "200"  # failures as "200" (isSuccessful false) or "http" (a 4xx/5xx status)
    nhn_email_case_sensitive: bool = False  # True: `Kim@x.kr` and `kim@x.kr` are two addresses
    nhn_email_address_match: str = "exact"  # the `mailAddress` filter: "exact" or "partial" (any part of one)
    # Registering a listed address: "keep" its blockDate, "overwrite" it, or refuse the call ("-2310", "-2304").
    nhn_email_listed: str = "keep"
    nhn_email_repeat: str = "refuse"  # an address twice in one call: "refuse" the call (-2310) or "ignore" it
    # An invalid address among valid ones: "refuse" the call (-2308) or "partial" (the rest go in; code 1000).
    nhn_email_bad_in_batch: str = "refuse"
    # Removing an unlisted address: "ignore" it, "partial" (the rest go; code 1000) or "error" (the call: -2302).
    nhn_email_remove_missing: str = "ignore"
    nhn_email_max_list: int = 1000  # addresses a call may hold (-2303 above)
    nhn_email_order: str = "newest"  # list order by blockDate: "newest" or "oldest" first
    nhn_email_end_inclusive: bool = True  # whether `endBlockDate` (whole seconds) takes its own instant
    # The app key's service: "active", "missing" (-1001), "disabled" (-1002), "blocked" (-1005), "failing"
    # (registrations answer -2309).
    nhn_email_service: str = "active"
    # NHN Cloud SMS 080 recipients: one option per question its docs leave open (shared/api/nhn-sms-080-recipients.md).
    # The HTTP status of a failure: "http" = a 4xx/5xx per resultCode (emulator/nhn_sms.py), "200" = isSuccessful false.
    nhn_sms_failure_status: str = "http"
    # The remove call's recipients parameter: "recipientNoList" (the URL template) or "recipientNo" (the parameter
    # table); a call with the other one is refused with resultCode 4.
    nhn_sms_remove_param: str = "recipientNoList"
    # Removing a recipient not on the number: "ignore" (the others are removed), "reject" (-2019 "Unregistered
    # recipientNo.", nothing removed) or "partial" (the others removed, then -2019).
    nhn_sms_remove_missing: str = "ignore"
    # Registering a recipient already on the number: "keep" (a no-op, its date kept) or "renew" (its date set to now).
    nhn_sms_register_existing: str = "keep"
    # Listing recipients without `unsubscribeNo`: allowed (v3.0) or refused with resultCode 4 (v2.1, English v2.2).
    nhn_sms_list_needs_number: bool = False
    # The answer's `pageSize`: "requested" (as the example echoes it) or "rows" (the rows found, as the table says).
    nhn_sms_page_size_echo: str = "requested"
    # One 080 number's `body.data`: "list" (a list of one, as the example) or "object" (as the field table).
    nhn_sms_one_number_data: str = "list"
    # Whether `endRequestDate` is inclusive.
    nhn_sms_end_inclusive: bool = True
    # A wrong or missing X-Secret-Key (the SMS docs have no code for it): "-1004" (NHN Email's code; SMS's "IP not
    # allowed"), "-1000" (as an invalid app key) or "401" (a bare HTTP 401 without the NHN header).
    nhn_sms_bad_secret: str = "-1004"
    # The project's state: "ok", or every call refused: "disabled" (-1002), "ip-denied" (-1004), "blocked" (-1008),
    # "not-joined" (-6000, no 080 service), "failing" (-9999).
    nhn_sms_account: str = "ok"
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
        if self.hub_expired_token not in ("401", "403", "200"):
            raise ValueError("hub_expired_token must be 401, 403 or 200")
        if self.ncp_signature_reading not in ("sent", "decoded"):
            raise ValueError("ncp_signature_reading must be sent or decoded")
        if (self.rate_limit is not None and self.rate_limit <= 0) or (self.quota is not None and self.quota < 0):
            raise ValueError("rate_limit must be positive and quota must not be negative")
        for name, choices in NHN_SMS_CHOICES.items():
            if getattr(self, name) not in choices:
                raise ValueError(f"{name} must be one of {', '.join(choices)}")
        if self.mailer_max_page_size < 1 or self.token_ttl < 1:
            raise ValueError("mailer_max_page_size and token_ttl must be positive")
        for name, allowed in {
            "nhn_email_failure_status": ("200", "http"),
            "nhn_email_address_match": ("exact", "partial"),
            "nhn_email_listed": ("keep", "overwrite", "-2310", "-2304"),
            "nhn_email_repeat": ("refuse", "ignore"),
            "nhn_email_bad_in_batch": ("refuse", "partial"),
            "nhn_email_remove_missing": ("ignore", "partial", "error"),
            "nhn_email_order": ("newest", "oldest"),
            "nhn_email_service": ("active", "missing", "disabled", "blocked", "failing"),
        }.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}")
        if self.nhn_email_count < 0 or self.nhn_email_max_list < 1:
            raise ValueError("nhn_email_count must not be negative and nhn_email_max_list must be positive")
