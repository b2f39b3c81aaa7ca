"""Pol.is's z-tests and representative statements, checked against SciPy and by hand."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2_contingency

from coproduce.deliberation import (
    VoteMatrix,
    prop_test,
    representative_statements,
    two_prop_test,
    vote_matrix,
)


@pytest.mark.parametrize(("succ", "n"), [(0, 0), (9, 9), (3, 10), (40, 50)])
def test_prop_test_is_the_one_sample_z_against_a_half_with_pseudo_counts(succ: int, n: int) -> None:
    # z = (p - 1/2) / sqrt(1/4 / N) with p = (succ + 1)/(n + 1), N = n + 1 (Pol.is stats.clj).
    p, big_n = (succ + 1) / (n + 1), n + 1
    assert prop_test(succ, n) == pytest.approx((p - 0.5) / np.sqrt(0.25 / big_n))


@pytest.mark.parametrize(("s1", "s2", "n1", "n2"), [(8, 3, 10, 20), (1, 9, 12, 10), (5, 5, 9, 30)])
def test_two_prop_test_squared_is_pearsons_chi_square(s1: int, s2: int, n1: int, n2: int) -> None:
    # The pooled two-proportion z squared equals Pearson's chi-square (no continuity
    # correction) on the 2×2 table, here of the +1 counts Pol.is uses.
    table = [[s1 + 1, n1 - s1], [s2 + 1, n2 - s2]]
    chi2 = chi2_contingency(table, correction=False).statistic
    z = two_prop_test(s1, s2, n1, n2)
    assert z**2 == pytest.approx(chi2)
    assert np.sign(z) == np.sign((s1 + 1) / (n1 + 1) - (s2 + 1) / (n2 + 1))


def test_two_prop_test_is_zero_when_everyone_succeeds() -> None:
    # Pooled probability 1 (impossible with the +1 pseudo-counts unless...) guards division.
    assert two_prop_test(np.array([4.0]), np.array([4.0]), np.array([3.0]), np.array([3.0]))[0] == 0


def test_representative_statements_set_each_group_apart() -> None:
    # Group 0 (10 people) agrees with "ward" and disagrees with "parking"; group 1 the
    # reverse; both agree with "kind". "kind" represents neither group.
    votes = []
    for i in range(20):
        g = i // 10
        votes += [
            (f"p{i}", "ward", 1 if g == 0 else -1),
            (f"p{i}", "parking", -1 if g == 0 else 1),
            (f"p{i}", "kind", 1),
        ]
    matrix = vote_matrix(votes)
    labels = [i // 10 for i in range(20)]
    reps = representative_statements(matrix, labels)
    names = {
        g: [(matrix.statements[s.statement], s.repful_for) for s in r] for g, r in reps.items()
    }
    assert names == {
        0: [("ward", "agree"), ("parking", "disagree")],
        1: [("parking", "agree"), ("ward", "disagree")],
    }
    ward = reps[0][0]
    # By hand: pa = (10 + 1)/(10 + 2); outside (0 + 1)/(10 + 2); ratio 11.
    assert ward.p_success == pytest.approx(11 / 12)
    assert ward.repness == pytest.approx(11.0)
    assert ward.n_success == 10 and ward.n_trials == 10


def test_without_a_significant_statement_the_best_one_is_given() -> None:
    votes = [(f"p{i}", "s", 1 if i % 2 else -1) for i in range(4)]
    reps = representative_statements(vote_matrix(votes), [0, 0, 1, 1])
    assert [len(r) for r in reps.values()] == [1, 1]


def test_no_groups_no_representatives() -> None:
    matrix = VoteMatrix.from_arrays(["a"], ["s"], [0], [0], [1])
    assert representative_statements(matrix, [-1]) == {}
