"""The REST API at /api/v1, with the same permissions as the pages.

Authentication: a personal access token (``Authorization: Bearer cp_…``) or
the browser session (with CSRF). Reads go through selectors and writes through
actions, so the API and the pages give the same answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer, django_auth
from pydantic import Field

from coproduce.web.accounts import actions as account_actions
from coproduce.web.accounts import selectors as account_selectors
from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.projects import actions, selectors
from coproduce.web.projects.models import OrganisationKind, ProjectStatus, Role


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = account_selectors.active_token(token)
        if found is None:
            return None
        account_actions.touch_access_token(token=found)
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="coproduce API",
    version="1.0.0",
    description=(
        "Projects, members and invitations of coproduce. Authenticate with a personal "
        "access token created under Your account → API tokens."
    ),
    auth=[TokenAuth(), django_auth],
)


@api.exception_handler(NotAllowed)
def not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=403)


@api.exception_handler(ActionError)
def action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=400)


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):
        user = request.user
    assert isinstance(user, User)
    return user


class Me(Schema):
    id: int
    email: str
    name: str


class OrganisationOut(Schema):
    id: int
    name: str
    kind: OrganisationKind


class ProjectOut(Schema):
    id: int
    title: str
    service: str
    description: str
    status: ProjectStatus
    organisation: OrganisationOut
    created_at: datetime
    updated_at: datetime


class ProjectIn(Schema):
    organisation_id: int
    title: str
    service: str
    description: str = ""
    status: ProjectStatus = ProjectStatus.PLANNING


class ProjectPatch(Schema):
    title: str | None = None
    service: str | None = None
    description: str | None = None
    status: ProjectStatus | None = None


class MemberOut(Schema):
    id: int
    user_id: int
    name: str
    email: str
    role: Role
    joined_at: datetime

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user.name)

    @staticmethod
    def resolve_email(obj: Any) -> str:
        return str(obj.user.email)


class MemberPatch(Schema):
    role: Role


class InvitationIn(Schema):
    email: str
    role: Role


class InvitationOut(Schema):
    id: int
    email: str
    role: Role
    state: str
    expires_at: datetime
    link: str | None = None


class Error(Schema):
    detail: str


#: The largest limit or offset: beyond it a number would overflow the database (a 500), so
#: it is refused as invalid (422) instead.
MAX_PAGE_NUMBER = 2**31 - 1


class Pages(LimitOffsetPagination):
    """ninja's limit and offset (100 a page by default), bounded above."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE_NUMBER)
        offset: int = Field(0, ge=0, le=MAX_PAGE_NUMBER)


router = Router(tags=["projects"])


@api.get("/me", response=Me, tags=["accounts"])
def me(request: HttpRequest) -> User:
    return _user(request)


@router.get("/projects", response=list[ProjectOut])
@paginate(Pages)
def list_projects(request: HttpRequest) -> Any:
    return selectors.visible_projects_for(_user(request))


@router.post("/projects", response={201: ProjectOut, 400: Error, 403: Error, 404: Error})
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    user = _user(request)
    organisation = selectors.organisations_for(user).filter(pk=payload.organisation_id).first()
    if organisation is None:
        raise HttpError(404, "No such organisation.")
    project = actions.create_project(
        organisation=organisation,
        title=payload.title,
        service=payload.service,
        description=payload.description,
        status=payload.status,
        by=user,
    )
    return Status(201, project)


@router.get("/projects/{project_id}", response={200: ProjectOut, 404: Error})
def get_project(request: HttpRequest, project_id: int) -> Any:
    return selectors.project_for_user(pk=project_id, user=_user(request))


@router.patch(
    "/projects/{project_id}", response={200: ProjectOut, 400: Error, 403: Error, 404: Error}
)
def update_project(request: HttpRequest, project_id: int, payload: ProjectPatch) -> Any:
    user = _user(request)
    project = selectors.project_for_user(pk=project_id, user=user)

    def new(field: str) -> Any:
        value = getattr(payload, field)
        return getattr(project, field) if value is None else value

    return actions.update_project(
        project=project,
        title=new("title"),
        service=new("service"),
        description=new("description"),
        status=new("status"),
        by=user,
    )


