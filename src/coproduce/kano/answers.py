"""The Kano answer scale, the evaluation table and the question pair for an attribute.

Sources (DOMAIN.md §4.2–§4.3):

* The answer scale, in its canonical order 1 = Like, 2 = Must-be, 3 = Neutral, 4 = Live with,
  5 = Dislike, is the one of Atlason & Giacalone's R implementation (Atlason RS, Giacalone D
  2018, "Rapid computation and visualization of data from Kano surveys in R", *BMC Research
  Notes* 11:839). The alternative wordings ("I like it", "I expect it", "I am neutral", "I can
  tolerate it", "I dislike it") are the usual ones of Berger et al. (1993) and later guides.
* The evaluation table (functional answer × dysfunctional answer → A, O, M, I, R, Q) is Kano et
  al. (1984) as printed by Berger et al. (1993) and Sauerwein et al. (1996), and as coded in
  the R implementation above. It is keyed by answer **value**, never by position: one widely
  read web page lists its options in another order than its table (DOMAIN.md §4.3, caution).
* The question pair ("How would you feel if the service had f?" / "… did not have f?") is the
  functional / dysfunctional form of Kano et al. (1984), Sauerwein et al. (1996).

Pure Python and NumPy; no I/O.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "ANSWER_ALIASES",
    "ANSWER_LABELS",
    "CATEGORY_NAMES",
    "EVALUATION_TABLE",
    "Category",
    "KanoAnswer",
    "KanoAnswerError",
    "QuestionPair",
    "evaluate",
    "evaluate_codes",
    "parse_answer",
    "question_pair",
]


class KanoAnswerError(ValueError):
    """An answer that is not one of the five Kano answers."""


class KanoAnswer(enum.IntEnum):
    """One answer to a functional or a dysfunctional question (DOMAIN.md §4.2)."""

    LIKE = 1
    MUST_BE = 2
    NEUTRAL = 3
    LIVE_WITH = 4
    DISLIKE = 5

    @property
    def label(self) -> str:
        """The short label used in files: ``like``, ``must-be``, ``neutral``, …"""
        return ANSWER_LABELS[self]


#: The labels the CLI and the web app write, in the canonical order.
ANSWER_LABELS: dict[KanoAnswer, str] = {
    KanoAnswer.LIKE: "like",
    KanoAnswer.MUST_BE: "must-be",
    KanoAnswer.NEUTRAL: "neutral",
    KanoAnswer.LIVE_WITH: "live-with",
    KanoAnswer.DISLIKE: "dislike",
}

#: Wording the survey shows a respondent (Berger et al. 1993; editable by callers).
ANSWER_WORDING: dict[KanoAnswer, str] = {
    KanoAnswer.LIKE: "I like it",
    KanoAnswer.MUST_BE: "I expect it",
    KanoAnswer.NEUTRAL: "I am neutral",
    KanoAnswer.LIVE_WITH: "I can live with it",
    KanoAnswer.DISLIKE: "I dislike it",
}


def _normalise(text: str) -> str:
    """Lower case; hyphens, underscores and runs of spaces as one space; no end punctuation."""
    text = text.strip().casefold().replace("’", "'")
    text = re.sub(r"[\s_\-]+", " ", text)
    return text.strip(" .!")


_ALIASES_BY_ANSWER: dict[KanoAnswer, tuple[str, ...]] = {
    KanoAnswer.LIKE: (
        "like",
        "like it",
        "i like it",
        "i like it that way",
        "i would like it",
        "delighted",
    ),
    KanoAnswer.MUST_BE: (
        "must be",
        "mustbe",
        "must have",
        "must",
        "expect",
        "expect it",
        "expected",
        "i expect it",
        "i expect it to be that way",
        "it must be that way",
        "it must be",
    ),
    KanoAnswer.NEUTRAL: (
        "neutral",
        "i am neutral",
        "i'm neutral",
        "im neutral",
        "indifferent",
        "i don't care",
        "i do not care",
    ),
    KanoAnswer.LIVE_WITH: (
        "live with",
        "livewith",
        "live with it",
        "i can live with it",
        "i can live with it that way",
        "tolerate",
        "tolerate it",
        "i can tolerate it",
        "i can tolerate it that way",
        "accept",
        "i can accept it",
    ),
    KanoAnswer.DISLIKE: (
        "dislike",
        "dislike it",
        "i dislike it",
        "i dislike it that way",
        "i would dislike it",
    ),
}

#: Every accepted spelling (normalised: lower case, hyphens and underscores as spaces) and
#: the digits 1–5 of the canonical order (DOMAIN.md §4.2) → the answer.
ANSWER_ALIASES: dict[str, KanoAnswer] = {
    **{alias: answer for answer, aliases in _ALIASES_BY_ANSWER.items() for alias in aliases},
    **{str(int(answer)): answer for answer in KanoAnswer},
}


def parse_answer(value: str | int | KanoAnswer) -> KanoAnswer:
    """Read one answer: a :class:`KanoAnswer`, its number 1–5, or a spelling of its label.

    Case, surrounding spaces, hyphens and underscores do not matter (``Must-be``,
    ``must_be``, ``MUST BE``); the usual questionnaire wordings are accepted too (``I expect
    it``, ``I can tolerate it``). Anything else raises :class:`KanoAnswerError`.
    """
    if isinstance(value, KanoAnswer):
        return value
    if isinstance(value, bool):
        raise KanoAnswerError(f"{value!r} is not a Kano answer")
    if isinstance(value, int):
        try:
            return KanoAnswer(value)
        except ValueError:
            raise KanoAnswerError(f"{value!r} is not a Kano answer (1–5)") from None
    text = _normalise(str(value))
    if text.endswith(".0") and text[:-2] in ANSWER_ALIASES:  # 1.0 from a spreadsheet
        text = text[:-2]
    try:
        return ANSWER_ALIASES[text]
    except KeyError:
        raise KanoAnswerError(
            f"{value!r} is not a Kano answer (like, must-be, neutral, live-with, dislike)"
        ) from None


def normalise_answer_text(text: str) -> str:
    """The key :data:`ANSWER_ALIASES` is looked up by (exposed for vectorised readers)."""
    key = _normalise(text)
    return key[:-2] if key.endswith(".0") and key[:-2] in ANSWER_ALIASES else key


class Category(enum.StrEnum):
    """Kano categories (DOMAIN.md §4.1)."""

    A = "A"  #: attractive (delighter)
    O = "O"  #: one-dimensional (performance)  # noqa: E741
    M = "M"  #: must-be (basic)
    I = "I"  #: indifferent  # noqa: E741
    R = "R"  #: reverse
    Q = "Q"  #: questionable

    @property
    def title(self) -> str:  # type: ignore[override]
        """``Attractive``, ``One-dimensional``, …"""
        return CATEGORY_NAMES[self]


CATEGORY_NAMES: dict[Category, str] = {
    Category.A: "Attractive",
    Category.O: "One-dimensional",
    Category.M: "Must-be",
    Category.I: "Indifferent",
    Category.R: "Reverse",
    Category.Q: "Questionable",
}

#: Category order used for count arrays throughout the package: A, O, M, I, R, Q.
CATEGORY_ORDER: tuple[Category, ...] = tuple(Category)

_A, _O, _M, _I, _R, _Q = CATEGORY_ORDER
#: Rows: functional answer; columns: dysfunctional answer; both LIKE … DISLIKE
#: (Kano et al. 1984 via Berger et al. 1993; DOMAIN.md §4.3).
EVALUATION_TABLE: dict[tuple[KanoAnswer, KanoAnswer], Category] = {
    (f, d): category
    for f, row in zip(
        KanoAnswer,
        (
            (_Q, _A, _A, _A, _O),  # like
            (_R, _I, _I, _I, _M),  # must-be
            (_R, _I, _I, _I, _M),  # neutral
            (_R, _I, _I, _I, _M),  # live-with
            (_R, _R, _R, _R, _Q),  # dislike
        ),
        strict=True,
    )
    for d, category in zip(KanoAnswer, row, strict=True)
}

# The same table as indices into CATEGORY_ORDER, padded so that answer codes index it directly.
_TABLE_CODES = np.full((6, 6), -1, dtype=np.int8)
for (_f, _d), _category in EVALUATION_TABLE.items():
    _TABLE_CODES[_f, _d] = CATEGORY_ORDER.index(_category)
_TABLE_CODES.setflags(write=False)


def evaluate(functional: KanoAnswer | str | int, dysfunctional: KanoAnswer | str | int) -> Category:
    """The category of one respondent's answer pair (the evaluation table, DOMAIN.md §4.3)."""
    return EVALUATION_TABLE[parse_answer(functional), parse_answer(dysfunctional)]


