"""From rows as given to points in computation order: sort, aggregate, phases, baselines.

Rows arrive as flat arrays: a series code, an x key (a number that orders x: the value itself,
days since the epoch for dates, a rank for categories), y and optionally n. Rows are grouped by
series and sorted by x (a stable sort, skipped when the input is already in that order), rows
sharing an x are aggregated as qicharts2 does, and every point gets its phase, baseline and
include flags. Bad values raise :class:`SpcInputError` naming the series and the 1-based row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coproduce.spc.engine import Points
from coproduce.spc.types import (
    BoolArray,
    ChartType,
    FloatArray,
    IntArray,
    SpcInputError,
    SpcOptions,
)

COUNT_CHARTS = {ChartType.C, ChartType.G, ChartType.P, ChartType.PP, ChartType.U, ChartType.UP}
MR_CHARTS = {ChartType.I, ChartType.MR, ChartType.T, ChartType.PP, ChartType.UP, ChartType.IP}


@dataclass(slots=True)
class Layout:
    points: Points
    # 0-based input row of each point (its first row if aggregated); None when every point is
    # the row at its own position (already sorted, nothing aggregated).
    first_row: IntArray | None
    series: IntArray  # series code of each point
    x_key: FloatArray  # x key of each point
    out_order: IntArray | None  # computation index of each output row (None: identical)


def _fail(message: str, code: int, row: int, series_keys: Sequence[Any] | None) -> SpcInputError:
    key = series_keys[code] if series_keys is not None else None
    return SpcInputError(message, series=key, row=row + 1)


def _row(first_row: IntArray | None, i: int) -> int:
    return i if first_row is None else int(first_row[i])


def _first(mask: BoolArray) -> int:
    return int(np.argmax(mask))


def _check_rows(
    chart: ChartType,
    code: IntArray,
    xk: FloatArray,
    y: FloatArray,
    n: FloatArray | None,
    series_keys: Sequence[Any] | None,
) -> None:
    bad = np.isnan(xk)
    if bad.any():
        i = _first(bad)
        raise _fail("x is missing", int(code[i]), i, series_keys)
    bad = np.isinf(y)
    if bad.any():
        i = _first(bad)
        raise _fail(f"y is not a finite number ({y[i]})", int(code[i]), i, series_keys)
    with np.errstate(invalid="ignore"):
        if chart in COUNT_CHARTS:
            bad = y < 0
            if bad.any():
                i = _first(bad)
                raise _fail(
                    f"a count cannot be negative (y = {y[i]:g})", int(code[i]), i, series_keys
                )
        if chart is ChartType.T:
            bad = y <= 0
            if bad.any():
                i = _first(bad)
                raise _fail(
                    f"time between events must be greater than zero (y = {y[i]:g})",
                    int(code[i]),
                    i,
                    series_keys,
                )
        if n is not None:
            bad = np.isinf(n) | (n <= 0)
            if bad.any():
                i = _first(bad)
                raise _fail(
                    f"n must be greater than zero (n = {n[i]:g})", int(code[i]), i, series_keys
                )
            if chart in (ChartType.P, ChartType.PP):
                bad = y > n
                if bad.any():
                    i = _first(bad)
                    raise _fail(
                        f"a proportion needs y <= n (y = {y[i]:g}, n = {n[i]:g})",
                        int(code[i]),
                        i,
                        series_keys,
                    )


def _per_series_values(
    spec: Sequence[Any] | Mapping[Any, Sequence[Any]],
    series_keys: Sequence[Any] | None,
    to_key: Callable[[Sequence[Any]], FloatArray],
) -> list[tuple[int | None, FloatArray]]:
    """[(series code or None for every series, x keys)] for split/exclude options."""
    if isinstance(spec, Mapping):
        if series_keys is None:
            raise SpcInputError("per-series options need a series column")
        index = {k: i for i, k in enumerate(series_keys)}
        out: list[tuple[int | None, FloatArray]] = []
        for key, values in spec.items():
            if key not in index:
                raise SpcInputError(f"no series {key!r} in the data")
            out.append((index[key], to_key(list(values))))
        return out
    values = list(spec)
    return [(None, to_key(values))] if values else []


def build(
    *,
    chart: ChartType,
    options: SpcOptions,
    code: IntArray,
    n_series: int,
    xk: FloatArray,
    y: FloatArray,
    n: FloatArray | None,
    series_keys: Sequence[Any] | None,
    to_key: Callable[[Sequence[Any]], FloatArray],
) -> Layout:
    rows = y.shape[0]
    if chart.needs_n and n is None:
        raise SpcInputError(f"a {chart.value} chart needs a denominator (n)")
    if n is not None:
        # As qicharts2: y and n are missing together.
        missing = np.isnan(y) | np.isnan(n)
        y = np.where(missing, np.nan, y)
        n = np.where(missing, np.nan, n)
    _check_rows(chart, code, xk, y, n, series_keys)

    # Order: by series, then x. Skip the sort when the rows are already in that order.
    same = code[1:] == code[:-1]
    changes = int(rows - 1 - np.count_nonzero(same)) if rows else 0
    grouped = rows == 0 or changes + 1 == n_series
    increasing = grouped and bool(np.all((xk[1:] > xk[:-1]) | ~same))
    if increasing:
        order = None
        scode, sx, sy, sn = code, xk, y, n
        aggregate = chart.is_subgroup
    else:
        order = np.lexsort((xk, code))
        scode, sx, sy = code[order], xk[order], y[order]
        sn = n[order] if n is not None else None
        aggregate = True
    # Input row of each sorted row (None: the same as its position).
    row_of: IntArray | None = order

    if aggregate:
        new = np.ones(rows, dtype=bool)
        new[1:] = (scode[1:] != scode[:-1]) | (sx[1:] != sx[:-1])
        starts = np.flatnonzero(new)
        gid = np.cumsum(new) - 1
        rows_sorted = row_of if row_of is not None else np.arange(rows, dtype=np.int64)
        first_row: IntArray | None = (
            np.minimum.reduceat(rows_sorted, starts) if rows else rows_sorted
        )
        pcode, px = scode[starts], sx[starts]
        valid = ~np.isnan(sy)
        count = np.bincount(gid, weights=valid, minlength=starts.size).astype(np.float64)
        size = np.diff(np.append(starts, rows))
        ysum = np.bincount(gid, weights=np.where(valid, sy, 0.0), minlength=starts.size).astype(
            np.float64
        )
        # qicharts2: na.rm only applies when the subgroup has more than one value.
        ysum = np.where((size == 1) & (count == 0), np.nan, ysum).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            ymean = ysum / count
        ymean = np.where(count > 0, ymean, np.nan)
        dev = np.where(valid, sy - ymean[gid], 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            ysd = np.sqrt(np.bincount(gid, weights=dev * dev, minlength=starts.size) / (count - 1))
        ysd = np.where(count > 1, ysd, np.nan)
        if sn is not None:
            nvalid = ~np.isnan(sn)
            nsum_raw = np.bincount(gid, weights=np.where(nvalid, sn, 0.0), minlength=starts.size)
            ncount = np.bincount(gid, weights=nvalid, minlength=starts.size)
            nsum: FloatArray = np.where((size == 1) & (ncount == 0), np.nan, nsum_raw).astype(
                np.float64
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                py = ysum / nsum
            pn: FloatArray | None = nsum
        else:
            pn = count.astype(np.float64) if chart.is_subgroup else None
            if options.agg == "mean":
                py = ymean
            elif options.agg == "sum":
                py = ysum
            elif options.agg == "sd":
                py = ysd
            elif options.agg == "median":
                py = _group_median(sy, gid, starts.size)
            else:
                raise SpcInputError(f"unknown aggregate {options.agg!r}")
        pysd: FloatArray | None = ysd if chart.is_subgroup else None
    else:
        first_row = row_of
        pcode, px = scode, sx
        ysum = sy
        if sn is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                py = sy / sn
        else:
            py = sy
        pn = sn
        pysd = None

    size_p = pcode.shape[0]
    # Series codes are dense (0..k-1) and, here, sorted: the code is the series index.
    series_idx = np.asarray(pcode, dtype=np.int64)
    new_series = np.ones(size_p, dtype=bool)
    new_series[1:] = pcode[1:] != pcode[:-1]
    series_start = np.flatnonzero(new_series)
    series_len = np.diff(np.append(series_start, size_p))

    # Phases: a new phase starts at each split x value (points with x >= the value).
    splits = _per_series_values(options.split, series_keys, to_key)
    if splits:
        phase_raw = np.zeros(size_p, dtype=np.int64)
        for sc, keys in splits:
            keys = np.sort(keys)
            if sc is None:
                phase_raw += np.searchsorted(keys, px, side="right")
            else:
                sel = pcode == sc
                phase_raw[sel] += np.searchsorted(keys, px[sel], side="right")
        new_seg = new_series.copy()
        new_seg[1:] |= phase_raw[1:] != phase_raw[:-1]
        seg = np.cumsum(new_seg, dtype=np.int64) - 1
        seg_start = np.flatnonzero(new_seg)
        phase = (seg - seg[series_start][series_idx] + 1).astype(np.int32)
    else:
        seg = series_idx
        seg_start = series_start
        phase = np.ones(size_p, dtype=np.int32)
    seg_series = pcode[seg_start]
    seg_len = np.diff(np.append(seg_start, size_p))

    include = np.ones(size_p, dtype=bool)
    for sc, keys in _per_series_values(options.exclude, series_keys, to_key):
        hit = np.isin(px, keys)
        if sc is not None:
            hit &= pcode == sc
        include &= ~hit
    if options.freeze is not None:
        if options.freeze < 1:
            raise SpcInputError("freeze must be at least 1 point")
        pos_in_seg = np.arange(size_p) - seg_start[seg]
        baseline = pos_in_seg < options.freeze
    else:
        baseline = np.ones(size_p, dtype=bool)

    # Enough points to draw a chart?
    nseg = seg_start.shape[0]
    finite = np.isfinite(py)
    all_finite = bool(finite.all())
    per_series = (
        series_len
        if all_finite
        else np.bincount(series_idx[finite], minlength=series_start.shape[0])
    )
    few = per_series < 2
    if few.any():
        s = int(np.argmax(few))
        i = int(series_start[s])
        raise _fail(
            f"too few points for a chart ({int(per_series[s])} with a value; at least 2 needed)",
            int(pcode[i]),
            _row(first_row, i),
            series_keys,
        )
    if chart in MR_CHARTS:
        usable = finite & baseline & include
        per_seg = seg_len if bool(usable.all()) else np.bincount(seg[usable], minlength=nseg)
        few = per_seg < 2
        if few.any():
            s = int(np.argmax(few))
            i = int(seg_start[s])
            raise _fail(
                "too few points in this phase's baseline to estimate the variation "
                f"({int(per_seg[s])}; at least 2 needed)",
                int(pcode[i]),
                _row(first_row, i),
                series_keys,
            )

    points = Points(
        seg=np.asarray(seg, dtype=np.int64),
        seg_start=np.asarray(seg_start, dtype=np.int64),
        seg_series=np.asarray(seg_series, dtype=np.int64),
        series_start=np.asarray(series_start, dtype=np.int64),
        series_idx=series_idx,
        phase=phase,
        y=np.asarray(py, dtype=np.float64),
        ysum=np.asarray(ysum, dtype=np.float64),
        n=pn,
        ysd=pysd,
        baseline=baseline,
        include=include,
        width=int(seg_len[0]) if seg_len.size and bool((seg_len == seg_len[0]).all()) else 0,
    )
    out_order = (
        None
        if first_row is None or (order is None and not aggregate)
        else np.argsort(first_row, kind="stable")
    )
    return Layout(
        points=points,
        first_row=first_row,
        series=series_idx,
        x_key=px,
        out_order=out_order,
    )


def _group_median(values: FloatArray, gid: IntArray, ngroups: int) -> FloatArray:
    ok = ~np.isnan(values)
    idx = np.flatnonzero(ok)
    order = np.lexsort((values[idx], gid[idx]))
    v = values[idx][order]
    g = gid[idx][order]
    counts = np.bincount(g, minlength=ngroups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    out = np.full(ngroups, np.nan)
    has = counts > 0
    lo = starts[has] + (counts[has] - 1) // 2
    hi = starts[has] + counts[has] // 2
    out[has] = (v[lo] + v[hi]) / 2.0
    return out
