"""The runs-analysis thresholds equal qicharts2's for every n from 1 to 300.

``expected/anhoej_limits.csv`` holds qicharts2 0.8.1's formulas, evaluated in R:
``longest.run.max = round(log2(n)) + 3`` and ``n.crossings.min = qbinom(0.05, n - 1, 0.5)``.
"""

from __future__ import annotations

import numpy as np

from coproduce.spc import anhoej
from tests.spc.reference import load_expected


def test_limits_match_qicharts2_for_n_1_to_300() -> None:
    expected = load_expected("anhoej_limits.csv")
    n = expected["n.useful"].to_numpy().astype(np.int64)
    assert n.tolist() == list(range(1, 301))
    longest_run_max, n_crossings_min = anhoej.limits(n)
    np.testing.assert_array_equal(longest_run_max, expected["longest.run.max"].to_numpy())
    np.testing.assert_array_equal(n_crossings_min, expected["n.crossings.min"].to_numpy())


def test_limits_keep_the_shape_and_order_of_their_input() -> None:
    n = np.array([100, 10, 10, 24], dtype=np.int64)
    longest_run_max, n_crossings_min = anhoej.limits(n)
    assert longest_run_max.tolist() == [10, 6, 6, 8]
    assert n_crossings_min.tolist() == [41, 2, 2, 8]
