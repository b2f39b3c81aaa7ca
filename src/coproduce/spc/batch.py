"""Many series in one call: a long Polars table in, one row per plotted point out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

from coproduce.spc import engine, layout, summary
from coproduce.spc.types import (
    ChartType,
    Direction,
    FloatArray,
    IntArray,
    RuleSet,
    SpcInputError,
    SpcOptions,
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
    changed = (col != col.shift(1)).fill_null(True)
    starts = changed.arg_true()
    n_unique = col.n_unique()
    if starts.len() == n_unique:
        # Grouped (the usual case): codes in order of first appearance.
        codes = changed.cast(pl.Int64).cum_sum().to_numpy() - 1
        return codes, col.gather(starts)
    codes = col.rank("dense").cast(pl.Int64).to_numpy() - 1
    return codes, col.unique().sort()


def _int_or_null(values: IntArray) -> pl.Series:
    return pl.Series(values, dtype=pl.Int64).set(pl.Series(values < 0), None)


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
    seg = p.seg
    order = lay.out_order

    def pick(a: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return a if order is None else a[order]

    rows = pick(lay.first_row)
    identity = order is None and rows.shape[0] == frame.height
    if series is None:
        series_out = pl.Series("series", [None] * rows.shape[0], dtype=pl.String)
    else:
        col = frame.get_column(series)
        series_out = (col if identity else col.gather(rows)).alias("series")
    x_out = (x_col if identity else x_col.gather(rows)).alias("x")
    n_out = pick(p.n) if p.n is not None else np.full(rows.shape[0], np.nan)
    cols: dict[str, Any] = {
        "series": series_out,
        "x": x_out,
        "y": pick(res.y),
        "n": n_out,
        "cl": pick(res.cl),
        "lcl": pick(res.lcl),
        "ucl": pick(res.ucl),
        "lcl_95": pick(res.lcl_95),
        "ucl_95": pick(res.ucl_95),
        "phase": pick(p.phase),
        "baseline": pick(p.baseline),
        "include": pick(p.include),
        "sigma_signal": pick(res.sigma_signal),
        "runs_signal": pick(res.runs_signal[seg]),
        "longest_run": _int_or_null(pick(res.longest_run[seg])),
        "longest_run_max": _int_or_null(pick(res.longest_run_max[seg])),
        "n_crossings": _int_or_null(pick(res.n_crossings[seg])),
        "n_crossings_min": _int_or_null(pick(res.n_crossings_min[seg])),
        "n_obs": pick(res.n_obs[seg]),
        "n_useful": pick(res.n_useful[seg]),
        "rules": pick(res.rules),
    }
    out = pl.DataFrame(cols)
    float_cols = ["y", "n", "cl", "lcl", "ucl", "lcl_95", "ucl_95"]
    rule_exprs = [
        pl.when((pl.col("rules") & bit) > 0).then(pl.lit(rule.value))
        for bit, rule in engine.RULE_BITS
    ]
    out = out.with_columns(
        [pl.col(c).fill_nan(None) for c in float_cols]
        + [
            pl.concat_str(rule_exprs, separator=";", ignore_nulls=True)
            .fill_null("")
            .alias("signal_rules")
        ]
    )
    if options.rules is RuleSet.MDC and res.point_type is not None:
        pt_labels = [summary.POINT_TYPES[i].value for i in range(len(summary.POINT_TYPES))]
        last = np.append(p.series_start[1:], p.size) - 1
        last_types = res.point_type[last]
        var = np.array(
            [summary.variation(int(t), options.direction).value for t in last_types],
            dtype=object,
        )
        ser_key_list: list[Any] = [None] if keys is None else keys.to_list()
        ass = np.array(
            [
                _assurance_value(options, ser_key_list[int(lay.series[i])], res, int(i))
                for i in last
            ],
            dtype=object,
        )
        series_idx = p.series_idx
        out = out.with_columns(
            pl.Series("point_type", pick(res.point_type))
            .cast(pl.UInt32)
            .replace_strict(dict(enumerate(pt_labels)), return_dtype=pl.String),
            pl.Series("variation", var[pick(series_idx)], dtype=pl.String),
            pl.Series("assurance", ass[pick(series_idx)], dtype=pl.String),
        )
    else:
        out = out.with_columns(
            pl.lit(None, dtype=pl.String).alias("point_type"),
            pl.lit(None, dtype=pl.String).alias("variation"),
            pl.lit(None, dtype=pl.String).alias("assurance"),
        )
    return out.select(OUTPUT_COLUMNS)


def _assurance_value(options: SpcOptions, key: Any, res: engine.Computed, i: int) -> str | None:
    target = _target_for(options.target, key)
    a = summary.assurance(target, float(res.lcl[i]), float(res.ucl[i]), options.direction)
    return None if a is None else a.value
