"""Statement statistics: representativeness, group-informed consensus, bridging.

Pol.is's formulas (compdemocracy/polis ``math/src/polismath/math/repness.clj``,
``stats.clj``, ``conversation.clj``), with its counts: ``na`` agrees, ``nd`` disagrees,
``ns`` votes seen (passes included), and a +1 pseudo-count ("a dumb prior").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from coproduce.deliberation.matrix import DeliberationInputError, VoteMatrix

__all__ = [
    "BRIDGING_QUANTILE",
    "Z_90",
    "Bridging",
    "RepresentativeStatement",
    "constituency_bridging",
    "group_informed_consensus",
    "prop_test",
    "representative_statements",
    "two_prop_test",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: One-sided z for 90% confidence (Pol.is ``z-sig-90?``).
Z_90 = 1.2816
#: The lower credible bound used for bridging (ADR 0020): the 10th percentile.
BRIDGING_QUANTILE = 0.1


def prop_test(successes: npt.ArrayLike, n: npt.ArrayLike) -> FloatArray:
    """Pol.is ``prop-test``: z for a proportion above 1/2, with +1 on both counts.

    ``2 * sqrt(n + 1) * ((successes + 1) / (n + 1) - 0.5)``.
    """
    s = np.asarray(successes, dtype=np.float64) + 1
    t = np.asarray(n, dtype=np.float64) + 1
    return np.asarray(2 * np.sqrt(t) * (s / t - 0.5))


def two_prop_test(
    succ_in: npt.ArrayLike, succ_out: npt.ArrayLike, pop_in: npt.ArrayLike, pop_out: npt.ArrayLike
) -> FloatArray:
    """Pol.is ``two-prop-test``: pooled two-proportion z, every count plus one; 0 if pooled = 1."""
    s1 = np.asarray(succ_in, dtype=np.float64) + 1
    s2 = np.asarray(succ_out, dtype=np.float64) + 1
    n1 = np.asarray(pop_in, dtype=np.float64) + 1
    n2 = np.asarray(pop_out, dtype=np.float64) + 1
    pooled = (s1 + s2) / (n1 + n2)
    var = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / np.sqrt(var)
    return np.asarray(np.where(pooled >= 1, 0.0, z))


def _groups(labels: npt.ArrayLike, n: int) -> tuple[IntArray, list[int]]:
    lab = np.asarray(labels, dtype=np.int64)
    if lab.shape != (n,):
        raise DeliberationInputError("one group label per participant is needed")
    ids = sorted(int(g) for g in np.unique(lab) if g >= 0)
    dense = np.full(n, -1, dtype=np.int64)
    for i, g in enumerate(ids):
        dense[lab == g] = i
    return dense, ids


def group_informed_consensus(matrix: VoteMatrix, labels: npt.ArrayLike) -> FloatArray:
    """Pol.is group-aware consensus per statement: ``prod over groups (A_g + 1) / (S_g + 2)``.

    ``A_g`` agrees and ``S_g`` votes seen (passes included) among group g's members; people
    without a group (label -1) are left out. With no groups every value is 1 (an empty
    product); callers should treat that as "not yet known".
    """
    dense, ids = _groups(labels, matrix.shape[0])
    agree, _, seen = matrix.counts(dense, len(ids))
    probs = (agree + 1.0) / (seen + 2.0)
    return np.asarray(np.prod(probs, axis=0))


@dataclass(frozen=True, slots=True)
class RepresentativeStatement:
    """One statement that sets a group apart (Pol.is ``finalize-cmt-stats``).

    Attributes:
        statement: index in the vote matrix.
        repful_for: whether the group agrees or disagrees more than the others.
        n_success: the group's agrees (or disagrees); n_trials: its votes seen.
        p_success: ``(n_success + 1) / (n_trials + 2)``; p_test: its :func:`prop_test`.
        repness: p_success over the same probability among everyone outside the group.
        repness_test: the :func:`two_prop_test` of group against the rest.
    """

    statement: int
    repful_for: Literal["agree", "disagree"]
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float

    @property
    def metric(self) -> float:
        """Pol.is ``repness-metric``: repness × repness_test × p_success × p_test."""
        return self.repness * self.repness_test * self.p_success * self.p_test


def representative_statements(
    matrix: VoteMatrix, labels: npt.ArrayLike, *, pick_max: int = 5
) -> dict[int, tuple[RepresentativeStatement, ...]]:
    """Each group's representative statements (Pol.is ``conv-repness`` and ``select-rep-comments``).

    A statement is representative of a group when both its agree z-tests pass at 90%
    (``pat`` and ``rat`` > 1.2816), or both disagree tests do. Each statement is reported in
    the direction with the larger ``repness_test``. The passing ones are sorted by
    :attr:`RepresentativeStatement.metric`, the best ``pick_max`` kept, agrees first. When
    none passes, the single statement with the largest ``max(rat, rdt)`` is given, if the
    group voted on anything. Keys are the group ids in ``labels``.
    """
    dense, ids = _groups(labels, matrix.shape[0])
    k = len(ids)
    if k == 0:
        return {}
    na, nd, ns = matrix.counts(dense, k)
    ra_out = na.sum(axis=0) - na
    rd_out = nd.sum(axis=0) - nd
    rs_out = ns.sum(axis=0) - ns
    pa = (na + 1.0) / (ns + 2.0)
    pd = (nd + 1.0) / (ns + 2.0)
    pat, pdt = prop_test(na, ns), prop_test(nd, ns)
    ra = pa / ((ra_out + 1.0) / (rs_out + 2.0))
    rd = pd / ((rd_out + 1.0) / (rs_out + 2.0))
    rat = two_prop_test(na, ra_out, ns, rs_out)
    rdt = two_prop_test(nd, rd_out, ns, rs_out)
    result: dict[int, tuple[RepresentativeStatement, ...]] = {}
    for g, gid in enumerate(ids):

        def stat(j: int, g: int = g) -> RepresentativeStatement:
            agree = bool(rat[g, j] > rdt[g, j])
            return RepresentativeStatement(
                statement=j,
                repful_for="agree" if agree else "disagree",
                n_success=int(na[g, j] if agree else nd[g, j]),
                n_trials=int(ns[g, j]),
                p_success=float(pa[g, j] if agree else pd[g, j]),
                p_test=float(pat[g, j] if agree else pdt[g, j]),
                repness=float(ra[g, j] if agree else rd[g, j]),
                repness_test=float(rat[g, j] if agree else rdt[g, j]),
            )

        passes = ((rat[g] > Z_90) & (pat[g] > Z_90)) | ((rdt[g] > Z_90) & (pdt[g] > Z_90))
        chosen = [stat(int(j)) for j in np.flatnonzero(passes)]
        if chosen:
            chosen.sort(key=lambda s: (-s.metric, s.statement))
            top = chosen[:pick_max]
            top = [s for s in top if s.repful_for == "agree"] + [
                s for s in top if s.repful_for == "disagree"
            ]
        else:
            voted = np.flatnonzero(ns[g] > 0)
            best = np.maximum(rat[g], rdt[g])
            top = [stat(int(voted[np.argmax(best[voted])]))] if voted.size else []
        result[gid] = tuple(top)
    return result


@dataclass(frozen=True, slots=True)
class Bridging:
    """Constituency bridging per statement (ADR 0020).

    Attributes:
        constituencies: names, sorted; the rows of ``agree``, ``seen`` and ``lower``.
        agree, seen: agrees and votes seen (passes included), per constituency and statement.
        lower: per constituency and statement, the ``quantile`` point of the Beta(agree + 1,
            seen - agree + 1) posterior of the agree probability (uniform prior).
        scores: per statement, the geometric mean over constituencies of ``lower``.
    """

    constituencies: tuple[str, ...]
    agree: IntArray
    seen: IntArray
    lower: FloatArray
    scores: FloatArray

    def ranking(self) -> IntArray:
        """Statement indices, best bridging first (ties: matrix order)."""
        return np.asarray(np.lexsort((np.arange(self.scores.size), -self.scores)), dtype=np.int64)


def constituency_bridging(
    matrix: VoteMatrix,
    constituencies: Sequence[str | None],
    *,
    quantile: float = BRIDGING_QUANTILE,
) -> Bridging:
    """How far every constituency, each counted once whatever its size, endorses a statement.

    For constituency c and a statement, ``A_c`` agrees among ``S_c`` votes seen (passes count
    as seen, not as agreement). The agree probability's posterior under a uniform prior is
    Beta(A_c + 1, S_c - A_c + 1), whose mean is Pol.is's Laplace-smoothed (A_c + 1)/(S_c + 2);
    we take its lower ``quantile`` point (10th percentile), which is near the observed share
    when many voted and pulled well below it when few did, so a statement few people saw
    cannot score high. The score is the geometric mean of these bounds over constituencies:
    a product, like Pol.is's group-informed consensus, so one constituency's rejection sinks
    a statement, put back on the 0–1 scale of a probability. Participants whose constituency
    is ``None`` are left out.
    """
    n, m = matrix.shape
    if len(constituencies) != n:
        raise DeliberationInputError("one constituency (or None) per participant is needed")
    if not 0 < quantile < 1:
        raise DeliberationInputError("quantile must be between 0 and 1")
    from scipy.stats import beta

    names = tuple(sorted({c for c in constituencies if c is not None}))
    index = {c: i for i, c in enumerate(names)}
    labels = np.array([-1 if c is None else index[c] for c in constituencies], dtype=np.int64)
    agree, _, seen = matrix.counts(labels, len(names))
    lower = np.asarray(beta.ppf(quantile, agree + 1.0, seen - agree + 1.0), dtype=np.float64)
    scores = np.exp(np.mean(np.log(np.maximum(lower, 1e-300)), axis=0)) if names else np.zeros(m)
    return Bridging(names, agree, seen, lower, np.asarray(scores, dtype=np.float64))
