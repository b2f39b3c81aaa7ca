"""The arithmetic of every chart, vectorised over many series at once.

Everything works on flat NumPy arrays of *points* in computation order: grouped by series, then
phase, then x. A *segment* is one phase of one series; limits and runs analysis are computed per
segment with ``bincount``/``reduceat`` and never with a Python loop over points or series.

The formulas follow qicharts2 0.8.1 (`R/helper.functions.R`) and, for the Making Data Count
rules, NHSRplotthedots 0.2.2; see docs/adr/0006-spc-engine.md for the few deliberate choices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from coproduce.spc import anhoej
from coproduce.spc.types import (
    BoolArray,
    ChartType,
    Direction,
    FloatArray,
    Int32Array,
    IntArray,
    Rule,
    RuleSet,
    SpcOptions,
)

RuleArray = npt.NDArray[np.uint8]

D2 = 1.128  # E[range of 2 normals] / sigma, as qicharts2
MR_SCREEN = 3.267  # moving ranges >= 3.267 x mean are screened out (D4 for n = 2)
MDC_LIMIT = 2.66  # NHSRplotthedots: mean ± 2.66 x mean moving range

# Bit flags for the rules that fired on a point (see RULE_BITS).
RULE_BITS: tuple[tuple[int, Rule], ...] = (
    (1, Rule.OUTSIDE_LIMITS),
    (2, Rule.LONG_RUN),
    (4, Rule.FEW_CROSSINGS),
    (8, Rule.SHIFT),
    (16, Rule.TREND),
    (32, Rule.RUNS_COUNT),
    (64, Rule.TWO_OF_THREE),
)

# Point type codes (MDC).
PT_COMMON, PT_IMPROVEMENT, PT_CONCERN, PT_NEUTRAL_HIGH, PT_NEUTRAL_LOW = 0, 1, 2, 3, 4


@dataclass(slots=True)
class Points:
    """Aggregated points in computation order, ready for the arithmetic."""

    seg: IntArray  # segment (series x phase) of each point, non-decreasing
    seg_start: IntArray  # first point of each segment
    seg_series: IntArray  # series of each segment
    series_start: IntArray  # first point of each series
    series_idx: IntArray  # series (0..k-1, in computation order) of each point
    phase: Int32Array  # phase of each point within its series, from 1
    y: FloatArray  # the plotted statistic, before `multiply`
    ysum: FloatArray  # sum of y at this x (counts for c, p, u charts)
    n: FloatArray | None  # sum of n at this x (denominators), or the subgroup size
    ysd: FloatArray | None  # subgroup standard deviation (xbar, s)
    baseline: BoolArray
    include: BoolArray
    width: int = 0  # the common length of every segment, or 0 if they differ

    @property
    def size(self) -> int:
        return int(self.y.shape[0])

    @property
    def n_segments(self) -> int:
        return int(self.seg_start.shape[0])


@dataclass(slots=True)
class Computed:
    cl: FloatArray
    lcl: FloatArray
    ucl: FloatArray
    lcl_95: FloatArray
    ucl_95: FloatArray
    y: FloatArray
    sigma_signal: BoolArray
    rules: RuleArray  # bit flags per point (RULE_BITS)
    # per segment
    n_obs: IntArray
    n_useful: IntArray
    longest_run: IntArray  # -1 = not available
    longest_run_max: IntArray
    n_crossings: IntArray
    n_crossings_min: IntArray
    runs_signal: BoolArray
    runs_available: BoolArray
    point_type: IntArray | None  # MDC point type codes per point


def _segsum(values: FloatArray, seg: IntArray, nseg: int, width: int = 0) -> FloatArray:
    """Sum per segment. `width` > 0 says every segment has that many points (a reshape then
    replaces the bincount: the same sums, faster)."""
    if width and values.shape[0] == nseg * width:
        return np.asarray(values.reshape(nseg, width).sum(axis=1), dtype=np.float64)
    return np.bincount(seg, weights=values, minlength=nseg).astype(np.float64)


def _segcount(mask: BoolArray, seg: IntArray, nseg: int, width: int = 0) -> IntArray:
    if width and mask.shape[0] == nseg * width:
        return np.asarray(mask.reshape(nseg, width).sum(axis=1, dtype=np.int64), dtype=np.int64)
    return np.bincount(seg[mask], minlength=nseg).astype(np.int64)


def _seg_mean(
    values: FloatArray, mask: BoolArray, seg: IntArray, nseg: int, width: int = 0
) -> FloatArray:
    """Mean of values[mask] per segment (NaN for an empty segment)."""
    if width and values.shape[0] == nseg * width:
        # Reduce in place with `where=`: no temporary copy of the values.
        m2 = mask.reshape(nseg, width)
        total = np.sum(values.reshape(nseg, width), axis=1, where=m2)
        count = m2.sum(axis=1)
    else:
        total = _segsum(np.where(mask, values, 0.0), seg, nseg)
        count = _segcount(mask, seg, nseg)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(total / count, dtype=np.float64)


def _seg_median(values: FloatArray, mask: BoolArray, seg: IntArray, nseg: int) -> FloatArray:
    """Median of values[mask] per segment, as R's median (mean of the two middle values)."""
    idx = np.flatnonzero(mask)
    v = values[idx]
    s = seg[idx]
    order = np.lexsort((v, s))
    v = v[order]
    s = s[order]
    counts = np.bincount(s, minlength=nseg)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    out = np.full(nseg, np.nan)
    has = counts > 0
    lo = starts[has] + (counts[has] - 1) // 2
    hi = starts[has] + counts[has] // 2
    out[has] = (v[lo] + v[hi]) / 2.0
    return out


