"""Turn what people type or paste into the one canonical form each vendor list is keyed by.

Mobile numbers become national digits (``01012345678``), 080 numbers ``0801234567`` or
``08012345678``, emails ``Local@ascii-domain``. Anything else becomes a `Rejected` with a reason a
person understands. Two addresses that differ only in case are one person (`same_value`).
Nothing here raises on any ``str``: a 100,000-line import must not stop at line 73,412.

Speed: this runs once per input line, so the common shapes take a cheap path (a regex for canonical
and common phone forms; a per-domain cache in front of email-validator), and only odd input reaches
the full parsers (phonenumbers for international prefixes and for saying what a wrong number is).
The fast and full paths are property-tested to agree. The full parsers are imported on first use
(~45 ms together): a file of well-formed mobile numbers never needs them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .kinds import ListKind

__all__ = [
    "Normalized",
    "Rejected",
    "classify",
    "format_number",
    "normalize_080",
    "normalize_email",
    "normalize_for",
    "normalize_mobile",
    "same_value",
    "value_kind",
]


@dataclass(frozen=True, slots=True)
class Normalized:
    kind: ListKind  # the kind of value (`value_kind`): SMS for a mobile number, EMAIL for an address, or N080
    value: str


@dataclass(frozen=True, slots=True)
class Rejected:
    reason: str


Result = Normalized | Rejected

MOBILE_HINT = "a Korean mobile number (010-xxxx-xxxx)"
N080_HINT = "an 080 number (080-xxx-xxxx or 080-xxxx-xxxx)"

_MAX_PHONE_INPUT = 64
_MAX_EMAIL_INPUT = 1000

# Characters that surround pasted values: spaces of every width, BOM (first cell of an Excel CSV),
# zero-width spaces, quotes from spreadsheets.
_STRIP = " \t\r\n\v\f\u00a0\u3000\ufeff\u200b\u200c\u200d\u2060\"'`"

# Separators people put inside phone numbers (after NFKC): spaces, dashes of every kind, dots, brackets.
_PHONE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff70.()\[\]]+")

# Personal mobile numbers: 010 and 8 more digits, 011/016-019 and 7-8 more. Deliberately structural, not
# phonenumbers' allocation table (which calls e.g. 010-5970-xxxx unassigned): refusing a customer's
# real number because a metadata file lags behind is worse than sending the vendor a spare range.
# 010 never had a 3-digit exchange (the 2004 conversion prefixed one digit to every 3-digit 01x
# exchange), so 010 and 7 digits is a typo, refused with `_SHORT_010_REASON`.
# 012 (machine-to-machine) and 015 (pagers) are not personal mobiles.
_PERSONAL_MOBILE = re.compile(r"010[0-9]{8}|01[16789][0-9]{7,8}")
_SHORT_010 = re.compile(r"010[0-9]{7}")
_SHORT_010_REASON = "a 010 number has 8 digits after 010; this one has 7 (a typo?)"
# 080 and 7 digits (080-123-4567), or 8 (080-1234-5678, as in NHN's own examples).
_N080 = re.compile(r"080[0-9]{7,8}")
# 010-1234-5678 / 010 1234 5678: with the canonical form, the shape of nearly every input line.
_COMMON_MOBILE = re.compile(r"(01[016789])[- ]?([0-9]{3,4})[- ]?([0-9]{4})")  # [0-9]: \d takes any script's digits
_MOBILE_PREFIXES = frozenset({"010", "011", "016", "017", "018", "019"})


def _is_mobile(national: str) -> bool:
    return _PERSONAL_MOBILE.fullmatch(national) is not None


# ---------------------------------------------------------------- phone numbers


def _clean(text: str) -> str:
    stripped = text.strip(_STRIP)
    if not stripped.isascii():
        # Full-width digits and hyphens (０１０－１２３４), ideographic spaces, ...
        stripped = unicodedata.normalize("NFKC", stripped).strip(_STRIP)
    return stripped


def _national_digits(text: object) -> str | Rejected:
    """The national form (leading 0) of a Korean phone number, or why it isn't one."""
    if not isinstance(text, str):
        return Rejected(f"expected text, got {type(text).__name__}")
    if len(text) > _MAX_PHONE_INPUT * 4:
        return Rejected("far too long to be a phone number")
    s = _clean(text)
    if not s:
        return Rejected("empty value")
    if len(s) > _MAX_PHONE_INPUT:
        return Rejected("far too long to be a phone number")
    if "@" in s:
        return Rejected("looks like an email address, not a phone number")
    plus = s[0] == "+"
    body = _PHONE_SEPARATORS.sub("", s[1:] if plus else s)
    if not (body.isascii() and body.isdigit()):
        return _bad_characters(body or s)
    if plus or body.startswith("82"):
        if not body.startswith("82"):
            return _foreign(body)
        rest = body[2:]
        rest = rest.removeprefix("0")  # +82-010-..., +82 (0)10 ...: the trunk 0 written anyway
        if not rest:
            return Rejected(f"only a country code; expected {MOBILE_HINT}")
        return "0" + rest
    if body.startswith("00"):  # dialled from Korea with an international prefix: 001-82-10-...
        import phonenumbers

        try:
            parsed = phonenumbers.parse(body, "KR")
        except phonenumbers.NumberParseException:
            return Rejected(f"not a phone number this tool understands; expected {MOBILE_HINT}")
        if parsed.country_code != 82:
            return Rejected(f"not a Korean number (country code +{parsed.country_code})")
        return "0" + str(parsed.national_number)
    if body[0] != "0" and (_is_mobile("0" + body) or _N080.fullmatch("0" + body) or _SHORT_010.fullmatch("0" + body)):
        return "0" + body  # a spreadsheet dropped the leading zero: 1012345678, 801234567
    return body


