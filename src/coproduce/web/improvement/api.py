"""API endpoints of the improvement app, mounted under /api/v1 by coproduce.web.api.api.

Aims, change ideas, PDSA cycles (with predictions) and progress scores: list, create, get
and patch, with the same permissions as the pages. Any member reads; members who are not
observers write (403 otherwise); outsiders get 404.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project

from . import actions, selectors
from .models import AimDirection, Decision, PredictionResult, Purpose

router = Router(tags=["improvement"])


class ImprovementError(Schema):
    detail: str
    field: str | None = None


ERRORS: dict[int, Any] = {400: ImprovementError, 403: ImprovementError, 404: ImprovementError}


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        user = request.user
    assert isinstance(user, User)
    return user


def _project(request: HttpRequest, project_id: int) -> Project:
    return project_selectors.project_for_user(pk=project_id, user=_user(request))


# -- aims --------------------------------------------------------------------------------


class AimOut(Schema):
    id: int
    what: str
    for_whom: str
    baseline: float
    unit: str
    target: float
    direction: AimDirection
    deadline: date
    outcome_measure_id: int | None
    statement: str
    problems: list[str]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_statement(obj: Any) -> str:
        return selectors.aim_statement(obj)

    @staticmethod
    def resolve_problems(obj: Any) -> list[str]:
        return selectors.aim_problems(obj)


class AimIn(Schema):
    what: str
    for_whom: str
    baseline: float | str
    unit: str = ""
    target: float | str
    direction: AimDirection
    deadline: date | str
    outcome_measure_id: int | None = None


class AimPatch(Schema):
    what: str | None = None
    for_whom: str | None = None
    baseline: float | str | None = None
    unit: str | None = None
    target: float | str | None = None
    direction: AimDirection | None = None
    deadline: date | str | None = None
    outcome_measure_id: int | None = None


def _measure(project: Project, measure_id: int | None) -> Any:
    if measure_id is None:
        return None
    measure = selectors.measures_of(project=project).filter(pk=measure_id).first()
    if measure is None:
        raise ActionError("Choose one of this project's measures", field="outcome_measure")
    return measure


@router.get("/projects/{project_id}/aims", response={200: list[AimOut], 404: ImprovementError})
def list_aims(request: HttpRequest, project_id: int) -> Any:
    return list(selectors.aims_of(project=_project(request, project_id)))


@router.post("/projects/{project_id}/aims", response={201: AimOut, **ERRORS})
def create_aim(request: HttpRequest, project_id: int, payload: AimIn) -> Any:
    project = _project(request, project_id)
    data = payload.dict()
    data["outcome_measure"] = _measure(project, data.pop("outcome_measure_id"))
    aim = actions.create_aim(project=project, by=_user(request), **data)
    return Status(201, aim)


@router.get("/projects/{project_id}/aims/{aim_id}", response={200: AimOut, 404: ImprovementError})
def get_aim(request: HttpRequest, project_id: int, aim_id: int) -> Any:
    return selectors.aim_in(project=_project(request, project_id), pk=aim_id)


@router.patch("/projects/{project_id}/aims/{aim_id}", response={200: AimOut, **ERRORS})
def update_aim(request: HttpRequest, project_id: int, aim_id: int, payload: AimPatch) -> Any:
    project = _project(request, project_id)
    aim = selectors.aim_in(project=project, pk=aim_id)
    given = payload.dict(exclude_unset=True)
    values: dict[str, Any] = {
        name: given.get(name, getattr(aim, name))
        for name in ("what", "for_whom", "baseline", "unit", "target", "direction", "deadline")
    }
    values = {k: (getattr(aim, k) if v is None else v) for k, v in values.items()}
    if "outcome_measure_id" in given:
        values["outcome_measure"] = _measure(project, given["outcome_measure_id"])
    else:
        values["outcome_measure"] = aim.outcome_measure
    return actions.update_aim(aim=aim, by=_user(request), **values)


# -- change ideas ------------------------------------------------------------------------


class ChangeIdeaOut(Schema):
    id: int
    title: str
    description: str
    status: str
    cycle_ids: list[int]
    problems: list[str]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(selectors.ramp_of(obj).status.value)

    @staticmethod
    def resolve_cycle_ids(obj: Any) -> list[int]:
        return [cycle.pk for cycle in selectors.ramp_of(obj).cycles]

    @staticmethod
    def resolve_problems(obj: Any) -> list[str]:
        return selectors.ramp_of(obj).problems


class ChangeIdeaIn(Schema):
    title: str
    description: str = ""


class ChangeIdeaPatch(Schema):
    title: str | None = None
    description: str | None = None


@router.get(
    "/projects/{project_id}/change-ideas",
    response={200: list[ChangeIdeaOut], 404: ImprovementError},
)
def list_change_ideas(request: HttpRequest, project_id: int) -> Any:
    return list(selectors.change_ideas_of(project=_project(request, project_id)))


@router.post("/projects/{project_id}/change-ideas", response={201: ChangeIdeaOut, **ERRORS})
def create_change_idea(request: HttpRequest, project_id: int, payload: ChangeIdeaIn) -> Any:
    project = _project(request, project_id)
    idea = actions.create_change_idea(project=project, by=_user(request), **payload.dict())
    return Status(201, selectors.change_idea_in(project=project, pk=idea.pk))


@router.get(
    "/projects/{project_id}/change-ideas/{idea_id}",
    response={200: ChangeIdeaOut, 404: ImprovementError},
)
def get_change_idea(request: HttpRequest, project_id: int, idea_id: int) -> Any:
    return selectors.change_idea_in(project=_project(request, project_id), pk=idea_id)


@router.patch(
    "/projects/{project_id}/change-ideas/{idea_id}", response={200: ChangeIdeaOut, **ERRORS}
)
def update_change_idea(
    request: HttpRequest, project_id: int, idea_id: int, payload: ChangeIdeaPatch
) -> Any:
    project = _project(request, project_id)
    idea = selectors.change_idea_in(project=project, pk=idea_id)
    actions.update_change_idea(
        change_idea=idea,
        title=idea.title if payload.title is None else payload.title,
        description=idea.description if payload.description is None else payload.description,
        by=_user(request),
    )
    return selectors.change_idea_in(project=project, pk=idea_id)


# -- PDSA cycles -------------------------------------------------------------------------


class PredictionSchema(Schema):
    id: int | None = None
    question: str
    prediction: str
    rationale: str = ""
    result: PredictionResult | None = None


class CycleOut(Schema):
    id: int
    change_idea_id: int
    number: int
    label: str
    purpose: str
    start_date: date
    end_date: date | None
    objective: str
    plan_who: str
    plan_what: str
    plan_when: str
    plan_where: str
    scale: str
    data_plan: str
    measure_ids: list[int]
    participant_ids: list[int]
    other_participants: int
    carried_out_as_planned: bool | None
    observations: str
    learning: str
    decision: str
    next_steps: str
    predictions: list[PredictionSchema]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_measure_ids(obj: Any) -> list[int]:
        return sorted(m.pk for m in obj.measures.all())

    @staticmethod
    def resolve_participant_ids(obj: Any) -> list[int]:
        return sorted(m.pk for m in obj.participants.all())

    @staticmethod
    def resolve_predictions(obj: Any) -> list[dict[str, Any]]:
        return [
            {
                "id": p.pk,
                "question": p.question,
                "prediction": p.prediction,
                "rationale": p.rationale,
                "result": p.result or None,
            }
            for p in selectors.predictions_of(obj)
        ]


class CycleFields(Schema):
    purpose: Purpose | None = None
    end_date: date | None = None
    plan_who: str | None = None
    plan_what: str | None = None
    plan_when: str | None = None
    plan_where: str | None = None
    scale: str | None = None
    data_plan: str | None = None
    other_participants: int | None = None
    carried_out_as_planned: bool | None = None
    observations: str | None = None
    learning: str | None = None
    decision: Decision | None = None
    next_steps: str | None = None
    measure_ids: list[int] | None = None
    participant_ids: list[int] | None = None
    predictions: list[PredictionSchema] | None = None


class CycleIn(CycleFields):
    start_date: date
    objective: str


class CyclePatch(CycleFields):
    start_date: date | None = None
    objective: str | None = None


#: Fields where an explicit null means "clear it".
NULLABLE = {"end_date", "carried_out_as_planned"}


def _cycle_arguments(project: Project, given: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of the cycle actions from the fields a payload set."""
    arguments: dict[str, Any] = {}
    measure_ids = given.pop("measure_ids", None)
    if measure_ids is not None:
        measures = list(selectors.measures_of(project=project).filter(pk__in=measure_ids))
        if len(measures) != len(set(measure_ids)):
            raise ActionError("Choose measures from this project", field="measures")
        arguments["measures"] = measures
    participant_ids = given.pop("participant_ids", None)
    if participant_ids is not None:
        members = list(
            selectors.participants_choices(project=project).filter(pk__in=participant_ids)
        )
        if len(members) != len(set(participant_ids)):
            raise ActionError(
                "Choose participants from this project's members", field="participants"
            )
        arguments["participants"] = members
    predictions = given.pop("predictions", None)
    if predictions is not None:
        arguments["predictions"] = [
            actions.PredictionData(
                question=row["question"],
                prediction=row["prediction"],
                rationale=row.get("rationale") or "",
                result=row.get("result") or "",
                pk=row.get("id"),
            )
            for row in predictions
        ]
    for name, value in given.items():
        if value is None and name not in NULLABLE:
            if name in ("purpose", "decision"):
                arguments[name] = ""
            continue
        arguments[name] = value
    return arguments


