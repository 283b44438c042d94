"""Parsing, normalising and de-duplicating what a person pastes or exports."""

from optout_tui.api.base import ListKind, ListLimits
from optout_tui.bulk.plan import plan_chunks, preview_lines, read_values_file


def test_every_line_lands_in_one_bucket():
    lines = ["010-1234-5678", "", "# a comment", "+82 10-1234-5678", "hello", "010 9876 5432"]
    p = preview_lines(lines, ListKind.SMS)
    assert p.values == ["01012345678", "01098765432"]
    assert (p.ok, p.invalid, p.duplicate) == (2, 1, 1)
    by_line = {line.line_no: line for line in p.lines}
    assert by_line[4].status == "duplicate" and by_line[4].reason == "same as line 1"
    assert by_line[5].status == "invalid" and by_line[5].reason
    assert 2 not in by_line and 3 not in by_line  # blank and comment lines are skipped


def test_csv_export_uses_the_first_column_and_skips_its_header():
    lines = ["phone,name,note", "010-1234-5678,Kim,VIP", '"010-2222-3333";Lee', "01012345678\tagain"]
    p = preview_lines(lines, ListKind.SMS)
    assert p.values == ["01012345678", "01022223333"]
    assert p.duplicate == 1 and p.invalid == 0


def test_an_address_with_a_comma_in_its_display_name_stays_whole():
    p = preview_lines(['"Kim, Minsu" <Minsu@Example.KR>', "lee@example.kr"], ListKind.EMAIL)
    assert p.values == ["Minsu@example.kr", "lee@example.kr"]  # the local part is sent as typed


def test_addresses_that_differ_only_in_case_are_duplicates():
    lines = ["Minsu@Example.KR", "minsu@example.kr", "Kim <MINSU@example.kr>", "minsu@example.com"]
    p = preview_lines(lines, ListKind.EMAIL)
    assert p.values == ["Minsu@example.kr", "minsu@example.com"]
    assert (p.ok, p.invalid, p.duplicate) == (2, 0, 2)
    assert [(line.line_no, line.reason) for line in p.lines if line.status == "duplicate"] == [
        (2, "same as line 1"),
        (3, "same as line 1"),
    ]


def test_a_010_number_with_7_digits_is_flagged_not_sent():
    p = preview_lines(["010-1234-5678", "0101234567", "010-123-4567"], ListKind.SMS)
    assert p.values == ["01012345678"]
    assert [(line.line_no, line.reason) for line in p.invalid_lines()] == [
        (2, "a 010 number has 8 digits after 010; this one has 7 (a typo?)"),
        (3, "a 010 number has 8 digits after 010; this one has 7 (a typo?)"),
    ]


def test_080_numbers_of_both_lengths_are_values():
    p = preview_lines(["080-123-4567", "080-1234-5678", "08012345678", "080-12345-6789"], ListKind.N080)
    assert p.values == ["0801234567", "08012345678"]
    assert (p.ok, p.invalid, p.duplicate) == (2, 1, 1)


def test_a_hundred_thousand_lines_with_bad_ones():
    lines = [f"010-{i // 10000:04d}-{i % 10000:04d}" for i in range(100_000)]
    lines[10] = "not a number"
    lines[20] = lines[19]
    p = preview_lines(lines, ListKind.SMS)
    assert (p.ok, p.invalid, p.duplicate) == (99_998, 1, 1)
    assert p.read == 100_000


def test_files_in_utf8_with_bom_and_in_cp949(tmp_path):
    utf8 = tmp_path / "a.csv"
    utf8.write_bytes("\ufeff번호\n010-1234-5678\n".encode("utf-8"))
    cp949 = tmp_path / "b.csv"
    cp949.write_bytes("이름,번호\n010-1111-2222,홍길동\n".encode("cp949"))
    assert list(read_values_file(str(utf8))) == ["번호", "010-1234-5678"]
    assert preview_lines(read_values_file(str(utf8)), ListKind.SMS).read == 1  # the header is skipped
    assert list(read_values_file(str(cp949)))[1] == "010-1111-2222,홍길동"
    assert preview_lines(read_values_file(str(cp949)), ListKind.SMS).values == ["01011112222"]


def test_chunk_plan_follows_the_list_limits():
    assert plan_chunks(100_000, ListLimits(batch_size=1000)).chunks == 100
    assert plan_chunks(1001, ListLimits(batch_size=1000)).chunks == 2
    hub = plan_chunks(12, ListLimits(batch_size=1, rate_per_second=300))
    assert hub.chunks == 12 and hub.min_seconds == 12 / 300
    assert plan_chunks(0, ListLimits(batch_size=1000)).chunks == 0
