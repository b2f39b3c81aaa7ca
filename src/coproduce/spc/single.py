"""One chart for interactive use: sequences in, a frozen :class:`SpcResult` out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import polars as pl

from coproduce.spc import engine, layout, summary
from coproduce.spc.batch import _normalise, _numeric, _target_for, _x_keys
from coproduce.spc.types import (
    Annotation,
    ChartType,
    PhaseSummary,
    RuleSet,
    SpcInputError,
    SpcOptions,
    SpcResult,
)


def _readonly(a: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


def _opt_int(v: int) -> int | None:
    return None if v < 0 else int(v)


def spc(
    y: Sequence[Any] | np.ndarray[Any, Any],
    *,
    x: Sequence[Any] | np.ndarray[Any, Any] | None = None,
    n: Sequence[Any] | np.ndarray[Any, Any] | None = None,
    chart: ChartType | str = ChartType.RUN,
    options: SpcOptions | None = None,
    annotations: Sequence[Annotation] = (),
) -> SpcResult:
    """Compute one chart. Several values at one x are combined as qicharts2 does (summed with a
    denominator, else ``options.agg``; subgroup charts use each x's values as the subgroup).
    Points come back sorted by x. Missing values (None, NaN) are kept and never signal."""
    options = _normalise(options or SpcOptions())
    chart = ChartType(chart)
    if isinstance(options.target, dict) or not isinstance(options.target, float | int | None):
        raise SpcInputError("a single chart takes one target, not one per series")
    ys = pl.Series("y", np.asarray(y, dtype=object) if not isinstance(y, np.ndarray) else y)
    if ys.dtype == pl.Object:
        ys = pl.Series("y", list(y), strict=False)
    cols: dict[str, pl.Series] = {"y": ys}
    if n is not None:
        cols["n"] = pl.Series("n", list(n) if not isinstance(n, np.ndarray) else n, strict=False)
    frame = pl.DataFrame(cols)
    if frame.height == 0:
        raise SpcInputError("there are no points")
    yv = _numeric(frame, "y", "y", None)
    nv = _numeric(frame, "n", "n", None) if n is not None else None
    if x is None:
        x_col = pl.Series("x", np.arange(1, frame.height + 1))
    else:
        x_col = pl.Series("x", list(x) if not isinstance(x, np.ndarray) else x, strict=False)
        if x_col.len() != frame.height:
            raise SpcInputError(f"x has {x_col.len()} values but y has {frame.height}")
    xk, to_key = _x_keys(x_col, options.funnel, None)
    lay = layout.build(
        chart=chart,
        options=options,
        code=np.zeros(frame.height, dtype=np.int64),
        n_series=1,
        xk=xk,
        y=yv,
        n=nv,
        series_keys=None,
        to_key=to_key,
    )
    res = engine.compute(lay.points, chart, options)
    return _result(lay, res, chart, options, x_col, annotations)


def _result(
    lay: layout.Layout,
    res: engine.Computed,
    chart: ChartType,
    options: SpcOptions,
    x_col: pl.Series,
    annotations: Sequence[Annotation],
) -> SpcResult:
    p = lay.points
    xs = tuple((x_col if lay.first_row is None else x_col.gather(lay.first_row)).to_list())
    phases = []
    stops = np.append(p.seg_start[1:], p.size)
    for s, (start, stop) in enumerate(zip(p.seg_start.tolist(), stops.tolist(), strict=True)):

        def mean(a: np.ndarray[Any, Any], lo: int = start, hi: int = stop) -> float | None:
            part = a[lo:hi]
            part = part[np.isfinite(part)]
            return float(part.mean()) if part.size else None

        phases.append(
            PhaseSummary(
                phase=int(p.phase[start]),
                start=int(start),
                stop=int(stop),
                n_obs=int(res.n_obs[s]),
                n_useful=int(res.n_useful[s]),
                longest_run=_opt_int(int(res.longest_run[s])),
                longest_run_max=_opt_int(int(res.longest_run_max[s])),
                n_crossings=_opt_int(int(res.n_crossings[s])),
                n_crossings_min=_opt_int(int(res.n_crossings_min[s])),
                runs_signal=bool(res.runs_signal[s]),
                cl=mean(res.cl),
                lcl=mean(res.lcl),
                ucl=mean(res.ucl),
            )
        )
    point_type = variation = assurance = None
    if options.rules is RuleSet.MDC and res.point_type is not None:
        point_type = tuple(summary.POINT_TYPES[int(t)] for t in res.point_type)
        variation = summary.variation(int(res.point_type[-1]), options.direction)
        assurance = summary.assurance(
            _target_for(options.target, None),
            float(res.lcl[-1]),
            float(res.ucl[-1]),
            options.direction,
        )
    return SpcResult(
        chart=chart,
        options=replace(options),
        x=xs,
        y=_readonly(res.y),
        n=None if p.n is None else _readonly(p.n),
        cl=_readonly(res.cl),
        lcl=_readonly(res.lcl),
        ucl=_readonly(res.ucl),
        lcl_95=_readonly(res.lcl_95),
        ucl_95=_readonly(res.ucl_95),
        phase=_readonly(p.phase),
        baseline=_readonly(p.baseline),
        include=_readonly(p.include),
        sigma_signal=_readonly(res.sigma_signal),
        runs_signal=_readonly(res.runs_signal[p.seg]),
        signal_rules=tuple(summary.rules_of(int(b)) for b in res.rules),
        phases=tuple(phases),
        point_type=point_type,
        variation=variation,
        assurance=assurance,
        annotations=tuple(annotations),
    )
