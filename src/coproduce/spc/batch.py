"""Many series in one call: a long Polars table in, one row per plotted point out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

from coproduce.spc import engine, layout, summary
from coproduce.spc.types import (
    Assurance,
    ChartType,
    Direction,
    FloatArray,
    IntArray,
    RuleSet,
    SpcInputError,
    SpcOptions,
    Variation,
)

OUTPUT_COLUMNS = (
    "series",
    "x",
    "y",
    "n",
    "cl",
    "lcl",
    "ucl",
    "lcl_95",
    "ucl_95",
    "phase",
    "baseline",
    "include",
    "sigma_signal",
    "runs_signal",
    "longest_run",
    "longest_run_max",
    "n_crossings",
    "n_crossings_min",
    "n_obs",
    "n_useful",
    "signal_rules",
    "point_type",
    "variation",
    "assurance",
)

_EPOCH = dt.date(1970, 1, 1)


def _numeric(frame: pl.DataFrame, column: str, what: str, series: pl.Series | None) -> FloatArray:
    if column not in frame.columns:
        raise SpcInputError(f"there is no column {column!r} for {what}")
    col = frame.get_column(column)
    if col.dtype.is_numeric():
        return col.cast(pl.Float64).to_numpy()
    if col.dtype in (pl.String, pl.Null):
        cast = col.str.strip_chars().cast(pl.Float64, strict=False)
        bad = cast.is_null() & col.is_not_null() & (col.str.strip_chars() != "")
        if bad.any():
            i = int(bad.arg_true()[0])
            raise SpcInputError(
                f"{what} is not a number: {col[i]!r}",
                series=None if series is None else series[i],
                row=i + 1,
            )
        return cast.to_numpy()
    raise SpcInputError(f"{what} column {column!r} holds {col.dtype}, not numbers")


def _x_keys(
    col: pl.Series, funnel: bool, series: pl.Series | None
) -> tuple[FloatArray, Callable[[Sequence[Any]], FloatArray]]:
    """A float key per row that orders x, and a function turning option values into keys."""
    dtype = col.dtype
    if col.null_count():
        i = int(col.is_null().arg_true()[0])
        raise SpcInputError("x is missing", series=None if series is None else series[i], row=i + 1)
    if dtype.is_numeric():

        def numeric_key(values: Sequence[Any]) -> FloatArray:
            try:
                return np.asarray([float(v) for v in values], dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise SpcInputError(f"x values must be numbers here: {values!r}") from exc

        return col.cast(pl.Float64).to_numpy(), numeric_key
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        phys = col.to_physical().cast(pl.Float64).to_numpy()

        def temporal_key(values: Sequence[Any]) -> FloatArray:
            s = pl.Series(values)
            if s.dtype == pl.String:
                s = s.str.to_date(strict=False) if dtype == pl.Date else s.str.to_datetime()
                if s.null_count():
                    raise SpcInputError(f"x values must be ISO dates here: {values!r}")
            return s.cast(dtype).to_physical().cast(pl.Float64).to_numpy()

        return phys, temporal_key
    if dtype == pl.String and not funnel:
        as_date = col.str.to_date(format="%Y-%m-%d", strict=False)
        if as_date.null_count() == 0:
            return _x_keys(as_date, funnel, series)
        i = int(as_date.is_null().arg_true()[0])
        raise SpcInputError(
            f"x is not a number or an ISO date (YYYY-MM-DD): {col[i]!r}",
            series=None if series is None else series[i],
            row=i + 1,
        )
    if funnel and dtype in (pl.String, pl.Categorical, pl.Enum):
        text = col.cast(pl.String)
        cats = text.unique().sort()
        index = {v: i for i, v in enumerate(cats.to_list())}
        keys = text.replace_strict(index, return_dtype=pl.Float64).to_numpy()

        def category_key(values: Sequence[Any]) -> FloatArray:
            return np.asarray([index.get(str(v), np.nan) for v in values], dtype=np.float64)

        return keys, category_key
    raise SpcInputError(
        f"x must hold numbers or dates (found {dtype}); categories need funnel=True"
    )


def _series_codes(frame: pl.DataFrame, series: str | None) -> tuple[IntArray, pl.Series | None]:
    """A code per row (0..k-1) and the series key of each code."""
    height = frame.height
    if series is None:
        return np.zeros(height, dtype=np.int64), None
    if series not in frame.columns:
        raise SpcInputError(f"there is no column {series!r} for the series")
    col = frame.get_column(series)
    if col.null_count():
        i = int(col.is_null().arg_true()[0])
        raise SpcInputError("the series is missing", row=i + 1)
    runs = col.rle()
    values = runs.struct.field("value")
    if values.n_unique() == values.len():
        # Grouped (the usual case): codes in order of first appearance.
        lengths = runs.struct.field("len").to_numpy()
        return np.repeat(np.arange(values.len(), dtype=np.int64), lengths), values
    codes = col.rank("dense").cast(pl.Int64).to_numpy() - 1
    return codes, col.unique().sort()


def _target_for(target: float | Mapping[Any, float] | None, key: Any) -> float | None:
    if target is None or not isinstance(target, Mapping):
        return target
    value = target.get(key)
    return None if value is None else float(value)


def spc_batch(
    frame: pl.DataFrame,
    *,
    chart: ChartType | str = ChartType.RUN,
    y: str = "y",
    x: str | None = "x",
    n: str | None = None,
    series: str | None = "series",
    options: SpcOptions | None = None,
) -> pl.DataFrame:
    """Chart every series of a long table at once.

    Returns one row per plotted point (per x for subgroup charts), in input order, with the
    columns in :data:`OUTPUT_COLUMNS`. ``y`` is the plotted statistic (a proportion for p, a
    rate for u, a subgroup mean for xbar), after ``options.multiply``.
    """
    options = options or SpcOptions()
    chart = ChartType(chart)
    options = _normalise(options)
    codes, keys = _series_codes(frame, series)
    key_seq: Sequence[Any] | None = keys  # type: ignore[assignment]
    yv = _numeric(frame, y, "y", None if series is None else frame.get_column(series))
    nv = (
        _numeric(frame, n, "n", None if series is None else frame.get_column(series))
        if n is not None
        else None
    )
    if x is None:
        grp = pl.Series("c", codes)
        position = pl.DataFrame({"c": grp}).select(pl.int_range(pl.len()).over("c") + 1).to_series()
        x_col = position.alias("x")
    else:
        if x not in frame.columns:
            raise SpcInputError(f"there is no column {x!r} for x")
        x_col = frame.get_column(x)
    xk, to_key = _x_keys(
        x_col, options.funnel, None if series is None else frame.get_column(series)
    )
    lay = layout.build(
        chart=chart,
        options=options,
        code=codes,
        n_series=1 if keys is None else keys.len(),
        xk=xk,
        y=yv,
        n=nv,
        series_keys=key_seq,
        to_key=to_key,
    )
    res = engine.compute(lay.points, chart, options)
    return _frame(frame, series, x_col, lay, res, chart, options, keys)


def _normalise(options: SpcOptions) -> SpcOptions:
    from dataclasses import replace

    return replace(options, direction=Direction(options.direction), rules=RuleSet(options.rules))


def _frame(
    frame: pl.DataFrame,
    series: str | None,
    x_col: pl.Series,
    lay: layout.Layout,
    res: engine.Computed,
    chart: ChartType,
    options: SpcOptions,
    keys: pl.Series | None,
) -> pl.DataFrame:
    p = lay.points
    order = lay.out_order
    size = p.size

    def pick(a: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return a if order is None else a[order]

    def per_segment(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        if values.dtype == np.int64:
            values = values.astype(np.int32)  # counts: half the memory on long tables
        if p.width:
            return pick(np.repeat(values, p.width))
        return pick(values[p.seg])

    def per_series(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return pick(values[p.series_idx])

    def as_given(col: pl.Series) -> pl.Series:
        """The input column's value at each output row."""
        if lay.first_row is None:
            return col
        return col.gather(pick(lay.first_row))

    if series is None:
        series_out = pl.repeat(None, size, dtype=pl.String, eager=True).alias("series")
    else:
        series_out = as_given(frame.get_column(series)).alias("series")
    x_out = as_given(x_col).alias("x")

    rules = pick(res.rules)
    codes = np.flatnonzero(np.bincount(rules, minlength=1))
    labels = {
        int(c): ";".join(rule.value for bit, rule in engine.RULE_BITS if c & bit) for c in codes
    }
    out = pl.DataFrame(
        {
            "series": series_out,
            "x": x_out,
            "y": pick(res.y),
            "n": (
                pick(p.n)
                if p.n is not None
                else pl.repeat(None, size, dtype=pl.Float64, eager=True)
            ),
            "cl": pick(res.cl),
            "lcl": pick(res.lcl),
            "ucl": pick(res.ucl),
            "lcl_95": pick(res.lcl_95),
            "ucl_95": pick(res.ucl_95),
            "phase": pick(p.phase),
            "baseline": pick(p.baseline),
            "include": pick(p.include),
            "sigma_signal": pick(res.sigma_signal),
            "runs_signal": per_segment(res.runs_signal),
            "longest_run": per_segment(res.longest_run),
            "longest_run_max": per_segment(res.longest_run_max),
            "n_crossings": per_segment(res.n_crossings),
            "n_crossings_min": per_segment(res.n_crossings_min),
            "n_obs": per_segment(res.n_obs),
            "n_useful": per_segment(res.n_useful),
            "signal_rules": pl.Series(rules).replace_strict(
                labels, return_dtype=pl.Enum(sorted(set(labels.values())))
            ),
        },
        nan_to_null=True,
    )
    # -1 marks "no runs analysis" (a phase with no useful observation).
    if bool((res.longest_run < 0).any()):
        out = out.with_columns(
            pl.when(pl.col(c) >= 0).then(pl.col(c)).alias(c)
            for c in ("longest_run", "longest_run_max", "n_crossings", "n_crossings_min")
        )
    point_types = pl.Enum([t.value for t in summary.POINT_TYPES.values()])
    variations = pl.Enum([v.value for v in Variation])
    assurances = pl.Enum([a.value for a in Assurance])
    if options.rules is RuleSet.MDC and res.point_type is not None:
        last = np.append(p.series_start[1:], size) - 1
        var_of_type = np.array(
            [summary.variation(code, options.direction).value for code in summary.POINT_TYPES],
            dtype=object,
        )
        series_var = var_of_type[res.point_type[last]]
        series_ass = _assurance(options, keys, res.lcl[last], res.ucl[last])
        out = out.with_columns(
            pl.Series("point_type", pick(res.point_type)).replace_strict(
                {k: v.value for k, v in summary.POINT_TYPES.items()}, return_dtype=point_types
            ),
            pl.Series("variation", per_series(series_var), dtype=pl.String).cast(variations),
            pl.Series("assurance", per_series(series_ass), dtype=pl.String).cast(assurances),
        )
    else:
        out = out.with_columns(
            pl.lit(None, dtype=point_types).alias("point_type"),
            pl.lit(None, dtype=variations).alias("variation"),
            pl.lit(None, dtype=assurances).alias("assurance"),
        )
    return out.select(OUTPUT_COLUMNS)


def _assurance(
    options: SpcOptions,
    keys: pl.Series | None,
    lcl: FloatArray,
    ucl: FloatArray,
) -> np.ndarray[Any, Any]:
    """Assurance label (or None) per series, from each series' latest limits."""
    count = lcl.shape[0]
    out = np.full(count, None, dtype=object)
    if options.target is None or options.direction is Direction.NEUTRAL:
        return out
    if isinstance(options.target, Mapping):
        if keys is None:
            raise SpcInputError("per-series targets need a series column")
        target = (
            keys.replace_strict(
                {k: float(v) for k, v in options.target.items()},
                default=None,
                return_dtype=pl.Float64,
            )
            .fill_null(np.nan)
            .to_numpy()
        )
    else:
        target = np.full(count, float(options.target))
    increase = options.direction is Direction.INCREASE
    with np.errstate(invalid="ignore"):
        above = target > ucl
        below = target < lcl
    has = ~np.isnan(target)
    out[has] = Assurance.INCONSISTENT.value
    out[has & above] = (Assurance.FAIL if increase else Assurance.PASS).value
    out[has & below] = (Assurance.PASS if increase else Assurance.FAIL).value
    return out
