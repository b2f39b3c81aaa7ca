"""Reads for taking part without an account (docs/adr/0021).

``voter_for`` answers "whose seat is this request?" for every app that asks voters something:

1. a facilitator who has chosen to record answers for an assisted seat (session flag
   ``takepart_assist_<project id>``) gets that seat, so everything they record is assisted;
2. a member with an account gets their own seat (made on first use; observers get none);
3. anyone else gets the seat whose key their voter cookie holds, or None.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Role

from . import actions
from .cookies import hash_key, key_from
from .models import EventCode, InvitationLink, JoinedVia, Voter

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Project

SEEN_EVERY = dt.timedelta(hours=1)


def assist_session_key(project_pk: int) -> str:
    return f"takepart_assist_{project_pk}"


def assisted_voter_in_session(request: HttpRequest, project: Project) -> Voter | None:
    """The assisted seat a facilitator is recording for, if any (and still allowed)."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    pk = session.get(assist_session_key(project.pk))
    if not pk or not project_selectors.is_facilitator(project=project, user=request.user):
        return None
    return (
        Voter.objects.filter(project=project, pk=pk, joined_via=JoinedVia.ASSISTED)
        .select_related("project", "participant", "assisted_by")
        .first()
    )


def voter_for(request: HttpRequest, project: Project) -> Voter | None:
    """The seat of this browser/person in ``project``, or None."""
    assisted = assisted_voter_in_session(request, project)
    if assisted is not None:
        return assisted
    user = request.user
    if user.is_authenticated:
        seat = actions.member_seat(project=project, user=user)
        if seat is not None:
            return seat
        if project_selectors.role_in(project=project, user=user) == Role.OBSERVER:
            return None
    raw = key_from(request, project.pk)
    if raw is None:
        return None
    voter = (
        Voter.objects.filter(project=project, key_hash=hash_key(raw), user__isnull=True)
        .select_related("project")
        .first()
    )
    if voter is not None and timezone.now() - voter.last_seen_at > SEEN_EVERY:
        voter.last_seen_at = timezone.now()
        Voter.objects.filter(pk=voter.pk).update(last_seen_at=voter.last_seen_at)
    return voter


def is_observer(*, project: Project, user: User | AnonymousUser) -> bool:
    return project_selectors.role_in(project=project, user=user) == Role.OBSERVER


# --------------------------------------------------------------------------- facilitators


def managed_project(*, pk: int, user: User | AnonymousUser) -> Project:
    """The project for its facilitators: 404 for outsiders, ``NotAllowed`` for other members."""
    from coproduce.web.errors import NotAllowed

    project = project_selectors.project_for_user(pk=pk, user=user)
    if not project_selectors.is_facilitator(project=project, user=user):
        raise NotAllowed("Only the project's facilitators can do this.")
    return project


@dataclass(frozen=True)
class LinkRow:
    link: InvitationLink
    status: str  # unused, used, expired, revoked

    @property
    def status_label(self) -> str:
        return {
            "unused": "Not used yet",
            "used": "Used",
            "expired": "Expired",
            "revoked": "Withdrawn",
        }[self.status]


def link_status(link: InvitationLink, *, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if link.used_at is not None:
        return "used"
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= now:
        return "expired"
    return "unused"


def links_of(*, project: Project) -> list[LinkRow]:
    now = timezone.now()
    return [
        LinkRow(link=link, status=link_status(link, now=now))
        for link in InvitationLink.objects.filter(project=project)
    ]


def link_in(*, project: Project, pk: int) -> InvitationLink:
    link = InvitationLink.objects.filter(project=project, pk=pk).select_related("project").first()
    if link is None:
        raise Http404("No such link.")
    return link


def code_status(event_code: EventCode, *, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if event_code.closes_at <= now:
        return "closed"
    if event_code.opens_at > now:
        return "not open yet"
    return "open"


def codes_of(*, project: Project) -> QuerySet[EventCode]:
    return EventCode.objects.filter(project=project)


def code_in(*, project: Project, pk: int) -> EventCode:
    code = EventCode.objects.filter(project=project, pk=pk).select_related("project").first()
    if code is None:
        raise Http404("No such event code.")
    return code


def assisted_voters_of(*, project: Project) -> QuerySet[Voter]:
    return Voter.objects.filter(project=project, joined_via=JoinedVia.ASSISTED).select_related(
        "participant", "assisted_by"
    )


def assisted_voter_in(*, project: Project, pk: int) -> Voter:
    voter = assisted_voters_of(project=project).filter(pk=pk).select_related("project").first()
    if voter is None:
        raise Http404("No such assisted seat.")
    return voter


def seat_counts(*, project: Project) -> dict[str, int]:
    counts = dict.fromkeys(JoinedVia.values, 0)
    for row in Voter.objects.filter(project=project).values_list("joined_via", flat=True):
        counts[row] = counts.get(row, 0) + 1
    return counts
