"""Kano surveys: which attributes of a service patients take for granted, and which delight.

* :mod:`~coproduce.kano.answers`: the answer scale, the evaluation table, question pairs;
* :mod:`~coproduce.kano.analysis`: counts, category (mode, M > O > A > I tie rule), Q share,
  Better/Worse, DuMouchel continuous scores, per attribute and segment plus overall;
* :mod:`~coproduce.kano.plot`: the Better–Worse diagram as data and as a Vega-Lite spec;
* :mod:`~coproduce.kano.segments`: optional equality segments, and segments side by side with
  small-number and complementary suppression.

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
from coproduce.kano.segments import (
    EQUALITY_QUESTIONS,
    NOT_SAID,
    EqualityQuestion,
    ShownAttribute,
    ShownCell,
    equality_question,
    resegment,
    segment_order,
    shown_analysis,
    suppress_analysis,
    suppress_attribute,
)

__all__ = [
    "ANSWER_ALIASES",
    "ANSWER_LABELS",
    "CATEGORY_NAMES",
    "DYSFUNCTIONAL_SCORES",
    "EQUALITY_QUESTIONS",
    "EVALUATION_TABLE",
    "FUNCTIONAL_SCORES",
    "NOT_SAID",
    "TIE_PRIORITY",
    "BetterWorsePoint",
    "Category",
    "EqualityQuestion",
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
    "ShownAttribute",
    "ShownCell",
    "analyse",
    "analyse_columns",
    "better_worse_points",
    "category_of",
    "equality_question",
    "evaluate",
    "evaluate_codes",
    "parse_answer",
    "quadrant_of",
    "question_pair",
    "resegment",
    "satisfaction_coefficients",
    "segment_order",
    "shown_analysis",
    "suppress_analysis",
    "suppress_attribute",
    "vegalite_spec",
]
