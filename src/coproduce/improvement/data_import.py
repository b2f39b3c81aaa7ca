"""Checking rows of a measure's data before they are stored: pure Polars, no Django, no I/O.

The same check serves the data-entry grid, file uploads and the API. It takes a frame of
cells as people gave them (text, or numbers and dates from a typed source), the names of the
columns holding each field, and what the measure's chart needs; it gives back the clean rows
(typed: ``period`` a date, ``value`` and ``denominator`` floats) and, for every bad row, the
row, the column and the reason, in words a person can act on.

Everything is vectorised (a 100,000-row file is checked in well under a second). Dates are
read with the formats of :mod:`coproduce.commands.tables` (ISO and common UK forms); a period
is stored as the first day given, so ``Jan 2026`` is 1 January 2026.

Reasons may quote a period, value, denominator or stratum cell (cut to 40 characters where it
could be any text), never a note: they are shown to the person who gave the data, not logged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from coproduce.commands.tables import DATE_FORMATS, DATETIME_FORMATS, MISSING, _parse_dates

#: The fields of a data point, in the order they are shown.
FIELDS = ("period", "value", "denominator", "stratum", "note")
MAX_STRATUM = 100
MAX_NOTE = 300
#: Errors listed at most; the count says how many there were.
ERROR_LIMIT = 200
DATE_HINT = "use a date like 2026-01-31, 31/01/2026 or Jan 2026"

#: Header words that suggest each field, most telling first.
_HINTS: dict[str, tuple[str, ...]] = {
    "period": ("period", "date", "month", "week", "quarter", "day", "year", "time"),
    "denominator": (
        "denominator",
        "total",
        "attendances",
        "admissions",
        "opportunities",
        "exposure",
        "bed days",
        "eligible",
    ),
    "value": ("value", "numerator", "count", "events", "result", "measure", "y"),
    "stratum": ("stratum", "strata", "subgroup", "group", "category", "quintile", "ethnicity"),
    "note": ("note", "notes", "comment", "comments", "annotation"),
}


@dataclass(frozen=True, slots=True)
class Rules:
    """What a measure's chart needs of its data."""

    needs_denominator: bool = False
    proportion: bool = False  # a value may not exceed its denominator


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    reason: str


@dataclass(frozen=True, slots=True)
class Checked:
    """Clean rows (``row``, ``period``, ``value``, ``denominator``, ``stratum``, ``note``) and
    the first :data:`ERROR_LIMIT` errors of the bad ones, by row."""

    rows: pl.DataFrame
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    bad_rows: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def guess_columns(columns: Sequence[str]) -> dict[str, str | None]:
    """The column most likely to hold each field, from the header names; each used once."""
    folded = {c: " ".join(c.replace("_", " ").casefold().split()) for c in columns}
    taken: set[str] = set()
    guess: dict[str, str | None] = dict.fromkeys(FIELDS)
    for name in ("period", "denominator", "value", "stratum", "note"):
        for exact in (True, False):
            for hint in _HINTS[name]:
                for column, text in folded.items():
                    if column in taken:
                        continue
                    hit = text == hint if exact else hint in text.split()
                    if hit and guess[name] is None:
                        guess[name] = column
                        taken.add(column)
            if guess[name] is not None:
                break
    left = [c for c in columns if c not in taken]
    if guess["period"] is None and left:
        guess["period"] = left.pop(0)
    if guess["value"] is None and left:
        guess["value"] = left.pop(0)
    return guess


def _text(column: pl.Series) -> pl.Series:
    """Trimmed text with the missing-value words as nulls."""
    text = column if column.dtype == pl.String else column.cast(pl.String)
    text = text.str.strip_chars()
    missing = text.str.to_lowercase().is_in(MISSING)
    return pl.select(pl.when(missing).then(None).otherwise(text).alias(column.name)).to_series()


def periods(column: pl.Series) -> pl.Series:
    """Dates from a column of dates, date-times or text (null where none is readable)."""
    dtype = column.dtype
    if dtype == pl.Date:
        return column
    if isinstance(dtype, pl.Datetime):
        return column.dt.date()
    text = _text(column)
    if text.null_count() == text.len():
        return pl.Series(column.name, [None] * text.len(), dtype=pl.Date)
    distinct = text.unique()
    dates, _ = _parse_dates(text, DATE_FORMATS, datetime=False, distinct=distinct)
    if dates.null_count() > text.null_count():
        times, _ = _parse_dates(text, DATETIME_FORMATS, datetime=True, distinct=distinct)
        dates = pl.select(pl.coalesce(dates, times.dt.date())).to_series()
    return dates.alias(column.name)


