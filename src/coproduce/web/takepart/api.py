"""API endpoints for taking part without an account, mounted under /api/v1.

Facilitators make one-time invitation links and event codes and list them. The raw link
tokens are in the response that makes them, once; only their SHA-256 is kept. Outsiders get
404, members who are not facilitators 403; refusals are 400 with ``detail`` and ``field``.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from coproduce.web.accounts.models import User
from coproduce.web.projects.models import Project

from . import actions, selectors
from .models import EventCode

router = Router(tags=["takepart"])

BASE = "/projects/{project_id}/take-part"


class TakePartError(Schema):
    detail: str
    field: str | None = None


READ_ERRORS: dict[int, Any] = {403: TakePartError, 404: TakePartError}
ERRORS: dict[int, Any] = {400: TakePartError, **READ_ERRORS}


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        user = request.user
    assert isinstance(user, User)
    return user


def _project(request: HttpRequest, project_id: int) -> Project:
    return selectors.managed_project(pk=project_id, user=_user(request))


class LinksIn(Schema):
    count: int = Field(ge=1, le=actions.MAX_LINKS_PER_BATCH)
    constituency: str
    days: int = Field(14, ge=1, le=actions.MAX_LINK_DAYS)
    label: str = Field("", max_length=100)


class LinkOut(Schema):
    id: int
    label: str
    constituency: str
    expires_at: dt.datetime
    status: str
    used_at: dt.datetime | None


class NewLinkOut(LinkOut):
    url: str


def _link_out(row: selectors.LinkRow) -> dict[str, Any]:
    link = row.link
    return {
        "id": link.pk,
        "label": link.label,
        "constituency": link.constituency,
        "expires_at": link.expires_at,
        "status": row.status,
        "used_at": link.used_at,
    }


@router.post(f"{BASE}/links", response={201: list[NewLinkOut], **ERRORS})
def create_links(request: HttpRequest, project_id: int, payload: LinksIn) -> Any:
    project = _project(request, project_id)
    made = actions.create_links(project=project, by=_user(request), **payload.dict())
    return Status(
        201,
        [
            {
                **_link_out(selectors.LinkRow(link=new.link, status="unused")),
                "url": request.build_absolute_uri(reverse("takepart:link", args=[new.raw_token])),
            }
            for new in made
        ],
    )


@router.get(f"{BASE}/links", response={200: list[LinkOut], **READ_ERRORS})
def list_links(request: HttpRequest, project_id: int) -> Any:
    project = _project(request, project_id)
    return [_link_out(row) for row in selectors.links_of(project=project)]


class CodeIn(Schema):
    label: str = Field(max_length=100)
    constituency: str = ""
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime


class CodeOut(Schema):
    id: int
    code: str
    label: str
    constituency: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    status: str
    uses: int


def _code_out(event_code: EventCode) -> dict[str, Any]:
    return {
        "id": event_code.pk,
        "code": event_code.code,
        "label": event_code.label,
        "constituency": event_code.constituency,
        "opens_at": event_code.opens_at,
        "closes_at": event_code.closes_at,
        "status": selectors.code_status(event_code),
        "uses": event_code.uses,
    }


@router.post(f"{BASE}/codes", response={201: CodeOut, **ERRORS})
def create_code(request: HttpRequest, project_id: int, payload: CodeIn) -> Any:
    project = _project(request, project_id)
    event_code = actions.create_event_code(project=project, by=_user(request), **payload.dict())
    return Status(201, _code_out(event_code))


@router.get(f"{BASE}/codes", response={200: list[CodeOut], **READ_ERRORS})
def list_codes(request: HttpRequest, project_id: int) -> Any:
    project = _project(request, project_id)
    return [_code_out(code) for code in selectors.codes_of(project=project)]


@router.post(f"{BASE}/codes/{{code_id}}/close", response={200: CodeOut, **ERRORS})
def close_code(request: HttpRequest, project_id: int, code_id: int) -> Any:
    project = _project(request, project_id)
    event_code = selectors.code_in(project=project, pk=code_id)
    return _code_out(actions.close_event_code(event_code=event_code, by=_user(request)))


@router.post(f"{BASE}/links/{{link_id}}/revoke", response={200: LinkOut, **ERRORS})
def revoke_link(request: HttpRequest, project_id: int, link_id: int) -> Any:
    project = _project(request, project_id)
    link = actions.revoke_link(
        link=selectors.link_in(project=project, pk=link_id), by=_user(request)
    )
    return _link_out(selectors.LinkRow(link=link, status=selectors.link_status(link)))
