"""Run-chart rule thresholds: Anhøj (as qicharts2) and the IHI runs table (Perla et al. 2011).

Anhøj & Olesen 2014 (PLoS ONE 9(11): e113825), implemented as qicharts2 0.8.1 `crsignal()`:

* longest run signal when ``longest_run > round(log2(n)) + 3`` (Schilling 2012);
* crossings signal when ``crossings < qbinom(0.05, n - 1, 0.5)`` (Chen 2010);

where ``n`` is the number of useful observations (points not on the centre line).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from coproduce.spc.types import IntArray

#: Smallest and largest number of runs that is not a signal, by number of useful observations,
#: from Perla, Provost & Murray (2011), Table 1 (Swed & Eisenhart). Outside 10..26 we use the
#: normal approximation to the Wald-Wolfowitz runs distribution (±1.96 SD), a design choice.
IHI_RUNS_TABLE: dict[int, tuple[int, int]] = {
    10: (3, 9),
    11: (3, 10),
    12: (3, 11),
    13: (4, 11),
    14: (4, 12),
    15: (5, 12),
    16: (5, 13),
    17: (5, 13),
    18: (6, 14),
    19: (6, 15),
    20: (6, 16),
    21: (7, 16),
    22: (7, 17),
    23: (7, 17),
    24: (8, 18),
    25: (8, 18),
    26: (9, 19),
}

IHI_SHIFT = 6  # points on one side of the median
IHI_TREND = 5  # points going up or down
MDC_SHIFT = 7
MDC_TREND = 7


@lru_cache(maxsize=4096)
def crossings_min_scalar(n_useful: int) -> int:
    """qbinom(0.05, n - 1, 0.5): the smallest c with P(X <= c) >= 0.05, X ~ Binomial(n-1, 1/2)."""
    m = max(n_useful - 1, 0)
    if m <= 4000:
        # Exact: P(X <= c) >= 1/20  <=>  20 * sum_{k<=c} C(m, k) >= 2**m.
        total = 0
        target = 1 << m
        for c in range(m + 1):
            total += math.comb(m, c)
            if 20 * total >= target:
                return c
        return m
    # Very long phases: accumulate the pmf in log space.
    log_half_m = -m * math.log(2.0)
    cdf = 0.0
    for c in range(m + 1):
        cdf += math.exp(
            math.lgamma(m + 1) - math.lgamma(c + 1) - math.lgamma(m - c + 1) + log_half_m
        )
        if cdf >= 0.05 * (1 - 64 * 2.220446049250313e-16):
            return c
    return m


def longest_run_max(n_useful: IntArray) -> IntArray:
    """round(log2(n)) + 3, with R's half-to-even rounding; 0 where n is 0."""
    n = np.asarray(n_useful, dtype=np.int64)
    with np.errstate(divide="ignore"):
        out = np.round(np.log2(np.maximum(n, 1))).astype(np.int64) + 3
    return np.where(n > 0, out, 0)


def crossings_min(n_useful: IntArray) -> IntArray:
    n = np.asarray(n_useful, dtype=np.int64)
    uniq, inverse = np.unique(n, return_inverse=True)
    values = np.array([crossings_min_scalar(int(u)) for u in uniq], dtype=np.int64)
    return values[inverse].reshape(n.shape)


def limits(n_useful: IntArray) -> tuple[IntArray, IntArray]:
    """Anhøj thresholds for each number of useful observations: (longest run max, crossings min)."""
    return longest_run_max(n_useful), crossings_min(n_useful)


def ihi_runs_limits(n_useful: IntArray) -> tuple[IntArray, IntArray]:
    """Fewest and most runs that are not a signal (IHI). For n < 10 the test does not apply:
    the limits are (0, n) so it never fires."""
    n = np.asarray(n_useful, dtype=np.int64)
    low = np.zeros_like(n)
    high = n.copy()
    for size, (lo, hi) in IHI_RUNS_TABLE.items():
        hit = n == size
        low[hit] = lo
        high[hit] = hi
    big = n > 26
    if big.any():
        nf = n[big].astype(np.float64)
        # Wald-Wolfowitz with n1 = n2 = n/2: mean n/2 + 1, variance n(n-2)/(4(n-1)).
        mean = nf / 2 + 1
        sd = np.sqrt(nf * (nf - 2) / (4 * (nf - 1)))
        low[big] = np.ceil(mean - 1.96 * sd).astype(np.int64)
        high[big] = np.floor(mean + 1.96 * sd).astype(np.int64)
    return low, high
