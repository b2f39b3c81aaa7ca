"""IHI run-chart rules (Perla, Provost & Murray 2011), on series built to sit on either side
of each threshold. The runs table is the one published in the paper (DOMAIN.md §3.2)."""

from __future__ import annotations

import numpy as np
import pytest

from coproduce.spc import Rule, RuleSet, SpcOptions, spc
from coproduce.spc.anhoej import ihi_runs_limits

IHI = SpcOptions(rules=RuleSet.IHI)

# Perla et al. 2011, Table 1: fewest and most runs that are not a signal, n = 10..26.
PUBLISHED = {
    10: (3, 9), 11: (3, 10), 12: (3, 11), 13: (4, 11), 14: (4, 12), 15: (5, 12), 16: (5, 13),
    17: (5, 13), 18: (6, 14), 19: (6, 15), 20: (6, 16), 21: (7, 16), 22: (7, 17), 23: (7, 17),
    24: (8, 18), 25: (8, 18), 26: (9, 19),
}  # fmt: skip


def rules_at(result: object, i: int) -> tuple[Rule, ...]:
    return result.signal_rules[i]  # type: ignore[attr-defined, no-any-return]


def test_runs_table_is_the_published_one() -> None:
    n = np.array(sorted(PUBLISHED))
    low, high = ihi_runs_limits(n)
    assert {int(k): (int(lo), int(hi)) for k, lo, hi in zip(n, low, high, strict=True)} == PUBLISHED


def test_runs_test_does_not_apply_below_ten_useful_points() -> None:
    low, high = ihi_runs_limits(np.arange(0, 10))
    assert (low == 0).all()
    assert (high == np.arange(0, 10)).all()


# The median comes from a 12-point baseline (freeze) of pairs around 5, so the series built
# after it cannot move the centre line.
BASELINE = [9, 9, 1, 1, 9, 9, 1, 1, 9, 9, 1, 1]
FROZEN = SpcOptions(rules=RuleSet.IHI, freeze=len(BASELINE))
TAIL = [1, 1, 9, 9, 1, 1, 9, 9]


@pytest.mark.parametrize(("length", "signal"), [(5, False), (6, True)])
def test_shift_is_six_points_on_one_side(length: int, signal: bool) -> None:
    y = [*BASELINE, *([8] * length), *TAIL]
    result = spc(y, chart="run", options=FROZEN)
    assert result.cl[0] == 5
    flagged = [i for i in range(len(y)) if Rule.SHIFT in rules_at(result, i)]
    assert flagged == (list(range(12, 12 + length)) if signal else [])


def test_points_on_the_median_neither_make_nor_break_a_shift() -> None:
    y = [*BASELINE, 8, 8, 8, 5, 8, 8, 8, *TAIL]
    result = spc(y, chart="run", options=FROZEN)
    assert result.cl[0] == 5
    assert [i for i in range(len(y)) if Rule.SHIFT in rules_at(result, i)] == [
        12,
        13,
        14,
        16,
        17,
        18,
    ]  # six 8s make the shift; the 5 on the median is skipped, not flagged


@pytest.mark.parametrize(("rising", "signal"), [(4, False), (5, True)])
def test_trend_is_five_points_going_one_way(rising: int, signal: bool) -> None:
    y = [*BASELINE, 9, 9, *range(2, 2 + rising), *TAIL]
    result = spc(y, chart="run", options=FROZEN)
    trend = [i for i in range(len(y)) if Rule.TREND in rules_at(result, i)]
    assert trend == (list(range(14, 14 + rising)) if signal else [])


def test_equal_values_neither_make_nor_break_a_trend() -> None:
    # 2, 3, 3, 4, 5: four different rising values and a tie: no trend.
    y = [*BASELINE, 9, 9, 2, 3, 3, 4, 5, *TAIL]
    result = spc(y, chart="run", options=FROZEN)
    assert not any(Rule.TREND in rules_at(result, i) for i in range(len(y)))
    # 2, 3, 3, 4, 5, 6: five different rising values: a trend, which the tie does not break.
    y2 = [*BASELINE, 9, 9, 2, 3, 3, 4, 5, 6, *TAIL]
    result2 = spc(y2, chart="run", options=FROZEN)
    assert Rule.TREND in rules_at(result2, 19)
    assert Rule.TREND in rules_at(result2, 14)


def test_too_few_runs_signal() -> None:
    # 20 useful points in 4 runs: fewer than the 6 the table allows.
    y = [1] * 5 + [9] * 5 + [1] * 5 + [9] * 5
    result = spc(y, chart="run", options=IHI)
    assert result.phases[0].n_useful == 20
    assert Rule.RUNS_COUNT in rules_at(result, 0)
    assert result.runs_signal.all()


def test_too_many_runs_signal() -> None:
    y = [1, 9] * 10  # 20 runs of one: more than the 16 the table allows
    result = spc(y, chart="run", options=IHI)
    assert Rule.RUNS_COUNT in rules_at(result, 0)


def test_random_looking_series_has_no_ihi_signal() -> None:
    # Median 5.5; 15 runs of 20 useful points (6..16 allowed); longest run 2; no trend of 5.
    y = [3, 8, 7, 2, 9, 4, 1, 6, 8, 2, 7, 3, 9, 5, 2, 8, 6, 1, 7, 4]
    result = spc(y, chart="run", options=IHI)
    assert result.phases[0].n_crossings == 14
    assert not result.runs_signal.any()
    assert all(r == () for r in result.signal_rules)
