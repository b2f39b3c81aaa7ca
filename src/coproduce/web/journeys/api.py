"""API endpoints of journeys, mounted under /api/v1 by coproduce.web.api.api.

Journeys, stages, touchpoints, emotion records (create and list) and the map data (the core's
summary and reading). Permissions as the pages (docs/adr/0017): outsiders get 404; every
member reads; members who are not observers create (403 for observers). Excerpts are redacted
before they are stored; the comment an emotion record came from is given only when the reader
may see it (identifying comments: facilitators only).
"""

from __future__ import annotations

from typing import Annotated, Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from coproduce.experience import journey as core
from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project

from . import actions, selectors
from .models import EmotionRecord, EmotionSource, StageNature, TellerRole

router = Router(tags=["journeys"])

BASE = "/projects/{project_id}/journeys"
OBSERVERS_REFUSED = "Observers can see journeys but not change them."

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class JourneyError(Schema):
    detail: str
    field: str | None = None


READ_ERRORS: dict[int, Any] = {403: JourneyError, 404: JourneyError}
ERRORS: dict[int, Any] = {400: JourneyError, **READ_ERRORS}


class Pages(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=2**31 - 1)
        offset: int = Field(0, ge=0, le=2**31 - 1)


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        user = request.user
    assert isinstance(user, User)
    return user


def _project(request: HttpRequest, project_id: int) -> Project:
    return project_selectors.project_for_user(pk=project_id, user=_user(request))


def _recording_project(request: HttpRequest, project_id: int) -> Project:
    project = _project(request, project_id)
    if not selectors.can_record(project=project, user=_user(request)):
        raise NotAllowed(OBSERVERS_REFUSED)
    return project


# -- schemas ----------------------------------------------------------------------------------


class JourneyIn(Schema):
    title: str
    pathway: str = ""
    description: str = ""


class JourneyOut(Schema):
    id: int
    title: str
    pathway: str
    description: str


class StageIn(Schema):
    name: str
    description: str = ""
    patient_agency: float | None = Field(None, description="0 to 1, or null")
    professional_agency: float | None = Field(None, description="0 to 1, or null")
    agency_note: str = ""
    nature: StageNature = StageNature.UNCLASSIFIED
    nature_note: str = ""


class StageOut(Schema):
    id: int
    position: int
    name: str
    description: str
    patient_agency: float | None
    professional_agency: float | None
    agency_note: str
    nature: str
    nature_note: str


class TouchpointIn(Schema):
    stage_id: Id
    name: str
    description: str = ""
    marked_hotspot: bool = False


class TouchpointOut(Schema):
    id: int
    stage_id: int
    position: int
    name: str
    description: str
    marked_hotspot: bool


class EmotionIn(Schema):
    touchpoint_id: Id
    valence: int = Field(description="−2 very negative … +2 very positive")
    intensity: int = Field(description="1 mild … 5 very strong")
    emotion_words: list[str] = []
    excerpt: str = Field("", description="Redacted before it is stored")
    source: EmotionSource = EmotionSource.INTERVIEW
    teller_role: TellerRole = TellerRole.PATIENT
    comment_id: Id | None = None


class EmotionOut(Schema):
    id: int
    touchpoint_id: int
    valence: int
    intensity: int
    emotion_words: list[str]
    excerpt: str
    source: str
    teller_role: str
    comment_id: int | None
    created_at: str


class TouchpointMapOut(Schema):
    id: int
    name: str
    stage_id: int
    position: int
    records: int
    mean_valence: float | None
    weighted_valence: float | None
    mean_intensity: float | None
    share_negative: float | None
    words: list[tuple[str, int]]
    hotspot: bool
    hotspot_reason: str


class MethodOut(Schema):
    name: str
    family: str
    why: str


class StageMapOut(Schema):
    id: int
    name: str
    position: int
    records: int
    mean_valence: float | None
    spread: float | None
    words: list[tuple[str, int]]
    patient_agency: float | None
    professional_agency: float | None
    lead: str
    nature: str
    methods: list[MethodOut]
    note: str
    caution: str


