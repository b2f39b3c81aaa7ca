"""Reads for the Kano survey pages and API: who may do what, the surveys, and the analysis.

Callers first get the project through ``projects.selectors.project_for_user`` (404 for
outsiders) or, for voters, through the voter's seat; lookups here are then confined to that
project, so another project's surveys and attributes are 404 too.

Who may do what (docs/adr/0023):

* facilitators write surveys (attributes, wording, order), open and close them, delete them,
  upload responses, and see the results;
* every member sees the surveys and their results (aggregates, with small segments
  suppressed), and answers as themselves through their own voter seat;
* voters (members or not) answer open surveys and change their answers until they close.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.http import Http404

from coproduce import kano
from coproduce.participation.suppression import THRESHOLD
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Role
from coproduce.web.takepart.models import Constituency, Voter

from .models import KanoAnswerRecord, KanoAttribute, KanoEqualityAnswer, KanoSurvey, SurveyStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Project

#: The name of the pooled rows (the core's default, reserved: no segment may use it).
OVERALL = "all"
#: Segment names for voters' constituencies, as the results show them.
SEGMENT_NAMES: dict[str, str] = {
    Constituency.PATIENT: "Patients",
    Constituency.CARER: "Carers and family",
    Constituency.STAFF: "Staff",
    Constituency.OTHER: "Others",
    OVERALL: "Everyone",
}
#: Constituencies first, in this order, then any other segment (from uploads) by name.
SEGMENT_ORDER = (Constituency.PATIENT, Constituency.CARER, Constituency.STAFF, Constituency.OTHER)


def segment_name(segment: str) -> str:
    return SEGMENT_NAMES.get(segment, segment)


# --------------------------------------------------------------------------- permissions


def can_manage(*, project: Project, user: User | AnonymousUser) -> bool:
    return project_selectors.role_in(project=project, user=user) == Role.FACILITATOR


def permissions(*, project: Project, user: User | AnonymousUser) -> dict[str, bool]:
    role = project_selectors.role_in(project=project, user=user)
    return {"can_manage": role == Role.FACILITATOR, "is_member": role is not None}


# --------------------------------------------------------------------------- surveys


def surveys_of(*, project: Project) -> QuerySet[KanoSurvey]:
    return (
        KanoSurvey.objects.filter(project=project)
        .annotate(attribute_count=Count("attributes", distinct=True))
        .order_by("-created_at", "-pk")
    )


def survey_in(*, project: Project, pk: int) -> KanoSurvey:
    try:
        return KanoSurvey.objects.select_related("project").get(project=project, pk=pk)
    except KanoSurvey.DoesNotExist:
        raise Http404("No such survey.") from None


def attributes_of(survey: KanoSurvey) -> QuerySet[KanoAttribute]:
    return survey.attributes.order_by("position", "pk")


def attribute_in(*, survey: KanoSurvey, pk: int) -> KanoAttribute:
    try:
        return survey.attributes.get(pk=pk)
    except KanoAttribute.DoesNotExist:
        raise Http404("No such attribute.") from None


def open_surveys_for(voter: Voter) -> QuerySet[KanoSurvey]:
    """The voter's project's open surveys that have at least one attribute."""
    return (
        KanoSurvey.objects.filter(project_id=voter.project_id, status=SurveyStatus.OPEN)
        .annotate(attribute_count=Count("attributes"))
        .filter(attribute_count__gt=0)
        .order_by("-created_at", "-pk")
    )


def response_count(survey: KanoSurvey) -> int:
    return KanoAnswerRecord.objects.filter(attribute__survey=survey).count()


def respondent_count(survey: KanoSurvey) -> int:
    responses = KanoAnswerRecord.objects.filter(attribute__survey=survey)
    voters = responses.filter(voter__isnull=False).values("voter").distinct().count()
    uploaded = responses.filter(voter__isnull=True).values("respondent").distinct().count()
    return voters + uploaded


def answers_of(*, survey: KanoSurvey, voter: Voter) -> dict[int, KanoAnswerRecord]:
    """The voter's saved answers in ``survey``, by attribute id."""
    return {
        r.attribute_id: r
        for r in KanoAnswerRecord.objects.filter(attribute__survey=survey, voter=voter)
    }


# --------------------------------------------------------------------------- analysis


def responses_of(survey: KanoSurvey) -> list[kano.KanoResponse]:
    """Every response as the core's records (attribute by label, segment by constituency)."""
    rows = KanoAnswerRecord.objects.filter(attribute__survey=survey).select_related("attribute")
    return [
        kano.KanoResponse(
            respondent=r.respondent_key,
            attribute=r.attribute.label,
            functional=kano.KanoAnswer(r.functional),
            dysfunctional=kano.KanoAnswer(r.dysfunctional),
            segment=r.segment,
            importance=None if r.importance is None else float(r.importance),
        )
        for r in rows.order_by("attribute__position", "attribute__pk", "pk")
    ]


def analysis_of(survey: KanoSurvey) -> kano.KanoAnalysis | None:
    """The core's analysis of every response, or ``None`` when there are none."""
    responses = responses_of(survey)
    if not responses:
        return None
    return kano.analyse(responses, options=kano.KanoOptions(overall=OVERALL))


def ordered_segments(segments: Sequence[str]) -> list[str]:
    known = [s for s in SEGMENT_ORDER if s in segments]
    return [*known, *sorted(s for s in segments if s not in SEGMENT_ORDER)]


