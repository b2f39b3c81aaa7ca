"""Reading and checking feedback files: FFT-style rows, before anything is stored (ADR 0015).

A feedback file (CSV or Excel) has a header row and one comment a row, with columns for some
of :data:`FIELDS`: the date, the service, the FFT rating, the comment, the question asked, an
id in the source and who told it. This module, pure and without Django:

* reads a file's bytes: CSV in UTF-8, UTF-8 with a byte-order mark or Windows-1252
  (:func:`decode` says which it was), or the first sheet of an Excel workbook
  (:func:`read_table`), every cell as text;
* guesses which column holds which field from the header names (:func:`guess_columns`);
* checks every row (:func:`check_rows`): an unreadable date, a rating that is not 1–6 or an
  FFT answer, an empty comment where one is required and over-long text are
  :class:`RowError` s naming the row as the spreadsheet shows it (the header is row 1), the
  column and the reason, never the cell's text (it may identify someone);
* fingerprints each comment (:func:`fingerprint`: a SHA-256 of the normalised text, the date
  and the service) and finds duplicates within the rows and against fingerprints already
  stored (:func:`split_duplicates`).

Ratings are the FFT's: 1 very good, 2 good, 3 neither good nor poor, 4 poor, 5 very poor,
6 don't know; the words may be given instead of the numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = [
    "DEFAULT_MAX_TEXT",
    "FIELDS",
    "FIELD_LABELS",
    "MAX_LENGTHS",
    "RATING_WORDS",
    "CheckedRows",
    "Duplicate",
    "FeedbackFileError",
    "FeedbackRow",
    "RowError",
    "Table",
    "check_rows",
    "decode",
    "fingerprint",
    "guess_columns",
    "normalise_text",
    "parse_date",
    "parse_rating",
    "read_table",
    "split_duplicates",
]

Encoding = Literal["utf-8", "utf-8-sig", "windows-1252"]

#: The fields a row may have, in the order the column form shows them.
FIELDS = ("comment", "date", "service", "rating", "question", "id", "teller_role")
FIELD_LABELS = {
    "comment": "Comment",
    "date": "Date",
    "service": "Service",
    "rating": "Rating",
    "question": "Question",
    "id": "Id in the source",
    "teller_role": "Who told it",
}
#: The longest value each short field may hold (the database's limits).
MAX_LENGTHS = {"service": 200, "question": 500, "id": 100, "teller_role": 40}
#: The longest comment, in characters, unless the caller says otherwise.
DEFAULT_MAX_TEXT = 20_000
#: Cells that mean "no value" (after trimming, ignoring case).
MISSING = frozenset({"", "na", "n/a", "#n/a", "nan", "null", "none", "-"})

#: FFT answers as words (ignoring case, spaces and the kind of apostrophe) → 1–6.
RATING_WORDS = {
    "very good": 1,
    "extremely likely": 1,
    "good": 2,
    "likely": 2,
    "neither good nor poor": 3,
    "neither good or poor": 3,
    "neither likely nor unlikely": 3,
    "poor": 4,
    "unlikely": 4,
    "very poor": 5,
    "extremely unlikely": 5,
    "don't know": 6,
    "dont know": 6,
    "do not know": 6,
}

_HINTS: dict[str, tuple[str, ...]] = {
    "comment": (
        "comment",
        "comments",
        "free text",
        "freetext",
        "feedback",
        "text",
        "story",
        "narrative",
        "what was good",
        "response",
        "answer",
    ),
    "date": ("date", "response date", "submitted", "date submitted", "when", "day", "created"),
    "service": ("service", "ward", "department", "team", "unit", "site", "location", "area"),
    "rating": ("rating", "fft", "score", "fft score", "fft rating", "recommend", "answer code"),
    "question": ("question", "question text", "prompt"),
    "id": ("id", "comment id", "response id", "ref", "reference", "record id", "row id"),
    "teller_role": ("teller role", "role", "respondent", "who", "told by", "respondent type"),
}

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d-%m-%y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
)
_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


class FeedbackFileError(ValueError):
    """The file cannot be read at all (not a table, no header, not text): one sentence."""


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that cannot be imported: ``row`` as the spreadsheet shows it, the column's name
    in the file (or the field's, for rows given without a file) and why."""

    row: int
    column: str
    reason: str


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    """One checked row, ready to be redacted and stored. ``comment`` is the original text."""

    row: int
    comment: str
    date: dt.date | None
    service: str
    rating: int | None
    question: str
    external_id: str
    teller_role: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A row left out because its fingerprint was seen before: in the file (``of_row``, the
    earlier row) or in the project (``of_row`` is None)."""

    row: int
    of_row: int | None

    @property
    def reason(self) -> str:
        if self.of_row is None:
            return "already in the project"
        return f"the same as row {self.of_row}"


@dataclass(frozen=True, slots=True)
class CheckedRows:
    """Every good row, and the first ``limit`` problems with the count of them all."""

    rows: tuple[FeedbackRow, ...]
    errors: tuple[RowError, ...]
    error_count: int
    rows_read: int
    empty_skipped: int

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})


@dataclass(frozen=True, slots=True)
class Table:
    """A file read as text: its header and its data rows (blank rows dropped; ``row_numbers``
    holds each row's number as the spreadsheet shows it, the header being row 1)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_numbers: tuple[int, ...]
    encoding: str
    kind: Literal["csv", "excel"]

    def records(self) -> Iterator[dict[str, str]]:
        """Each row as a mapping from column name to cell text."""
        for row in self.rows:
            yield dict(zip(self.columns, row, strict=False))


# --------------------------------------------------------------------------- reading


def decode(data: bytes) -> tuple[str, Encoding]:
    """The text of a CSV file and its encoding: UTF-8 with a byte-order mark, UTF-8, else
    Windows-1252 (what Excel on Windows saves as plain "CSV").

    Raises:
        FeedbackFileError: the bytes are none of these (Windows-1252 leaves five bytes
            undefined) or hold a NUL byte (not a text file).
    """
    if b"\x00" in data[:65536]:
        raise FeedbackFileError("the file is not a text (CSV) file")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as error:
        raise FeedbackFileError(
            f"the file is neither UTF-8 nor Windows-1252 text (byte {error.start + 1}); "
            "save it as 'CSV UTF-8'"
        ) from None


def _clean_header(columns: Sequence[object]) -> tuple[str, ...]:
    names = tuple(("" if c is None else str(c)).strip() for c in columns)
    if not any(names):
        raise FeedbackFileError("the first row is empty: it should name the columns")
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise FeedbackFileError(f"two columns are called {name!r}: rename one")
        seen.add(name)
    return tuple(name or f"Column {i + 1}" for i, name in enumerate(names))


def _read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    sample = text[:4096]
    delimiter = ","
    if sample.count("\t") > sample.count(",") and sample.count("\t") > sample.count(";"):
        delimiter = "\t"
    elif sample.count(";") > sample.count(","):
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise FeedbackFileError("the file is empty")
        columns = _clean_header(header)
        width = len(columns)
        rows: list[tuple[str, ...]] = []
        numbers: list[int] = []
        # A spreadsheet numbers records, not lines: a comment with line breaks in it is one
        # row however many lines it spans (``reader.line_num`` counts lines).
        for number, line in enumerate(reader, start=2):
            if not any(cell.strip() for cell in line):
                continue
            cells = tuple(line[:width]) + ("",) * (width - len(line))
            rows.append(cells)
            numbers.append(number)
    except csv.Error as error:
        raise FeedbackFileError(f"line {reader.line_num}: {error}") from None
    return Table(columns, tuple(rows), tuple(numbers), encoding, "csv")


def _excel_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_excel(data: bytes) -> Table:
    import polars as pl  # imported here: a CSV import does not need it

    try:
        frame = pl.read_excel(
            io.BytesIO(data),
            engine="calamine",
            infer_schema_length=0,
            drop_empty_rows=False,
            drop_empty_cols=False,
            raise_if_empty=False,
        )
    except Exception as error:  # fastexcel and polars errors: all say "cannot read"
        # Their text may quote a cell (patient text), so only the kind of error is named.
        raise FeedbackFileError(
            f"the workbook cannot be read ({type(error).__name__}): save it again as .xlsx "
            "or as CSV UTF-8"
        ) from None
    assert isinstance(frame, pl.DataFrame)
    columns = _clean_header(frame.columns)
    rows: list[tuple[str, ...]] = []
    numbers: list[int] = []
    for index, raw in enumerate(frame.iter_rows()):
        cells = tuple(_excel_cell(v) for v in raw)
        if not any(cell.strip() for cell in cells):
            continue
        rows.append(cells)
        numbers.append(index + 2)
    return Table(columns, tuple(rows), tuple(numbers), "xlsx", "excel")


def read_table(data: bytes, name: str) -> Table:
    """Read a CSV (``.csv``, ``.tsv``, ``.txt``) or Excel (``.xlsx``, ``.xlsm``) file's bytes.

    Raises:
        FeedbackFileError: the file cannot be read, with the reason.
    """
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix in ("xlsx", "xlsm"):
        return _read_excel(data)
    if suffix in ("csv", "tsv", "txt"):
        return _read_csv(data)
    raise FeedbackFileError(f"unknown kind of file ({name}): use CSV or Excel (.xlsx)")


# --------------------------------------------------------------------------- columns


def guess_columns(columns: Sequence[str]) -> dict[str, str | None]:
    """The column most likely to hold each field, from the header names; each used once.

    Exact names first ("Comment", "Date"), then a hint among the name's words ("Patient
    comment", "Ward name"). The comment falls back to the first column left over.
    """
    folded = {c: " ".join(c.replace("_", " ").casefold().split()) for c in columns}
    taken: set[str] = set()
    guess: dict[str, str | None] = dict.fromkeys(FIELDS)
    for exact in (True, False):
        for name in FIELDS:
            if guess[name] is not None:
                continue
            for hint in _HINTS[name]:
                for column, text in folded.items():
                    if column in taken:
                        continue
                    hit = text == hint if exact else (hint in text.split() or text.startswith(hint))
                    if hit:
                        guess[name] = column
                        taken.add(column)
                        break
                if guess[name] is not None:
                    break
    left = [c for c in columns if c not in taken]
    if guess["comment"] is None and left:
        guess["comment"] = left[0]
    return guess


# --------------------------------------------------------------------------- values


def _missing(text: str) -> bool:
    return text.strip().casefold() in MISSING


def parse_rating(value: object) -> int | None:
    """An FFT rating 1–6 from a number or the FFT's words; None when empty.

    Raises:
        ValueError: anything else (the message says what is allowed).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("the rating must be 1 to 6 or an FFT answer such as 'Very good'")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        if _missing(text):
            return None
        key = " ".join(text.translate(_APOSTROPHES).casefold().split())
        if key in RATING_WORDS:
            return RATING_WORDS[key]
        try:
            number = float(key)
        except ValueError:
            raise ValueError(
                "the rating must be 1 to 6 or an FFT answer such as 'Very good'"
            ) from None
    if not number.is_integer() or not 1 <= number <= 6:
        raise ValueError("the rating must be a whole number from 1 to 6")
    return int(number)


def parse_date(value: object) -> dt.date | None:
    """A date from ISO, UK (day first) or Excel forms; None when empty.

    Raises:
        ValueError: the value is not a date this reads.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if _missing(text):
        return None
    parsed = _parse_date_text(text)
    if parsed is None:
        raise ValueError("the date cannot be read: write it like 2026-01-31 or 31/01/2026")
    return parsed


@lru_cache(maxsize=4096)
def _parse_date_text(text: str) -> dt.date | None:
    """Dates repeat down a file (a month of comments has 31), so each text is parsed once."""
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=dt.UTC).date()
        except ValueError:
            continue
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        return None