def _bad_characters(body: str) -> Rejected:
    if any(ch.isalpha() for ch in body):
        return Rejected(f"contains letters; expected {MOBILE_HINT} or {N080_HINT}")
    odd = next((ch for ch in body if not (ch.isascii() and ch.isdigit())), "?")
    shown = repr(odd) if odd.isprintable() else f"U+{ord(odd):04X}"
    return Rejected(f"contains {shown}, which is not part of a phone number (one number per value)")


def _foreign(body: str) -> Rejected:
    import phonenumbers

    try:
        parsed = phonenumbers.parse("+" + body, None)
        return Rejected(f"not a Korean number (country code +{parsed.country_code})")
    except phonenumbers.NumberParseException:
        return Rejected("not a Korean number (unknown country code)")


@lru_cache(maxsize=1)
def _type_names() -> dict:
    from phonenumbers import PhoneNumberType

    return {
        PhoneNumberType.FIXED_LINE: "a landline number",
        PhoneNumberType.FIXED_LINE_OR_MOBILE: "a landline number",
        PhoneNumberType.TOLL_FREE: "an 080 toll-free number",
        PhoneNumberType.VOIP: "an internet phone number",
        PhoneNumberType.UAN: "a company representative number",
        PhoneNumberType.PERSONAL_NUMBER: "a personal (050) number",
        PhoneNumberType.PAGER: "a pager number",
        PhoneNumberType.PREMIUM_RATE: "a premium-rate number",
        PhoneNumberType.SHARED_COST: "a shared-cost number",
        PhoneNumberType.MOBILE: "a machine-to-machine or special mobile line",
    }