def _moving_ranges(
    values: FloatArray,
    mask: BoolArray,
    seg: IntArray,
    nseg: int,
    *,
    screened: bool,
    width: int = 0,
) -> FloatArray:
    """Mean moving range per segment over the points in `mask` (moving ranges bridge the points
    left out by `mask` but not missing values), optionally screened as qicharts2 does."""
    if width and values.shape[0] == nseg * width and width > 1 and mask.all():
        mr2 = np.diff(values.reshape(nseg, width), axis=1)
        np.abs(mr2, out=mr2)
        ok2 = np.isfinite(mr2)
        with np.errstate(invalid="ignore", divide="ignore"):
            mrbar = np.sum(mr2, axis=1, where=ok2) / ok2.sum(axis=1)
            if screened:
                keep = mr2 < MR_SCREEN * mrbar[:, None]  # False for NaN
                mrbar = np.sum(mr2, axis=1, where=keep) / keep.sum(axis=1)
        return np.asarray(mrbar, dtype=np.float64)
    idx = np.flatnonzero(mask)
    v = values[idx]
    s = seg[idx]
    same = s[1:] == s[:-1]
    mr = np.abs(np.diff(v))
    ok = same & np.isfinite(mr)
    mr_seg = s[1:]
    mrbar = _seg_mean(mr, ok, mr_seg, nseg) if mr.size else np.full(nseg, np.nan)
    if screened and mr.size:
        keep = ok & (mr < MR_SCREEN * mrbar[mr_seg])
        mrbar = _seg_mean(mr, keep, mr_seg, nseg)
    return np.asarray(mrbar, dtype=np.float64)


def c4(n: FloatArray) -> FloatArray:
    """Bias correction of the sample standard deviation, computed exactly (via lgamma)."""
    n = np.asarray(n, dtype=np.float64)
    out = np.full(n.shape, np.nan)
    ok = n > 1
    lg = np.vectorize(math.lgamma, otypes=[np.float64])
    nn = n[ok]
    if nn.size:
        out[ok] = np.sqrt(2.0 / (nn - 1.0)) * np.exp(lg(nn / 2.0) - lg((nn - 1.0) / 2.0))
    return out


