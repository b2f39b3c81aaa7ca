"""The vote matrix: last vote wins, passes are votes, bad votes are refused."""

from __future__ import annotations

import numpy as np
import pytest

from coproduce.deliberation import DeliberationInputError, VoteMatrix, vote_matrix


def test_the_last_vote_counts() -> None:
    matrix = vote_matrix([("a", "s1", 1), ("b", "s1", 0), ("a", "s1", -1), ("a", "s2", 1)])
    assert matrix.participants == ("a", "b") and matrix.statements == ("s1", "s2")
    got = {
        (matrix.participants[r], matrix.statements[c]): int(v)
        for r, c, v in zip(matrix.rows, matrix.cols, matrix.values, strict=True)
    }
    assert got == {("a", "s1"): -1, ("b", "s1"): 0, ("a", "s2"): 1}
    assert matrix.votes_per_participant().tolist() == [2, 1]


def test_listed_participants_without_votes_are_kept() -> None:
    matrix = vote_matrix([("a", "s1", 1)], participants=["z", "a"])
    assert matrix.participants == ("z", "a")
    assert matrix.votes_per_participant().tolist() == [0, 1]


@pytest.mark.parametrize("vote", [2, -2, True, 0.5])
def test_a_vote_other_than_one_minus_one_or_zero_is_refused(vote: object) -> None:
    with pytest.raises(DeliberationInputError, match="not 1"):
        vote_matrix([("a", "s", vote)])  # type: ignore[list-item]


def test_from_arrays_refuses_out_of_range_and_bad_values() -> None:
    with pytest.raises(DeliberationInputError, match="out of range"):
        VoteMatrix.from_arrays(["a"], ["s"], [1], [0], [1])
    with pytest.raises(DeliberationInputError, match="not 1"):
        VoteMatrix.from_arrays(["a"], ["s"], [0], [0], [3])
    with pytest.raises(DeliberationInputError, match="unique"):
        VoteMatrix.from_arrays(["a", "a"], ["s"], [0], [0], [1])


def test_counts_by_label() -> None:
    matrix = vote_matrix([("a", "s", 1), ("b", "s", -1), ("c", "s", 0), ("d", "s", 1)])
    agree, disagree, seen = matrix.counts(np.array([0, 0, 1, -1]), 2)
    assert agree.tolist() == [[1], [0]]
    assert disagree.tolist() == [[1], [0]]
    assert seen.tolist() == [[2], [1]]


def test_ten_thousand_by_one_thousand_is_cheap() -> None:
    rng = np.random.default_rng(0)
    n, m = 10_000, 1_000
    r = rng.integers(0, n, 1_000_000)
    c = rng.integers(0, m, 1_000_000)
    v = rng.integers(-1, 2, 1_000_000)
    matrix = VoteMatrix.from_arrays([str(i) for i in range(n)], [str(j) for j in range(m)], r, c, v)
    assert matrix.values.nbytes + matrix.rows.nbytes + matrix.cols.nbytes < 20_000_000
    assert matrix.n_votes == np.unique(r * m + c).size
