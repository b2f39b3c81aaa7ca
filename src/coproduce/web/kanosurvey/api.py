"""API endpoints of Kano surveys, mounted under /api/v1 by coproduce.web.api.api.

Surveys and their attributes, submitting answers, and the results (the core's analysis, small
segments suppressed). The same permissions as the pages (docs/adr/0023): outsiders get 404;
every member reads; facilitators write surveys (403 for other members). Refusals are 400 with
``detail`` and ``field``.

Answers are submitted by a voter: a member (token or session) answers through their own seat;
someone without an account through the voter cookie the take-part pages set (the session and
cookie ways are checked for CSRF). With no seat the answer is 404, as for an outsider.
"""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.utils import check_csrf

from coproduce.web.accounts import selectors as account_selectors
from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project
from coproduce.web.takepart import selectors as takepart_selectors
from coproduce.web.takepart.models import Voter

from . import actions, selectors
from .models import KanoAttribute, KanoSurvey

router = Router(tags=["kano"])

BASE = "/projects/{project_id}/kano/surveys"
FACILITATORS_ONLY = "Only the project's facilitators can do this."


class KanoError(Schema):
    detail: str
    field: str | None = None


READ_ERRORS: dict[int, Any] = {403: KanoError, 404: KanoError}
ERRORS: dict[int, Any] = {400: KanoError, **READ_ERRORS}


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        user = request.user
    assert isinstance(user, User)
    return user


def _project(request: HttpRequest, project_id: int) -> Project:
    return project_selectors.project_for_user(pk=project_id, user=_user(request))


def _survey(
    request: HttpRequest, project_id: int, survey_id: int, *, manage: bool = False
) -> KanoSurvey:
    project = _project(request, project_id)
    if manage and not selectors.can_manage(project=project, user=_user(request)):
        raise NotAllowed(FACILITATORS_ONLY)
    return selectors.survey_in(project=project, pk=survey_id)


# -- surveys -----------------------------------------------------------------------------


class AttributeOut(Schema):
    id: int
    label: str
    description: str
    functional: str
    dysfunctional: str
    position: int


class SurveyOut(Schema):
    id: int
    title: str
    introduction: str
    status: str
    ask_importance: bool
    equality_questions: list[str] = []
    attributes: list[AttributeOut]


class SurveyIn(Schema):
    title: str
    introduction: str = ""
    ask_importance: bool = False
    equality_questions: list[str] = []


class StatusIn(Schema):
    status: str


class AttributeIn(Schema):
    label: str
    description: str = ""
    functional: str | None = None
    dysfunctional: str | None = None


def _attribute_out(a: KanoAttribute) -> dict[str, Any]:
    return {
        "id": a.pk,
        "label": a.label,
        "description": a.description,
        "functional": a.functional,
        "dysfunctional": a.dysfunctional,
        "position": a.position,
    }


def _survey_out(s: KanoSurvey) -> dict[str, Any]:
    return {
        "id": s.pk,
        "title": s.title,
        "introduction": s.introduction,
        "status": s.status,
        "ask_importance": s.ask_importance,
        "equality_questions": list(s.equality_questions),
        "attributes": [_attribute_out(a) for a in selectors.attributes_of(s)],
    }


@router.get(BASE, response={200: list[SurveyOut], **READ_ERRORS})
def list_surveys(request: HttpRequest, project_id: int) -> Any:
    """The project's Kano surveys, newest first, with their attributes."""
    project = _project(request, project_id)
    return [_survey_out(s) for s in selectors.surveys_of(project=project)]


@router.post(BASE, response={201: SurveyOut, **ERRORS})
def create_survey(request: HttpRequest, project_id: int, payload: SurveyIn) -> Any:
    """A new survey, as a draft (facilitators)."""
    project = _project(request, project_id)
    survey = actions.create_survey(project=project, by=_user(request), **payload.dict())
    return Status(201, _survey_out(survey))


@router.get(BASE + "/{survey_id}", response={200: SurveyOut, **READ_ERRORS})
def get_survey(request: HttpRequest, project_id: int, survey_id: int) -> Any:
    return _survey_out(_survey(request, project_id, survey_id))