def _what_it_is(national: str) -> str | None:
    """A short description of a Korean number that is not what was wanted, if phonenumbers knows it."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(national, "KR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    name = _type_names().get(phonenumbers.number_type(parsed))
    return f"{name} ({format_number(national)})" if name else None


def _digits_problem(national: str, prefix_ok: bool, lengths: tuple[int, ...]) -> str | None:
    if prefix_ok and len(national) < min(lengths):
        return f"too few digits ({len(national)})"
    if prefix_ok and len(national) > max(lengths):
        return f"too many digits ({len(national)})"
    return None


def normalize_mobile(text: str) -> Result:
    """A Korean mobile number in any common form -> ``01012345678``."""
    quick = _quick_mobile(text)
    if quick is not None:
        return quick
    national = _national_digits(text)
    if isinstance(national, Rejected):
        return national
    if _is_mobile(national):
        return Normalized(ListKind.SMS, national)
    return Rejected(_mobile_reason(national))


def _quick_mobile(text: object) -> Normalized | None:
    if type(text) is str:
        if _PERSONAL_MOBILE.fullmatch(text):
            return Normalized(ListKind.SMS, text)
        m = _COMMON_MOBILE.fullmatch(text)
        if m and (len(m[2]) == 4 or m[1] != "010"):
            return Normalized(ListKind.SMS, "".join(m.groups()))
    return None


def _mobile_reason(national: str) -> str:
    if _N080.fullmatch(national):
        return f"an 080 number ({format_number(national)}), not {MOBILE_HINT}"
    if _SHORT_010.fullmatch(national):
        return _SHORT_010_REASON
    problem = _digits_problem(national, national[:3] in _MOBILE_PREFIXES, (10, 11))
    if problem:
        return f"{problem} for {MOBILE_HINT}"
    what = _what_it_is(national)
    if what:
        return f"{what}, not {MOBILE_HINT}"
    return f"not {MOBILE_HINT}"


def normalize_080(text: str) -> Result:
    """An 080 number in any common form -> ``0801234567`` (7 digits after 080) or ``08012345678`` (8)."""
    if type(text) is str and _N080.fullmatch(text):
        return Normalized(ListKind.N080, text)
    national = _national_digits(text)
    if isinstance(national, Rejected):
        return national
    if _N080.fullmatch(national):
        return Normalized(ListKind.N080, national)
    if _is_mobile(national):
        return Rejected(f"a mobile number ({format_number(national)}), not {N080_HINT}")
    problem = _digits_problem(national, national.startswith("080"), (10, 11))
    if problem:
        return Rejected(f"{problem} for {N080_HINT}")
    what = _what_it_is(national)
    return Rejected(f"{what}, not {N080_HINT}" if what else f"not {N080_HINT}")


# ---------------------------------------------------------------- email

# An ASCII dot-atom local part: what email-validator accepts without quoting, nearly every address.
_SIMPLE_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


@lru_cache(maxsize=4096)
def _checked_domain(domain: str) -> str | None:
    """The ASCII (IDNA) form of a valid mail domain, or None; cached because imports repeat domains."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email("a@" + domain, check_deliverability=False).ascii_domain
    except (EmailNotValidError, ValueError):
        return None


def _unwrap(s: str) -> str:
    """``Kim Minsu <kim@example.kr>`` -> ``kim@example.kr``; ``mailto:x@y`` -> ``x@y``."""
    if s.endswith(">") and "<" in s:
        s = s[s.rindex("<") + 1 : -1].strip(_STRIP)
    if s[:7].lower() == "mailto:":
        s = s[7:].strip(_STRIP)
    return s


def normalize_email(text: str) -> Result:
    """Trim, unwrap a display name, lower-case the domain (IDNA for non-ASCII), keep the local part."""
    if not isinstance(text, str):
        return Rejected(f"expected text, got {type(text).__name__}")
    if len(text) > _MAX_EMAIL_INPUT:
        return Rejected("far too long to be an email address")
    s = _clean(text)
    if not s:
        return Rejected("empty value")
    s = _unwrap(s)
    if not s:
        return Rejected("empty address between < and >")
    local, at, domain = s.rpartition("@")
    if at and len(local) <= 64 and _SIMPLE_LOCAL.fullmatch(local):
        ascii_domain = _checked_domain(domain)
        if ascii_domain is not None and len(local) + 1 + len(ascii_domain) <= 254:
            return Normalized(ListKind.EMAIL, f"{local}@{ascii_domain}")
    return _full_email(s)


