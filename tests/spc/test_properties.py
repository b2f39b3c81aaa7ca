"""Properties any correct SPC engine has, checked on generated data (Hypothesis).

* Adding a constant to y moves the centre line and the limits of the run, I and X-bar charts by
  that constant and leaves every signal as it was.
* Multiplying y by a positive constant multiplies them, again with the signals unchanged.
* The order of the series in a batch does not matter, nor the order of its rows. The output
  keeps the rows in the order given.
* A batch gives each series the same numbers as a single call on that series.

The data are whole numbers, and the shifts are whole numbers too. For signals to be compared
exactly, each scale factor is a power of two. The arithmetic is then exact or correctly
rounded the same way, so a point sits on the centre line in both charts or in neither. Other
positive scale factors are checked on the limits only. Examples with a point a rounding error
away from a limit are rejected.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coproduce.spc import spc, spc_batch
from coproduce.spc.types import SpcOptions, SpcResult
from tests.spc.reference import result_frame

CHARTS = ("run", "i", "xbar")
LIMITS = ("cl", "lcl", "ucl", "lcl_95", "ucl_95")
SIGNALS = ("sigma_signal", "runs_signal", "signal_rules", "phase", "baseline", "include")

values = st.integers(min_value=-1000, max_value=1000)
individuals = st.lists(values, min_size=3, max_size=40)
subgroups = st.lists(st.lists(values, min_size=2, max_size=5), min_size=3, max_size=20)
shifts = st.integers(min_value=-10_000, max_value=10_000)
powers_of_two = st.sampled_from([0.125, 0.25, 0.5, 2.0, 4.0, 1024.0])
positive = st.floats(min_value=0.01, max_value=100.0, allow_nan=False, allow_infinity=False)
option_sets = st.sampled_from(
    [
        SpcOptions(),
        SpcOptions(screened=False),
        SpcOptions(freeze=3),
    ]
)


@st.composite
def chart_data(draw: st.DrawFn, chart: str) -> tuple[list[float], list[int]]:
    """y and x for one chart: one value per x, or a subgroup of values per x for X-bar."""
    if chart == "xbar":
        groups = draw(subgroups)
        y = [float(v) for group in groups for v in group]
        x = [i + 1 for i, group in enumerate(groups) for _ in group]
        return y, x
    y = [float(v) for v in draw(individuals)]
    return y, list(range(1, len(y) + 1))


def chart(y: list[float], x: list[int], kind: str, options: SpcOptions) -> SpcResult:
    return spc(np.asarray(y), x=x, chart=kind, options=options)


def scale_of(result: SpcResult, *extra: float) -> float:
    finite = [
        abs(float(v)) for name in ("y", *LIMITS) for v in getattr(result, name) if np.isfinite(v)
    ]
    return max([1.0, *finite, *(abs(e) for e in extra)])


def no_near_ties(result: SpcResult) -> bool:
    """No point is within a rounding error of a limit (but not on it)."""
    tol = 1e-9 * scale_of(result)
    y = np.asarray(result.y)
    for name in ("lcl", "ucl"):
        gap = np.abs(y - np.asarray(getattr(result, name)))
        gap = gap[np.isfinite(gap)]
        if ((gap > 0) & (gap < tol)).any():
            return False
    if result.chart == "xbar":  # subgroup means are rounded, so ties with the mean are too
        gap = np.abs(y - np.asarray(result.cl))
        if (gap[np.isfinite(gap)] < tol).any():
            return False
    return True


def assert_limits(ours: SpcResult, expected: dict[str, Any], *, atol: float) -> None:
    for name in LIMITS:
        np.testing.assert_allclose(
            getattr(ours, name), expected[name], rtol=1e-9, atol=atol, err_msg=name
        )


def assert_same_signals(a: SpcResult, b: SpcResult) -> None:
    for name in SIGNALS:
        left, right = getattr(a, name), getattr(b, name)
        if isinstance(left, np.ndarray):
            np.testing.assert_array_equal(left, right, err_msg=name)
        else:
            assert left == right, name
    assert [(p.longest_run, p.n_crossings, p.n_useful) for p in a.phases] == [
        (p.longest_run, p.n_crossings, p.n_useful) for p in b.phases
    ]


@settings(deadline=None, max_examples=60)
@given(data=st.data(), kind=st.sampled_from(CHARTS), shift=shifts, options=option_sets)
def test_adding_a_constant_moves_the_limits_and_keeps_the_signals(
    data: st.DataObject, kind: str, shift: int, options: SpcOptions
) -> None:
    y, x = data.draw(chart_data(kind))
    before = chart(y, x, kind, options)
    after = chart([v + shift for v in y], x, kind, options)
    assume(no_near_ties(before) and no_near_ties(after))
    moved = {name: np.asarray(getattr(before, name)) + shift for name in LIMITS}
    assert_limits(after, moved, atol=1e-9 * scale_of(before, shift))
    assert_same_signals(before, after)


@settings(deadline=None, max_examples=60)
@given(data=st.data(), kind=st.sampled_from(CHARTS), factor=powers_of_two, options=option_sets)
def test_scaling_by_a_power_of_two_scales_the_limits_and_keeps_the_signals(
    data: st.DataObject, kind: str, factor: float, options: SpcOptions
) -> None:
    y, x = data.draw(chart_data(kind))
    before = chart(y, x, kind, options)
    after = chart([v * factor for v in y], x, kind, options)
    assume(no_near_ties(before))
    scaled = {name: np.asarray(getattr(before, name)) * factor for name in LIMITS}
    assert_limits(after, scaled, atol=0)
    assert_same_signals(before, after)


@settings(deadline=None, max_examples=60)
@given(data=st.data(), kind=st.sampled_from(CHARTS), factor=positive)
def test_scaling_by_any_positive_constant_scales_the_limits(
    data: st.DataObject, kind: str, factor: float
) -> None:
    y, x = data.draw(chart_data(kind))
    before = chart(y, x, kind, SpcOptions())
    after = chart([v * factor for v in y], x, kind, SpcOptions())
    scaled = {name: np.asarray(getattr(before, name)) * factor for name in LIMITS}
    assert_limits(after, scaled, atol=1e-9 * scale_of(before) * factor)


@st.composite
def series_frames(draw: st.DrawFn) -> pl.DataFrame:
    """A long table of 2 to 4 series with different lengths, grouped by series."""
    names = draw(st.lists(st.sampled_from("abcdef"), min_size=2, max_size=4, unique=True))
    rows: dict[str, list[Any]] = {"series": [], "x": [], "y": []}
    for name in names:
        y = draw(individuals)
        rows["series"] += [name] * len(y)
        rows["x"] += list(range(1, len(y) + 1))
        rows["y"] += [float(v) for v in y]
    return pl.DataFrame(rows)


def batch(frame: pl.DataFrame, kind: str, options: SpcOptions) -> pl.DataFrame:
    return spc_batch(frame, chart=kind, y="y", x="x", series="series", options=options)


def by_series(out: pl.DataFrame) -> dict[str, pl.DataFrame]:
    return {
        str(key[0]): group.sort("x").drop("series")
        for key, group in out.group_by("series", maintain_order=True)
    }


@settings(deadline=None, max_examples=40)
@given(data=st.data(), frame=series_frames(), kind=st.sampled_from(("run", "i", "c")))
def test_the_order_of_the_series_in_a_batch_does_not_matter(
    data: st.DataObject, frame: pl.DataFrame, kind: str
) -> None:
    if kind == "c":
        frame = frame.with_columns(pl.col("y").abs())
    names = frame["series"].unique(maintain_order=True).to_list()
    order = data.draw(st.permutations(names))
    reordered = pl.concat([frame.filter(pl.col("series") == name) for name in order])
    first = by_series(batch(frame, kind, SpcOptions()))
    second = by_series(batch(reordered, kind, SpcOptions()))
    assert first.keys() == second.keys()
    for name in first:
        assert first[name].equals(second[name], null_equal=True), name


@settings(deadline=None, max_examples=40)
@given(data=st.data(), frame=series_frames(), kind=st.sampled_from(("run", "i")))
def test_shuffled_rows_give_the_same_points_in_the_order_given(
    data: st.DataObject, frame: pl.DataFrame, kind: str
) -> None:
    """Rows of different series may interleave, and x need not be sorted."""
    shuffled = frame[data.draw(st.permutations(range(frame.height)))]
    out = batch(shuffled, kind, SpcOptions())
    assert out.select("series", "x").equals(shuffled.select("series", "x"))
    first, second = by_series(batch(frame, kind, SpcOptions())), by_series(out)
    assert first.keys() == second.keys()
    for name in first:
        assert first[name].equals(second[name], null_equal=True), name


@settings(deadline=None, max_examples=40)
@given(frame=series_frames(), kind=st.sampled_from(("run", "i", "c")), options=option_sets)
def test_a_batch_gives_each_series_what_a_single_call_gives_it(
    frame: pl.DataFrame, kind: str, options: SpcOptions
) -> None:
    if kind == "c":
        frame = frame.with_columns(pl.col("y").abs())
    batched = by_series(batch(frame, kind, options))
    for key, group in frame.group_by("series", maintain_order=True):
        name = str(key[0])
        single = spc(group["y"].to_numpy(), x=group["x"].to_list(), chart=kind, options=options)
        alone = result_frame(single, name).sort("x").drop("series")
        ours = batched[name].select(alone.columns)
        for column in alone.columns:
            left, right = ours[column], alone[column]
            if left.dtype.is_float() or right.dtype.is_float():
                np.testing.assert_array_equal(
                    left.cast(pl.Float64).to_numpy(),
                    right.cast(pl.Float64).to_numpy(),
                    err_msg=f"{name}: {column}",
                )
            else:
                assert left.cast(pl.String).to_list() == right.cast(pl.String).to_list(), (
                    f"{name}: {column}"
                )