def _cycle(project: Project, cycle_id: int) -> Any:
    return selectors.cycle_in(project=project, pk=cycle_id)


@router.get(
    "/projects/{project_id}/change-ideas/{idea_id}/cycles",
    response={200: list[CycleOut], 404: ImprovementError},
)
def list_cycles(request: HttpRequest, project_id: int, idea_id: int) -> Any:
    idea = selectors.change_idea_in(project=_project(request, project_id), pk=idea_id)
    return selectors.ramp_of(idea).cycles


@router.post(
    "/projects/{project_id}/change-ideas/{idea_id}/cycles", response={201: CycleOut, **ERRORS}
)
def create_cycle(request: HttpRequest, project_id: int, idea_id: int, payload: CycleIn) -> Any:
    project = _project(request, project_id)
    idea = selectors.change_idea_in(project=project, pk=idea_id)
    arguments = _cycle_arguments(project, payload.dict(exclude_unset=True))
    cycle = actions.create_cycle(change_idea=idea, by=_user(request), **arguments)
    return Status(201, _cycle(project, cycle.pk))


@router.get(
    "/projects/{project_id}/cycles/{cycle_id}", response={200: CycleOut, 404: ImprovementError}
)
def get_cycle(request: HttpRequest, project_id: int, cycle_id: int) -> Any:
    return _cycle(_project(request, project_id), cycle_id)


