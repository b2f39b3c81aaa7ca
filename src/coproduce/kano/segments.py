"""Segments compared side by side, safely: optional equality segments and suppression.

Two things a results page needs beyond :func:`coproduce.kano.analyse`:

* **Equality segments.** A survey may ask optional equality questions (age band, sex, ethnic
  group, disability, area deprivation). Their categories are the participation core's
  (:mod:`coproduce.participation.equity`: the ONS 2021 high-level ethnic groups, the 2021
  Census sex and disability answers, our age bands, IMD deciles shown as quintiles), each
  with "Prefer not to say". :func:`resegment` gives the responses the segment of each
  respondent's answer to one question; anyone who preferred not to say, skipped it or was
  never asked is in one segment, :data:`NOT_SAID`, so the segments add up to everyone.
* **Suppression** (DESIGN.md; ADR 0009). :func:`suppress_attribute` hides, per attribute,
  every segment of fewer than 5 respondents (zero included) and, through
  :func:`coproduce.participation.suppression.suppress_table`, the next smallest segments
  (complementary suppression) so that no hidden segment's numbers can be worked out by
  subtracting the shown segments from the pooled row; when that cannot be done the pooled
  row is hidden too. :func:`shown_analysis` keeps only what may be shown (for the CSV export
  and the plot).

Pure: no Django, no I/O.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from coproduce.kano.analysis import KanoAnalysis, KanoInputError, KanoResponse, KanoResult
from coproduce.participation import equity
from coproduce.participation.suppression import THRESHOLD, suppress_table

PREFER_NOT_TO_SAY = equity.PREFER_NOT_TO_SAY
NOT_SAID = "Prefer not to say or not answered"
"""The segment of everyone who did not give an answer to an equality question."""


def _quintile_label(quintile: int) -> str:
    if quintile == 1:
        return "Quintile 1 (most deprived fifth)"
    if quintile == 5:
        return "Quintile 5 (least deprived fifth)"
    return f"Quintile {quintile}"


IMD_QUINTILES: tuple[str, ...] = tuple(_quintile_label(q) for q in range(1, 6))


@dataclass(frozen=True, slots=True)
class EqualityQuestion:
    """One optional equality question.

    Attributes:
        key: its identifier (stored with the survey).
        title: a short name ("Age"), used for the results' headings.
        question: what the person is asked.
        answers: the answers offered (before "Prefer not to say").
        segments: the segments the results show, in order (without :data:`NOT_SAID`).
        hint: a line under the question, or "".
    """

    key: str
    title: str
    question: str
    answers: tuple[str, ...]
    segments: tuple[str, ...]
    hint: str = ""

    def segment_of(self, answer: str | None) -> str:
        """The segment of a stored answer; :data:`NOT_SAID` for none or "prefer not to say".

        Raises :class:`KanoInputError` for an answer that is not one of :attr:`answers`.
        """
        if answer is None or answer == "" or answer == PREFER_NOT_TO_SAY:
            return NOT_SAID
        if answer not in self.answers:
            raise KanoInputError(
                f"{answer!r} is not an answer to the {self.title.lower()} question"
            )
        if self.key == "imd_decile":
            return IMD_QUINTILES[equity.imd_quintile(int(answer)) - 1]
        return answer


EQUALITY_QUESTIONS: dict[str, EqualityQuestion] = {
    q.key: q
    for q in (
        EqualityQuestion(
            "age_band", "Age", "Which age group are you in?", equity.AGE_BANDS, equity.AGE_BANDS
        ),
        EqualityQuestion("sex", "Sex", "What is your sex?", equity.SEX, equity.SEX),
        EqualityQuestion(
            "ethnic_group",
            "Ethnic group",
            "Which of these best describes your ethnic group?",
            equity.ETHNIC_GROUPS,
            equity.ETHNIC_GROUPS,
            hint="The groups of the 2021 Census for England and Wales.",
        ),
        EqualityQuestion(
            "disability",
            "Disability",
            "Are your day-to-day activities limited because of a health problem or disability "
            "which has lasted, or is expected to last, at least 12 months?",
            equity.DISABILITY,
            equity.DISABILITY,
        ),
        EqualityQuestion(
            "imd_decile",
            "Area deprivation",
            "What is the deprivation decile (IMD) of the area you live in?",
            tuple(str(d) for d in equity.IMD_DECILES),
            IMD_QUINTILES,
            hint="From 1, the most deprived tenth of areas in England, to 10, the least "
            "deprived. The results group deciles in fifths (quintiles).",
        ),
    )
}
"""The optional equality questions a survey may ask, by key, in the order they are asked."""


def equality_question(key: str) -> EqualityQuestion:
    """The question ``key``; :class:`KanoInputError` for an unknown one."""
    try:
        return EQUALITY_QUESTIONS[key]
    except KeyError:
        raise KanoInputError(f"there is no equality question {key!r}") from None


def resegment(
    responses: Sequence[KanoResponse],
    question: EqualityQuestion,
    answers: Mapping[str, str],
) -> list[KanoResponse]:
    """The responses with each respondent's segment replaced by their answer's segment.

    ``answers`` maps respondents to their stored answer to ``question``; respondents not in
    it are in :data:`NOT_SAID`.
    """
    return [
        dataclasses.replace(r, segment=question.segment_of(answers.get(r.respondent)))
        for r in responses
    ]


def segment_order(question: EqualityQuestion) -> tuple[str, ...]:
    """Every segment of ``question``, answered or not, then :data:`NOT_SAID`."""
    return (*question.segments, NOT_SAID)


# --------------------------------------------------------------------------- suppression


@dataclass(frozen=True, slots=True)
class ShownCell:
    """One attribute in one segment (or the pooled row) as it may be shown.

    Attributes:
        segment: the segment (the analysis's overall name for the pooled row).
        result: the core's result, or ``None`` when it is hidden or nobody answered.
        shown: the number of people as it may be shown: "12", "<5" or "[c]".
        hidden: nothing but ``shown`` may be shown (no counts, category or scores).
        complementary: hidden although 5 or more answered, to protect a smaller segment.
    """

    segment: str
    result: KanoResult | None
    shown: str
    hidden: bool
    complementary: bool = False


@dataclass(frozen=True, slots=True)
class ShownAttribute:
    """One attribute: its segments side by side, then the pooled row (last).

    ``categories_agree`` compares the categories of the segments shown (``None`` with fewer
    than two).
    """

    attribute: str
    cells: tuple[ShownCell, ...]
    categories_agree: bool | None


def suppress_attribute(
    analysis: KanoAnalysis,
    attribute: str,
    *,
    segments: Sequence[str] | None = None,
    threshold: int = THRESHOLD,
) -> ShownAttribute:
    """``attribute`` in each of ``segments`` (default: the analysis's), then the pooled row,
    with small-number and complementary suppression.

    ``segments`` is every segment of the table, including any nobody in which answered (a
    count of zero is hidden like any count under ``threshold``). The hidden segments, taken
    together, are never fewer than ``threshold`` people while the pooled row is shown, and
    none of them can be pinned to one value from the shown numbers.
    """
    overall = analysis.options.overall
    names = list(analysis.segments if segments is None else segments)
    results: dict[str, KanoResult] = {
        r.segment: r for r in analysis.results if r.attribute == attribute
    }
    unknown = [s for s in results if s != overall and s not in names]
    if unknown:
        raise KanoInputError(f"the segment {unknown[0]!r} is not one of the segments given")
    counts = {s: results[s].n if s in results else 0 for s in names}
    table = suppress_table(counts, threshold=threshold)
    cells = []
    for s in names:
        shown = table.cells[s]
        cells.append(
            ShownCell(
                s,
                None if shown.suppressed else results.get(s),
                shown.shown,
                shown.suppressed,
                shown.complementary,
            )
        )
    cells.append(
        ShownCell(
            overall,
            None if table.total.suppressed else results.get(overall),
            table.total.shown,
            table.total.suppressed,
            table.total.complementary,
        )
    )
    own = [c.result.category for c in cells[:-1] if c.result is not None]
    agree = len(set(own)) <= 1 if len(own) > 1 else None
    return ShownAttribute(attribute, tuple(cells), agree)


def suppress_analysis(
    analysis: KanoAnalysis,
    *,
    segments: Sequence[str] | None = None,
    threshold: int = THRESHOLD,
) -> tuple[ShownAttribute, ...]:
    """:func:`suppress_attribute` for every attribute of the analysis, in order."""
    return tuple(
        suppress_attribute(analysis, a, segments=segments, threshold=threshold)
        for a in analysis.attributes
    )


def shown_analysis(
    analysis: KanoAnalysis,
    *,
    segments: Sequence[str] | None = None,
    threshold: int = THRESHOLD,
) -> KanoAnalysis:
    """The analysis with only the results that may be shown (hidden ones left out)."""
    keep = {
        (a.attribute, c.segment)
        for a in suppress_analysis(analysis, segments=segments, threshold=threshold)
        for c in a.cells
        if not c.hidden and c.result is not None
    }
    return KanoAnalysis(
        tuple(r for r in analysis.results if (r.attribute, r.segment) in keep),
        analysis.attributes,
        analysis.segments,
        analysis.options,
    )
