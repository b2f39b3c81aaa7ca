"""API endpoints of deliberation, mounted under /api/v1 by coproduce.web.api.api (ADR 0022).

Members authenticate as everywhere (token or session). People taking part without an account
send their voter key in the ``X-Voter-Key`` header (the key from their invitation link or
event code; a header, not the cookie, so no other site can vote in their name). The same
rules as the pages: outsiders 404, votes on closed conversations refused (400), one vote per
person and statement (a repeat or a change is an upsert).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from coproduce.web.accounts import actions as account_actions
from coproduce.web.accounts import selectors as account_selectors
from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project
from coproduce.web.takepart.cookies import hash_key
from coproduce.web.takepart.models import Voter

from . import actions, selectors
from .models import StatementStatus

router = Router(tags=["deliberation"])

BASE = "/projects/{project_id}/deliberation/conversations"


class VoterKey(APIKeyHeader):
    param_name = "X-Voter-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Voter | None:
        if not key or not 20 <= len(key) <= 200:
            return None
        return selectors.voter_by_key_hash(hash_key(key))


class MemberToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = account_selectors.active_token(token)
        if found is None:
            return None
        account_actions.touch_access_token(token=found)
        request.user = found.user
        return found.user


AUTH = [VoterKey(), MemberToken(), django_auth]


class Problem(Schema):
    detail: str
    field: str | None = None


ERRORS: dict[int, Any] = {400: Problem, 403: Problem, 404: Problem}


def _project(request: HttpRequest, project_id: int) -> Project:
    """The project, for a member or for a voter of that project (404 otherwise)."""
    auth = request.auth  # type: ignore[attr-defined]
    if isinstance(auth, Voter):
        if auth.project_id != project_id:
            from django.http import Http404

            raise Http404("No such project.")
        return auth.project
    assert isinstance(auth, User)
    return project_selectors.project_for_user(pk=project_id, user=auth)


def _voter(request: HttpRequest, project: Project) -> Voter:
    auth = request.auth  # type: ignore[attr-defined]
    if isinstance(auth, Voter):
        return auth
    from coproduce.web.takepart import selectors as takepart_selectors

    voter = takepart_selectors.voter_for(request, project)
    if voter is None:
        raise ActionError("Observers can see conversations but not vote.", field="vote")
    return voter


class ConversationOut(Schema):
    id: int
    topic: str
    description: str
    is_open: bool
    participants_may_submit: bool


class StatementOut(Schema):
    id: int
    text: str


class VoteIn(Schema):
    statement: int
    vote: int


class VoteOut(Schema):
    voter: int
    statement: int
    vote: int


@router.get(f"{BASE}/", response={200: list[ConversationOut], **ERRORS}, auth=AUTH)
def list_conversations(request: HttpRequest, project_id: int) -> Any:
    project = _project(request, project_id)
    return list(selectors.conversations(project=project))


@router.get(
    f"{BASE}/{{conversation_id}}/statements",
    response={200: list[StatementOut], **ERRORS},
    auth=AUTH,
)
def list_statements(request: HttpRequest, project_id: int, conversation_id: int) -> Any:
    project = _project(request, project_id)
    conversation = selectors.conversation_for(project=project, pk=conversation_id)
    return list(selectors.statements(conversation=conversation, status=StatementStatus.ACCEPTED))


@router.post(f"{BASE}/{{conversation_id}}/votes", response={200: VoteOut, **ERRORS}, auth=AUTH)
def submit_vote(
    request: HttpRequest, project_id: int, conversation_id: int, payload: VoteIn
) -> Any:
    """Agree 1, disagree -1, pass 0. Voting again (or replaying) changes the one vote."""
    auth = request.auth  # type: ignore[attr-defined]
    if isinstance(auth, Voter):
        if auth.project_id != project_id:
            from django.http import Http404

            raise Http404("No such project.")
        voter = auth  # the lean path: no project query; cast_vote checks the statement's project
    else:
        voter = _voter(request, _project(request, project_id))
    actions.cast_vote(
        statement_id=payload.statement,
        conversation_id=conversation_id,
        voter=voter,
        value=payload.vote,
    )
    return {"voter": voter.pk, "statement": payload.statement, "vote": payload.vote}


@router.get(f"{BASE}/{{conversation_id}}/results", response={200: dict[str, Any], **ERRORS})
def results(request: HttpRequest, project_id: int, conversation_id: int) -> Any:
    """The ``coproduce deliberation analyse`` document for the conversation's votes (members)."""
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):
        user = request.user
    project = project_selectors.project_for_user(pk=project_id, user=user)
    conversation = selectors.conversation_for(project=project, pk=conversation_id)
    analysis, _ = actions.refresh_analysis(conversation=conversation, by=user, background=False)
    return selectors.public_document(analysis.document if analysis else {})
