"""Every form people type becomes one canonical value, or a reason a person understands."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optout_tui.api.base import ListKind
from optout_tui.normalize import (
    Normalized,
    Rejected,
    _clean,
    _full_email,
    _unwrap,
    classify,
    format_number,
    normalize_080,
    normalize_email,
    normalize_for,
    normalize_mobile,
    same_value,
)

MOBILE_FORMS = [
    "01012345678",
    "010-1234-5678",
    "010 1234 5678",
    "010.1234.5678",
    "  010-1234-5678  ",
    "\t01012345678\n",
    "+82 10-1234-5678",
    "+821012345678",
    "82-10-1234-5678",
    "821012345678",
    "+82-010-1234-5678",
    "+82 (0)10 1234 5678",
    "(010)1234-5678",
    "(010) 1234-5678",
    "０１０－１２３４－５６７８",  # full-width digits and hyphen
    "０１０ー１２３４ー５６７８",  # katakana long vowel mark typed as a dash
    "010\u20111234\u20135678",  # non-breaking hyphen, en dash
    "010\u30001234\u30005678",  # ideographic spaces
    "\ufeff010-1234-5678",  # BOM at the start of an Excel CSV
    '"010-1234-5678"',  # quoted spreadsheet cell
    "1012345678",  # a spreadsheet dropped the leading zero
    "001-82-10-1234-5678",  # dialled with an international prefix
]


@pytest.mark.parametrize("text", MOBILE_FORMS)
def test_mobile_forms_become_national_digits(text):
    assert normalize_mobile(text) == Normalized(ListKind.SMS, "01012345678")


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("011-123-4567", "0111234567"),
        ("016-1234-5678", "01612345678"),
        ("017 123 4567", "0171234567"),
        ("018-1234-5678", "01812345678"),
        ("+82 19-123-4567", "0191234567"),
        ("010-5970-1234", "01059701234"),  # not in phonenumbers' allocation table; still a mobile
    ],
)
def test_legacy_and_short_mobiles(text, digits):
    assert normalize_mobile(text) == Normalized(ListKind.SMS, digits)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty value"),
        ("   ", "empty value"),
        ("02-123-4567", "a landline number (02-123-4567), not a Korean mobile number (010-xxxx-xxxx)"),
        ("031-123-4567", "a landline number (031-123-4567)"),
        ("080-123-4567", "an 080 number (080-123-4567), not a Korean mobile number"),
        ("070-1234-5678", "an internet phone number (070-1234-5678)"),
        ("1588-1234", "a company representative number (1588-1234)"),
        ("0505-123-4567", "a personal (050) number (0505-123-4567)"),
        ("012-1234-5678", "a machine-to-machine or special mobile line"),
        ("013-1234-5678", "not a Korean mobile number (010-xxxx-xxxx)"),
        ("010-123", "too few digits (6)"),
        ("010-1234-56789", "too many digits (12)"),
        ("+1 650 253 0000", "not a Korean number (country code +1)"),
        ("+44 20 7946 0958", "not a Korean number (country code +44)"),
        ("010-CALL-ABCD", "contains letters"),
        ("010 1234 5678 ext 12", "contains letters"),
        ("010-1234-5678, 010-2222-3333", "contains ','"),
        ("010/1234/5678", "contains '/'"),
        ("010-١٢٣٤-٥٦٧٨", "which is not part of a phone number"),  # Arabic-Indic digits are not ASCII
        ("kim@example.com", "looks like an email address"),
        ("+82", "only a country code"),
        ("9" * 300, "far too long"),
    ],
)
def test_mobile_rejections_say_why(text, reason):
    result = normalize_mobile(text)
    assert isinstance(result, Rejected)
    assert reason in result.reason


@pytest.mark.parametrize(
    "text",
    [
        "010-123-4567",
        "0101234567",
        "010 123 4567",
        "+82 10-123-4567",
        "82-10-123-4567",
        "101234567",
        "０１０－１２３－４５６７",
    ],
)
def test_a_010_number_with_7_digits_is_a_typo_in_every_entry_point(text):
    """010 numbers always have a 4-digit exchange (2004 numbering plan): 7 digits after 010 is refused."""
    reason = "a 010 number has 8 digits after 010; this one has 7 (a typo?)"
    assert normalize_mobile(text) == Rejected(reason)
    assert classify(text) == Rejected(reason)
    assert normalize_for(ListKind.SMS, text) == Rejected(reason)


@pytest.mark.parametrize(
    "text",
    [
        "080-123-4567",
        "0801234567",
        "+82 80-123-4567",
        "82-80-123-4567",
        "(080) 123-4567",
        "０８０－１２３－４５６７",
        "+82-080-123-4567",
        "801234567",
        "80-123-4567",
    ],
)  # a spreadsheet dropped the leading zero
def test_080_forms(text):
    assert normalize_080(text) == Normalized(ListKind.N080, "0801234567")


@pytest.mark.parametrize(
    "text",
    [
        "080-1234-5678",
        "08012345678",
        "080 1234 5678",
        "+82 80-1234-5678",
        "+82-080-1234-5678",
        "(080) 1234-5678",
        "０８０－１２３４－５６７８",
        "8012345678",
    ],
)  # a spreadsheet dropped the leading zero
def test_080_numbers_with_8_digits_after_080(text):
    assert normalize_080(text) == Normalized(ListKind.N080, "08012345678")
    assert classify(text) == Normalized(ListKind.N080, "08012345678")
    assert format_number("08012345678") == "080-1234-5678"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("080-1234-56789", "too many digits (12) for an 080 number (080-xxx-xxxx or 080-xxxx-xxxx)"),
        ("080-123", "too few digits (6)"),
        ("010-1234-5678", "a mobile number (010-1234-5678), not an 080 number"),
        ("02-123-4567", "a landline number (02-123-4567), not an 080 number"),
        ("", "empty value"),
    ],
)
def test_080_rejections(text, reason):
    result = normalize_080(text)
    assert isinstance(result, Rejected) and reason in result.reason


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("kim@example.com", "kim@example.com"),
        ("  Kim.MinSu@Example.CO.KR ", "Kim.MinSu@example.co.kr"),  # domain lower-cased, local part kept
        ("Kim Minsu <kim@Naver.COM>", "kim@naver.com"),
        ('"Kim, Minsu" <kim@naver.com>', "kim@naver.com"),
        ("<kim@naver.com>", "kim@naver.com"),
        ("mailto:kim@naver.com", "kim@naver.com"),
        ("kim+promo@gmail.com", "kim+promo@gmail.com"),
        ("kim＠naver．com", "kim@naver.com"),  # full-width @ and dot from a Korean IME
        ("\ufeffkim@naver.com", "kim@naver.com"),
        ("user@例え.jp", "user@xn--r8jz45g.jp"),  # IDN domains in their DNS (IDNA) form
        ("user@xn--r8jz45g.jp", "user@xn--r8jz45g.jp"),  # ... so both spellings are one value
        ("user@도메인.한국", "user@xn--hq1bm8jm9l.xn--3e0b707e"),
    ],
)
def test_email_forms(text, address):
    assert normalize_email(text) == Normalized(ListKind.EMAIL, address)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty value"),
        ("kim", "not a valid email address: an email address must have an @-sign"),
        ("kim@", "not a valid email address"),
        ("@naver.com", "not a valid email address"),
        ("kim..lee@naver.com", "two periods in a row"),
        ("kim@naver", "it should have a period"),
        ("kim@localhost", "not a valid email address"),
        ("kim@test.invalid", "special-use or reserved name"),
        ("kim lee@naver.com", "not a valid email address"),
        ("a@b.kr, c@d.kr", "not a valid email address"),
        ("<>", "empty address"),
        ("x" * 2000 + "@a.kr", "far too long"),
    ],
)
def test_email_rejections(text, reason):
    result = normalize_email(text)
    assert isinstance(result, Rejected)
    assert reason in result.reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("010-1234-5678", Normalized(ListKind.SMS, "01012345678")),
        ("+82 10 1234 5678", Normalized(ListKind.SMS, "01012345678")),
        ("080-123-4567", Normalized(ListKind.N080, "0801234567")),
        ("Kim <kim@Naver.com>", Normalized(ListKind.EMAIL, "kim@naver.com")),
    ],
)
def test_classify_picks_the_list(text, expected):
    assert classify(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("02-123-4567", "a landline number (02-123-4567), not a mobile number, an 080 number or an email address"),
        ("080-12-345", "for an 080 number"),
        ("hello", "contains letters"),
        ("kim@", "not a valid email address"),
    ],
)
def test_classify_rejections(text, reason):
    result = classify(text)
    assert isinstance(result, Rejected) and reason in result.reason


def test_addresses_that_differ_only_in_case_are_one_value_numbers_stay_exact():
    key = same_value(ListKind.EMAIL)
    assert key(normalize_email("Kim.MinSu@Example.KR").value) == key("kim.minsu@example.kr") == "kim.minsu@example.kr"
    assert key("kim@a.kr") != key("kim@b.kr")
    assert same_value(ListKind.SMS)("01012345678") == "01012345678"
    assert normalize_email("Kim.MinSu@example.kr").value == "Kim.MinSu@example.kr"  # sent as typed


def test_normalize_for_dispatches_by_list():
    assert normalize_for(ListKind.SMS, "010-1234-5678").value == "01012345678"
    assert normalize_for(ListKind.N080, "080-123-4567").value == "0801234567"
    assert normalize_for(ListKind.EMAIL, "A@B.KR").value == "A@b.kr"
    assert isinstance(normalize_for(ListKind.SMS, "080-123-4567"), Rejected)


@pytest.mark.parametrize(
    ("digits", "shown"),
    [
        ("01012345678", "010-1234-5678"),
        ("0101234567", "010-123-4567"),
        ("0801234567", "080-123-4567"),
        ("08012345678", "080-1234-5678"),
        ("0212345678", "02-1234-5678"),
        ("021234567", "02-123-4567"),
        ("0311234567", "031-123-4567"),
        ("15881234", "1588-1234"),
        ("05051234567", "0505-123-4567"),
        ("123", "123"),
        ("kim@naver.com", "kim@naver.com"),
    ],
)
def test_format_number(digits, shown):
    assert format_number(digits) == shown


# ---------------------------------------------------------------- properties

CANONICAL = {
    ListKind.SMS: re.compile(r"010[0-9]{8}|01[16789][0-9]{7,8}"),
    ListKind.N080: re.compile(r"080[0-9]{7,8}"),
}

phone_like = st.text(alphabet="0123456789+-() .８０１２－　١٣", max_size=24)
any_text = st.one_of(st.text(max_size=60), phone_like, st.emails().map(lambda e: f" Name <{e}> "))


def _assert_canonical_or_reason(result, kind=None):
    if isinstance(result, Rejected):
        assert result.reason.strip()
        return
    assert isinstance(result, Normalized)
    if kind is not None:
        assert result.kind is kind
    if result.kind is ListKind.EMAIL:
        local, _, domain = result.value.rpartition("@")
        assert local and domain.isascii() and domain == domain.lower() and result.value == result.value.strip()
        assert normalize_email(result.value) == result  # canonical is a fixed point
    else:
        assert CANONICAL[result.kind].fullmatch(result.value)


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_never_raises_and_is_canonical_or_a_reason(text):
    _assert_canonical_or_reason(normalize_mobile(text), ListKind.SMS)
    _assert_canonical_or_reason(normalize_080(text), ListKind.N080)
    _assert_canonical_or_reason(normalize_email(text), ListKind.EMAIL)
    _assert_canonical_or_reason(classify(text))
    assert isinstance(format_number(text), str)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"010[0-9]{8}|01[16789][0-9]{7,8}", fullmatch=True))
def test_every_displayed_mobile_reads_back(digits):
    for shown in (digits, format_number(digits), "+82 " + format_number(digits)[1:]):
        assert normalize_mobile(shown) == Normalized(ListKind.SMS, digits)
        assert classify(shown) == Normalized(ListKind.SMS, digits)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"080[0-9]{7,8}", fullmatch=True))
def test_every_displayed_080_number_reads_back(digits):
    for shown in (digits, format_number(digits), "+82 " + format_number(digits)[1:]):
        assert normalize_080(shown) == Normalized(ListKind.N080, digits)
        assert classify(shown) == Normalized(ListKind.N080, digits)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.emails(), st.text(max_size=40).map(lambda t: t + "@example.com")))
def test_email_fast_path_agrees_with_email_validator(text):
    """The per-domain cache path must give exactly what the full validator gives."""
    fast = normalize_email(text)
    cleaned = _unwrap(_clean(text))
    if not cleaned:
        return
    full = _full_email(cleaned)
    assert type(fast) is type(full)
    if isinstance(fast, Normalized):
        assert fast == full