class ShiftOut(Schema):
    from_stage: str
    to_stage: str
    from_lead: str
    to_lead: str
    patient_change: float
    professional_change: float


class MapOut(Schema):
    journey_id: int
    title: str
    hotspot_rule: str
    reading: list[str]
    touchpoints: list[TouchpointMapOut]
    stages: list[StageMapOut]
    shifts: list[ShiftOut]


# -- endpoints --------------------------------------------------------------------------------


@router.get(BASE, response={200: list[JourneyOut], **READ_ERRORS})
@paginate(Pages)
def list_journeys(request: HttpRequest, project_id: int) -> Any:
    return selectors.journeys_of(project=_project(request, project_id))


@router.post(BASE, response={201: JourneyOut, **ERRORS})
def create_journey(request: HttpRequest, project_id: int, payload: JourneyIn) -> Any:
    project = _recording_project(request, project_id)
    journey = actions.create_journey(project=project, by=_user(request), **payload.dict())
    return Status(201, journey)


@router.get(BASE + "/{journey_id}", response={200: JourneyOut, **READ_ERRORS})
def get_journey(request: HttpRequest, project_id: int, journey_id: int) -> Any:
    return selectors.journey_in(project=_project(request, project_id), pk=journey_id)


@router.get(BASE + "/{journey_id}/stages", response={200: list[StageOut], **READ_ERRORS})
def list_stages(request: HttpRequest, project_id: int, journey_id: int) -> Any:
    journey = selectors.journey_in(project=_project(request, project_id), pk=journey_id)
    return selectors.stages_of(journey=journey)


@router.post(BASE + "/{journey_id}/stages", response={201: StageOut, **ERRORS})
def create_stage(request: HttpRequest, project_id: int, journey_id: int, payload: StageIn) -> Any:
    """A stage at the end of the pathway, with its agency and nature: all saved or none."""
    project = _recording_project(request, project_id)
    journey = selectors.journey_in(project=project, pk=journey_id)
    values = payload.dict()
    with transaction.atomic():
        stage = actions.add_stage(
            journey=journey,
            name=values["name"],
            description=values["description"],
            by=_user(request),
        )
        actions.set_stage_agency(
            stage=stage,
            patient_agency=values["patient_agency"],
            professional_agency=values["professional_agency"],
            agency_note=values["agency_note"],
            nature=str(values["nature"]),
            nature_note=values["nature_note"],
            by=_user(request),
        )
    return Status(201, stage)


@router.get(BASE + "/{journey_id}/touchpoints", response={200: list[TouchpointOut], **READ_ERRORS})
def list_touchpoints(request: HttpRequest, project_id: int, journey_id: int) -> Any:
    journey = selectors.journey_in(project=_project(request, project_id), pk=journey_id)
    return [t for stage in selectors.stages_of(journey=journey) for t in stage.touchpoints.all()]


@router.post(BASE + "/{journey_id}/touchpoints", response={201: TouchpointOut, **ERRORS})
def create_touchpoint(
    request: HttpRequest, project_id: int, journey_id: int, payload: TouchpointIn
) -> Any:
    project = _recording_project(request, project_id)
    journey = selectors.journey_in(project=project, pk=journey_id)
    stage = journey.stages.filter(pk=payload.stage_id).first()
    if stage is None:
        raise ActionError("Choose one of this journey's stages", field="stage_id")
    touchpoint = actions.add_touchpoint(
        stage=stage,
        name=payload.name,
        description=payload.description,
        marked_hotspot=payload.marked_hotspot,
        by=_user(request),
    )
    return Status(201, touchpoint)


def _emotion_out(
    record: EmotionRecord, *, comment_shown: bool, excerpt_shown: bool = True
) -> dict[str, Any]:
    return {
        "id": record.pk,
        "touchpoint_id": record.touchpoint_id,
        "valence": record.valence,
        "intensity": record.intensity,
        "emotion_words": list(record.emotion_words),
        "excerpt": record.excerpt if excerpt_shown else selectors.HELD_BACK,
        "source": record.source,
        "teller_role": record.teller_role,
        "comment_id": record.comment_id if comment_shown else None,
        "created_at": record.created_at.isoformat(),
    }


