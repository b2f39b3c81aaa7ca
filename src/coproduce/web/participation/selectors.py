"""Reads shared by the participation pages: who may do what, and the project's participants.

Callers first get the project through ``projects.selectors.project_for_user`` (404 for
outsiders); lookups here are then confined to that project, so another project's rows are
404 too. Each area of the app has its own selectors module (``selectors_people`` and so on);
this one holds what they all need.

Who may do what (docs/adr/0010):

* every member sees the participation overview, the co-production profile, the influence
  log ("you said, we did", contributors named by role only), and aggregates;
* members who are not observers record activities, attendance, decisions and contributions,
  and so see participants' names and roles;
* facilitators manage participants' personal details (contact, access needs, consent),
  payments, the population profile, group pulses and the GRIPP2 report;
* nobody sees an equality-monitoring record row by row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from coproduce.web.projects.models import ProjectMembership, Role

from .models import Participant

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Project


def _role(*, project: Project, user: User | AnonymousUser) -> str | None:
    if not user.is_authenticated:
        return None
    membership = ProjectMembership.objects.filter(project=project, user=user).first()
    return membership.role if membership else None


def can_record(*, project: Project, user: User | AnonymousUser) -> bool:
    """Members who are not observers record activities, attendance and contributions."""
    role = _role(project=project, user=user)
    return role is not None and role != Role.OBSERVER


def can_manage(*, project: Project, user: User | AnonymousUser) -> bool:
    """Facilitators manage people's personal details, payments and reports."""
    return _role(project=project, user=user) == Role.FACILITATOR


def permissions(*, project: Project, user: User | AnonymousUser) -> dict[str, bool]:
    """The flags every participation template reads."""
    role = _role(project=project, user=user)
    return {
        "can_record": role is not None and role != Role.OBSERVER,
        "can_manage": role == Role.FACILITATOR,
    }


def participants_of(*, project: Project, include_left: bool = True) -> QuerySet[Participant]:
    participants = Participant.objects.filter(project=project).select_related(
        "membership__user", "payment_tier"
    )
    if not include_left:
        participants = participants.filter(left_on__isnull=True)
    return participants.order_by("name", "pk")


def participant_in(*, project: Project, pk: int) -> Participant:
    try:
        return participants_of(project=project).get(pk=pk)
    except Participant.DoesNotExist:
        raise Http404("No such participant.") from None


def participant_of_user(*, project: Project, user: User | AnonymousUser) -> Participant | None:
    """The participant record linked to ``user``'s membership of ``project``, if any."""
    if not user.is_authenticated:
        return None
    return (
        Participant.objects.filter(project=project, membership__user=user)
        .select_related("membership")
        .first()
    )