@router.post(BASE + "/{survey_id}/status", response={200: SurveyOut, **ERRORS})
def set_status(request: HttpRequest, project_id: int, survey_id: int, payload: StatusIn) -> Any:
    """Open or close the survey (``open``, ``closed``; facilitators)."""
    survey = _survey(request, project_id, survey_id, manage=True)
    return _survey_out(actions.set_status(survey=survey, status=payload.status, by=_user(request)))


@router.post(BASE + "/{survey_id}/attributes", response={201: AttributeOut, **ERRORS})
def add_attribute(
    request: HttpRequest, project_id: int, survey_id: int, payload: AttributeIn
) -> Any:
    """Add an attribute; questions left out are worded from the label (facilitators)."""
    survey = _survey(request, project_id, survey_id, manage=True)
    attribute = actions.add_attribute(survey=survey, by=_user(request), **payload.dict())
    return Status(201, _attribute_out(attribute))


@router.put(BASE + "/{survey_id}/attributes/{attribute_id}", response={200: AttributeOut, **ERRORS})
def update_attribute(
    request: HttpRequest, project_id: int, survey_id: int, attribute_id: int, payload: AttributeIn
) -> Any:
    survey = _survey(request, project_id, survey_id, manage=True)
    attribute = selectors.attribute_in(survey=survey, pk=attribute_id)
    return _attribute_out(
        actions.update_attribute(attribute=attribute, by=_user(request), **payload.dict())
    )


@router.delete(BASE + "/{survey_id}/attributes/{attribute_id}", response={204: None, **ERRORS})
def delete_attribute(
    request: HttpRequest,
    project_id: int,
    survey_id: int,
    attribute_id: int,
    confirm_answers: bool = False,
) -> Any:
    """Delete an attribute; one with answers needs ``?confirm_answers=true``."""
    survey = _survey(request, project_id, survey_id, manage=True)
    attribute = selectors.attribute_in(survey=survey, pk=attribute_id)
    actions.delete_attribute(
        attribute=attribute, by=_user(request), confirmed_answers=confirm_answers
    )
    return Status(204, None)


# -- answers -----------------------------------------------------------------------------


class AnswerIn(Schema):
    attribute_id: int
    functional: str | int
    dysfunctional: str | int
    importance: int | None = None


class AnswersIn(Schema):
    answers: list[AnswerIn]
    equality: dict[str, str] = {}


class AnswersOut(Schema):
    saved: int
    answered: int
    attributes: int


def _voter(request: HttpRequest, project_id: int) -> tuple[Voter, User | None]:
    """The seat answering: a token's member, else the session's member or the voter cookie."""
    header = request.headers.get("Authorization", "")
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        raise Http404("No such project.")
    if header.startswith("Bearer "):
        token = account_selectors.active_token(header.removeprefix("Bearer ").strip())
        if token is None:
            raise Http404("No such project.")
        request.user = token.user
    elif check_csrf(request) is not None:
        raise NotAllowed("CSRF check failed: send the CSRF token with the answers.")
    voter = takepart_selectors.voter_for(request, project)
    if voter is None:
        raise Http404("No such project.")
    user = request.user if isinstance(request.user, User) else None
    return voter, user


@router.post(BASE + "/{survey_id}/answers", response={200: AnswersOut, **ERRORS}, auth=None)
def submit_answers(
    request: HttpRequest, project_id: int, survey_id: int, payload: AnswersIn
) -> Any:
    """Save the voter's answers (a member's own seat, or the voter cookie's); answers may be
    changed until the survey closes. Answers: like, must-be, neutral, live-with, dislike
    (or 1–5 in that order). ``equality``: answers to the survey's optional equality questions
    (a category or "Prefer not to say"), kept apart and never returned."""
    voter, user = _voter(request, project_id)
    survey = KanoSurvey.objects.filter(project_id=voter.project_id, pk=survey_id).first()
    if survey is None:
        raise Http404("No such survey.")
    answers: dict[int, actions.Answer] = {}
    for item in payload.answers:
        if item.attribute_id in answers:
            raise ActionError(
                "The same attribute is answered twice", field=f"attribute-{item.attribute_id}"
            )
        answers[item.attribute_id] = actions.Answer(
            functional=item.functional, dysfunctional=item.dysfunctional, importance=item.importance
        )
    saved = actions.submit_answers(
        survey=survey, voter=voter, answers=answers, by=user, equality=payload.equality
    )
    return {
        "saved": saved,
        "answered": len(selectors.answers_of(survey=survey, voter=voter)),
        "attributes": survey.attributes.count(),
    }


