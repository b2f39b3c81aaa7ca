"""Bad input is refused with ``SpcInputError``, whose message names the series and the row.

Rows are numbered from 1 in the order given. In the batch tests the bad series comes second, so
its row in the table and its row within the series differ; the error must give the table's row,
the one a user can find in their file. A missing y is not bad input. qicharts2 keeps such a
point, without a signal, and so do we.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest

from coproduce.spc import SpcInputError, spc, spc_batch
from coproduce.spc.types import SpcOptions

GOOD_Y = [5.0, 7.0, 6.0, 8.0, 4.0, 6.0, 7.0, 5.0]
GOOD_N = [20.0, 22.0, 19.0, 25.0, 21.0, 20.0, 23.0, 22.0]
BAD_ROW = 3  # within the bad series, 1-based


def batch_frame(y: list[Any], n: list[Any] | None = None) -> pl.DataFrame:
    """Series "good" (8 rows) then series "bad" holding ``y`` (and ``n``): table rows 9...

    The frame is built from Python values with ``strict=False``, so a text y makes a text column.
    """
    good_n = GOOD_N if n is not None else []
    columns: dict[str, pl.Series] = {
        "series": pl.Series(["good"] * len(GOOD_Y) + ["bad"] * len(y)),
        "x": pl.Series(list(range(1, len(GOOD_Y) + 1)) + list(range(1, len(y) + 1))),
        "y": pl.Series([*GOOD_Y, *y], strict=False),
    }
    if n is not None:
        columns["n"] = pl.Series([*good_n, *n], strict=False)
    return pl.DataFrame(columns)


def with_bad(values: list[Any], bad: Any, row: int = BAD_ROW) -> list[Any]:
    out = list(values)
    out[row - 1] = bad
    return out


def assert_names(error: SpcInputError, *, series: str | None, row: int | None) -> None:
    message = str(error)
    if series is not None:
        assert error.series == series
        assert repr(series) in message
    if row is not None:
        assert error.row == row
        assert f"row {row}" in message


BATCH_TABLE_ROW = len(GOOD_Y) + BAD_ROW

#: (chart, y, n): one bad value at row 3 of otherwise good data.
BAD_VALUES = {
    "y is text": ("i", with_bad(GOOD_Y, "abc"), None),
    "negative count, c chart": ("c", with_bad(GOOD_Y, -1.0), None),
    "negative count, p chart": ("p", with_bad(GOOD_Y, -1.0), GOOD_N),
    "negative count, u chart": ("u", with_bad(GOOD_Y, -1.0), GOOD_N),
    "n = 0, p chart": ("p", GOOD_Y, with_bad(GOOD_N, 0.0)),
    "n = 0, u chart": ("u", GOOD_Y, with_bad(GOOD_N, 0.0)),
    "negative n, p chart": ("p", GOOD_Y, with_bad(GOOD_N, -5.0)),
    "y > n, p chart": ("p", with_bad(GOOD_Y, 30.0), GOOD_N),
    "t chart, y = 0": ("t", with_bad(GOOD_Y, 0.0), None),
    "t chart, y < 0": ("t", with_bad(GOOD_Y, -2.0), None),
}


@pytest.mark.parametrize("case", list(BAD_VALUES))
def test_single_chart_names_the_row(case: str) -> None:
    chart, y, n = BAD_VALUES[case]
    with pytest.raises(SpcInputError) as caught:
        spc(y, x=list(range(1, len(y) + 1)), n=n, chart=chart)
    assert_names(caught.value, series=None, row=BAD_ROW)


@pytest.mark.parametrize("case", list(BAD_VALUES))
def test_batch_names_the_series_and_the_table_row(case: str) -> None:
    chart, y, n = BAD_VALUES[case]
    frame = batch_frame(y, n)
    with pytest.raises(SpcInputError) as caught:
        spc_batch(frame, chart=chart, y="y", x="x", n=None if n is None else "n", series="series")
    assert_names(caught.value, series="bad", row=BATCH_TABLE_ROW)


@pytest.mark.parametrize("chart", ["run", "i", "c"])
def test_a_single_point_is_too_few(chart: str) -> None:
    with pytest.raises(SpcInputError, match="too few"):
        spc([5.0], x=[1], chart=chart)


def test_no_points_at_all_is_refused() -> None:
    with pytest.raises(SpcInputError):
        spc([], x=[], chart="i")


def test_a_batch_series_with_too_few_points_is_named() -> None:
    frame = pl.DataFrame(
        {"series": ["good"] * 8 + ["bad"], "x": [*range(1, 9), 1], "y": [*GOOD_Y, 3.0]}
    )
    with pytest.raises(SpcInputError, match="too few") as caught:
        spc_batch(frame, chart="i", y="y", x="x", series="series")
    assert_names(caught.value, series="bad", row=None)


@pytest.mark.parametrize("chart", ["run", "i", "c"])
def test_a_missing_y_is_kept_without_a_signal(chart: str) -> None:
    y = with_bad(GOOD_Y, None)
    result = spc(y, x=list(range(1, len(y) + 1)), chart=chart)
    assert len(result) == len(y)
    assert np.isnan(result.y[BAD_ROW - 1])
    assert not result.sigma_signal[BAD_ROW - 1]
    assert result.signal_rules[BAD_ROW - 1] == ()


def test_a_missing_y_in_a_batch_is_not_an_error() -> None:
    frame = batch_frame(with_bad(GOOD_Y, None))
    out = spc_batch(frame, chart="i", y="y", x="x", series="series", options=SpcOptions())
    assert out.height == frame.height
    bad = out.filter(pl.col("series") == "bad")
    missing = bad["y"].is_null() | bad["y"].is_nan().fill_null(True)
    assert missing.to_list() == [i == BAD_ROW - 1 for i in range(bad.height)]