def normalise_text(text: str) -> str:
    """The text as the fingerprint sees it: case folded, runs of spaces made one, trimmed."""
    return _SPACES.sub(" ", text.translate(_APOSTROPHES)).strip().casefold()


def fingerprint(text: str, date: dt.date | None, service: str) -> str:
    """SHA-256 (hex) of the normalised original text, the date and the normalised service:
    the same comment on the same day for the same service, however it was spaced."""
    key = "\x1f".join(
        (normalise_text(text), date.isoformat() if date else "", normalise_text(service))
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _cell(record: Mapping[str, object], column: str | None) -> object:
    if column is None:
        return None
    return record.get(column)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def check_rows(
    records: Iterable[Mapping[str, object]],
    columns: Mapping[str, str | None],
    *,
    row_numbers: Sequence[int] | None = None,
    skip_empty: bool = False,
    max_text: int = DEFAULT_MAX_TEXT,
    limit: int = 100,
) -> CheckedRows:
    """Check every record; return the good rows and the problems.

    Args:
        records: one mapping a row, from column name to cell (text, number or date).
        columns: the column that holds each field of :data:`FIELDS` (None: not in the file).
            ``comment`` is required.
        row_numbers: each record's row as the spreadsheet shows it; by default the header is
            row 1 and records follow it from row 2.
        skip_empty: rows without a comment are left out (counted) rather than errors.
        max_text: the longest comment, in characters.
        limit: keep at most this many errors (all are counted).

    Raises:
        ValueError: ``columns`` has no comment column.
    """
    comment_column = columns.get("comment")
    if not comment_column:
        raise ValueError("choose the column that holds the comments")
    label = {f: (columns.get(f) or FIELD_LABELS[f]) for f in FIELDS}
    good: list[FeedbackRow] = []
    errors: list[RowError] = []
    error_count = 0
    read = 0
    empty = 0

    def problem(row: int, field: str, reason: str) -> None:
        nonlocal error_count
        error_count += 1
        if len(errors) < limit:
            errors.append(RowError(row, label[field], reason))

    date_column = columns.get("date")
    rating_column = columns.get("rating")
    for index, record in enumerate(records):
        read += 1
        row = row_numbers[index] if row_numbers is not None else index + 2
        before = error_count
        comment = _text(record.get(comment_column))
        if not comment:
            if skip_empty:
                empty += 1
                continue
            problem(row, "comment", "the comment is empty")
        elif len(comment) > max_text:
            problem(
                row,
                "comment",
                f"the comment is {len(comment):,} characters long; the limit is {max_text:,}",
            )
        date: dt.date | None = None
        try:
            date = parse_date(_cell(record, date_column))
        except ValueError as error:
            problem(row, "date", str(error))
        rating: int | None = None
        try:
            rating = parse_rating(_cell(record, rating_column))
        except ValueError as error:
            problem(row, "rating", str(error))
        short: dict[str, str] = {}
        for field, longest in MAX_LENGTHS.items():
            value = _text(_cell(record, columns.get(field)))
            if len(value) > longest:
                problem(row, field, f"{len(value)} characters long; the limit is {longest}")
            short[field] = value
        if error_count > before:
            continue
        good.append(
            FeedbackRow(
                row=row,
                comment=comment,
                date=date,
                service=short["service"],
                rating=rating,
                question=short["question"],
                external_id=short["id"],
                teller_role=short["teller_role"],
                fingerprint=fingerprint(comment, date, short["service"]),
            )
        )
    return CheckedRows(tuple(good), tuple(errors), error_count, read, empty)


def split_duplicates(
    rows: Iterable[FeedbackRow], stored: Iterable[str] = ()
) -> tuple[list[FeedbackRow], list[Duplicate]]:
    """The rows to add, and the duplicates left out: a row whose fingerprint is in ``stored``
    (the project's), or the same as an earlier row's."""
    known = set(stored)
    first_row: dict[str, int] = {}
    keep: list[FeedbackRow] = []
    duplicates: list[Duplicate] = []
    for row in rows:
        key = row.fingerprint
        if key in known:
            duplicates.append(Duplicate(row.row, None))
        elif key in first_row:
            duplicates.append(Duplicate(row.row, first_row[key]))
        else:
            first_row[key] = row.row
            keep.append(row)
    return keep, duplicates
