"""The filter bar's text: date ranges, normalised searches, and the cell layout of wide text."""

from __future__ import annotations

from datetime import datetime

import pytest
from rich.cells import cell_len

from optout_tui.api.base import ListKind
from optout_tui.times import DateError, parse_date_range
from optout_tui.ui.cells import fit
from optout_tui.ui.filters import FilterError, FilterInput, build_filter, date_range, describe_filter

NOW = datetime(2026, 5, 28, 15, 30)


def test_a_bare_date_is_a_start():
    since, until = parse_date_range("2026-01-31", now=NOW)
    assert (since.year, since.month, since.day, since.hour) == (2026, 1, 31, 0) and until is None


@pytest.mark.parametrize(("text", "days"), [("7d", 7), ("2w", 14), ("3m", 90), ("1y", 365), (" 10D ", 10)])
def test_relative_spans_count_back_from_today(text, days):
    since, until = parse_date_range(text, now=NOW)
    assert (datetime(2026, 5, 28) - since.replace(tzinfo=None)).days == days and until is None


def test_a_range_includes_the_whole_last_day():
    since, until = parse_date_range("2026-03-01..2026-03-31", now=NOW)
    assert since.day == 1 and (until.month, until.day, until.hour, until.minute) == (3, 31, 23, 59)
    assert parse_date_range("..2026-03-31", now=NOW)[0] is None


@pytest.mark.parametrize("text", ["last week", "2026-13-01", "7x", "2026-03-31..2026-03-01"])
def test_bad_dates_say_what_is_accepted(text):
    with pytest.raises(DateError, match=r"FROM\.\.TO|swap"):
        parse_date_range(text, now=NOW)


def test_the_filter_reads_dates_as_the_command_line_does():
    """One date reader (optout_tui.times): its other forms work in the filter too."""
    assert parse_date_range("yesterday", now=NOW)[0].day == 27
    assert parse_date_range("2026/01/31..2026-02-01 12:00", now=NOW)[1].hour == 12
    assert parse_date_range("12h", now=NOW)[0].hour == 3


def test_searches_are_normalised_per_list():
    assert build_filter(ListKind.SMS, FilterInput(search="+82 10-1234-5678")).search == "01012345678"
    assert build_filter(ListKind.EMAIL, FilterInput(search=" Kim@Example.COM ")).search == "Kim@example.com"
    assert build_filter(ListKind.N080, FilterInput(search="080-12")).search == "08012"
    with pytest.raises(FilterError):
        build_filter(ListKind.SMS, FilterInput(search="kim@example.com"))


def test_the_nhn_lists_search_numbers_and_addresses_and_nhn_sms_narrows_to_an_080_number():
    flt = build_filter(ListKind.NHN_SMS, FilterInput(search="010 1234 5678", number080="0801234567"))
    assert (flt.search, flt.number080) == ("01012345678", "0801234567")
    assert describe_filter(ListKind.NHN_SMS, flt) == "filter: 080 number 080-123-4567, = 01012345678 (esc clears)"
    assert build_filter(ListKind.NHN_EMAIL, FilterInput(search="Kim@Example.COM")).search == "Kim@example.com"
    assert build_filter(ListKind.SMS, FilterInput(number080="0801234567")).number080 is None
    assert not FilterInput(number080="0801234567").empty
    with pytest.raises(FilterError):
        build_filter(ListKind.NHN_SMS, FilterInput(search="kim@example.com"))


def test_email_source_and_sort():
    flt = build_filter(ListKind.EMAIL, FilterInput(source="recipient", sort="oldest"))
    assert flt.by_admin is False and flt.newest_first is False
    assert build_filter(ListKind.SMS, FilterInput(source="admin")).by_admin is None


@pytest.mark.parametrize("text", ["(주)한빛물산", "Mirae Foods Co., Ltd.", "서울핀테크 주식회사 본사", ""])
def test_cells_are_padded_and_cut_by_terminal_width(text):
    assert cell_len(fit(text, 20)) == 20


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("1000000d", "'1000000d' is out of range"),
        ("..9999-12-31", "'9999-12-31' is out of range"),
        ("..1969-12-01", "older than 1970"),
        ("9999-12-31 23:00", "nothing is registered that late"),
    ],
)
def test_dates_no_list_can_take_are_refused_in_words(text, says):
    with pytest.raises(FilterError, match=says):
        date_range(text)


def test_a_start_before_1970_is_no_start_and_an_end_in_the_year_9999_no_end():
    assert date_range("1900-01-01..2026-01-31")[0] is None
    assert date_range("2026-01-31..9999-12-31 12:00")[1] is None
    assert build_filter(ListKind.SMS, FilterInput(dates="..9999-12-31 12:00")).until is None