@router.patch("/projects/{project_id}/cycles/{cycle_id}", response={200: CycleOut, **ERRORS})
def update_cycle(request: HttpRequest, project_id: int, cycle_id: int, payload: CyclePatch) -> Any:
    project = _project(request, project_id)
    cycle = _cycle(project, cycle_id)
    arguments = _cycle_arguments(project, payload.dict(exclude_unset=True))
    actions.update_cycle(cycle=cycle, by=_user(request), **arguments)
    return _cycle(project, cycle_id)


# -- progress scores ---------------------------------------------------------------------


class ProgressScoreOut(Schema):
    id: int
    score: Decimal
    note: str
    recorded_on: date
    created_at: datetime


class ProgressScoreIn(Schema):
    score: Decimal
    recorded_on: date
    note: str = ""


class ProgressScorePatch(Schema):
    score: Decimal | None = None
    recorded_on: date | None = None
    note: str | None = None


@router.get(
    "/projects/{project_id}/progress-scores",
    response={200: list[ProgressScoreOut], 404: ImprovementError},
)
def list_progress_scores(request: HttpRequest, project_id: int) -> Any:
    return list(selectors.progress_scores_of(project=_project(request, project_id)))


@router.post("/projects/{project_id}/progress-scores", response={201: ProgressScoreOut, **ERRORS})
def create_progress_score(request: HttpRequest, project_id: int, payload: ProgressScoreIn) -> Any:
    project = _project(request, project_id)
    score = actions.record_progress_score(project=project, by=_user(request), **payload.dict())
    return Status(201, score)


@router.get(
    "/projects/{project_id}/progress-scores/{score_id}",
    response={200: ProgressScoreOut, 404: ImprovementError},
)
def get_progress_score(request: HttpRequest, project_id: int, score_id: int) -> Any:
    return selectors.progress_score_in(project=_project(request, project_id), pk=score_id)


@router.patch(
    "/projects/{project_id}/progress-scores/{score_id}",
    response={200: ProgressScoreOut, **ERRORS},
)
def update_progress_score(
    request: HttpRequest, project_id: int, score_id: int, payload: ProgressScorePatch
) -> Any:
    project = _project(request, project_id)
    score = selectors.progress_score_in(project=project, pk=score_id)
    return actions.update_progress_score(
        progress_score=score,
        score=score.score if payload.score is None else payload.score,
        recorded_on=score.recorded_on if payload.recorded_on is None else payload.recorded_on,
        note=score.note if payload.note is None else payload.note,
        by=_user(request),
    )