# -- results -----------------------------------------------------------------------------


class ResultOut(Schema):
    segment: str
    n: int | None
    suppressed: bool
    complementary: bool = False
    counts: dict[str, int] | None = None
    category: str | None = None
    tied: list[str] = []
    q_share: float | None = None
    q_flag: bool = False
    better: float | None = None
    worse: float | None = None
    quadrant: str | None = None
    functional_mean: float | None = None
    functional_sd: float | None = None
    dysfunctional_mean: float | None = None
    dysfunctional_sd: float | None = None
    importance_mean: float | None = None


class AttributeResultsOut(Schema):
    attribute_id: int
    label: str
    categories_agree: bool | None
    segments: list[ResultOut]


class SegmentationOut(Schema):
    question: str
    title: str
    segments: list[str]
    attributes: list[AttributeResultsOut]


class ResultsOut(Schema):
    survey_id: int
    respondents: int
    suppression_threshold: int
    segments: list[str]
    attributes: list[AttributeResultsOut]
    equality: list[SegmentationOut] = []


def _cell_out(cell: selectors.Cell) -> dict[str, Any]:
    if cell.suppressed or cell.result is None:
        return {
            "segment": cell.segment,
            "n": None if cell.suppressed else 0,
            "suppressed": cell.suppressed,
            "complementary": cell.complementary,
        }
    r = cell.result
    return {
        "segment": cell.segment,
        "n": r.n,
        "suppressed": False,
        "counts": dict(zip("AOMIRQ", r.counts.as_tuple(), strict=True)),
        "category": r.category.value,
        "tied": [c.value for c in r.tied] if len(r.tied) > 1 else [],
        "q_share": r.q_share,
        "q_flag": r.q_flag,
        "better": r.better,
        "worse": r.worse,
        "quadrant": None if r.quadrant is None else r.quadrant.value,
        "functional_mean": r.functional_mean,
        "functional_sd": r.functional_sd,
        "dysfunctional_mean": r.dysfunctional_mean,
        "dysfunctional_sd": r.dysfunctional_sd,
        "importance_mean": r.importance_mean,
    }


@router.get(BASE + "/{survey_id}/results", response={200: ResultsOut, **READ_ERRORS})
def results(request: HttpRequest, project_id: int, survey_id: int) -> Any:
    """Per attribute and segment (patients, carers, staff, …, then ``all``) the core's
    analysis; segments of fewer than five respondents are suppressed (``n`` null), and so are
    the segments hidden to protect them (``complementary``). ``equality``: the same by each
    optional equality question the survey asks."""
    from coproduce.participation.suppression import THRESHOLD

    survey = _survey(request, project_id, survey_id)
    found = selectors.results_of(survey)
    return {
        "survey_id": survey.pk,
        "respondents": found.respondents,
        "suppression_threshold": THRESHOLD,
        "segments": list(found.segments),
        "attributes": [_attribute_results_out(row) for row in found.attributes],
        "equality": [
            {
                "question": s.key,
                "title": s.title,
                "segments": list(s.segments),
                "attributes": [_attribute_results_out(row) for row in s.attributes],
            }
            for s in found.equality
        ],
    }


def _attribute_results_out(row: selectors.AttributeResults) -> dict[str, Any]:
    return {
        "attribute_id": row.attribute.pk,
        "label": row.attribute.label,
        "categories_agree": row.categories_agree,
        "segments": [_cell_out(c) for c in row.cells],
    }
