"""The one record writer: every format's exact text, streaming, and the format chosen by flag or file name."""

from __future__ import annotations

import csv
import io
import json

import pytest

from optout_tui.output import RecordWriter, format_for, write_records

RECORDS = [
    {"id": 1, "value": "01012345678", "values": ["a", "b"], "note": None, "extra": "x"},
    {"id": 22, "value": "a@b.kr", "values": [], "note": '쉼표, 따옴표"', "extra": "y"},
]
FIELDS = ["id", "value", "values", "note"]


def written(fmt: str, records=RECORDS, fields=FIELDS, **table) -> tuple[int, str]:
    out = io.StringIO()
    count = write_records(iter(records), fields, fmt, out, **table)
    return count, out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "path", "default", "chosen"),
    [
        ("jsonl", "out.json", "csv", "jsonl"),  # --format wins over the name
        (None, "out.csv", "table", "csv"),
        (None, "out.jsonl", "csv", "jsonl"),
        (None, "dir.v2/OUT.JSON", "csv", "json"),
        (None, "out.txt", "csv", "csv"),  # any other name: the command's default
        (None, "out", "table", "table"),
        (None, None, "table", "table"),
    ],
)
def test_the_format_follows_the_flag_else_the_file_name(fmt, path, default, chosen):
    assert format_for(fmt, path, default) == chosen


def test_csv_has_the_fields_in_order_none_empty_and_a_list_in_one_cell():
    count, text = written("csv")
    assert count == 2
    assert text == 'id,value,values,note\n1,01012345678,a b,\n22,a@b.kr,,"쉼표, 따옴표"""\n'
    assert list(csv.reader(io.StringIO(text)))[2][3] == '쉼표, 따옴표"'


def test_jsonl_is_one_whole_record_a_line():
    count, text = written("jsonl")
    assert count == 2 and [json.loads(line) for line in text.splitlines()] == RECORDS
    assert "쉼표" in text  # readable UTF-8, not \u escapes


def test_json_is_one_array_of_whole_records_and_empty_is_an_empty_array():
    count, text = written("json")
    assert count == 2 and json.loads(text) == RECORDS
    assert (
        text
        == "[\n  "
        + json.dumps(RECORDS[0], ensure_ascii=False)
        + ",\n  "
        + json.dumps(RECORDS[1], ensure_ascii=False)
        + "\n]\n"
    )
    assert written("json", [])[1] == "[]\n"


def test_a_table_with_widths_streams_each_record_as_it_comes():
    out = io.StringIO()
    writer = RecordWriter(out, ["value", "note"], "table", widths=[12, 4])
    assert out.getvalue() == "VALUE         NOTE\n"
    writer.write_records([{"value": "010-1234-5678", "note": None}])
    assert out.getvalue().splitlines()[1] == "010-1234-5678"  # over its width: pushed, never cut; no trailing blank
    writer.write_records([{"value": "a", "note": "n"}])
    writer.close()
    assert out.getvalue().splitlines()[2] == "a             n" and writer.count == 2


def test_a_table_without_widths_fits_its_rows_and_shows_nothing_when_empty():
    count, text = written("table", fields=["id", "value", "note"], indent="  ")
    assert count == 2
    assert text.splitlines() == ["  ID  VALUE        NOTE", "  1   01012345678", '  22  a@b.kr       쉼표, 따옴표"']
    assert written("table", [], ["id"]) == (0, "")


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="table, csv, jsonl, json"):
        RecordWriter(io.StringIO(), FIELDS, "xml")