def _numbers(column: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Float64 values (null when missing or unreadable) and a mask of unreadable cells."""
    if column.dtype.is_numeric():
        values = column.cast(pl.Float64)
        bad = values.is_infinite().fill_null(False)
        values = values.fill_nan(None)
        return pl.select(pl.when(bad).then(None).otherwise(values)).to_series(), bad
    text = _text(column)
    values = text.cast(pl.Float64, strict=False)
    finite = values.is_finite().fill_null(False)
    bad = text.is_not_null() & ~finite
    return pl.select(pl.when(finite).then(values).otherwise(None)).to_series(), bad


def _shown(text: pl.Expr) -> pl.Expr:
    """A cell quoted in a reason: trimmed to 40 characters."""
    return (
        pl.when(text.str.len_chars() > 40).then(text.str.slice(0, 39) + pl.lit("…")).otherwise(text)
    )


def check(
    frame: pl.DataFrame,
    columns: Mapping[str, str | None],
    rules: Rules,
    *,
    rows: pl.Series | None = None,
    limit: int = ERROR_LIMIT,
) -> Checked:
    """Check ``frame``'s rows; ``columns`` maps each of :data:`FIELDS` to a column (or None).

    ``rows`` numbers the rows as the person sees them (default 1, 2, …)."""
    n = frame.height
    row = (
        pl.int_range(1, n + 1, eager=True, dtype=pl.Int64) if rows is None else rows.cast(pl.Int64)
    ).alias("row")
    name = {f: columns.get(f) for f in FIELDS}
    period_col, value_col = name["period"], name["value"]
    if period_col is None or value_col is None:
        raise ValueError("the period and value columns are required")

    def raw(column: str) -> pl.Series:
        return _text(frame[column]).alias("raw")

    period = periods(frame[period_col]).alias("period")
    period_raw = raw(period_col)
    value, value_bad = _numbers(frame[value_col])
    value = value.alias("value")
    den_col = name["denominator"]
    if den_col is not None:
        denominator, den_bad = _numbers(frame[den_col])
        den_raw = raw(den_col)
    else:
        denominator = pl.Series([None] * n, dtype=pl.Float64)
        den_bad = pl.Series([False] * n)
        den_raw = pl.Series([None] * n, dtype=pl.String)
    denominator = denominator.alias("denominator")
    stratum = (
        _text(frame[name["stratum"]]).fill_null("")
        if name["stratum"] is not None
        else pl.Series([""] * n, dtype=pl.String)
    ).alias("stratum")
    note = (
        _text(frame[name["note"]]).fill_null("")
        if name["note"] is not None
        else pl.Series([""] * n, dtype=pl.String)
    ).alias("note")
    value_raw = raw(value_col)
    cells = pl.DataFrame(
        [
            row,
            period,
            period_raw.alias("period_raw"),
            value,
            value_bad.alias("value_bad"),
            value_raw.alias("value_raw"),
            denominator,
            den_bad.alias("den_bad"),
            den_raw.alias("den_raw"),
            stratum,
            note,
        ]
    )

    p, v, d = pl.col("period"), pl.col("value"), pl.col("denominator")
    den_name = den_col or "denominator"
    checks: list[tuple[pl.Expr, str, pl.Expr]] = [
        (pl.col("period_raw").is_null(), period_col, pl.lit("enter the period")),
        (
            pl.col("period_raw").is_not_null() & p.is_null(),
            period_col,
            pl.format("“{}” is not a date ({})", _shown(pl.col("period_raw")), pl.lit(DATE_HINT)),
        ),
        (pl.col("value_raw").is_null(), value_col, pl.lit("enter a value")),
        (
            pl.col("value_bad"),
            value_col,
            pl.format("“{}” is not a number", _shown(pl.col("value_raw"))),
        ),
        (
            pl.col("den_bad"),
            den_name,
            pl.format("“{}” is not a number", _shown(pl.col("den_raw"))),
        ),
        (
            pl.col("stratum").str.len_chars() > MAX_STRATUM,
            name["stratum"] or "stratum",
            pl.lit(f"the stratum is longer than {MAX_STRATUM} characters"),
        ),
        (
            pl.col("note").str.len_chars() > MAX_NOTE,
            name["note"] or "note",
            pl.lit(f"the note is longer than {MAX_NOTE} characters"),
        ),
    ]
    if rules.needs_denominator:
        checks += [
            (
                pl.col("den_raw").is_null(),
                den_name,
                pl.lit("enter the denominator: this chart needs one for every period"),
            ),
            (
                d.is_not_null() & (d <= 0),
                den_name,
                pl.format("the denominator must be more than 0, not {}", pl.col("den_raw")),
            ),
            (
                v.is_not_null() & (v < 0),
                value_col,
                pl.format("the value cannot be negative ({})", pl.col("value_raw")),
            ),
        ]
    if rules.proportion:
        checks.append(
            (
                v.is_not_null() & d.is_not_null() & (d > 0) & (v > d),
                value_col,
                pl.format(
                    "the value {} is more than the denominator {}: a proportion cannot be "
                    "more than 1 (100%)",
                    pl.col("value_raw"),
                    pl.col("den_raw"),
                ),
            )
        )
    # The same period (and stratum) twice: every row after the first is an error.
    cells = cells.with_columns(pl.col("row").min().over(["period", "stratum"]).alias("first_row"))
    first = pl.col("first_row")
    duplicate = p.is_not_null() & (pl.col("row") != first)
    checks.append(
        (
            duplicate,
            period_col,
            pl.when(pl.col("stratum") == "")
            .then(pl.format("period {} appears more than once (first on row {})", p, first))
            .otherwise(
                pl.format(
                    "period {} appears more than once for stratum “{}” (first on row {})",
                    p,
                    _shown(pl.col("stratum")),
                    first,
                )
            ),
        )
    )

    found = pl.concat(
        [
            cells.lazy()
            .filter(mask.fill_null(False))
            .select(
                pl.col("row"),
                pl.lit(column).alias("column"),
                reason.alias("reason"),
                pl.lit(order).alias("order"),
            )
            for order, (mask, column, reason) in enumerate(checks)
        ]
    ).collect()
    if found.height == 0:
        clean = cells.select("row", "period", "value", "denominator", "stratum", "note")
        return Checked(clean)
    found = found.sort("row", "order")
    bad = found["row"].unique()
    errors = [RowError(r, c, s) for r, c, s, _ in found.head(limit).iter_rows()]
    clean = cells.filter(~pl.col("row").is_in(bad.implode())).select(
        "row", "period", "value", "denominator", "stratum", "note"
    )
    return Checked(clean, errors, found.height, bad.len())