def _runs(
    p: Points, y: FloatArray, cl: FloatArray, rule_set: RuleSet, rules: RuleArray
) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray, BoolArray, IntArray]:
    """Runs analysis of the included points of each segment against its centre line."""
    nseg = p.n_segments
    with np.errstate(invalid="ignore"):
        above = y > cl
        below = y < cl
    # +1 above, -1 below, 0 on the centre line or missing (not useful).
    sign = above.view(np.int8) - below.view(np.int8)
    useful = (above | below) & p.include
    all_useful = bool(useful.all())
    if all_useful:
        idx = np.zeros(0, dtype=np.int64)  # unused: every point is useful
        su, sg = sign, p.seg
        n_useful = _segcount(useful, p.seg, nseg, p.width)
    else:
        idx = np.flatnonzero(useful)
        su = sign[idx]
        sg = p.seg[idx]
        n_useful = np.bincount(sg, minlength=nseg).astype(np.int64)
    longest = np.full(nseg, -1, dtype=np.int64)
    n_runs = np.zeros(nseg, dtype=np.int64)
    run_len = np.zeros(0, dtype=np.int64)
    starts = np.zeros(0, dtype=np.int64)
    count = su.shape[0]
    if count:
        new_run = np.ones(count, dtype=bool)
        new_run[1:] = (sg[1:] != sg[:-1]) | (su[1:] != su[:-1])
        starts = np.flatnonzero(new_run)
        run_len = np.diff(np.append(starts, count))
        if all_useful:
            n_runs = _segcount(new_run, p.seg, nseg, p.width)
        else:
            n_runs = np.bincount(sg[starts], minlength=nseg).astype(np.int64)
        first_run = np.concatenate(([0], np.cumsum(n_runs)[:-1]))
        has = n_runs > 0
        longest[has] = np.maximum.reduceat(run_len, first_run[has])
    crossings = np.maximum(n_runs - 1, 0)
    lr_max, cr_min = anhoej.limits(n_useful)
    available = n_useful > 0
    if rule_set is RuleSet.IHI:
        # Shift: a run of 6 or more useful points; number of runs outside the table.
        lr_max = np.full(nseg, anhoej.IHI_SHIFT - 1, dtype=np.int64)
        low, high = anhoej.ihi_runs_limits(n_useful)
        cr_min = np.maximum(low - 1, 0)
        runs_count_signal = available & ((n_runs < low) | (n_runs > high))
        shift_points = np.repeat(run_len > lr_max[sg[starts]], run_len)
        rules[shift_points if all_useful else idx[shift_points]] |= 8
        rules[p.include & runs_count_signal[p.seg] & useful] |= 32
        trend_points = _ihi_trend(p, y)
        rules[trend_points] |= 16
        trend_seg = np.bincount(p.seg[trend_points], minlength=nseg) > 0
        signal = available & ((longest > lr_max) | runs_count_signal | trend_seg)
    else:
        long_seg = available & (longest > lr_max)
        few_seg = available & (crossings < cr_min)
        signal = long_seg | few_seg
        if long_seg.any():
            long_points = np.repeat(run_len > lr_max[sg[starts]], run_len)
            rules[long_points if all_useful else idx[long_points]] |= 2
        if few_seg.any():
            rules[useful & few_seg[p.seg]] |= 4
    longest = np.where(available, longest, -1)
    return n_useful, longest, lr_max, crossings, cr_min, signal, n_runs


def _ihi_trend(p: Points, y: FloatArray) -> BoolArray:
    """IHI trend: 5 or more consecutive points all going up or all going down. Equal
    consecutive values are skipped: they neither make nor break a trend."""
    keep = p.include & np.isfinite(y)
    idx = np.flatnonzero(keep)
    v = y[idx]
    s = p.seg[idx]
    out = np.zeros(p.size, dtype=bool)
    if idx.size < 2:
        return out
    # Drop points equal to their predecessor in the same segment.
    dup = np.zeros(idx.size, dtype=bool)
    dup[1:] = (s[1:] == s[:-1]) & (v[1:] == v[:-1])
    idx, v, s = idx[~dup], v[~dup], s[~dup]
    if idx.size < 2:
        return out
    d = np.sign(np.diff(v))
    d[s[1:] != s[:-1]] = 0
    _flag_runs_of_diffs(d, anhoej.IHI_TREND - 1, out, idx)
    return out


def _flag_runs_of_diffs(d: FloatArray, min_len: int, out: BoolArray, idx: IntArray) -> None:
    """Flag the points spanned by runs of at least `min_len` equal non-zero signs in `d`, where
    d[k] is the sign of the step from point idx[k] to idx[k+1]."""
    if d.size == 0:
        return
    new = np.ones(d.size, dtype=bool)
    new[1:] = d[1:] != d[:-1]
    rid = np.cumsum(new) - 1
    rlen = np.bincount(rid)
    long_step = (rlen[rid] >= min_len) & (d != 0)
    steps = np.flatnonzero(long_step)
    out[idx[steps]] = True
    out[idx[steps + 1]] = True


