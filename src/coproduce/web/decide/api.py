"""API endpoints for decisions, mounted under /api/v1 by coproduce.web.api.api
(docs/adr/0024).

Members list decisions and read results (outsiders 404); facilitators create them (403
otherwise); members respond as their own seat (observers have none: 403). People without an
account respond through the pages. Refusals are 400 with ``detail`` and ``field``.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from coproduce.web.accounts.models import User
from coproduce.web.errors import NotAllowed
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project
from coproduce.web.takepart import selectors as takepart_selectors

from . import actions, selectors
from .models import GroupDecision

router = Router(tags=["decide"])

BASE = "/projects/{project_id}/decisions"


class DecideError(Schema):
    detail: str
    field: str | None = None


READ_ERRORS: dict[int, Any] = {403: DecideError, 404: DecideError}
ERRORS: dict[int, Any] = {400: DecideError, **READ_ERRORS}


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        user = request.user
    assert isinstance(user, User)
    return user


def _project(request: HttpRequest, project_id: int) -> Project:
    return project_selectors.project_for_user(pk=project_id, user=_user(request))


class OptionOut(Schema):
    id: int
    text: str


class DecisionOut(Schema):
    id: int
    question: str
    details: str
    kind: str
    dots: int
    score_max: int
    is_open: bool
    group_id: int | None
    options: list[OptionOut]
    outcome: str
    change_idea_id: int | None
    influence_decision_id: int | None
    created_at: dt.datetime


def _out(decision: GroupDecision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "question": decision.question,
        "details": decision.details,
        "kind": decision.kind,
        "dots": decision.dots,
        "score_max": decision.score_max,
        "is_open": decision.is_open,
        "group_id": decision.group_id,
        "options": [{"id": o.pk, "text": o.text} for o in decision.options.all()],
        "outcome": decision.outcome,
        "change_idea_id": decision.change_idea_id,
        "influence_decision_id": decision.influence_id,
        "created_at": decision.created_at,
    }


class DecisionIn(Schema):
    question: str = Field(max_length=300)
    kind: str
    options: list[str] = []
    details: str = ""
    dots: int = 3
    score_max: int = 5
    group_id: int | None = None


@router.get(BASE, response={200: list[DecisionOut], **READ_ERRORS})
def list_decisions(request: HttpRequest, project_id: int) -> Any:
    project = _project(request, project_id)
    return [_out(d) for d in selectors.decisions_of(project=project).prefetch_related("options")]


@router.post(BASE, response={201: DecisionOut, **ERRORS})
def create_decision(request: HttpRequest, project_id: int, payload: DecisionIn) -> Any:
    from coproduce.web.ebcd.models import CoDesignGroup
    from coproduce.web.errors import ActionError

    project = _project(request, project_id)
    group = None
    if payload.group_id is not None:
        group = CoDesignGroup.objects.filter(pk=payload.group_id, ebcd__project=project).first()
        if group is None:
            raise ActionError("Choose one of this project's co-design groups", field="group_id")
    decision = actions.create_decision(
        project=project,
        question=payload.question,
        kind=payload.kind,
        options=payload.options,
        details=payload.details,
        dots=payload.dots,
        score_max=payload.score_max,
        group=group,
        by=_user(request),
    )
    return Status(201, _out(selectors.decision_in(project=project, pk=decision.pk)))


@router.get(f"{BASE}/{{decision_id}}", response={200: DecisionOut, **READ_ERRORS})
def get_decision(request: HttpRequest, project_id: int, decision_id: int) -> Any:
    project = _project(request, project_id)
    return _out(selectors.decision_in(project=project, pk=decision_id))


class RespondIn(Schema):
    values: dict[int, int | None] = Field(
        default_factory=dict,
        description="option id → dots, score, or rank (1 = first; null = not ranked)",
    )
    answer: str = ""
    reason: str = Field("", max_length=2000)


class ResponseOut(Schema):
    decision_id: int
    values: dict[int, int]
    answer: str
    reason: str
    updated_at: dt.datetime


@router.put(f"{BASE}/{{decision_id}}/response", response={200: ResponseOut, **ERRORS})
def respond(request: HttpRequest, project_id: int, decision_id: int, payload: RespondIn) -> Any:
    """Your response (made or replaced: one per person), as your own seat in the project."""
    project = _project(request, project_id)
    decision = selectors.decision_in(project=project, pk=decision_id)
    request.user = _user(request)
    voter = takepart_selectors.voter_for(request, project)
    if voter is None:
        raise NotAllowed("Observers can see decisions but cannot respond.")
    response = actions.respond(
        decision=decision,
        voter=voter,
        values=payload.values,
        answer=payload.answer,
        reason=payload.reason,
    )
    return {
        "decision_id": decision.pk,
        "values": {c.option_id: c.value for c in response.choices.all()},
        "answer": response.answer,
        "reason": response.reason,
        "updated_at": response.updated_at,
    }


class TableOut(Schema):
    caption: str
    key: str
    headers: list[str]
    rows: list[list[str]]
    note: str


class ResultsOut(Schema):
    respondents: int
    headline: str
    equal_headline: str
    raw: TableOut | None
    equal: TableOut | None
    constituencies: list[TableOut]
    runoff_rounds: list[TableOut]


def _table(table: selectors.Table | None) -> dict[str, Any] | None:
    if table is None:
        return None
    return {
        "caption": table.caption,
        "key": table.key,
        "headers": list(table.headers),
        "rows": [list(row) for row in table.rows],
        "note": table.note,
    }


@router.get(f"{BASE}/{{decision_id}}/results", response={200: ResultsOut, **READ_ERRORS})
def results(request: HttpRequest, project_id: int, decision_id: int) -> Any:
    """Per constituency ("<5" for counts of a constituency under 5 people) and overall:
    ``raw`` counts everyone once, ``equal`` weights each constituency the same."""
    project = _project(request, project_id)
    found = selectors.results(selectors.decision_in(project=project, pk=decision_id))
    return {
        "respondents": found.respondents,
        "headline": found.headline,
        "equal_headline": found.equal_headline,
        "raw": _table(found.raw),
        "equal": _table(found.equal),
        "constituencies": [_table(t) for t in found.constituencies],
        "runoff_rounds": [_table(t) for t in found.runoff_rounds],
    }
