"""Kano analysis per attribute and segment: counts, category, Better/Worse, continuous scores.

Everything here follows DOMAIN.md §4.4–§4.6:

* **Counts.** Each respondent's (functional, dysfunctional) pair is classified with the
  evaluation table (:mod:`coproduce.kano.answers`); A, O, M, I, R and Q are counted, n is
  their sum (Berger et al. 1993; Sauerwein et al. 1996).
* **Category** is the most frequent category (the mode), as in Atlason & Giacalone's R code
  (``which.max``). Q never wins: it marks a misunderstood question, not a view. Ties are broken
  by M > O > A > I (> R), "the order of importance" of Berger et al. (1993), via the
  proofofthepudding Kano guide. An attribute whose every answer is Q is Q.
* **Q share** = Q / n, flagged above a configurable threshold (design choice, default 10%).
* **Better** = (A + O) / (A + O + M + I) ∈ [0, 1] and **Worse** = −(O + M) / (A + O + M + I)
  ∈ [−1, 0], Timko's customer-satisfaction coefficients in Berger et al. (1993), as coded in
  the R implementation (``cslist``, ``dslist``). R and Q are outside the denominator; with
  A + O + M + I = 0 both are undefined (``None``).
* **Continuous scores** (DuMouchel, in Berger et al. 1993): each answer scores on an asymmetric
  scale, functional LIKE 4, MUST_BE 2, NEUTRAL 0, LIVE_WITH −1, DISLIKE −2, dysfunctional
  LIKE −2, MUST_BE −1, NEUTRAL 0, LIVE_WITH 2, DISLIKE 4 (values from the datastory guide,
  "Continuous Scale Analysis of the Kano Model"). Per attribute: the mean and the standard
  deviation (sample, n − 1) of each score over all n respondents, because one mean can hide
  very different answer mixes (the same page's caution); and the mean self-stated importance
  when one was asked.
* **Quadrant** of the Better–Worse diagram, split at 0.5 on Better and on |Worse| (design
  choice, DOMAIN.md §4.5): O-like, A-like, M-like, I-like.

The work is vectorised with NumPy (``bincount`` over attribute × segment × category), so
a million answer pairs take well under a second. Pure: no Django, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from coproduce.kano.answers import (
    CATEGORY_ORDER,
    Category,
    KanoAnswer,
    KanoAnswerError,
    evaluate_codes,
    parse_answer,
)

__all__ = [
    "DYSFUNCTIONAL_SCORES",
    "FUNCTIONAL_SCORES",
    "TIE_PRIORITY",
    "KanoAnalysis",
    "KanoCounts",
    "KanoInputError",
    "KanoOptions",
    "KanoResponse",
    "KanoResult",
    "SegmentComparison",
    "analyse",
    "analyse_columns",
    "category_of",
    "quadrant_of",
    "satisfaction_coefficients",
]

#: Tie rule, Berger et al. (1993): the category with the greater influence wins a tie.
#: R comes last; Q never wins unless it is the only category answered.
TIE_PRIORITY: tuple[Category, ...] = (Category.M, Category.O, Category.A, Category.I, Category.R)

#: DuMouchel's asymmetric scores (Berger et al. 1993, via the datastory guide).
FUNCTIONAL_SCORES: dict[KanoAnswer, float] = {
    KanoAnswer.LIKE: 4.0,
    KanoAnswer.MUST_BE: 2.0,
    KanoAnswer.NEUTRAL: 0.0,
    KanoAnswer.LIVE_WITH: -1.0,
    KanoAnswer.DISLIKE: -2.0,
}
DYSFUNCTIONAL_SCORES: dict[KanoAnswer, float] = {
    KanoAnswer.LIKE: -2.0,
    KanoAnswer.MUST_BE: -1.0,
    KanoAnswer.NEUTRAL: 0.0,
    KanoAnswer.LIVE_WITH: 2.0,
    KanoAnswer.DISLIKE: 4.0,
}
_F_SCORE = np.array([np.nan, *(FUNCTIONAL_SCORES[a] for a in KanoAnswer)])
_D_SCORE = np.array([np.nan, *(DYSFUNCTIONAL_SCORES[a] for a in KanoAnswer)])
_NCAT = len(CATEGORY_ORDER)


class KanoInputError(ValueError):
    """Bad input to :func:`analyse_columns`: says which entry (0-based) and which column.

    Attributes:
        index: the position of the offending response, if one is to blame.
        column: ``respondent``, ``segment``, ``attribute``, ``functional``, ``dysfunctional``
            or ``importance``, if one is to blame.
        reason: the message without the position, for callers that say it their own way.
    """

    def __init__(self, reason: str, *, index: int | None = None, column: str | None = None):
        where = []
        if index is not None:
            where.append(f"response {index}")
        if column is not None:
            where.append(f"column {column}")
        super().__init__(f"{', '.join(where)}: {reason}" if where else reason)
        self.reason = reason
        self.index = index
        self.column = column


@dataclass(frozen=True, slots=True)
class KanoOptions:
    """Settings of an analysis.

    Attributes:
        overall: the segment name of the rows that pool every segment (reserved: no real
            segment may be called this, ignoring case).
        q_share_threshold: a Q share above this flags the question for rewording (design
            choice, DOMAIN.md §4.4).
        quadrant_split: where the Better–Worse diagram is split, on Better and on |Worse|.
    """

    overall: str = "all"
    q_share_threshold: float = 0.10
    quadrant_split: float = 0.5

    def __post_init__(self) -> None:
        if not self.overall.strip():
            raise ValueError("the overall segment needs a name")
        if not 0 <= self.q_share_threshold <= 1:
            raise ValueError("q_share_threshold is a share, between 0 and 1")
        if not 0 < self.quadrant_split < 1:
            raise ValueError("quadrant_split is between 0 and 1")


@dataclass(frozen=True, slots=True)
class KanoCounts:
    """How many answer pairs fell in each category."""

    A: int = 0
    O: int = 0  # noqa: E741
    M: int = 0
    I: int = 0  # noqa: E741
    R: int = 0
    Q: int = 0

    def __post_init__(self) -> None:
        if min(self.as_tuple()) < 0:
            raise ValueError("counts cannot be negative")

    @property
    def n(self) -> int:
        """All answer pairs, Q and R included."""
        return self.A + self.O + self.M + self.I + self.R + self.Q

    def as_tuple(self) -> tuple[int, int, int, int, int, int]:
        """(A, O, M, I, R, Q)."""
        return (self.A, self.O, self.M, self.I, self.R, self.Q)

    def __getitem__(self, category: Category | str) -> int:
        value: int = getattr(self, Category(category).value)
        return value

    @classmethod
    def of(cls, categories: Iterable[Category | str]) -> KanoCounts:
        """Count a sequence of categories."""
        tally = dict.fromkeys(Category, 0)
        for c in categories:
            tally[Category(c)] += 1
        return cls(*(tally[c] for c in CATEGORY_ORDER))


def category_of(counts: KanoCounts) -> tuple[Category, tuple[Category, ...]]:
    """The category by mode with the M > O > A > I > R tie rule, and the tied categories.

    Q is excluded from winning (DOMAIN.md §4.4); an attribute whose every answer is Q (or that
    has no answers) is Q. The second value lists every category sharing the top count, in
    priority order: more than one means the tie rule decided.
    """
    top = max(counts[c] for c in TIE_PRIORITY)
    if top == 0:
        return Category.Q, ()
    tied = tuple(c for c in TIE_PRIORITY if counts[c] == top)
    return tied[0], tied


def satisfaction_coefficients(counts: KanoCounts) -> tuple[float | None, float | None]:
    """Better = (A+O)/(A+O+M+I) and Worse = −(O+M)/(A+O+M+I) (Timko, in Berger et al.
    1993); ``(None, None)`` when A+O+M+I = 0. Worse is ≤ 0 (−0.0 is returned as 0.0)."""
    base = counts.A + counts.O + counts.M + counts.I
    if base == 0:
        return None, None
    return (counts.A + counts.O) / base, -(counts.O + counts.M) / base or 0.0


def quadrant_of(better: float | None, worse: float | None, split: float = 0.5) -> Category | None:
    """The quadrant of the Better–Worse diagram (DOMAIN.md §4.5): O-like when Better and
    |Worse| are both at least ``split``, A-like when only Better is, M-like when only |Worse|
    is, I-like when neither; ``None`` when the coefficients are undefined."""
    if better is None or worse is None:
        return None
    high_better = better >= split
    high_worse = -worse >= split
    if high_better:
        return Category.O if high_worse else Category.A
    return Category.M if high_worse else Category.I


@dataclass(frozen=True, slots=True)
class KanoResult:
    """One attribute in one segment (or in all of them, ``segment == options.overall``).

    Attributes:
        attribute, segment: what was analysed.
        counts: A, O, M, I, R, Q.
        category: the mode with the tie rule (see :func:`category_of`).
        tied: the categories sharing the top count (one, or more if the tie rule decided).
        q_share: Q / n.
        q_flag: ``q_share`` is above the threshold: the question may be misunderstood.
        better: (A+O)/(A+O+M+I) ∈ [0, 1], or ``None``.
        worse: −(O+M)/(A+O+M+I) ∈ [−1, 0], or ``None``.
        quadrant: the Better–Worse quadrant (O-, A-, M- or I-like), or ``None``.
        functional_mean, functional_sd: DuMouchel functional score, mean and sample SD
            (``None`` below two respondents), over all n respondents.
        dysfunctional_mean, dysfunctional_sd: the same for the dysfunctional score.
        importance_mean: mean self-stated importance of those who gave one, or ``None``.
        importance_n: how many gave one.
    """

    attribute: str
    segment: str
    counts: KanoCounts
    category: Category
    tied: tuple[Category, ...]
    q_share: float
    q_flag: bool
    better: float | None
    worse: float | None
    quadrant: Category | None
    functional_mean: float
    functional_sd: float | None
    dysfunctional_mean: float
    dysfunctional_sd: float | None
    importance_mean: float | None = None
    importance_n: int = 0

    @property
    def n(self) -> int:
        """Respondents who answered this attribute (in this segment)."""
        return self.counts.n


@dataclass(frozen=True, slots=True)
class SegmentComparison:
    """One attribute across segments, side by side (the overall row last).

    Attributes:
        attribute: the attribute.
        results: one result per segment that answered it, in segment order, then overall.
        categories_agree: every segment (overall aside) has the same category.
        better_spread: largest minus smallest Better across segments (``None`` if < 2 known).
        worse_spread: the same for Worse.
    """

    attribute: str
    results: tuple[KanoResult, ...]
    categories_agree: bool
    better_spread: float | None
    worse_spread: float | None


@dataclass(frozen=True, slots=True)
class KanoAnalysis:
    """Every attribute in every segment, plus the pooled rows.

    ``results`` is ordered by attribute (first appearance), then segment (first appearance),
    then the overall row.
    """

    results: tuple[KanoResult, ...]
    attributes: tuple[str, ...]
    segments: tuple[str, ...]
    options: KanoOptions = field(default_factory=KanoOptions)

    def result(self, attribute: str, segment: str | None = None) -> KanoResult:
        """The result of ``attribute`` in ``segment`` (default: overall)."""
        wanted = self.options.overall if segment is None else segment
        for r in self.results:
            if r.attribute == attribute and r.segment == wanted:
                return r
        raise KeyError((attribute, wanted))

    def overall(self) -> tuple[KanoResult, ...]:
        """The pooled row of each attribute."""
        return tuple(r for r in self.results if r.segment == self.options.overall)

    def compare(self, attribute: str) -> SegmentComparison:
        """``attribute`` in every segment, side by side."""
        rows = tuple(r for r in self.results if r.attribute == attribute)
        if not rows:
            raise KeyError(attribute)
        own = [r for r in rows if r.segment != self.options.overall]
        better = [r.better for r in own if r.better is not None]
        worse = [r.worse for r in own if r.worse is not None]
        return SegmentComparison(
            attribute=attribute,
            results=rows,
            categories_agree=len({r.category for r in own}) <= 1,
            better_spread=max(better) - min(better) if len(better) > 1 else None,
            worse_spread=max(worse) - min(worse) if len(worse) > 1 else None,
        )

    def comparisons(self) -> tuple[SegmentComparison, ...]:
        """:meth:`compare` for every attribute, in order."""
        return tuple(self.compare(a) for a in self.attributes)


@dataclass(frozen=True, slots=True)
class KanoResponse:
    """One respondent's answers about one attribute (DOMAIN.md §4.6 data model).

    ``importance`` is the optional self-stated importance (any finite number; DOMAIN.md
    suggests 1–9).
    """

    respondent: str
    attribute: str
    functional: KanoAnswer
    dysfunctional: KanoAnswer
    segment: str = "everyone"
    importance: float | None = None


# --------------------------------------------------------------------------- computing


def _factorise(
    values: Sequence[str] | npt.NDArray[np.object_], column: str
) -> tuple[npt.NDArray[np.int64], tuple[str, ...]]:
    """Codes 0, 1, … in order of first appearance, and the labels (trimmed). Blank text is an
    error. A dict does the work: one pass, and the checks run on the distinct values only."""
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    index: dict[object, int] = {}
    codes = np.fromiter(
        (index.setdefault(v, len(index)) for v in items), dtype=np.int64, count=len(items)
    )
    merged: dict[str, int] = {}
    remap = np.empty(len(index), dtype=np.int64)
    for j, v in enumerate(index):
        text = v.strip() if isinstance(v, str) else v
        if text is None or text == "" or (isinstance(text, float) and math.isnan(text)):
            i = int(np.flatnonzero(codes == j)[0])
            raise KanoInputError(f"the {column} is empty", index=i, column=column)
        remap[j] = merged.setdefault(str(text), len(merged))
    return remap[codes], tuple(merged)


def _answer_codes(values: Sequence[object] | npt.ArrayLike, column: str) -> npt.NDArray[np.int64]:
    """Answer codes 1–5 from answers, codes or spellings; the first bad one is an error."""
    array = np.asarray(values)
    if array.dtype.kind in "iu":
        codes = array.astype(np.int64)
        bad = (codes < 1) | (codes > 5)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise KanoInputError(f"{codes[i]} is not a Kano answer (1–5)", index=i, column=column)
        return codes
    items = array.tolist()
    index: dict[object, int] = {}
    raw = np.fromiter(
        (index.setdefault(v, len(index)) for v in items), dtype=np.int64, count=len(items)
    )
    mapped = np.empty(len(index), dtype=np.int64)
    for j, v in enumerate(index):
        try:
            mapped[j] = int(parse_answer(v if isinstance(v, KanoAnswer | int) else str(v)))
        except KanoAnswerError as error:
            i = int(np.flatnonzero(raw == j)[0])
            raise KanoInputError(str(error), index=i, column=column) from None
    return mapped[raw]


def _check_duplicates(
    respondent: Sequence[str] | npt.NDArray[np.object_],
    attribute_codes: npt.NDArray[np.int64],
    n_attributes: int,
) -> None:
    codes, _ = _factorise(respondent, "respondent")
    key = codes * max(n_attributes, 1) + attribute_codes
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    repeat = np.flatnonzero(sorted_key[1:] == sorted_key[:-1])
    if repeat.size:
        later = order[repeat + 1]
        second = int(later.min())
        # The earliest response with that key: a stable sort keeps it first among equals.
        first = int(order[np.searchsorted(sorted_key, key[second])])
        raise KanoInputError(
            f"the respondent answers this attribute a second time (first at response {first})",
            index=second,
            column="respondent",
        )


def _sd(total_sq: float, n: int) -> float | None:
    return math.sqrt(max(total_sq, 0.0) / (n - 1)) if n > 1 else None


def analyse_columns(
    *,
    attribute: Sequence[str] | npt.NDArray[np.object_],
    functional: Sequence[object] | npt.ArrayLike,
    dysfunctional: Sequence[object] | npt.ArrayLike,
    segment: Sequence[str] | npt.NDArray[np.object_] | None = None,
    respondent: Sequence[str] | npt.NDArray[np.object_] | None = None,
    importance: Sequence[float | None] | npt.ArrayLike | None = None,
    options: KanoOptions | None = None,
) -> KanoAnalysis:
    """Analyse responses given as columns (one entry per respondent × attribute).

    Args:
        attribute: the attribute each answer pair is about.
        functional, dysfunctional: answers (:class:`KanoAnswer`, codes 1–5 or spellings).
        segment: the respondent's segment (patients, carers, staff…); default one segment,
            ``"everyone"``.
        respondent: who answered; when given, answering one attribute twice is an error.
        importance: self-stated importance (``None`` or NaN where not given).
        options: see :class:`KanoOptions`.

    Raises:
        KanoInputError: naming the first offending response and column.
    """
    options = options or KanoOptions()
    n = len(attribute)
    if n == 0:
        raise KanoInputError("there are no responses")
    columns: dict[str, object] = {
        "functional": functional,
        "dysfunctional": dysfunctional,
        "segment": segment,
        "respondent": respondent,
        "importance": importance,
    }
    for name, column in columns.items():
        if column is not None and len(column) != n:  # type: ignore[arg-type]
            raise KanoInputError(f"has {len(column)} entries, not {n}", column=name)  # type: ignore[arg-type]

    attr_codes, attributes = _factorise(attribute, "attribute")
    segments: tuple[str, ...]
    if segment is None:
        seg_codes, segments = np.zeros(n, dtype=np.int64), ("everyone",)
    else:
        seg_codes, segments = _factorise(segment, "segment")
    reserved = options.overall.strip().casefold()
    for s_code, s_name in enumerate(segments):
        if s_name.casefold() == reserved:
            i = int(np.flatnonzero(seg_codes == s_code)[0])
            raise KanoInputError(
                f"the segment name {s_name!r} is reserved for the row of all segments",
                index=i,
                column="segment",
            )
    f = _answer_codes(functional, "functional")
    d = _answer_codes(dysfunctional, "dysfunctional")
    if respondent is not None:
        _check_duplicates(respondent, attr_codes, len(attributes))
    imp: npt.NDArray[np.float64] | None = None
    if importance is not None:
        imp = np.array(
            [np.nan if v is None else v for v in np.asarray(importance, dtype=object)],
            dtype=np.float64,
        )
        bad = np.isinf(imp)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise KanoInputError(
                "the importance is not a finite number", index=i, column="importance"
            )

    cat = evaluate_codes(f, d).astype(np.int64)
    f_score = _F_SCORE[f]
    d_score = _D_SCORE[d]
    n_seg = len(segments)
    n_attr = len(attributes)
    # Group g: attribute a, segment s (s < n_seg) or overall (s == n_seg).
    width = n_seg + 1
    groups = [attr_codes * width + seg_codes, attr_codes * width + n_seg]
    size = n_attr * width

    counts = np.zeros((size, _NCAT), dtype=np.int64)
    f_sum = np.zeros(size)
    d_sum = np.zeros(size)
    imp_sum = np.zeros(size)
    imp_n = np.zeros(size, dtype=np.int64)
    for g in groups:
        counts += np.bincount(g * _NCAT + cat, minlength=size * _NCAT).reshape(size, _NCAT)
        f_sum += np.bincount(g, weights=f_score, minlength=size)
        d_sum += np.bincount(g, weights=d_score, minlength=size)
        if imp is not None:
            known = ~np.isnan(imp)
            imp_sum += np.bincount(g[known], weights=imp[known], minlength=size)
            imp_n += np.bincount(g[known], minlength=size)
    totals = counts.sum(axis=1)
    safe = np.maximum(totals, 1)
    f_mean = f_sum / safe
    d_mean = d_sum / safe
    f_sq = np.zeros(size)
    d_sq = np.zeros(size)
    for g in groups:  # two-pass variance: exact for these small integer scores
        f_sq += np.bincount(g, weights=(f_score - f_mean[g]) ** 2, minlength=size)
        d_sq += np.bincount(g, weights=(d_score - d_mean[g]) ** 2, minlength=size)

    results: list[KanoResult] = []
    for a, name in enumerate(attributes):
        for s in range(width):
            k = a * width + s
            total = int(totals[k])
            if total == 0:
                continue
            tally = KanoCounts(*(int(x) for x in counts[k]))
            category, tied = category_of(tally)
            better, worse = satisfaction_coefficients(tally)
            q_share = tally.Q / total
            results.append(
                KanoResult(
                    attribute=name,
                    segment=options.overall if s == n_seg else segments[s],
                    counts=tally,
                    category=category,
                    tied=tied,
                    q_share=q_share,
                    q_flag=q_share > options.q_share_threshold,
                    better=better,
                    worse=worse,
                    quadrant=quadrant_of(better, worse, options.quadrant_split),
                    functional_mean=float(f_mean[k]),
                    functional_sd=_sd(float(f_sq[k]), total),
                    dysfunctional_mean=float(d_mean[k]),
                    dysfunctional_sd=_sd(float(d_sq[k]), total),
                    importance_mean=float(imp_sum[k] / imp_n[k]) if imp_n[k] else None,
                    importance_n=int(imp_n[k]),
                )
            )
    return KanoAnalysis(tuple(results), attributes, segments, options)


def analyse(
    responses: Iterable[KanoResponse] | Sequence[KanoResponse],
    *,
    options: KanoOptions | None = None,
) -> KanoAnalysis:
    """Analyse :class:`KanoResponse` records (see :func:`analyse_columns`)."""
    rows = list(responses)
    if not rows:
        raise KanoInputError("there are no responses")
    importance: list[float | None] | None = None
    if any(r.importance is not None for r in rows):
        importance = [r.importance for r in rows]
    return analyse_columns(
        attribute=[r.attribute for r in rows],
        functional=np.array([int(parse_answer(r.functional)) for r in rows], dtype=np.int64),
        dysfunctional=np.array([int(parse_answer(r.dysfunctional)) for r in rows], dtype=np.int64),
        segment=[r.segment for r in rows],
        respondent=[r.respondent for r in rows],
        importance=importance,
        options=options,
    )


def counts_by_category(results: Iterable[KanoResult]) -> Mapping[Category, int]:
    """How many results fall in each category (for summaries)."""
    tally = dict.fromkeys(Category, 0)
    for r in results:
        tally[r.category] += 1
    return tally