def _full_email(s: str) -> Result:
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(s, check_deliverability=False)
    except EmailNotValidError as exc:
        return Rejected(f"not a valid email address: {_sentence(str(exc))}")
    except Exception as exc:
        return Rejected(f"not a valid email address ({type(exc).__name__})")
    return Normalized(ListKind.EMAIL, f"{checked.local_part}@{checked.ascii_domain}")


def _sentence(message: str) -> str:
    """email-validator's "The part ... is not valid. It should ..." as one lower-case clause."""
    parts = [p.strip() for p in " ".join(message.split()).rstrip(".").split(". ") if p.strip()]
    return "; ".join(p[0].lower() + p[1:] for p in parts) or "unreadable"


# ---------------------------------------------------------------- dispatch and display


def value_kind(kind: ListKind) -> ListKind:
    """The kind of value a list holds: NHN SMS holds mobile numbers as SENS does (SMS), NHN Email addresses
    as the Mailer does (EMAIL); the others hold their own."""
    return _VALUE_KINDS.get(kind, kind)


_VALUE_KINDS = {ListKind.NHN_SMS: ListKind.SMS, ListKind.NHN_EMAIL: ListKind.EMAIL}


def normalize_for(kind: ListKind, text: str) -> Result:
    """Normalise for a list chosen by the user."""
    kind = value_kind(kind)
    if kind is ListKind.SMS:
        return normalize_mobile(text)
    if kind is ListKind.N080:
        return normalize_080(text)
    return normalize_email(text)


def classify(text: str) -> Result:
    """Which list a value belongs on: '@' -> email, 080 -> 080, a mobile -> SMS; else why not."""
    quick = _quick_mobile(text)
    if quick is not None:
        return quick
    if isinstance(text, str) and "@" in text:
        return normalize_email(text)
    national = _national_digits(text)
    if isinstance(national, Rejected):
        if national.reason.startswith("contains letters"):
            return Rejected(
                "contains letters: not a phone number or an email address "
                "(expected 010-1234-5678, 080-123-4567 or name@example.kr)"
            )
        return national
    if _is_mobile(national):
        return Normalized(ListKind.SMS, national)
    if _N080.fullmatch(national):
        return Normalized(ListKind.N080, national)
    if national.startswith("080"):
        return normalize_080(national)  # its reason speaks of 080 digits
    reason = _mobile_reason(national)
    if reason.endswith(f"not {MOBILE_HINT}"):
        reason = reason[: -len(MOBILE_HINT)] + "a mobile number, an 080 number or an email address"
    return Rejected(reason)


def same_value(kind: ListKind) -> Callable[[str], str]:
    """The key two canonical values of `kind` are compared by: email addresses ignore case, numbers are exact.

    RFC 5321 lets a mail server tell `Kim@` from `kim@`, but the providers Korean senders mail (Naver,
    Daum, Gmail, ...) do not, and the Outbound Mailer documents no rule of its own: so they are one
    person for duplicates and lookups, while the value sent keeps the case as typed.
    """
    return _folded if value_kind(kind) is ListKind.EMAIL else str


def _folded(address: str) -> str:
    lower = address.lower()
    return address if lower == address else lower  # the same object when already lower-case: less memory


def format_number(digits: str) -> str:
    """National digits for display: 01012345678 -> 010-1234-5678, 0212345678 -> 02-1234-5678."""
    if not (isinstance(digits, str) and digits.isascii() and digits.isdigit()):
        return digits if isinstance(digits, str) else str(digits)
    if len(digits) == 8 and digits[0] == "1":  # 1588-1234
        return f"{digits[:4]}-{digits[4:]}"
    if not digits.startswith("0"):
        return digits
    if digits.startswith("050") and len(digits) == 11:  # 0505-123-4567
        return f"{digits[:4]}-{digits[4:7]}-{digits[7:]}"
    area = 2 if digits.startswith("02") else 3
    rest = digits[area:]
    if len(rest) in (7, 8):
        return f"{digits[:area]}-{rest[:-4]}-{rest[-4:]}"
    return digits
