"""API endpoints of the improvement app, mounted under /api/v1 by coproduce.web.api.api.

Aims, change ideas, PDSA cycles (with predictions) and progress scores: list, create, get
and patch; driver diagrams with their drivers (which may be moved up or down), links and
versions. The same permissions as the pages: any member reads; members who are not observers
write (403 otherwise); only facilitators delete; outsiders get 404.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from coproduce.improvement import drivers as core_drivers
from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project

from . import actions, selectors
from .models import AimDirection, Decision, DriverLevel, LinkStrength, PredictionResult, Purpose

router = Router(tags=["improvement"])

#: An id of a row (the database's 64-bit keys) and a count the database can hold: larger
#: numbers are refused as invalid (422) rather than overflowing the database (500).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]


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
            for p in obj.predictions.all()
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
    other_participants: Count | None = None
    carried_out_as_planned: bool | None = None
    observations: str | None = None
    learning: str | None = None
    decision: Decision | None = None
    next_steps: str | None = None
    measure_ids: list[Id] | None = None
    participant_ids: list[Id] | None = None
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
    return list(selectors.cycles_of(idea))


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


# -- driver diagrams ---------------------------------------------------------------------


class DriverOut(Schema):
    id: int
    level: DriverLevel
    text: str
    measure_id: int | None
    position: int


class DriverLinkOut(Schema):
    id: int
    from_driver_id: int
    to_driver_id: int | None
    to_change_idea_id: int | None
    strength: LinkStrength

    @staticmethod
    def resolve_to_change_idea_id(obj: Any) -> int | None:
        return obj.to_idea_id  # type: ignore[no-any-return]


class DiagramSummaryOut(Schema):
    id: int
    title: str
    aim_id: int | None
    current_version: int | None
    updated_at: datetime

    @staticmethod
    def resolve_current_version(obj: Any) -> int | None:
        return obj.latest_number  # type: ignore[no-any-return]  # from selectors.diagrams_of


class DiagramOut(DiagramSummaryOut):
    drivers: list[DriverOut]
    links: list[DriverLinkOut]
    problems: list[str]

    @staticmethod
    def resolve_drivers(obj: Any) -> list[Any]:
        return list(selectors.drivers_of(obj))

    @staticmethod
    def resolve_links(obj: Any) -> list[Any]:
        return list(selectors.links_of(obj))

    @staticmethod
    def resolve_problems(obj: Any) -> list[str]:
        return core_drivers.problems(selectors.core_diagram(obj))


class DiagramIn(Schema):
    title: str
    aim_id: int | None = None


class DiagramPatch(Schema):
    title: str | None = None
    aim_id: int | None = None


class VersionOut(Schema):
    number: int
    description: str
    created_at: datetime
    created_by_id: int | None


class VersionDetailOut(VersionOut):
    snapshot: dict[str, Any]


class DriverIn(Schema):
    level: DriverLevel
    text: str
    measure_id: int | None = None


class DriverPatch(Schema):
    text: str | None = None
    measure_id: int | None = None


class DriverLinkIn(Schema):
    from_driver_id: int
    to_driver_id: int | None = None
    to_change_idea_id: int | None = None
    strength: LinkStrength = LinkStrength.STRONG


class DriverLinkPatch(Schema):
    strength: LinkStrength


class DriverMoveIn(Schema):
    direction: Literal["up", "down"]


def _aim(project: Project, aim_id: int | None) -> Any:
    if aim_id is None:
        return None
    aim = selectors.aims_of(project=project).filter(pk=aim_id).first()
    if aim is None:
        raise ActionError("Choose one of this project's aims", field="aim")
    return aim


def _driver_measure(project: Project, measure_id: int | None) -> Any:
    if measure_id is None:
        return None
    measure = selectors.measures_of(project=project).filter(pk=measure_id).first()
    if measure is None:
        raise ActionError("Choose one of this project's measures", field="measure")
    return measure


DIAGRAMS = "/projects/{project_id}/driver-diagrams"


@router.get(DIAGRAMS, response={200: list[DiagramSummaryOut], 404: ImprovementError})
def list_diagrams(request: HttpRequest, project_id: int) -> Any:
    return list(selectors.diagrams_of(project=_project(request, project_id)))


@router.post(DIAGRAMS, response={201: DiagramOut, **ERRORS})
def create_diagram(request: HttpRequest, project_id: int, payload: DiagramIn) -> Any:
    project = _project(request, project_id)
    diagram = actions.create_diagram(
        project=project, title=payload.title, aim=_aim(project, payload.aim_id), by=_user(request)
    )
    return Status(201, selectors.diagram_in(project=project, pk=diagram.pk))


@router.get(DIAGRAMS + "/{diagram_id}", response={200: DiagramOut, 404: ImprovementError})
def get_diagram(request: HttpRequest, project_id: int, diagram_id: int) -> Any:
    return selectors.diagram_in(project=_project(request, project_id), pk=diagram_id)


@router.patch(DIAGRAMS + "/{diagram_id}", response={200: DiagramOut, **ERRORS})
def update_diagram(
    request: HttpRequest, project_id: int, diagram_id: int, payload: DiagramPatch
) -> Any:
    project = _project(request, project_id)
    diagram = selectors.diagram_in(project=project, pk=diagram_id)
    given = payload.dict(exclude_unset=True)
    aim = _aim(project, given["aim_id"]) if "aim_id" in given else diagram.aim
    title = given.get("title")
    actions.update_diagram(
        diagram=diagram,
        title=diagram.title if title is None else title,
        aim=aim,
        by=_user(request),
    )
    return selectors.diagram_in(project=project, pk=diagram.pk)


@router.delete(DIAGRAMS + "/{diagram_id}", response={204: None, **ERRORS})
def delete_diagram(request: HttpRequest, project_id: int, diagram_id: int) -> Any:
    diagram = selectors.diagram_in(project=_project(request, project_id), pk=diagram_id)
    actions.delete_diagram(diagram=diagram, by=_user(request))
    return Status(204, None)


@router.get(
    DIAGRAMS + "/{diagram_id}/versions", response={200: list[VersionOut], 404: ImprovementError}
)
def list_versions(request: HttpRequest, project_id: int, diagram_id: int) -> Any:
    diagram = selectors.diagram_in(project=_project(request, project_id), pk=diagram_id)
    return list(selectors.versions_of(diagram).order_by("-number"))


@router.get(
    DIAGRAMS + "/{diagram_id}/versions/{number}",
    response={200: VersionDetailOut, 404: ImprovementError},
)
def get_version(request: HttpRequest, project_id: int, diagram_id: int, number: int) -> Any:
    diagram = selectors.diagram_in(project=_project(request, project_id), pk=diagram_id)
    return selectors.version_in(diagram=diagram, number=number)


@router.post(DIAGRAMS + "/{diagram_id}/drivers", response={201: DriverOut, **ERRORS})
def create_driver(request: HttpRequest, project_id: int, diagram_id: int, payload: DriverIn) -> Any:
    project = _project(request, project_id)
    diagram = selectors.diagram_in(project=project, pk=diagram_id)
    driver = actions.add_driver(
        diagram=diagram,
        level=payload.level,
        text=payload.text,
        measure=_driver_measure(project, payload.measure_id),
        by=_user(request),
    )
    return Status(201, driver)


@router.patch("/projects/{project_id}/drivers/{driver_id}", response={200: DriverOut, **ERRORS})
def update_driver(
    request: HttpRequest, project_id: int, driver_id: int, payload: DriverPatch
) -> Any:
    project = _project(request, project_id)
    driver = selectors.driver_in_project(project=project, pk=driver_id)
    given = payload.dict(exclude_unset=True)
    measure = (
        _driver_measure(project, given["measure_id"]) if "measure_id" in given else driver.measure
    )
    text = given.get("text")
    return actions.update_driver(
        driver=driver,
        text=driver.text if text is None else text,
        measure=measure,
        by=_user(request),
    )


@router.post("/projects/{project_id}/drivers/{driver_id}/move", response={200: DriverOut, **ERRORS})
def move_driver(
    request: HttpRequest, project_id: int, driver_id: int, payload: DriverMoveIn
) -> Any:
    """Move a driver up or down: a primary driver among the primary drivers, a secondary
    driver among those drawn under the same primary driver. 400 if it is already first
    (up) or last (down)."""
    driver = selectors.driver_in_project(project=_project(request, project_id), pk=driver_id)
    return actions.move_driver(driver=driver, direction=payload.direction, by=_user(request))


@router.delete("/projects/{project_id}/drivers/{driver_id}", response={204: None, **ERRORS})
def delete_driver(request: HttpRequest, project_id: int, driver_id: int) -> Any:
    driver = selectors.driver_in_project(project=_project(request, project_id), pk=driver_id)
    actions.delete_driver(driver=driver, by=_user(request))
    return Status(204, None)


@router.post(DIAGRAMS + "/{diagram_id}/links", response={201: DriverLinkOut, **ERRORS})
def create_driver_link(
    request: HttpRequest, project_id: int, diagram_id: int, payload: DriverLinkIn
) -> Any:
    project = _project(request, project_id)
    diagram = selectors.diagram_in(project=project, pk=diagram_id)
    drivers = selectors.drivers_of(diagram)
    source = drivers.filter(pk=payload.from_driver_id).first()
    if source is None:
        raise ActionError("Choose a driver of this diagram", field="from_driver")
    to_driver = to_idea = None
    if payload.to_driver_id is not None:
        to_driver = drivers.filter(pk=payload.to_driver_id).first()
        if to_driver is None:
            raise ActionError("Choose a driver of this diagram", field="target")
    if payload.to_change_idea_id is not None:
        to_idea = (
            selectors.change_ideas_of(project=project).filter(pk=payload.to_change_idea_id).first()
        )
        if to_idea is None:
            raise ActionError("Choose one of this project's change ideas", field="target")
    created = actions.link(
        diagram=diagram,
        from_driver=source,
        to_driver=to_driver,
        to_idea=to_idea,
        strength=payload.strength,
        by=_user(request),
    )
    return Status(201, created)


@router.patch(
    "/projects/{project_id}/driver-links/{link_id}", response={200: DriverLinkOut, **ERRORS}
)
def update_driver_link(
    request: HttpRequest, project_id: int, link_id: int, payload: DriverLinkPatch
) -> Any:
    driver_link = selectors.link_in_project(project=_project(request, project_id), pk=link_id)
    return actions.set_link_strength(
        driver_link=driver_link, strength=payload.strength, by=_user(request)
    )


@router.delete("/projects/{project_id}/driver-links/{link_id}", response={204: None, **ERRORS})
def delete_driver_link(request: HttpRequest, project_id: int, link_id: int) -> Any:
    driver_link = selectors.link_in_project(project=_project(request, project_id), pk=link_id)
    actions.unlink(driver_link=driver_link, by=_user(request))
    return Status(204, None)
