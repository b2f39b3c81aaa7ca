"""API endpoints of EBCD, mounted under /api/v1 by coproduce.web.api.api.

The EBCD state (variant, checklist, progress, film), the events, priorities, dot votes and
their tally: patients and staff separately, then together at the joint event.

The same permissions as the pages (docs/adr/0018): outsiders get 404; every member reads;
members who are not observers record events, priorities and votes (403 for observers).
Refusals are 400 with ``detail`` and ``field``. Interview transcripts are not in the API.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from coproduce.experience import ebcd as core
from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project

from . import actions, selectors
from .models import EBCDProject, Event, EventKind, Priority, VoterGroup

router = Router(tags=["ebcd"])

BASE = "/projects/{project_id}/ebcd"

OBSERVERS_REFUSED = "Observers can see the EBCD work but not record it."


class EBCDError(Schema):
    detail: str
    field: str | None = None


READ_ERRORS: dict[int, Any] = {403: EBCDError, 404: EBCDError}
ERRORS: dict[int, Any] = {400: EBCDError, **READ_ERRORS}


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        user = request.user
    assert isinstance(user, User)
    return user


def _project(request: HttpRequest, project_id: int) -> Project:
    return project_selectors.project_for_user(pk=project_id, user=_user(request))


def _ebcd(request: HttpRequest, project_id: int, *, record: bool = False) -> EBCDProject:
    project = _project(request, project_id)
    if record and not selectors.can_record(project=project, user=_user(request)):
        raise NotAllowed(OBSERVERS_REFUSED)
    return selectors.ebcd_for(project=project)


# -- state ---------------------------------------------------------------------------------


class StageOut(Schema):
    stage: str
    title: str
    outputs_expected: list[str]
    planned_on: dt.date | None
    done_on: dt.date | None
    outputs: str


class FilmClipOut(Schema):
    position: int
    clip_id: int
    interview: str
    description: str
    start_seconds: int
    end_seconds: int
    touchpoint_id: int | None


class StateOut(Schema):
    variant: str
    trigger_film_source: str
    journey_id: int | None
    top_k: int
    weighting: str
    stages_done: int
    stages_total: int
    percent_done: int
    next_stage: str | None
    stages: list[StageOut]
    film_seconds: int
    film: list[FilmClipOut]


@router.get(BASE, response={200: StateOut, **READ_ERRORS})
def ebcd_state(request: HttpRequest, project_id: int) -> Any:
    """The project's EBCD: variant, checklist with progress, and the trigger film's order."""
    ebcd = _ebcd(request, project_id)
    checklist = selectors.checklist(ebcd)
    film = selectors.film_of(ebcd)
    progress = checklist.progress
    return {
        "variant": ebcd.variant,
        "trigger_film_source": ebcd.trigger_film_source,
        "journey_id": ebcd.journey_id,
        "top_k": ebcd.top_k,
        "weighting": ebcd.weighting,
        "stages_done": progress.done,
        "stages_total": progress.total,
        "percent_done": progress.percent,
        "next_stage": progress.next_stage.stage.value if progress.next_stage else None,
        "stages": [
            {
                "stage": row.info.stage.value,
                "title": row.info.title,
                "outputs_expected": list(row.info.outputs),
                "planned_on": row.step.planned_on,
                "done_on": row.step.done_on,
                "outputs": row.step.outputs,
            }
            for row in checklist.rows
        ],
        "film_seconds": film.seconds,
        "film": [
            {
                "position": number,
                "clip_id": entry.clip_id,
                "interview": entry.clip.interview.label,
                "description": entry.clip.description,
                "start_seconds": entry.clip.start_seconds,
                "end_seconds": entry.clip.end_seconds,
                "touchpoint_id": entry.clip.touchpoint_id,
            }
            for number, entry in enumerate(film.entries, start=1)
        ],
    }


# -- events --------------------------------------------------------------------------------


class EventOut(Schema):
    id: int
    kind: EventKind
    date: dt.date | None
    notes: str
    activity_id: int | None
    voting_groups: list[str]


class EventIn(Schema):
    date: dt.date | None = None
    notes: str = ""
    activity_id: int | None = None


def _event_out(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "date": event.date,
        "notes": event.notes,
        "activity_id": event.activity_id,
        "voting_groups": list(event.groups),
    }


@router.get(BASE + "/events", response={200: list[EventOut], **READ_ERRORS})
def list_events(request: HttpRequest, project_id: int) -> Any:
    """The staff, patient and joint events recorded so far."""
    ebcd = _ebcd(request, project_id)
    return [_event_out(e) for e in selectors.events_of(ebcd).values() if e is not None]


@router.put(BASE + "/events/{kind}", response={200: EventOut, **ERRORS})
def save_event(request: HttpRequest, project_id: int, kind: EventKind, payload: EventIn) -> Any:
    """Record or update the staff, patient or joint event."""
    ebcd = _ebcd(request, project_id, record=True)
    activity = (
        selectors.activities_of(project=ebcd.project).filter(pk=payload.activity_id).first()
        if payload.activity_id is not None
        else None
    )
    if payload.activity_id is not None and activity is None:
        raise ActionError("Choose one of this project's activities", field="activity_id")
    event = actions.save_event(
        ebcd=ebcd,
        kind=kind,
        date=payload.date,
        notes=payload.notes,
        activity=activity,
        by=_user(request),
    )
    return _event_out(event)


# -- priorities and votes -------------------------------------------------------------------


class PriorityOut(Schema):
    id: int
    title: str
    description: str
    proposed_at: EventKind | None
    touchpoint_id: int | None


class PriorityIn(Schema):
    title: str
    description: str = ""
    touchpoint_id: int | None = None


def _priority_out(priority: Priority) -> dict[str, Any]:
    return {
        "id": priority.pk,
        "title": priority.title,
        "description": priority.description,
        "proposed_at": priority.proposed_at.kind if priority.proposed_at else None,
        "touchpoint_id": priority.touchpoint_id,
    }


@router.get(BASE + "/priorities", response={200: list[PriorityOut], **READ_ERRORS})
def list_priorities(request: HttpRequest, project_id: int) -> Any:
    """Every priority proposed, in the order proposed (which breaks ties)."""
    ebcd = _ebcd(request, project_id)
    return [_priority_out(p) for p in selectors.priorities_of(ebcd)]


@router.post(BASE + "/events/{kind}/priorities", response={201: PriorityOut, **ERRORS})
def propose_priority(
    request: HttpRequest, project_id: int, kind: EventKind, payload: PriorityIn
) -> Any:
    """Propose a priority at an event."""
    ebcd = _ebcd(request, project_id, record=True)
    event = selectors.event_in(ebcd=ebcd, kind=kind)
    touchpoint = None
    if payload.touchpoint_id is not None:
        touchpoint = selectors.touchpoints_of(ebcd).filter(pk=payload.touchpoint_id).first()
        if touchpoint is None:
            raise ActionError(
                "Choose a touchpoint of the journey linked to EBCD", field="touchpoint_id"
            )
    priority = actions.propose_priority(
        event=event,
        title=payload.title,
        description=payload.description,
        touchpoint=touchpoint,
        by=_user(request),
    )
    return Status(201, _priority_out(priority))


class VoteIn(Schema):
    priority_id: int
    votes: int


class VotesIn(Schema):
    votes: list[VoteIn]


class VoteOut(Schema):
    priority_id: int
    group: VoterGroup
    votes: int


@router.put(BASE + "/events/{kind}/votes/{group}", response={200: list[VoteOut], **ERRORS})
def record_votes(
    request: HttpRequest, project_id: int, kind: EventKind, group: VoterGroup, payload: VotesIn
) -> Any:
    """Record one group's dot votes at an event, all or nothing. Patients vote at the patient
    event, staff at the staff event, both (counted separately) at the joint event."""
    ebcd = _ebcd(request, project_id, record=True)
    event = selectors.event_in(ebcd=ebcd, kind=kind)
    counts: dict[int, object] = {}
    for row in payload.votes:
        if row.priority_id in counts:
            raise ActionError("Give each priority's votes once", field="votes")
        counts[row.priority_id] = row.votes
    saved = actions.record_votes(event=event, group=group, votes=counts, by=_user(request))
    return [{"priority_id": v.priority_id, "group": v.group, "votes": v.votes} for v in saved]


class RankedOut(Schema):
    priority: str
    score: float
    rank: int
    share: float


class RankingOut(Schema):
    group: str | None
    round: str
    total: float
    ranked: list[RankedOut]


class AgreementOut(Schema):
    top_k: int
    shared_top: list[str]
    patients_only: list[str]
    staff_only: list[str]
    overlap: float | None
    rank_correlation: float | None
    explanation: str


class TallyOut(Schema):
    priorities: list[str]
    weighting: str
    separate: list[RankingOut]
    agreement: AgreementOut | None
    joint_by_group: list[RankingOut]
    joint: RankingOut | None
    joint_agreement: AgreementOut | None


def _ranking(ranking: core.GroupRanking) -> dict[str, Any]:
    return {
        "group": ranking.group.value if ranking.group else None,
        "round": ranking.round.value,
        "total": ranking.total,
        "ranked": [
            {"priority": r.priority, "score": r.score, "rank": r.rank, "share": r.share}
            for r in ranking.ranked
        ],
    }


def _agreement(agreement: core.Agreement | None) -> dict[str, Any] | None:
    if agreement is None:
        return None
    return {
        "top_k": agreement.top_k,
        "shared_top": list(agreement.shared_top),
        "patients_only": list(agreement.patients_only),
        "staff_only": list(agreement.staff_only),
        "overlap": agreement.overlap,
        "rank_correlation": agreement.rank_correlation,
        "explanation": agreement.explanation,
    }


@router.get(BASE + "/tally", response={200: TallyOut, **READ_ERRORS})
def tally(request: HttpRequest, project_id: int) -> Any:
    """Each group's ranking at its own event, where they agree, and the joint ranking."""
    ebcd = _ebcd(request, project_id)
    result = selectors.results_of(ebcd).tally
    if result is None:
        return {
            "priorities": [],
            "weighting": ebcd.weighting,
            "separate": [],
            "agreement": None,
            "joint_by_group": [],
            "joint": None,
            "joint_agreement": None,
        }
    return {
        "priorities": list(result.priorities),
        "weighting": result.weighting.value,
        "separate": [_ranking(r) for r in result.separate],
        "agreement": _agreement(result.agreement),
        "joint_by_group": [_ranking(r) for r in result.joint_by_group],
        "joint": _ranking(result.joint) if result.joint else None,
        "joint_agreement": _agreement(result.joint_agreement),
    }
