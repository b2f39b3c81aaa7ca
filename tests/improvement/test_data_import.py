"""Checking rows of measure data: dates, numbers, proportions, duplicates, and speed."""

from __future__ import annotations

import datetime as dt
import time

import polars as pl
import pytest

from coproduce.improvement.data_import import (
    ERROR_LIMIT,
    Rules,
    check,
    guess_columns,
    periods,
)

FIELDS = {"period": "period", "value": "value", "denominator": "denominator"}


def frame(**columns: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))


def test_iso_and_uk_dates_are_read_as_the_first_day_given() -> None:
    read = periods(
        pl.Series(["2026-01-01", "01/02/2026", "Mar 2026", "April 2026", "2026-05", " 1 Jun 2026"])
    )
    assert read.to_list() == [dt.date(2026, m, 1) for m in range(1, 7)]


def test_excel_date_times_at_midnight_are_dates() -> None:
    assert periods(pl.Series(["2026-01-01 00:00:00"])).to_list() == [dt.date(2026, 1, 1)]


def test_clean_rows_are_typed() -> None:
    checked = check(
        frame(period=["Jan 2026", "Feb 2026"], value=["3", " 4 "], denominator=["10", "12"]),
        FIELDS,
        Rules(needs_denominator=True, proportion=True),
    )
    assert checked.ok
    assert checked.rows["period"].to_list() == [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    assert checked.rows["value"].to_list() == [3.0, 4.0]
    assert checked.rows["denominator"].to_list() == [10.0, 12.0]
    assert checked.rows["stratum"].to_list() == ["", ""]


def test_every_bad_row_is_reported_with_row_column_and_reason() -> None:
    checked = check(
        frame(
            period=["2026-01-01", "soon", None, "2026-04-01", "2026-05-01", "2026-06-01"],
            value=["some", "1", "1", "12", "1", "2"],
            denominator=["10", "10", "10", "10", "0", None],
        ),
        FIELDS,
        Rules(needs_denominator=True, proportion=True),
    )
    reasons = {(e.row, e.column): e.reason for e in checked.errors}
    assert reasons[(1, "value")] == "“some” is not a number"
    assert reasons[(2, "period")].startswith("“soon” is not a date")
    assert reasons[(3, "period")] == "enter the period"
    assert "more than the denominator" in reasons[(4, "value")]
    assert "cannot be more than 1" in reasons[(4, "value")]
    assert reasons[(5, "denominator")].startswith("the denominator must be more than 0")
    assert reasons[(6, "denominator")].startswith("enter the denominator")
    assert checked.bad_rows == 6
    assert checked.rows.height == 0


def test_duplicate_periods_are_explained_with_the_first_row() -> None:
    checked = check(
        frame(period=["2026-01-01", "01/01/2026", "Jan 2026"], value=["1", "2", "3"]),
        {"period": "period", "value": "value"},
        Rules(),
    )
    assert [(e.row, e.column) for e in checked.errors] == [(2, "period"), (3, "period")]
    assert checked.errors[0].reason == "period 2026-01-01 appears more than once (first on row 1)"


def test_the_same_period_in_different_strata_is_not_a_duplicate() -> None:
    checked = check(
        frame(period=["2026-01-01", "2026-01-01"], value=["1", "2"], group=["Q1", "Q2"]),
        {"period": "period", "value": "value", "stratum": "group"},
        Rules(),
    )
    assert checked.ok
    assert checked.rows["stratum"].to_list() == ["Q1", "Q2"]


def test_row_numbers_can_be_given_as_the_person_sees_them() -> None:
    checked = check(
        frame(period=["x"], value=["1"]),
        {"period": "period", "value": "value"},
        Rules(),
        rows=pl.Series([7]),
    )
    assert checked.errors[0].row == 7


def test_rates_may_exceed_their_denominator_but_not_be_negative() -> None:
    rules = Rules(needs_denominator=True, proportion=False)
    ok = check(frame(period=["2026-01-01"], value=["30"], denominator=["10"]), FIELDS, rules)
    assert ok.ok
    bad = check(frame(period=["2026-01-01"], value=["-1"], denominator=["10"]), FIELDS, rules)
    assert bad.errors[0].reason.startswith("the value cannot be negative")


def test_the_error_list_is_capped_but_counted() -> None:
    n = ERROR_LIMIT + 50
    checked = check(
        frame(period=["bad"] * n, value=["1"] * n), FIELDS | {"denominator": None}, Rules()
    )
    assert len(checked.errors) == ERROR_LIMIT
    assert checked.error_count == n


def test_notes_are_never_quoted_in_reasons() -> None:
    secret = "Mrs Smith fell " * 30
    checked = check(
        frame(period=["2026-01-01"], value=["1"], note=[secret]),
        {"period": "period", "value": "value", "note": "note"},
        Rules(),
    )
    assert checked.errors[0].reason == "the note is longer than 300 characters"
    assert "Smith" not in checked.errors[0].reason


def test_typed_columns_are_accepted() -> None:
    typed = pl.DataFrame({"period": [dt.date(2026, 1, 1)], "value": [1.5]})
    checked = check(typed, {"period": "period", "value": "value"}, Rules())
    assert checked.ok


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (
            ["Month", "Seen within 4 hours", "Total attendances"],
            {"period": "Month", "denominator": "Total attendances"},
        ),
        (
            ["date", "numerator", "denominator", "quintile", "comment"],
            {
                "period": "date",
                "value": "numerator",
                "denominator": "denominator",
                "stratum": "quintile",
                "note": "comment",
            },
        ),
        (["when", "how many"], {"period": "when", "value": "how many"}),
    ],
)
def test_columns_are_guessed_from_their_names(columns: list[str], expected: dict[str, str]) -> None:
    guess = guess_columns(columns)
    for name, column in expected.items():
        assert guess[name] == column


def test_a_hundred_thousand_rows_are_checked_in_well_under_a_second() -> None:
    n = 100_000
    start = dt.date(1800, 1, 1)
    dates = pl.date_range(start, start + dt.timedelta(days=n - 1), eager=True)
    big = pl.DataFrame(
        {
            "period": dates.dt.strftime("%d/%m/%Y"),
            "value": pl.Series([str(i % 50) for i in range(n)]),
            "denominator": pl.Series(["60"] * n),
        }
    )
    began = time.perf_counter()
    checked = check(big, FIELDS, Rules(needs_denominator=True, proportion=True))
    elapsed = time.perf_counter() - began
    assert checked.ok and checked.rows.height == n
    assert elapsed < 3
