"""Kano surveys: which attributes of a service patients take for granted, and which delight.

* :mod:`~coproduce.kano.answers`: the answer scale, the evaluation table, question pairs;
* :mod:`~coproduce.kano.analysis`: counts, category (mode, M > O > A > I tie rule), Q share,
  Better/Worse, DuMouchel continuous scores, per attribute and segment plus overall;
* :mod:`~coproduce.kano.plot`: the Better–Worse diagram as data and as a Vega-Lite spec.

DOMAIN.md §4; Kano et al. (1984), Berger et al. (1993), Sauerwein et al. (1996). No Django, no
I/O (ADR 0019).
"""

from coproduce.kano.analysis import (
    DYSFUNCTIONAL_SCORES,
    FUNCTIONAL_SCORES,
    TIE_PRIORITY,
    KanoAnalysis,
    KanoCounts,
    KanoInputError,
    KanoOptions,
    KanoResponse,
    KanoResult,
    SegmentComparison,
    analyse,
    analyse_columns,
    category_of,
    quadrant_of,
    satisfaction_coefficients,
)
from coproduce.kano.answers import (
    ANSWER_ALIASES,
    ANSWER_LABELS,
    CATEGORY_NAMES,
    EVALUATION_TABLE,
    Category,
    KanoAnswer,
    KanoAnswerError,
    QuestionPair,
    evaluate,
    evaluate_codes,
    parse_answer,
    question_pair,
)
from coproduce.kano.plot import BetterWorsePoint, better_worse_points, vegalite_spec

__all__ = [
    "ANSWER_ALIASES",
    "ANSWER_LABELS",
    "CATEGORY_NAMES",
    "DYSFUNCTIONAL_SCORES",
    "EVALUATION_TABLE",
    "FUNCTIONAL_SCORES",
    "TIE_PRIORITY",
    "BetterWorsePoint",
    "Category",
    "KanoAnalysis",
    "KanoAnswer",
    "KanoAnswerError",
    "KanoCounts",
    "KanoInputError",
    "KanoOptions",
    "KanoResponse",
    "KanoResult",
    "QuestionPair",
    "SegmentComparison",
    "analyse",
    "analyse_columns",
    "better_worse_points",
    "category_of",
    "evaluate",
    "evaluate_codes",
    "parse_answer",
    "quadrant_of",
    "question_pair",
    "satisfaction_coefficients",
    "vegalite_spec",
]
