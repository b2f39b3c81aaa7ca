"""Reading and checking feedback files (coproduce.experience.feedback_import)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coproduce.experience import feedback_import as fi
from tests.spc.xlsx import write_xlsx

HEADER = "Date,Ward,FFT rating,Comment,Question,Response ID"
ROWS = [
    "2026-01-05,Ward 7,Very good,The café staff were lovely,How was your stay?,r1",
    "06/01/2026,Ward 7,4,Parking cost me £9 and the lift was broken,How was your stay?,r2",
    "7 Jan 2026,Outpatients,Don’t know,Naïve question: where is the pharmacy?,,r3",
]
TEXT = "\r\n".join([HEADER, *ROWS]) + "\r\n"
MAPPING = {
    "comment": "Comment",
    "date": "Date",
    "service": "Ward",
    "rating": "FFT rating",
    "question": "Question",
    "id": "Response ID",
    "teller_role": None,
}


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.replace("’", "'").replace("ï", "i").encode("cp1252"), "windows-1252"),
    ],
)
def test_csv_in_each_encoding_is_read_with_its_non_ascii_text(data: bytes, encoding: str) -> None:
    table = fi.read_table(data, "fft.csv")
    assert table.encoding == encoding
    assert table.columns == tuple(HEADER.split(","))  # no BOM left in the first name
    checked = fi.check_rows(table.records(), MAPPING, row_numbers=table.row_numbers)
    assert checked.ok, checked.errors
    first, second, third = checked.rows
    assert first.comment == "The café staff were lovely"
    assert "£9" in second.comment
    assert (first.date, second.date, third.date) == (
        dt.date(2026, 1, 5),
        dt.date(2026, 1, 6),
        dt.date(2026, 1, 7),
    )
    assert (first.rating, second.rating, third.rating) == (1, 4, 6)
    assert (first.service, first.question, first.external_id) == (
        "Ward 7",
        "How was your stay?",
        "r1",
    )
    assert [r.row for r in checked.rows] == [2, 3, 4]


def test_windows_1252_bytes_that_are_not_utf8_are_detected() -> None:
    data = "Comment\nCafé – £5\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text, encoding = fi.decode(data)
    assert encoding == "windows-1252" and "Café – £5" in text


def test_bytes_that_are_no_text_are_refused() -> None:
    with pytest.raises(fi.FeedbackFileError, match="not a text"):
        fi.read_table(b"PK\x03\x04\x00\x00binary", "fft.csv")
    with pytest.raises(fi.FeedbackFileError, match="neither UTF-8 nor Windows-1252"):
        fi.decode(b"Comment\n\x81\x8d\n")
    with pytest.raises(fi.FeedbackFileError, match="unknown kind"):
        fi.read_table(b"Comment\n", "fft.pdf")


def test_excel_workbook_is_read_as_text(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "fft.xlsx",
        [
            ["Date", "Service", "Rating", "Comment"],
            ["2026-02-01", "A&E", "Good", "Café open late, £3 coffee"],
            ["", "", "", ""],
            ["03/02/2026", "A&E", "2", "Quick triage"],
        ],
    )
    table = fi.read_table(path.read_bytes(), path.name)
    assert table.kind == "excel" and table.encoding == "xlsx"
    assert table.row_numbers == (2, 4)  # the blank row is dropped, numbers kept
    checked = fi.check_rows(
        table.records(), fi.guess_columns(table.columns), row_numbers=table.row_numbers
    )
    assert checked.ok
    assert [r.comment for r in checked.rows] == ["Café open late, £3 coffee", "Quick triage"]
    assert [r.rating for r in checked.rows] == [2, 2]
    assert checked.rows[1].date == dt.date(2026, 2, 3)


def test_a_corrupt_workbook_says_it_cannot_be_read() -> None:
    with pytest.raises(fi.FeedbackFileError, match="cannot be read"):
        fi.read_table(b"not a zip", "fft.xlsx")


def test_blank_lines_keep_the_row_numbers_of_the_file() -> None:
    table = fi.read_table(b"Comment,Rating\nfine,1\n,\nbad,9\n", "x.csv")
    checked = fi.check_rows(
        table.records(), {"comment": "Comment", "rating": "Rating"}, row_numbers=table.row_numbers
    )
    assert checked.errors == (
        fi.RowError(4, "Rating", "the rating must be a whole number from 1 to 6"),
    )


def test_a_comment_over_several_lines_is_one_row_as_a_spreadsheet_numbers_it() -> None:
    data = b'Comment,Rating\n"The nurse was kind.\nThe food was cold.\nThank you",1\n\nbad,9\n'
    table = fi.read_table(data, "x.csv")
    assert table.row_numbers == (2, 4)
    checked = fi.check_rows(
        table.records(), {"comment": "Comment", "rating": "Rating"}, row_numbers=table.row_numbers
    )
    # Row 2 spans three lines of the file; the blank row is row 3; the bad rating is row 4.
    assert [(e.row, e.column) for e in checked.errors] == [(4, "Rating")]


def test_a_workbook_error_never_quotes_the_workbook(monkeypatch: pytest.MonkeyPatch) -> None:
    import polars as pl

    def fails(*args: object, **kwargs: object) -> None:
        raise ValueError("could not convert 'Mrs Edith Crabtree of 12 Acacia Avenue' in row 4")

    monkeypatch.setattr(pl, "read_excel", fails)
    with pytest.raises(fi.FeedbackFileError) as error:
        fi.read_table(b"PK", "fft.xlsx")
    assert "cannot be read (ValueError)" in str(error.value)
    assert "Edith" not in str(error.value)


def test_semicolon_and_tab_separated_files() -> None:
    table = fi.read_table(b"Comment;Rating\nSuper;1\n", "x.csv")
    assert table.columns == ("Comment", "Rating") and table.rows == (("Super", "1"),)
    table = fi.read_table(b"Comment\tRating\nSuper\t2\n", "x.tsv")
    assert table.rows == (("Super", "2"),)


def test_duplicate_or_empty_headers_are_refused() -> None:
    with pytest.raises(fi.FeedbackFileError, match="two columns are called 'Comment'"):
        fi.read_table(b"Comment,Comment\na,b\n", "x.csv")
    with pytest.raises(fi.FeedbackFileError, match="empty"):
        fi.read_table(b"", "x.csv")


def test_columns_are_guessed_from_fft_headers() -> None:
    guess = fi.guess_columns(["Response ID", "Date", "Ward", "FFT rating", "Comment", "Question"])
    assert guess == MAPPING | {"teller_role": None}
    guess = fi.guess_columns(["submitted", "Free text", "score", "department"])
    assert guess["comment"] == "Free text"
    assert guess["date"] == "submitted"
    assert guess["rating"] == "score"
    assert guess["service"] == "department"
    # Nothing recognisable: the comment is the first column.
    assert fi.guess_columns(["A", "B"])["comment"] == "A"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        (6, 6),
        (2.0, 2),
        (" very GOOD ", 1),
        ("Neither good nor poor", 3),
        ("Poor", 4),
        ("Very poor", 5),
        ("Don't know", 6),
        ("Don’t know", 6),
        ("", None),
        ("N/A", None),
        (None, None),
    ],
)
def test_ratings_as_numbers_or_fft_words(value: object, expected: int | None) -> None:
    assert fi.parse_rating(value) == expected


@pytest.mark.parametrize("value", ["0", "7", "2.5", "-1", "excellent", True])
def test_ratings_outside_1_to_6_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="rating"):
        fi.parse_rating(value)


def test_bad_rows_are_reported_with_row_column_and_reason() -> None:
    records = [
        {"Comment": "Fine", "Date": "2026-01-01", "Rating": "1", "Ward": "A"},
        {"Comment": "", "Date": "2026-01-02", "Rating": "2", "Ward": "A"},
        {"Comment": "Slow", "Date": "31/02/2026", "Rating": "8", "Ward": "A"},
        {"Comment": "x" * 101, "Date": "", "Rating": "", "Ward": "W" * 201},
    ]
    checked = fi.check_rows(
        records,
        {"comment": "Comment", "date": "Date", "rating": "Rating", "service": "Ward"},
        max_text=100,
    )
    assert not checked.ok
    assert checked.error_count == 5 and checked.bad_rows == 3
    assert [(e.row, e.column) for e in checked.errors] == [
        (3, "Comment"),
        (4, "Date"),
        (4, "Rating"),
        (5, "Comment"),
        (5, "Ward"),
    ]
    assert checked.errors[0].reason == "the comment is empty"
    assert "cannot be read" in checked.errors[1].reason
    assert "101 characters long; the limit is 100" in checked.errors[3].reason
    assert "limit is 200" in checked.errors[4].reason
    # The reasons never repeat the cell's text.
    assert not any("Slow" in e.reason or "31/02" in e.reason for e in checked.errors)
    assert [r.row for r in checked.rows] == [2]


def test_errors_are_counted_beyond_the_limit_kept() -> None:
    records = [{"Comment": ""} for _ in range(250)]
    checked = fi.check_rows(records, {"comment": "Comment"}, limit=100)
    assert checked.error_count == 250 and len(checked.errors) == 100


def test_empty_comments_may_be_skipped_instead() -> None:
    records = [{"Comment": ""}, {"Comment": "Kind staff"}, {"Comment": "  "}]
    checked = fi.check_rows(records, {"comment": "Comment"}, skip_empty=True)
    assert checked.ok and checked.empty_skipped == 2 and checked.rows_read == 3
    assert [r.row for r in checked.rows] == [3]


def test_a_comment_column_is_required() -> None:
    with pytest.raises(ValueError, match="comments"):
        fi.check_rows([], {"comment": None})


def test_fingerprints_ignore_case_and_spacing_but_not_date_or_service() -> None:
    day = dt.date(2026, 1, 1)
    base = fi.fingerprint("Lovely  staff ", day, "Ward 7")
    assert base == fi.fingerprint("lovely staff", day, " ward   7")
    assert base != fi.fingerprint("Lovely staff", dt.date(2026, 1, 2), "Ward 7")
    assert base != fi.fingerprint("Lovely staff", day, "Ward 8")
    assert base != fi.fingerprint("Lovely staff!", day, "Ward 7")
    assert len(base) == 64


def test_duplicates_within_the_rows_and_against_stored_ones() -> None:
    records = [
        {"comment": "Good", "date": "2026-01-01"},
        {"comment": "Bad", "date": "2026-01-01"},
        {"comment": "good ", "date": "2026-01-01"},
        {"comment": "Stored already", "date": ""},
    ]
    checked = fi.check_rows(records, {"comment": "comment", "date": "date"})
    stored = {fi.fingerprint("Stored already", None, "")}
    keep, duplicates = fi.split_duplicates(checked.rows, stored)
    assert [r.comment for r in keep] == ["Good", "Bad"]
    assert duplicates == [fi.Duplicate(4, 2), fi.Duplicate(5, None)]
    assert duplicates[0].reason == "the same as row 2"
    assert duplicates[1].reason == "already in the project"


def test_a_large_file_is_checked_quickly() -> None:
    lines = ["Date,Service,Rating,Comment"] + [
        f"{1 + i % 28:02d}/01/2026,Ward {i % 9},{1 + i % 6},Comment number {i} about the café"
        for i in range(20_000)
    ]
    table = fi.read_table("\n".join(lines).encode("cp1252"), "big.csv")
    checked = fi.check_rows(
        table.records(), fi.guess_columns(table.columns), row_numbers=table.row_numbers
    )
    assert checked.ok and len(checked.rows) == 20_000
    assert checked.rows[-1].row == 20_001
