"""Reads for organisations, projects and memberships, scoped to the reader.

A user sees only the projects they belong to. Lookups of anything else raise
``Http404``, so a project's existence is never revealed to outsiders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from coproduce.web.accounts.models import hash_token

from .models import (
    Invitation,
    Organisation,
    Project,
    ProjectMembership,
    Role,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User


def visible_projects_for(user: User | AnonymousUser) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    return (
        Project.objects.filter(memberships__user=user)
        .select_related("organisation")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("title")
    )


def project_for_user(*, pk: int, user: User | AnonymousUser) -> Project:
    """The project if ``user`` belongs to it; otherwise ``Http404``."""
    try:
        return visible_projects_for(user).get(pk=pk)
    except Project.DoesNotExist:
        raise Http404("No such project.") from None


def membership_of(*, project: Project, user: User | AnonymousUser) -> ProjectMembership | None:
    if not user.is_authenticated:
        return None
    return ProjectMembership.objects.filter(project=project, user=user).first()


def role_in(*, project: Project, user: User | AnonymousUser) -> str | None:
    membership = membership_of(project=project, user=user)
    return membership.role if membership else None


def is_facilitator(*, project: Project, user: User | AnonymousUser) -> bool:
    return role_in(project=project, user=user) == Role.FACILITATOR


def members_of(*, project: Project) -> QuerySet[ProjectMembership]:
    return (
        ProjectMembership.objects.filter(project=project)
        .select_related("user")
        .order_by("user__name", "user__email")
    )


def membership_for_facilitator(*, project: Project, pk: int) -> ProjectMembership:
    try:
        return members_of(project=project).get(pk=pk)
    except ProjectMembership.DoesNotExist:
        raise Http404("No such member.") from None


def open_invitations_of(*, project: Project) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(project=project, accepted_at=None, revoked_at=None)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def invitation_in(*, project: Project, pk: int) -> Invitation:
    try:
        return Invitation.objects.get(project=project, pk=pk)
    except Invitation.DoesNotExist:
        raise Http404("No such invitation.") from None


def invitation_by_token(raw_token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("project", "project__organisation", "invited_by")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )


def organisations_for(user: User | AnonymousUser) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def organisations_where_admin(user: User | AnonymousUser) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, memberships__is_admin=True).order_by(
        "name"
    )


def is_organisation_admin(*, organisation: Organisation, user: User | AnonymousUser) -> bool:
    return organisations_where_admin(user).filter(pk=organisation.pk).exists()


def projects_with_roles_for(user: User | AnonymousUser) -> QuerySet[Project]:
    """Visible projects with the reader's own membership prefetched as ``my_memberships``."""
    if not user.is_authenticated:
        return Project.objects.none()
    return visible_projects_for(user).prefetch_related(
        Prefetch(
            "memberships",
            queryset=ProjectMembership.objects.filter(user=user),
            to_attr="my_memberships",
        )
    )
