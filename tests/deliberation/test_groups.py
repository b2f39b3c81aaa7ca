"""Opinion groups: the Pol.is placement rule, planted groups recovered, determinism, ids."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from coproduce.deliberation import (
    DeliberationInputError,
    VoteMatrix,
    opinion_groups,
    project_participants,
    vote_matrix,
)
from coproduce.deliberation import groups as groups_module


def planted(
    n_per_group: int = 40,
    n_groups: int = 3,
    m: int = 40,
    density: float = 0.6,
    seed: int = 3,
    follow: float = 0.95,
) -> tuple[VoteMatrix, np.ndarray]:
    """Groups with opposite stances on random statements; people vote their group's way
    with probability ``follow``."""
    rng = np.random.default_rng(seed)
    truth = np.repeat(np.arange(n_groups), n_per_group)
    stance = rng.choice([-1, 1], size=(n_groups, m))
    mask = rng.random((truth.size, m)) < density
    r, c = np.nonzero(mask)
    agree = rng.random(r.size) < follow
    v = np.where(agree, stance[truth[r], c], -stance[truth[r], c])
    ids = [f"p{i}" for i in range(truth.size)]
    return VoteMatrix.from_arrays(ids, [f"s{j}" for j in range(m)], r, c, v), truth


def test_planted_groups_are_recovered() -> None:
    matrix, truth = planted()
    groups = opinion_groups(matrix, seed=0)
    assert groups.k == 3
    assert adjusted_rand_score(truth, groups.labels) == pytest.approx(1.0)
    assert set(groups.silhouettes) <= {2, 3, 4, 5}
    assert max(groups.silhouettes, key=groups.silhouettes.__getitem__) == 3


def test_people_with_fewer_than_seven_votes_are_not_placed() -> None:
    votes = [(f"p{i}", f"s{j}", 1 if (i + j) % 3 else -1) for i in range(20) for j in range(10)]
    votes += [("few", f"s{j}", 1) for j in range(6)]
    votes += [("enough", f"s{j}", 0) for j in range(7)]  # passes count as votes
    groups = opinion_groups(vote_matrix(votes))
    matrix = vote_matrix(votes)
    few, enough = matrix.participants.index("few"), matrix.participants.index("enough")
    assert groups.group_of(few) is None
    assert groups.group_of(enough) is not None


def test_with_fewer_than_seven_statements_all_of_them_are_needed() -> None:
    votes = [(f"p{i}", f"s{j}", 1 if i % 2 else -1) for i in range(12) for j in range(5)]
    votes += [("four", f"s{j}", 1) for j in range(4)]
    matrix = vote_matrix(votes)
    groups = opinion_groups(matrix)
    assert groups.group_of(matrix.participants.index("four")) is None
    assert all(groups.group_of(i) is not None for i in range(12))


def test_the_same_seed_gives_the_same_groups() -> None:
    matrix, _ = planted(seed=5)
    a, b = opinion_groups(matrix, seed=11), opinion_groups(matrix, seed=11)
    assert a.labels.tolist() == b.labels.tolist()
    assert a.projection == pytest.approx(b.projection)


def test_group_ids_go_by_size() -> None:
    matrix, truth = planted(n_per_group=30)
    # Drop most of group 2's and some of group 0's members: sizes 30 (1), 20 (0), 10 (2).
    keep_people = np.flatnonzero(
        (truth == 1)
        | ((truth == 0) & (np.arange(truth.size) % 30 < 20))
        | ((truth == 2) & (np.arange(truth.size) % 30 < 10))
    )
    keep = np.isin(matrix.rows, keep_people)
    remap = {p: i for i, p in enumerate(keep_people)}
    sub = VoteMatrix.from_arrays(
        [matrix.participants[p] for p in keep_people],
        matrix.statements,
        [remap[int(r)] for r in matrix.rows[keep]],
        matrix.cols[keep],
        matrix.values[keep],
    )
    groups = opinion_groups(sub)
    sizes = np.bincount(groups.labels)
    assert sizes.tolist() == [30, 20, 10]


def test_ids_follow_the_previous_run() -> None:
    matrix, _ = planted()
    first = opinion_groups(matrix, seed=0)
    # Pretend last time the ids were permuted: the new run keeps those ids.
    permuted = [(int(g) + 1) % 3 for g in first.labels]
    again = opinion_groups(matrix, seed=1, previous=permuted)
    assert again.labels.tolist() == permuted


def test_projection_is_pca_of_the_mean_imputed_matrix_scaled_by_sparsity() -> None:
    # Against scikit-learn's dense PCA on the explicitly imputed matrix (Pol.is's recipe).
    from sklearn.decomposition import PCA

    matrix, _ = planted(n_per_group=15, m=12, density=0.5)
    n, m = matrix.shape
    dense = np.full((n, m), np.nan)
    dense[matrix.rows, matrix.cols] = matrix.values
    imputed = np.where(np.isnan(dense), np.nanmean(dense, axis=0), dense)
    reference = PCA(n_components=2, svd_solver="full").fit(imputed)
    expected = (
        reference.transform(imputed)
        * np.sqrt(m / np.maximum(1, (~np.isnan(dense)).sum(axis=1)))[:, None]
    )
    positions, components = project_participants(matrix)
    for i in range(2):  # a component's sign is arbitrary
        sign = np.sign(components[i] @ reference.components_[i])
        assert positions[:, i] == pytest.approx(sign * expected[:, i], abs=1e-6)


def test_nobody_placed_gives_no_groups() -> None:
    groups = opinion_groups(
        vote_matrix([("a", "s1", 1), ("b", "s2", -1)], statements=[f"s{j}" for j in range(9)])
    )
    assert groups.k == 0
    assert groups.labels.tolist() == [-1, -1]


def test_bad_options_are_refused() -> None:
    matrix, _ = planted(n_per_group=5)
    with pytest.raises(DeliberationInputError):
        opinion_groups(matrix, max_groups=1)
    with pytest.raises(DeliberationInputError, match="previous"):
        opinion_groups(matrix, previous=[None])


def test_people_who_voted_alike_a_rounding_error_apart_count_as_one_point() -> None:
    """18 places, each shared by many people but a rounding error apart (as floating-point
    projection can leave identical vote rows): k-means is asked for at most 18 base
    clusters, so it never warns that it found fewer distinct clusters than asked for (the
    test suite turns warnings into errors)."""
    rng = np.random.default_rng(3)
    places = rng.normal(size=(18, 2)) * 5
    points = places[np.arange(900) % 18] + rng.normal(scale=1e-13, size=(900, 2))
    assert np.unique(points, axis=0).shape[0] == 900  # all distinct, bit for bit
    matrix = vote_matrix([(str(p), "s", 1) for p in range(900)])
    labels, _ = groups_module._cluster(points, matrix, 1, 5, 100, 0)
    assert (labels >= 0).all()
    # Everyone at one place is in one group.
    for place in range(18):
        assert np.unique(labels[np.arange(900) % 18 == place]).size == 1