@router.get("/projects/{project_id}/members", response={200: list[MemberOut], 404: Error})
def list_members(request: HttpRequest, project_id: int) -> Any:
    project = selectors.project_for_user(pk=project_id, user=_user(request))
    return list(selectors.members_of(project=project))


@router.patch(
    "/projects/{project_id}/members/{member_id}",
    response={200: MemberOut, 400: Error, 403: Error, 404: Error},
)
def change_member(
    request: HttpRequest, project_id: int, member_id: int, payload: MemberPatch
) -> Any:
    user = _user(request)
    project = selectors.project_for_user(pk=project_id, user=user)
    membership = selectors.membership_for_facilitator(project=project, pk=member_id)
    actions.change_member_role(membership=membership, role=payload.role, by=user)
    return membership


@router.delete(
    "/projects/{project_id}/members/{member_id}",
    response={204: None, 400: Error, 403: Error, 404: Error},
)
def remove_member(request: HttpRequest, project_id: int, member_id: int) -> Any:
    user = _user(request)
    project = selectors.project_for_user(pk=project_id, user=user)
    membership = selectors.membership_for_facilitator(project=project, pk=member_id)
    actions.remove_member(membership=membership, by=user)
    return Status(204, None)


@router.get(
    "/projects/{project_id}/invitations",
    response={200: list[InvitationOut], 403: Error, 404: Error},
)
def list_invitations(request: HttpRequest, project_id: int) -> Any:
    user = _user(request)
    project = selectors.project_for_user(pk=project_id, user=user)
    if not selectors.is_facilitator(project=project, user=user):
        raise NotAllowed("Only the project's facilitators can see invitations.")
    return list(selectors.open_invitations_of(project=project))


@router.post(
    "/projects/{project_id}/invitations",
    response={201: InvitationOut, 400: Error, 403: Error, 404: Error},
)
def create_invitation(request: HttpRequest, project_id: int, payload: InvitationIn) -> Any:
    user = _user(request)
    project = selectors.project_for_user(pk=project_id, user=user)

    def link_for(token: str) -> str:
        return request.build_absolute_uri(reverse("invitation", args=[token]))

    invitation, raw = actions.invite_member(
        project=project, email=payload.email, role=payload.role, by=user, link_for=link_for
    )
    out = InvitationOut.from_orm(invitation)
    out.link = link_for(raw)
    return Status(201, out)


api.add_router("", router)

# Each app's endpoints, with the same authentication and error handling.
from coproduce.web.improvement.api import router as improvement_router  # noqa: E402
from coproduce.web.measures.api import router as measures_router  # noqa: E402
from coproduce.web.measures.api_chart import router as measures_chart_router  # noqa: E402
from coproduce.web.participation.api import router as participation_router  # noqa: E402

api.add_router("", measures_router)
api.add_router("", measures_chart_router)
api.add_router("", improvement_router)
api.add_router("", participation_router)

from coproduce.web.ebcd.api import router as ebcd_router  # noqa: E402
from coproduce.web.experience.api import router as experience_router  # noqa: E402
from coproduce.web.jobs.api import router as jobs_router  # noqa: E402
from coproduce.web.journeys.api import router as journeys_router  # noqa: E402
from coproduce.web.themes.api import router as themes_router  # noqa: E402

api.add_router("", experience_router)
api.add_router("", themes_router)
api.add_router("", journeys_router)
api.add_router("", ebcd_router)
api.add_router("", jobs_router)

from coproduce.web.decide.api import router as decide_router  # noqa: E402
from coproduce.web.deliberate.api import router as deliberate_router  # noqa: E402
from coproduce.web.kanosurvey.api import router as kanosurvey_router  # noqa: E402
from coproduce.web.takepart.api import router as takepart_router  # noqa: E402

api.add_router("", takepart_router)
api.add_router("", deliberate_router)
api.add_router("", kanosurvey_router)
api.add_router("", decide_router)