def evaluate_codes(functional: npt.ArrayLike, dysfunctional: npt.ArrayLike) -> npt.NDArray[np.int8]:
    """Vectorised :func:`evaluate` on answer codes 1–5: indices into ``CATEGORY_ORDER``
    (0 = A, 1 = O, 2 = M, 3 = I, 4 = R, 5 = Q). Raises :class:`KanoAnswerError` on a code
    outside 1–5."""
    f = np.asarray(functional, dtype=np.int64)
    d = np.asarray(dysfunctional, dtype=np.int64)
    if f.shape != d.shape:
        raise ValueError("functional and dysfunctional answers differ in length")
    bad = (f < 1) | (f > 5) | (d < 1) | (d > 5)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise KanoAnswerError(f"answer pair {i} ({f[i]}, {d[i]}) has a code outside 1–5")
    return _TABLE_CODES[f, d]


# --------------------------------------------------------------------------- questions

#: Templates for the pair of questions; ``{attribute}`` is the attribute's wording, written to
#: follow "had" / "did not have" ("a text reminder the day before").
FUNCTIONAL_TEMPLATE = "How would you feel if the service had {attribute}?"
DYSFUNCTIONAL_TEMPLATE = "How would you feel if the service did not have {attribute}?"


@dataclass(frozen=True, slots=True)
class QuestionPair:
    """The two questions asked about one attribute, and the answer wording shown.

    Attributes:
        attribute: the attribute as shown in the questions.
        functional: "How would you feel if the service had …?"
        dysfunctional: "How would you feel if the service did not have …?"
        answers: the wording of the five answers, in the canonical order LIKE … DISLIKE.
    """

    attribute: str
    functional: str
    dysfunctional: str
    answers: tuple[str, str, str, str, str]