@dataclass(frozen=True)
class Cell:
    """One attribute in one segment, as the results table may show it.

    ``suppressed`` when fewer than :data:`THRESHOLD` people answered, or when the cell is
    hidden to protect a smaller one (complementary suppression: ``complementary``, shown as
    "[c]"): then only that mark is shown, no counts, category or coefficients, and
    ``result`` is ``None``.
    """

    segment: str
    name: str
    result: kano.KanoResult | None
    suppressed: bool
    shown: str = ""
    complementary: bool = False

    @property
    def n_shown(self) -> str:
        if self.shown:
            return self.shown
        if self.result is None:
            return "0" if not self.suppressed else f"<{THRESHOLD}"
        return f"<{THRESHOLD}" if self.suppressed else str(self.result.n)

    @property
    def category_name(self) -> str:
        if self.result is None or self.suppressed:
            return ""
        return kano.CATEGORY_NAMES[self.result.category]

    @property
    def tie(self) -> str:
        if self.result is None or len(self.result.tied) < 2:
            return ""
        return " > ".join(c.value for c in self.result.tied)


@dataclass(frozen=True)
class AttributeResults:
    attribute: KanoAttribute
    cells: tuple[Cell, ...]  # segments in order, then everyone
    categories_agree: bool | None  # among shown segments; None with fewer than two


@dataclass(frozen=True)
class Segmentation:
    """The results of one optional equality question: its segments side by side."""

    key: str
    title: str
    segments: tuple[str, ...]  # every category, then "not said", then "all"
    attributes: tuple[AttributeResults, ...]


@dataclass(frozen=True)
class Results:
    analysis: kano.KanoAnalysis | None
    segments: tuple[str, ...]  # in display order, "all" last
    attributes: tuple[AttributeResults, ...]
    points: tuple[kano.BetterWorsePoint, ...]  # shown segments and everyone
    respondents: int
    equality: tuple[Segmentation, ...] = ()

    @property
    def segment_names(self) -> list[str]:
        return [segment_name(s) for s in self.segments]


def _rows(
    analysis: kano.KanoAnalysis, attributes: Sequence[KanoAttribute], segments: Sequence[str]
) -> tuple[AttributeResults, ...]:
    """Per attribute, the core's suppressed cells (``segments`` without the pooled row)."""
    rows = []
    for attribute in attributes:
        if attribute.label not in analysis.attributes:
            rows.append(AttributeResults(attribute, (), None))
            continue
        shown = kano.suppress_attribute(analysis, attribute.label, segments=segments)
        cells = tuple(
            Cell(c.segment, segment_name(c.segment), c.result, c.hidden, c.shown, c.complementary)
            for c in shown.cells
        )
        rows.append(AttributeResults(attribute, cells, shown.categories_agree))
    return tuple(rows)


def equality_answers_by_respondent(survey: KanoSurvey, key: str) -> dict[str, str]:
    """Respondent key → stored answer to equality question ``key``.

    Not for display: only to put respondents in segments that are shown suppressed.
    """
    return {
        f"voter-{voter_id}": answer
        for voter_id, answer in KanoEqualityAnswer.objects.filter(
            survey=survey, question=key
        ).values_list("voter_id", "answer")
    }


def equality_analysis(
    survey: KanoSurvey, key: str, responses: Sequence[kano.KanoResponse] | None = None
) -> tuple[kano.KanoAnalysis, tuple[str, ...]] | None:
    """The analysis with respondents segmented by their answer to ``key``, and every segment
    of that question in order; ``None`` when nobody has answered the survey."""
    question = kano.equality_question(key)
    responses = responses_of(survey) if responses is None else responses
    if not responses:
        return None
    segmented = kano.resegment(responses, question, equality_answers_by_respondent(survey, key))
    analysis = kano.analyse(segmented, options=kano.KanoOptions(overall=OVERALL))
    return analysis, kano.segment_order(question)


def own_equality_answers(*, survey: KanoSurvey, voter: Voter) -> dict[str, str]:
    """The voter's own equality answers in ``survey``, by question: for them alone (never
    for a seat a facilitator answers on someone's behalf)."""
    if voter.is_assisted:
        return {}
    return dict(
        KanoEqualityAnswer.objects.filter(survey=survey, voter=voter).values_list(
            "question", "answer"
        )
    )


def results_of(survey: KanoSurvey) -> Results:
    """Per attribute and segment the core's results, with small-number and complementary
    suppression; then the same for each equality question the survey asks."""
    responses = responses_of(survey)
    attributes = list(attributes_of(survey))
    respondents = respondent_count(survey)
    if not responses:
        return Results(None, (), tuple(AttributeResults(a, (), None) for a in attributes), (), 0)
    analysis = kano.analyse(responses, options=kano.KanoOptions(overall=OVERALL))
    own = ordered_segments(analysis.segments)
    segments = (*own, OVERALL)
    rows = _rows(analysis, attributes, own)
    shown_pairs = {
        (row.attribute.label, c.segment) for row in rows for c in row.cells if c.result is not None
    }
    points = tuple(
        p
        for p in kano.better_worse_points(analysis, segments=list(segments))
        if (p.attribute, p.segment or OVERALL) in shown_pairs
    )
    equality = []
    for key in survey.equality_questions:
        if key not in kano.EQUALITY_QUESTIONS:
            continue
        found = equality_analysis(survey, key, responses)
        assert found is not None
        by, order = found
        equality.append(
            Segmentation(
                key,
                kano.EQUALITY_QUESTIONS[key].title,
                (*order, OVERALL),
                _rows(by, attributes, order),
            )
        )
    return Results(analysis, segments, rows, points, respondents, tuple(equality))