@router.get(BASE + "/{journey_id}/emotions", response={200: list[EmotionOut], **READ_ERRORS})
@paginate(Pages)
def list_emotions(request: HttpRequest, project_id: int, journey_id: int) -> Any:
    project = _project(request, project_id)
    journey = selectors.journey_in(project=project, pk=journey_id)
    sees = selectors.sees_identifying(project=project, user=_user(request))
    return [
        _emotion_out(
            record,
            comment_shown=selectors.comment_visible(record=record, sees_identifying=sees),
            excerpt_shown=selectors.excerpt_visible(record=record, sees_identifying=sees),
        )
        for record in selectors.emotions_of(journey=journey)
    ]


@router.post(BASE + "/{journey_id}/emotions", response={201: EmotionOut, **ERRORS})
def create_emotion(
    request: HttpRequest, project_id: int, journey_id: int, payload: EmotionIn
) -> Any:
    project = _recording_project(request, project_id)
    journey = selectors.journey_in(project=project, pk=journey_id)
    touchpoint = selectors.touchpoint_in(journey=journey, pk=payload.touchpoint_id)
    comment = None
    if payload.comment_id is not None:
        comment = selectors.comment_in(project=project, pk=payload.comment_id)
        if comment is None:
            raise ActionError(
                "There is no comment with that number in this project", field="comment_id"
            )
    record = actions.record_emotion(
        touchpoint=touchpoint,
        valence=payload.valence,
        intensity=payload.intensity,
        emotion_words=payload.emotion_words,
        excerpt=payload.excerpt,
        source=str(payload.source),
        teller_role=str(payload.teller_role),
        comment=comment,
        by=_user(request),
    )
    return Status(201, _emotion_out(record, comment_shown=True))


@router.get(BASE + "/{journey_id}/map", response={200: MapOut, **READ_ERRORS})
def journey_map(request: HttpRequest, project_id: int, journey_id: int) -> Any:
    """The journey map's data: touchpoint and stage summaries, hotspots, agency shifts, the
    methods suggested per stage and the plain-English reading."""
    journey = selectors.journey_in(project=_project(request, project_id), pk=journey_id)
    summary = selectors.journey_summary(journey=journey)
    return {
        "journey_id": journey.pk,
        "title": journey.title,
        "hotspot_rule": summary.rule.describe(),
        "reading": list(core.read_journey(summary)),
        "touchpoints": [
            {
                "id": t.id,
                "name": t.name,
                "stage_id": t.stage_id,
                "position": t.position,
                "records": t.count,
                "mean_valence": t.mean_valence,
                "weighted_valence": t.weighted_valence,
                "mean_intensity": t.mean_intensity,
                "share_negative": t.share_negative,
                "words": list(t.words),
                "hotspot": t.hotspot,
                "hotspot_reason": t.hotspot_reason,
            }
            for t in summary.touchpoints
        ],
        "stages": [
            {
                "id": s.id,
                "name": s.name,
                "position": s.position,
                "records": s.count,
                "mean_valence": s.mean_valence,
                "spread": s.spread,
                "words": list(s.words),
                "patient_agency": s.patient_agency,
                "professional_agency": s.professional_agency,
                "lead": str(s.lead),
                "nature": str(s.nature),
                "methods": [
                    {"name": m.name, "family": str(m.family), "why": m.why}
                    for m in s.suggestion.methods
                ],
                "note": s.suggestion.note,
                "caution": s.suggestion.caution,
            }
            for s in summary.stages
        ],
        "shifts": [
            {
                "from_stage": shift.from_stage,
                "to_stage": shift.to_stage,
                "from_lead": str(shift.from_lead),
                "to_lead": str(shift.to_lead),
                "patient_change": shift.patient_change,
                "professional_change": shift.professional_change,
            }
            for shift in summary.shifts
        ],
    }