def question_pair(
    attribute: str,
    *,
    functional: str | None = None,
    dysfunctional: str | None = None,
    answers: tuple[str, str, str, str, str] | None = None,
) -> QuestionPair:
    """The functional/dysfunctional question pair for ``attribute`` (Kano et al. 1984).

    The wording is generated from :data:`FUNCTIONAL_TEMPLATE` and
    :data:`DYSFUNCTIONAL_TEMPLATE` unless the caller gives its own (a facilitator editing the
    question, or a patient group rewording it in plain language). Blank text is refused.
    """
    wording = " ".join(attribute.split())
    if not wording:
        raise ValueError("the attribute has no wording")
    f = FUNCTIONAL_TEMPLATE.format(attribute=wording) if functional is None else functional
    d = DYSFUNCTIONAL_TEMPLATE.format(attribute=wording) if dysfunctional is None else dysfunctional
    if not f.strip() or not d.strip():
        raise ValueError("a question has no wording")
    shown = tuple(ANSWER_WORDING[a] for a in KanoAnswer) if answers is None else answers
    if len(shown) != 5 or any(not a.strip() for a in shown):
        raise ValueError("give the wording of all five answers")
    return QuestionPair(
        wording, f.strip(), d.strip(), (shown[0], shown[1], shown[2], shown[3], shown[4])
    )