def _mdc(p: Points, y: FloatArray, c: Computed, direction: Direction) -> RuleArray:
    """Making Data Count rules (NHSRplotthedots `ptd_calculate_point_type`), per segment."""
    size = p.size
    seg = p.seg
    finite = np.isfinite(y)
    with np.errstate(invalid="ignore"):
        above = finite & (y > c.ucl)
        below = finite & (y < c.lcl)
        outside = above | below
        rel = np.where(finite, np.sign(y - c.cl), 0.0)
        close = finite & ~outside & ((y < c.lcl_95) | (y > c.ucl_95))
    same_next = np.zeros(size, dtype=bool)
    same_next[:-1] = seg[1:] == seg[:-1]

    # Shift: 7 consecutive points with the same non-zero sign (a point on the mean breaks it).
    new = np.ones(size, dtype=bool)
    new[1:] = (rel[1:] != rel[:-1]) | ~same_next[:-1]
    rid = np.cumsum(new) - 1
    rlen = np.bincount(rid)
    shift = (rel != 0) & (rlen[rid] >= anhoej.MDC_SHIFT)

    # Trend: 7 points, each strictly above (or below) the one before: 6 equal-sign steps.
    with np.errstate(invalid="ignore"):
        step = np.sign(np.diff(y))
    step = np.where(same_next[:-1] & np.isfinite(step), step, 0.0)
    trend = np.zeros(size, dtype=bool)
    _flag_runs_of_diffs(step, anhoej.MDC_TREND - 1, trend, np.arange(size))
    # Direction of a trend point: the next step if the next point is in the trend too,
    # otherwise the previous step.
    next_step = np.zeros(size)
    next_step[:-1] = step
    prev_step = np.zeros(size)
    prev_step[1:] = step
    next_in = np.zeros(size, dtype=bool)
    next_in[:-1] = trend[1:] & same_next[:-1]
    trend_dir = np.where(next_in, next_step, prev_step)

    # Two of three: a window of 3 points in one segment with >= 2 close to the limits and all 3
    # on the same side of the mean; only the close points are flagged.
    two = np.zeros(size, dtype=bool)
    if size >= 3:
        win_ok = same_next[:-2] & same_next[1:-1]
        closes = close[:-2].astype(np.int8) + close[1:-1] + close[2:]
        sides = rel[:-2] + rel[1:-1] + rel[2:]
        qual = win_ok & (closes >= 2) & (np.abs(sides) == 3)
        member = np.zeros(size, dtype=bool)
        member[:-2] |= qual
        member[1:-1] |= qual
        member[2:] |= qual
        two = member & close

    rules = np.zeros(size, dtype=np.uint8)
    rules[outside] |= 1
    rules[shift] |= 8
    rules[trend] |= 16
    rules[two] |= 64

    v = np.select(
        [outside, trend, two, shift],
        [np.where(above, 1.0, -1.0), trend_dir, rel, rel],
        default=0.0,
    )
    pt = np.full(size, PT_COMMON, dtype=np.int64)
    if direction is Direction.NEUTRAL:
        pt[v > 0] = PT_NEUTRAL_HIGH
        pt[v < 0] = PT_NEUTRAL_LOW
    else:
        sense = 1.0 if direction is Direction.INCREASE else -1.0
        pt[v * sense > 0] = PT_IMPROVEMENT
        pt[v * sense < 0] = PT_CONCERN
    c.point_type = pt
    return rules


def _inf_to_nan(a: FloatArray) -> FloatArray:
    a = np.asarray(a, dtype=np.float64)
    inf = np.isinf(a)
    return np.where(inf, np.nan, a) if inf.any() else a


