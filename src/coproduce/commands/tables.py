"""Reading the tables people give the commands: CSV, Excel or Parquet, chosen by extension.

Everything is vectorised (Polars expressions, never a Python loop over rows), so a file of
millions of rows reads in a fraction of a second; a column that already holds dates or numbers
(Parquet, mostly) is used as it is. A value that cannot be read raises :class:`CommandError`
naming the row as the user sees it in their file and the offending cell, never other data.

* CSV (``.csv``; ``.tsv`` is tab-separated) in UTF-8, with or without a byte-order mark, or
  in Windows-1252 (what Excel on Windows saves as plain "CSV"): UTF-8 is tried first.
* Excel and OpenDocument (``.xlsx``, ``.xlsm``, ``.xlsb``, ``.xls``, ``.ods``) through
  ``polars.read_excel`` and fastexcel; the first sheet unless one is named.
* Parquet (``.parquet``, ``.pq``).

Numbers may be written with surrounding spaces; ``NA``, ``N/A``, ``#N/A``, ``NaN``, ``null``,
``none``, ``-`` and empty cells are missing values. x values may be numbers, ISO dates
(``2026-01-31``, ``2026-01``), UK dates (``31/01/2026``, ``31/01/26``, ``31-01-2026``,
``31.01.2026``, ``31 Jan 2026``), months (``Jan 2026``, ``January 2026``, ``Jan-26``,
``01/2026``) or ISO date-times; one column may mix these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import polars as pl

from coproduce.commands.output import CommandError as CommandError

Kind = Literal["csv", "excel", "parquet"]
XKind = Literal["position", "int", "float", "date", "datetime", "text"]

CSV_SEPARATORS = {".csv": ",", ".tsv": "\t"}
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})
INPUT_SUFFIXES = (*CSV_SEPARATORS, *sorted(EXCEL_SUFFIXES), *sorted(PARQUET_SUFFIXES))

#: Cell text (after trimming, ignoring case) that means "no value".
MISSING = ("", "na", "n/a", "#n/a", "nan", "null", "none", "-")

#: Date formats tried in order; the first that reads every value of a column wins, and a
#: column that mixes formats falls back to the first format that reads each value. Two-digit
#: years come before four-digit ones because ``%Y`` would read ``26`` as the year 26.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m",
    "%d/%m/%y",
    "%d/%m/%Y",
    "%d-%m-%y",
    "%d-%m-%Y",
    "%d.%m.%y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%b %Y",
    "%B %Y",
    "%b-%y",
    "%b-%Y",
    "%b %y",
    "%m/%Y",
)
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
)
ISO_DATE = "%Y-%m-%d"


def _first_line(error: BaseException, limit: int = 200) -> str:
    text = str(error).strip().splitlines()
    line = text[0].strip() if text else type(error).__name__
    return line if len(line) <= limit else line[: limit - 1] + "…"


def kind_of(path: Path) -> Kind:
    suffix = path.suffix.lower()
    if suffix in CSV_SEPARATORS:
        return "csv"
    if suffix in EXCEL_SUFFIXES:
        return "excel"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    raise CommandError(
        f"cannot read {path.name}: unknown extension {suffix or '(none)'!r}; "
        f"use {', '.join(INPUT_SUFFIXES)}"
    )


# --------------------------------------------------------------------------- where


@dataclass(frozen=True, slots=True)
class Where:
    """Turns a position in the table read into words a user can find in their file."""

    name: str
    kind: Kind
    rows: pl.Series | None = None  # 1-based data row of each position, when rows were dropped
    series: pl.Series | None = None  # the series key of each position, to name it

    def row(self, index: int) -> int:
        """The 1-based data row (the first row under the header is 1) of position ``index``."""
        return index + 1 if self.rows is None else int(self.rows[index])

    def __call__(self, index: int, *, series: bool = True) -> str:
        """``series 'A', row 7 (line 8 of data.csv)``: the series only if asked and known."""
        row = self.row(index)
        if self.kind == "csv":
            text = f"row {row} (line {row + 1} of {self.name})"
        elif self.kind == "excel":
            text = f"row {row} (spreadsheet row {row + 1} of {self.name})"
        else:
            text = f"row {row} of {self.name}"
        if series and self.series is not None and self.series[index] is not None:
            text = f"series {self.series[index]!r}, {text}"
        return text


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class Table:
    """The columns asked for, in file order, with blank rows dropped (``where`` keeps count)."""

    frame: pl.DataFrame
    where: Where


class Source:
    """An input file: its column names first, then the columns a command needs."""

    def __init__(self, path: Path, *, sheet: str | None = None) -> None:
        self.path = path
        self.name = path.name
        self.kind = kind_of(path)
        self.sheet = sheet
        if sheet is not None and self.kind != "excel":
            raise CommandError(f"--sheet applies to Excel files, not {self.name}")
        if not path.is_file():
            reason = "no such file" if not path.exists() else "not a file"
            raise CommandError(f"cannot read {path}: {reason}")
        self._csv_bytes: bytes | None = None  # a Windows-1252 file, transcoded to UTF-8
        self._excel: pl.DataFrame | None = None
        self.columns = self._columns()

    # -- CSV --------------------------------------------------------------------------------

    def _csv(self, **options: Any) -> pl.DataFrame:
        separator = CSV_SEPARATORS[self.path.suffix.lower()]
        if self._csv_bytes is None:
            try:
                return pl.read_csv(self.path, separator=separator, **options)
            except pl.exceptions.ComputeError as error:
                message = str(error).lower()
                if "utf-8" not in message and "utf8" not in message:
                    raise
            try:
                text = self.path.read_bytes().decode("cp1252")
            except UnicodeDecodeError as error:
                raise CommandError(
                    f"cannot read {self.name}: it is neither UTF-8 nor Windows-1252 text "
                    f"(byte {error.start + 1}); save it as 'CSV UTF-8'"
                ) from None
            self._csv_bytes = text.encode("utf-8")
        return pl.read_csv(self._csv_bytes, separator=separator, **options)

    def _read_csv(self, columns: Sequence[str], text: Sequence[str]) -> pl.DataFrame:
        try:
            # Inferred types for the numbers (fast); x and series stay text as written.
            return self._csv(
                columns=list(columns),
                schema_overrides=dict.fromkeys(text, pl.String),
                infer_schema_length=1000,
            )
        except pl.exceptions.PolarsError:
            # A bad cell past the inferred rows: read every column as text and check it here.
            return self._csv(columns=list(columns), infer_schema=False)

    # -- Excel ------------------------------------------------------------------------------

    def _read_excel(self) -> pl.DataFrame:
        if self._excel is None:
            # Every cell as text: fastexcel's typed read turns a stray word in a number
            # column into a silent null, and we want to say where it is.
            frame = pl.read_excel(
                self.path,
                engine="calamine",
                sheet_name=self.sheet,
                infer_schema_length=0,
                drop_empty_rows=False,
                drop_empty_cols=False,
                raise_if_empty=False,
            )
            assert isinstance(frame, pl.DataFrame)
            self._excel = frame
        return self._excel

    # -- all --------------------------------------------------------------------------------

    def _columns(self) -> list[str]:
        try:
            if self.kind == "csv":
                return self._csv(n_rows=0, infer_schema=False).columns
            if self.kind == "excel":
                return self._read_excel().columns
            return list(pl.read_parquet_schema(self.path))
        except CommandError:
            raise
        except pl.exceptions.NoDataError:
            raise CommandError(f"cannot read {self.name}: the file is empty") from None
        except Exception as error:  # polars, fastexcel and OS errors: all say "cannot read"
            raise CommandError(f"cannot read {self.name}: {_first_line(error)}") from None

    def column(self, wanted: str, *, option: str | None = None) -> str | None:
        """The file's name for column ``wanted``: exact, else the one equal ignoring case and
        spaces. ``None`` if absent; :class:`CommandError` if asked for by ``option``."""
        if wanted in self.columns:
            return wanted
        folded = [c for c in self.columns if c.strip().casefold() == wanted.strip().casefold()]
        if len(folded) == 1:
            return folded[0]
        if option is None:
            return None
        shown = ", ".join(repr(c) for c in self.columns[:20])
        more = ", …" if len(self.columns) > 20 else ""
        raise CommandError(f"{self.name} has no column {wanted!r} ({option}); it has {shown}{more}")

    def read_as_text(self) -> pl.DataFrame:
        """Every column and every row (blank ones too) as written, as text: for commands
        that hand the file back with one column changed."""
        try:
            if self.kind == "csv":
                return self._csv(infer_schema=False)
            if self.kind == "excel":
                return self._read_excel()
            frame = pl.read_parquet(self.path)
            return frame.with_columns(pl.all().cast(pl.String))
        except CommandError:
            raise
        except pl.exceptions.NoDataError:
            return pl.DataFrame(schema=dict.fromkeys(self.columns, pl.String))
        except Exception as error:
            raise CommandError(f"cannot read {self.name}: {_first_line(error)}") from None

    def read(self, columns: Sequence[str], *, text: Sequence[str] = ()) -> Table:
        """The given columns; ``text`` ones are read as text from CSV. Blank rows are dropped."""
        columns = list(dict.fromkeys(columns))
        try:
            if self.kind == "csv":
                frame = self._read_csv(columns, [c for c in text if c in columns])
            elif self.kind == "excel":
                frame = self._read_excel().select(columns)
            else:
                frame = pl.read_parquet(self.path, columns=columns)
        except CommandError:
            raise
        except pl.exceptions.NoDataError:
            frame = pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
        except Exception as error:
            raise CommandError(f"cannot read {self.name}: {_first_line(error)}") from None
        where = Where(self.name, self.kind)
        if frame.height and frame.null_count().sum_horizontal().item():
            blank = frame.select(pl.all_horizontal(pl.all().is_null())).to_series()
            if blank.any():
                # Keep the row numbers of what is left, so messages still point at the file.
                rows = pl.int_range(1, frame.height + 1, eager=True).filter(~blank)
                frame = frame.filter(~blank)
                where = Where(self.name, self.kind, rows)
        if frame.height == 0:
            raise CommandError(f"{self.name} has no data rows")
        return Table(frame, where)


# --------------------------------------------------------------------------- values


def _first(mask: pl.Series) -> int:
    return int(mask.arg_true()[0])


def numbers(column: pl.Series, what: str, where: Where) -> pl.Series:
    """A Float64 column: missing values null; anything else that is not a number an error."""
    dtype = column.dtype
    if dtype == pl.Boolean or dtype.is_numeric():
        values = column.cast(pl.Float64)
    elif dtype in (pl.String, pl.Null):
        values = column.cast(pl.Float64, strict=False)
        failed = values.is_null() & column.is_not_null()
        if failed.any():
            # Only the cells that did not cast: trim them, then allow the missing-value words.
            trimmed = column.str.strip_chars()
            retry = trimmed.cast(pl.Float64, strict=False)
            missing = trimmed.str.to_lowercase().is_in(MISSING)
            bad = failed & retry.is_null() & ~missing
            if bad.any():
                i = _first(bad)
                raise CommandError(f"{where(i)}: {what} {column[i]!r} is not a number")
            values = pl.select(
                pl.when(failed).then(retry).otherwise(values).alias(column.name)
            ).to_series()
    else:
        raise CommandError(f"the {what} column holds {dtype}, not numbers")
    if values.dtype != pl.Float64:
        values = values.cast(pl.Float64)
    if values.is_nan().any():
        values = values.fill_nan(None)
    infinite = values.is_infinite()
    if infinite.any():
        i = _first(infinite)
        raise CommandError(f"{where(i)}: {what} {values[i]!r} is not a finite number")
    return values


@dataclass(frozen=True, slots=True)
class XValues:
    """x ready for the engine, and how to write it back and to read option values like it."""

    values: pl.Series  # Int64, Float64, Date, Datetime or String
    kind: XKind
    formats: tuple[str, ...] = ()  # the date formats the column was written in
    text: pl.Series | None = None  # the values as written, when different from ``values``


def _parse_dates(
    text: pl.Series, formats: Sequence[str], *, datetime: bool, distinct: pl.Series | None = None
) -> tuple[pl.Series, tuple[str, ...]]:
    """Parse text with the first format that reads all of it, else each value with the first
    format that reads it. Nulls are values that no format reads. ``distinct`` is
    ``text.unique()`` when the caller has it: formats are tried on those values only."""
    distinct = (text.unique() if distinct is None else distinct).drop_nulls()

    def parse(series: pl.Series, fmt: str) -> pl.Series:
        if datetime:
            return series.str.to_datetime(fmt, strict=False, time_unit="us")
        return series.str.to_date(fmt, strict=False)

    for fmt in formats:
        if parse(distinct, fmt).null_count() == 0:
            return parse(text, fmt), (fmt,)
    parsed = [parse(distinct, fmt) for fmt in formats]
    mapped = pl.select(pl.coalesce(parsed)).to_series()
    used = tuple(f for f, p in zip(formats, parsed, strict=True) if p.null_count() < len(p))
    return text.replace_strict(distinct, mapped, default=None, return_dtype=mapped.dtype), used


def _midnight_to_date(values: pl.Series) -> pl.Series:
    dtype = values.dtype
    naive = isinstance(dtype, pl.Datetime) and dtype.time_zone is None
    if naive and (values.dt.truncate("1d") == values).all():
        return values.cast(pl.Date)
    return values


def x_values(column: pl.Series | None, where: Where, *, funnel: bool = False) -> XValues | None:
    """Read the x column: numbers, dates or date-times (categories with ``funnel``)."""
    if column is None:
        return None
    if column.null_count():
        i = _first(column.is_null())
        raise CommandError(f"{where(i)}: x is empty")
    dtype = column.dtype
    if funnel:
        text = column.cast(pl.String)
        return XValues(text.str.strip_chars() if dtype == pl.String else text, "text")
    if dtype == pl.Date:
        return XValues(column, "date")
    if isinstance(dtype, pl.Datetime):
        values = _midnight_to_date(column)
        return XValues(values, "date" if values.dtype == pl.Date else "datetime")
    if dtype.is_integer():
        return XValues(column.cast(pl.Int64), "int")
    if dtype.is_float():
        bad = ~column.is_finite()
        if bad.any():
            i = _first(bad)
            raise CommandError(f"{where(i)}: x {column[i]!r} is not a finite number")
        return XValues(column, "float")
    if dtype != pl.String:
        raise CommandError(f"the x column holds {dtype}, not numbers or dates")

    # Decide on the distinct values (a few dozen months in millions of rows), convert once.
    text, distinct = column, column.unique()
    trimmed = distinct.str.strip_chars()
    if (trimmed != distinct).any():
        text, distinct = column.str.strip_chars(), trimmed.unique()
    if (distinct == "").any():
        i = _first(text == "")
        raise CommandError(f"{where(i)}: x is empty")
    # Text as written, for a CSV file, unless the parsed value prints the same.
    keep = text if where.kind == "csv" else None
    if distinct.cast(pl.Int64, strict=False).null_count() == 0:
        return XValues(text.cast(pl.Int64), "int")
    as_float = distinct.cast(pl.Float64, strict=False)
    if as_float.null_count() == 0 and as_float.is_finite().all():
        return XValues(text.cast(pl.Float64), "float", text=keep)
    dates, formats = _parse_dates(text, DATE_FORMATS, datetime=False, distinct=distinct)
    kind: XKind = "date"
    if dates.null_count():
        times, time_formats = _parse_dates(text, DATETIME_FORMATS, datetime=True, distinct=distinct)
        if times.null_count() <= dates.null_count():
            dates, formats, kind = _midnight_to_date(times), time_formats, "datetime"
            if dates.dtype == pl.Date:
                kind = "date"
    if dates.null_count():
        # Say which value is odd one out: the first that is not a number in a column of mostly
        # numbers, else the first that is not a date.
        not_number = text.cast(pl.Float64, strict=False).is_null()
        mostly_numbers = not_number.sum() < dates.null_count()
        i = _first(not_number if mostly_numbers else dates.is_null())
        wanted = "a number" if mostly_numbers else "a date (YYYY-MM-DD, DD/MM/YYYY or Jan 2026)"
        raise CommandError(f"{where(i)}: x {column[i]!r} is not {wanted}")
    if formats == (ISO_DATE,) and kind == "date":
        keep = None
    return XValues(dates, kind, formats, keep)


def option_values(values: Sequence[str], like: XValues | None, option: str) -> list[Any]:
    """Read ``--split``/``--exclude`` values the way the x column was read."""
    kind = "position" if like is None else like.kind
    out: list[Any] = []
    for raw in values:
        value = raw.strip()
        parsed: Any = None
        if kind in ("position", "int", "float"):
            try:
                parsed = int(value) if kind != "float" else float(value)
            except ValueError:
                try:
                    parsed = float(value)
                except ValueError:
                    parsed = None
            wanted = "a number"
        elif kind == "text":
            parsed, wanted = value, "text"
        else:
            assert like is not None
            series = pl.Series([value])
            formats = (*like.formats, *DATE_FORMATS)
            dates, _ = _parse_dates(series, formats, datetime=False)
            parsed = dates[0]
            if kind == "datetime":
                times, _ = _parse_dates(series, (*like.formats, *DATETIME_FORMATS), datetime=True)
                if times[0] is not None:
                    parsed = times[0]
                elif parsed is not None:
                    parsed = dt.datetime.combine(parsed, dt.time())
            wanted = "a date like the x column"
        if parsed is None or (isinstance(parsed, float) and parsed != parsed):
            raise CommandError(f"{option} value {value!r} is not {wanted}")
        out.append(parsed)
    return out
