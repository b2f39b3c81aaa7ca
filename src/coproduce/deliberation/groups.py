"""Opinion groups by the Pol.is method (Small et al. 2021; compdemocracy/polis ``math``).

1. **Who is placed.** A participant is clustered once they have voted on at least
   ``min(7, number of statements)`` statements (passes count): Pol.is ``conversation.clj``
   ``:in-conv``. Others get no group.
2. **Projection.** PCA to two components of the vote matrix with each missing vote replaced
   by its statement's mean vote (Pol.is ``:mat`` and ``pca.clj``). Centring that imputed
   matrix leaves exactly zero where a vote is missing, so the centred matrix is as sparse as
   the votes, and its two leading right singular vectors are the principal components
   (scikit-learn's randomized SVD on the sparse matrix, seeded). Each participant's projection
   is scaled by ``sqrt(n_statements / max(n_votes, 1))`` so that people who voted on little
   are not bunched at the centre (Pol.is ``sparsity-aware-project-ptpt``).
3. **Base clusters.** k-means with k = min(100, distinct points) on the placed participants'
   projections (Pol.is ``:base-clusters``, ``:base-k 100``).
4. **Groups.** k-means on the base-cluster centres, weighted by their sizes, for k from 2 to
   ``min(5, 2 + n_base // 12)`` (Pol.is ``max-k-fn``); the k with the highest silhouette
   (computed on the base-cluster centres, as Pol.is does) wins, the smaller k on a tie.
   Every participant takes the group of their base cluster.
5. **Group ids** are 0, 1, … from the largest group (ties: the group whose first member
   comes first). With ``previous`` labels, each new group takes the id of the previous group
   it shares most members with (an optimal one-to-one matching), and any other group takes
   the next free id, so ids stay put as votes arrive.

Departures from Pol.is are listed in ADR 0020.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from coproduce.deliberation.matrix import DeliberationInputError, VoteMatrix

__all__ = [
    "BASE_CLUSTERS",
    "MAX_GROUPS",
    "MIN_VOTES",
    "OpinionGroups",
    "opinion_groups",
    "project_participants",
]

#: Votes a participant needs before being placed (Pol.is ``(min 7 n-cmts)``).
MIN_VOTES = 7
#: Base clusters (Pol.is ``:base-k``).
BASE_CLUSTERS = 100
#: Most groups (Pol.is ``:max-k``).
MAX_GROUPS = 5

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class OpinionGroups:
    """Participants' opinion groups.

    Attributes:
        labels: group id per participant (matrix row order); -1 for people not placed.
        k: number of groups (0 when nobody is placed).
        silhouettes: silhouette of each k tried (empty when no choice was made).
        projection: each participant's 2-D position (rows of the vote matrix).
        components: the two principal components, shape (2, n_statements).
        placed: whether each participant had enough votes to be clustered.
    """

    labels: IntArray
    k: int
    silhouettes: Mapping[int, float]
    projection: FloatArray
    components: FloatArray
    placed: npt.NDArray[np.bool_]

    def group_of(self, participant_index: int) -> int | None:
        label = int(self.labels[participant_index])
        return None if label < 0 else label


def project_participants(matrix: VoteMatrix, *, seed: int = 0) -> tuple[FloatArray, FloatArray]:
    """Sparsity-aware PCA projection: (positions (n, 2), components (2, m)).

    See the module docstring, step 2. Components are signed so that each one's largest
    loading is positive (the sign of a principal component is otherwise arbitrary).
    """
    from scipy import sparse
    from sklearn.utils.extmath import randomized_svd

    n, m = matrix.shape
    positions = np.zeros((n, 2))
    components = np.zeros((2, m))
    if matrix.n_votes == 0 or m == 0:
        return positions, components
    values = matrix.values.astype(np.float64)
    seen = np.bincount(matrix.cols, minlength=m)
    means = np.bincount(matrix.cols, weights=values, minlength=m) / np.maximum(seen, 1)
    centred = sparse.csr_matrix(
        (values - means[matrix.cols], (matrix.rows, matrix.cols)), shape=(n, m)
    )
    n_comp = min(2, n, m)
    _, _, vt = randomized_svd(centred, n_comp, n_iter=10, random_state=seed)
    for i in range(n_comp):
        if vt[i, int(np.argmax(np.abs(vt[i])))] < 0:
            vt[i] = -vt[i]
    components[:n_comp] = vt
    raw = np.asarray(centred @ components.T)
    votes = matrix.votes_per_participant()
    scale = np.sqrt(m / np.maximum(votes, 1))
    positions = raw * scale[:, None]
    return positions, components


def _kmeans(points: FloatArray, k: int, seed: int, weights: FloatArray | None = None) -> Any:
    from sklearn.cluster import KMeans

    model = KMeans(n_clusters=k, n_init=1 if weights is None else 10, random_state=seed)
    return model.fit(points, sample_weight=weights)


def _relabel(labels: IntArray, previous: IntArray | None) -> IntArray:
    """Group ids by size, or matched to ``previous`` (module docstring, step 5)."""
    groups = [g for g in np.unique(labels) if g >= 0]
    if not groups:
        return labels
    sizes = {g: int(np.count_nonzero(labels == g)) for g in groups}
    first = {g: int(np.argmax(labels == g)) for g in groups}
    order = sorted(groups, key=lambda g: (-sizes[g], first[g]))
    mapping: dict[int, int] = {}
    if previous is not None:
        from scipy.optimize import linear_sum_assignment

        old = sorted(int(g) for g in np.unique(previous) if g >= 0)
        if old:
            overlap = np.array(
                [[np.count_nonzero((labels == g) & (previous == o)) for o in old] for g in order]
            )
            r, c = linear_sum_assignment(-overlap)
            for i, j in zip(r, c, strict=True):
                if overlap[i, j] > 0:
                    mapping[int(order[i])] = old[j]
        used = set(mapping.values()) | set(old)
        nxt = 0
        for g in order:
            if g not in mapping:
                while nxt in used:
                    nxt += 1
                mapping[int(g)] = nxt
                used.add(nxt)
    else:
        mapping = {int(g): i for i, g in enumerate(order)}
    out = np.full_like(labels, -1)
    for g, new in mapping.items():
        out[labels == g] = new
    return out


def opinion_groups(
    matrix: VoteMatrix,
    *,
    seed: int = 0,
    min_votes: int = MIN_VOTES,
    max_groups: int = MAX_GROUPS,
    base_clusters: int = BASE_CLUSTERS,
    previous: Sequence[int | None] | None = None,
) -> OpinionGroups:
    """Opinion groups by the Pol.is method (module docstring); deterministic given ``seed``.

    Args:
        matrix: the final votes.
        seed: seeds the randomized SVD and every k-means.
        min_votes: a participant is placed after ``min(min_votes, n_statements)`` votes.
        max_groups: the largest k tried (at least 2).
        base_clusters: the number of base clusters (at least 2).
        previous: the last run's group per participant (``None``: not placed), in matrix
            row order, to keep ids stable.
    """
    if min_votes < 1 or max_groups < 2 or base_clusters < 2:
        raise DeliberationInputError("min_votes >= 1, max_groups >= 2 and base_clusters >= 2")
    n = matrix.shape[0]
    prev: IntArray | None = None
    if previous is not None:
        if len(previous) != n:
            raise DeliberationInputError("previous needs one entry per participant")
        prev = np.array([-1 if g is None else int(g) for g in previous], dtype=np.int64)
    positions, components = project_participants(matrix, seed=seed)
    # k-means on at most 10,000 two-dimensional points is quicker on one thread: OpenMP's
    # start-up costs more than it saves (and the machine may be shared).
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        labels, silhouettes = _cluster(
            positions, matrix, min_votes, max_groups, base_clusters, seed
        )
    labels = _relabel(labels, prev)
    k = int(np.unique(labels[labels >= 0]).size)
    placed = labels >= 0
    return OpinionGroups(labels, k, silhouettes, positions, components, placed)


def _cluster(
    positions: FloatArray,
    matrix: VoteMatrix,
    min_votes: int,
    max_groups: int,
    base_clusters: int,
    seed: int,
) -> tuple[IntArray, dict[int, float]]:
    """Steps 1, 3 and 4 of the module docstring: group per participant (-1: not placed)."""
    from sklearn.metrics import silhouette_score

    n, m = matrix.shape
    placed = matrix.votes_per_participant() >= max(1, min(min_votes, m))
    labels = np.full(n, -1, dtype=np.int64)
    index = np.flatnonzero(placed)
    silhouettes: dict[int, float] = {}
    if index.size == 0:
        return labels, silhouettes
    points = positions[index]
    # People who voted alike can land a rounding error apart: count them as one point, or
    # k-means is asked for more base clusters than there are places to put them.
    distinct = np.unique(np.round(points, 9), axis=0).shape[0]
    base_k = min(base_clusters, distinct)
    if base_k == 1:
        base_labels = np.zeros(index.size, dtype=np.int64)
        centres = points[:1]
    else:
        base = _kmeans(points, base_k, seed)
        base_labels = base.labels_.astype(np.int64)
        centres = base.cluster_centers_
    weights = np.bincount(base_labels, minlength=centres.shape[0]).astype(np.float64)
    n_base = centres.shape[0]
    if n_base < 3:
        # Too few base clusters for a silhouette: each is its own group.
        group_of_base = np.arange(n_base, dtype=np.int64)
    else:
        top = min(max_groups, 2 + n_base // 12, n_base - 1)
        best: tuple[float, IntArray] | None = None
        for k in range(2, top + 1):
            fitted = _kmeans(centres, k, seed, weights)
            found = fitted.labels_.astype(np.int64)
            if np.unique(found).size < 2:
                continue
            score = float(silhouette_score(centres, found))
            silhouettes[k] = score
            if best is None or score > best[0]:
                best = (score, found)
        group_of_base = best[1] if best is not None else np.zeros(n_base, dtype=np.int64)
    labels[index] = group_of_base[base_labels]
    return labels, silhouettes