def compute(p: Points, chart: ChartType, options: SpcOptions) -> Computed:
    """Centre line, limits and signals of every point."""
    nseg = p.n_segments
    seg = p.seg
    W = p.width

    def B(per_segment: FloatArray) -> FloatArray:
        """Each segment's value on each of its points."""
        return np.repeat(per_segment, W) if W else per_segment[seg]

    size = p.size
    y = p.y
    base = p.baseline & p.include
    mdc = options.rules is RuleSet.MDC
    screened = options.screened
    finite_y = np.isfinite(y)

    if chart is ChartType.RUN:
        cl = B(_seg_median(y, base & finite_y, seg, nseg))
        ucl = lcl = ucl_95 = lcl_95 = np.full(size, np.nan)
    elif chart in (ChartType.I, ChartType.T):
        v = np.power(y, 1 / 3.6) if chart is ChartType.T else y
        fin = np.isfinite(v)
        clv = _seg_mean(v, base & fin, seg, nseg, W)
        mrbar = _moving_ranges(v, base, seg, nseg, screened=screened, width=W)
        if mdc and chart is ChartType.I:
            width3 = MDC_LIMIT * mrbar
            width2 = 2.0 * MDC_LIMIT / 3.0 * mrbar
        else:
            width3 = 3.0 * mrbar / D2
            width2 = 2.0 * mrbar / D2
        cl, ucl, lcl = B(clv), B(clv + width3), B(clv - width3)
        ucl_95, lcl_95 = B(clv + width2), B(clv - width2)
        if chart is ChartType.T:
            with np.errstate(invalid="ignore"):
                cl, ucl, lcl = cl**3.6, ucl**3.6, lcl**3.6
                ucl_95, lcl_95 = ucl_95**3.6, lcl_95**3.6
            lcl = np.where(np.isnan(lcl) | (lcl < 0), 0.0, lcl)
    elif chart is ChartType.MR:
        mr = np.full(size, np.nan)
        same = seg[1:] == seg[:-1]
        mr[1:] = np.where(same, np.abs(np.diff(y)), np.nan)
        y = mr
        finite_y = np.isfinite(y)
        clv = _seg_mean(y, base & finite_y, seg, nseg, W)
        cl = B(clv)
        ucl = MR_SCREEN * cl
        lcl = np.zeros(size)
        ucl_95 = MR_SCREEN / 3.0 * 2.0 * cl
        lcl_95 = np.zeros(size)
    elif chart is ChartType.C:
        clv = _seg_mean(p.ysum, base & np.isfinite(p.ysum), seg, nseg, W)
        sd = np.sqrt(clv)
        cl = B(clv)
        ucl, lcl = B(clv + 3 * sd), np.maximum(B(clv - 3 * sd), 0.0)
        ucl_95, lcl_95 = B(clv + 2 * sd), np.maximum(B(clv - 2 * sd), 0.0)
    elif chart is ChartType.G:
        gbar = _seg_mean(y, base & finite_y, seg, nseg, W)
        sd = np.sqrt(gbar * (gbar + 1))
        ucl, lcl = B(gbar + 3 * sd), np.maximum(B(gbar - 3 * sd), 0.0)
        ucl_95, lcl_95 = B(gbar + 2 * sd), np.maximum(B(gbar - 2 * sd), 0.0)
        cl = B(_seg_median(y, base & finite_y, seg, nseg))
    elif chart in (ChartType.P, ChartType.PP, ChartType.U, ChartType.UP):
        assert p.n is not None
        n = p.n
        ok = base & np.isfinite(p.ysum) & np.isfinite(n)
        num = _segsum(np.where(ok, p.ysum, 0.0), seg, nseg, W)
        den = _segsum(np.where(ok, n, 0.0), seg, nseg, W)
        with np.errstate(invalid="ignore", divide="ignore"):
            clv = num / den
            cl = B(clv)
            if chart in (ChartType.P, ChartType.PP):
                sd = np.sqrt(cl * (1 - cl) / n)
            else:
                sd = np.sqrt(cl / n)
            if chart in (ChartType.PP, ChartType.UP):
                z = (y - cl) / sd
                if options.funnel:
                    zok = base & np.isfinite(z)
                    zmean = _seg_mean(z, zok, seg, nseg, W)
                    dev = np.where(zok, (z - B(zmean)) ** 2, 0.0)
                    sigma_z = np.sqrt(
                        _segsum(dev, seg, nseg, W) / (_segcount(zok, seg, nseg, W) - 1)
                    )
                else:
                    sigma_z = _moving_ranges(z, base, seg, nseg, screened=screened, width=W) / D2
                sd = sd * B(sigma_z)
            ucl, lcl = cl + 3 * sd, np.maximum(cl - 3 * sd, 0.0)
            ucl_95, lcl_95 = cl + 2 * sd, np.maximum(cl - 2 * sd, 0.0)
            if chart in (ChartType.P, ChartType.PP):
                ucl, ucl_95 = np.minimum(ucl, 1.0), np.minimum(ucl_95, 1.0)
    elif chart is ChartType.IP:
        assert p.n is not None
        n = p.n
        ok = base & np.isfinite(p.ysum) & np.isfinite(n)
        num = _segsum(np.where(ok, y * n, 0.0), seg, nseg, W)
        den = _segsum(np.where(ok, n, 0.0), seg, nseg, W)
        with np.errstate(invalid="ignore", divide="ignore"):
            clv = num / den
            same = seg[1:] == seg[:-1]
            s = math.sqrt(math.pi / 2) * np.abs(np.diff(y)) / np.sqrt(1 / n[:-1] + 1 / n[1:])
            sok = same & np.isfinite(s)
            sbar = _seg_mean(s, sok, seg[1:], nseg)
            if screened:
                sok = sok & (s < 3.2665 * sbar[seg[1:]])
                sbar = _seg_mean(s, sok, seg[1:], nseg)
            sd = B(sbar) * np.sqrt(1 / n)
        cl = B(clv)
        ucl, lcl = cl + 3 * sd, cl - 3 * sd
        ucl_95, lcl_95 = cl + 2 * sd, cl - 2 * sd
    elif chart in (ChartType.XBAR, ChartType.S):
        assert p.n is not None and p.ysd is not None
        n = p.n
        sd_i = p.ysd
        ok = base & np.isfinite(y) & np.isfinite(sd_i) & (n > 1)
        # Pooled standard deviation when the subgroup size varies within the baseline.
        nmin = np.full(nseg, np.inf)
        nmax = np.full(nseg, -np.inf)
        np.minimum.at(nmin, seg[ok], n[ok])
        np.maximum.at(nmax, seg[ok], n[ok])
        constant = nmin == nmax
        mean_s = _seg_mean(sd_i, ok, seg, nseg, W)
        with np.errstate(invalid="ignore", divide="ignore"):
            pooled = np.sqrt(
                _segsum(np.where(ok, (n - 1) * sd_i**2, 0.0), seg, nseg, W)
                / _segsum(np.where(ok, n - 1, 0.0), seg, nseg, W)
            )
        sbar = np.where(constant, mean_s, pooled)
        c4n = c4(n)
        if chart is ChartType.XBAR:
            okm = base & np.isfinite(y) & np.isfinite(n)
            with np.errstate(invalid="ignore", divide="ignore"):
                clv = _segsum(np.where(okm, n * y, 0.0), seg, nseg, W) / _segsum(
                    np.where(okm, n, 0.0), seg, nseg
                )
                a3 = 3.0 / (c4n * np.sqrt(n))
            cl = B(clv)
            width = a3 * B(sbar)
            ucl, lcl = cl + width, cl - width
            ucl_95, lcl_95 = cl + width * 2 / 3, cl - width * 2 / 3
        else:
            y = sd_i.astype(np.float64, copy=True)
            finite_y = np.isfinite(y)
            cl = B(sbar)
            with np.errstate(invalid="ignore", divide="ignore"):
                c5 = np.sqrt(1 - c4n**2)
                ucl = (1 + 3 * c5 / c4n) * cl
                lcl = np.maximum(1 - 3 * c5 / c4n, 0.0) * cl
                ucl_95 = (1 + 2 * c5 / c4n) * cl
                lcl_95 = np.maximum(1 - 2 * c5 / c4n, 0.0) * cl
    else:  # pragma: no cover - every ChartType is handled above
        raise ValueError(f"unknown chart {chart}")

    # Non-finite limits are missing, as in qicharts2.
    cl, lcl, ucl, lcl_95, ucl_95 = (_inf_to_nan(a) for a in (cl, lcl, ucl, lcl_95, ucl_95))

    with np.errstate(invalid="ignore"):
        sigma = (y > ucl) | (y < lcl)  # False where anything is NaN
    rules = sigma.astype(np.uint8)

    n_obs = _segcount(p.include, seg, nseg, W)
    runs_off = chart is ChartType.MR or options.funnel
    n_useful, longest, lr_max, crossings, cr_min, signal, _ = _runs(p, y, cl, options.rules, rules)
    available = n_useful > 0
    if runs_off:
        signal = np.zeros(nseg, dtype=bool)
        rules &= np.uint8(0xFF ^ (2 | 4 | 8 | 16 | 32))
    c = Computed(
        cl=cl,
        lcl=lcl,
        ucl=ucl,
        lcl_95=lcl_95,
        ucl_95=ucl_95,
        y=y,
        sigma_signal=sigma,
        rules=rules,
        n_obs=n_obs,
        n_useful=n_useful,
        longest_run=longest,
        longest_run_max=np.where(available, lr_max, -1),
        n_crossings=np.where(available, crossings, -1),
        n_crossings_min=np.where(available, cr_min, -1),
        runs_signal=signal,
        runs_available=available,
        point_type=None,
    )
    if options.rules is RuleSet.MDC:
        c.rules = _mdc(p, y, c, options.direction)
    if options.multiply != 1.0:
        m = options.multiply
        c.y, c.cl, c.lcl, c.ucl = y * m, cl * m, lcl * m, ucl * m
        c.lcl_95, c.ucl_95 = lcl_95 * m, ucl_95 * m
    return c
