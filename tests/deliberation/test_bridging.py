"""Constituency bridging and group-informed consensus on hand-made matrices."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from coproduce.deliberation import (
    DeliberationInputError,
    VoteMatrix,
    constituency_bridging,
    group_informed_consensus,
)


def build(
    groups: Sequence[tuple[str, int, Sequence[int], Sequence[int]]],
) -> tuple[VoteMatrix, list[str]]:
    """Participants by (constituency, count, agrees on statement A, agrees on statement B).

    Agrees are given as counts: the first ``a`` of the constituency agree, the rest disagree.
    A count of -1 means the constituency did not see the statement at all.
    """
    participants: list[str] = []
    constituencies: list[str] = []
    rows: list[int] = []
    cols: list[int] = []
    values: list[int] = []
    for name, size, *per_statement in groups:
        for i in range(size):
            index = len(participants)
            participants.append(f"{name}-{i}")
            constituencies.append(name)
            for j, agrees in enumerate(per_statement):
                (count,) = agrees
                if count < 0:
                    continue
                rows.append(index)
                cols.append(j)
                values.append(1 if i < count else -1)
    matrix = VoteMatrix.from_arrays(participants, ["A", "B"], rows, cols, values)
    return matrix, constituencies


def test_ninety_percent_of_both_beats_all_staff_and_a_fifth_of_patients() -> None:
    # A: 9 of 10 patients and 90 of 100 staff agree.  B: 100 of 100 staff, 2 of 10 patients.
    matrix, constituency = build([("patient", 10, [9], [2]), ("staff", 100, [90], [100])])
    result = constituency_bridging(matrix, constituency)
    assert result.scores[0] > result.scores[1]
    assert [matrix.statements[j] for j in result.ranking()] == ["A", "B"]
    # A raw head count would have said the opposite: B has 102 agrees, A 99.
    agrees = np.bincount(matrix.cols[matrix.values == 1], minlength=2)
    assert agrees[1] > agrees[0]


def test_a_larger_constituency_does_not_weigh_more() -> None:
    # A: every staff member agrees and no patient does. However many staff there are, A's
    # score stays under the square root of the patients' bound (the most the staff factor,
    # at most 1, can lift it), and far below a statement both endorse.
    for staff in (10, 100, 1000):
        matrix, constituency = build(
            [("patient", 10, [0], [9]), ("staff", staff, [staff], [staff - staff // 10])]
        )
        result = constituency_bridging(matrix, constituency)
        assert result.scores[0] <= result.lower[0, 0] ** 0.5
        assert result.scores[0] < 0.35 < result.scores[1]
    # Equal sizes and mirror-image votes tie exactly.
    matrix, constituency = build([("patient", 10, [0], [10]), ("staff", 10, [10], [0])])
    result = constituency_bridging(matrix, constituency)
    assert result.scores[0] == pytest.approx(result.scores[1])


def test_a_statement_few_people_saw_does_not_score_high() -> None:
    # A: one patient and one staff member saw it and agreed (100%). B: 45 of 50 in each (90%).
    matrix, constituency = build([("patient", 50, [1], [45]), ("staff", 50, [1], [45])])
    # Only the first of each saw A: drop the other A votes.
    keep = ~(
        (matrix.cols == 0)
        & (np.array([int(p.split("-")[1]) for p in matrix.participants])[matrix.rows] > 0)
    )
    seen_once = VoteMatrix.from_arrays(
        matrix.participants,
        matrix.statements,
        matrix.rows[keep],
        matrix.cols[keep],
        matrix.values[keep],
    )
    result = constituency_bridging(seen_once, constituency)
    assert result.seen[:, 0].tolist() == [1, 1]
    assert result.scores[1] > result.scores[0]


def test_a_constituency_that_never_saw_the_statement_holds_it_back() -> None:
    # A: all 20 patients and all 20 staff agree; carers never saw it. B: 18 of 20 in all three.
    matrix, constituency = build(
        [("patient", 20, [20], [18]), ("staff", 20, [20], [18]), ("carer", 20, [-1], [18])]
    )
    result = constituency_bridging(matrix, constituency)
    assert result.constituencies == ("carer", "patient", "staff")
    assert result.scores[1] > result.scores[0]


def test_bounds_are_the_beta_posterior_tenth_percentile() -> None:
    # Beta(a + 1, 1) has CDF x^(a + 1): its 10th percentile is 0.1 ** (1 / (a + 1)).
    matrix, constituency = build([("patient", 3, [3], [0]), ("staff", 8, [8], [0])])
    result = constituency_bridging(matrix, constituency)
    assert result.lower[:, 0] == pytest.approx([0.1 ** (1 / 4), 0.1 ** (1 / 9)])
    assert result.scores[0] == pytest.approx((0.1 ** (1 / 4) * 0.1 ** (1 / 9)) ** 0.5)
    # Beta(1, b + 1): CDF 1 - (1 - x)^(b + 1), so the 10th percentile is 1 - 0.9 ** (1/(b+1)).
    assert result.lower[:, 1] == pytest.approx([1 - 0.9 ** (1 / 4), 1 - 0.9 ** (1 / 9)])


def test_renaming_or_reordering_constituencies_changes_nothing() -> None:
    matrix, constituency = build([("patient", 10, [9], [2]), ("staff", 30, [20], [30])])
    renamed = ["zz" if c == "patient" else "aa" for c in constituency]
    a = constituency_bridging(matrix, constituency).scores
    b = constituency_bridging(matrix, renamed).scores
    assert a == pytest.approx(b)


def test_participants_without_a_constituency_are_left_out() -> None:
    matrix, constituency = build([("patient", 10, [9], [2]), ("staff", 10, [9], [10])])
    with_none: list[str | None] = list(constituency)
    with_none[0] = None
    result = constituency_bridging(matrix, with_none)
    assert result.seen[:, 0].tolist() == [9, 10]


def test_group_informed_consensus_is_the_pol_is_product() -> None:
    # Group 0: 3 agree, 1 disagree on A; group 1: 1 agree, 1 pass on A. Pol.is:
    # (3 + 1)/(4 + 2) × (1 + 1)/(2 + 2) = 1/3. Passes count as seen; the unplaced voter (-1)
    # is left out. B: nobody voted, so (1/2)(1/2).
    rows = [0, 1, 2, 3, 4, 5, 6]
    cols = [0] * 7
    values = [1, 1, 1, -1, 1, 0, 1]
    matrix = VoteMatrix.from_arrays([f"p{i}" for i in range(7)], ["A", "B"], rows, cols, values)
    consensus = group_informed_consensus(matrix, [0, 0, 0, 0, 1, 1, -1])
    assert consensus == pytest.approx([1 / 3, 1 / 4])


def test_bad_bridging_input_is_refused() -> None:
    matrix, constituency = build([("patient", 2, [1], [1])])
    with pytest.raises(DeliberationInputError, match="one constituency"):
        constituency_bridging(matrix, constituency[:1])
    with pytest.raises(DeliberationInputError, match="quantile"):
        constituency_bridging(matrix, constituency, quantile=1.0)
