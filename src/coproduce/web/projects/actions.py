"""The one place that changes organisations, projects, memberships and invitations.

Every function is keyword-only, atomic, takes the acting user as ``by`` and
writes an audit event (opencodelists ADR 0004; see docs/adr/0004).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduce.web.accounts.models import User, hash_token
from coproduce.web.audit import actions as audit
from coproduce.web.errors import ActionError, NotAllowed

from . import selectors
from .models import (
    Invitation,
    Organisation,
    OrganisationMembership,
    Project,
    ProjectMembership,
    ProjectStatus,
    Role,
)


@transaction.atomic
def create_organisation(*, name: str, kind: str, by: User) -> Organisation:
    """Create an organisation; its creator becomes its first admin."""
    if not by.is_staff:
        raise NotAllowed("Only site staff can create organisations.")
    name = name.strip()
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ActionError(f"An organisation called {name} already exists.", field="name")
    organisation = Organisation.objects.create(name=name, kind=kind)
    OrganisationMembership.objects.create(organisation=organisation, user=by, is_admin=True)
    audit.record(
        action="organisation.created",
        by=by,
        organisation=organisation,
        target=organisation,
        summary=f"Created organisation {organisation.name}",
    )
    return organisation


@transaction.atomic
def add_organisation_member(
    *, organisation: Organisation, user: User, is_admin: bool, by: User | None
) -> OrganisationMembership:
    membership, created = OrganisationMembership.objects.get_or_create(
        organisation=organisation, user=user, defaults={"is_admin": is_admin}
    )
    if not created and is_admin and not membership.is_admin:
        membership.is_admin = True
        membership.save(update_fields=["is_admin"])
    audit.record(
        action="organisation.member_added",
        by=by,
        organisation=organisation,
        target=membership,
        summary=f"{user.email} joined {organisation.name}" + (" as admin" if is_admin else ""),
    )
    return membership


@transaction.atomic
def create_project(
    *,
    organisation: Organisation,
    title: str,
    service: str,
    description: str = "",
    status: str = ProjectStatus.PLANNING,
    by: User,
) -> Project:
    """Start a project in an organisation; its creator becomes its facilitator."""
    if not selectors.is_organisation_admin(organisation=organisation, user=by):
        raise NotAllowed(f"Only admins of {organisation.name} can start projects there.")
    title = title.strip()
    if Project.objects.filter(organisation=organisation, title__iexact=title).exists():
        raise ActionError(
            f"{organisation.name} already has a project called {title}.", field="title"
        )
    project = Project.objects.create(
        organisation=organisation,
        title=title,
        service=service.strip(),
        description=description.strip(),
        status=status,
    )
    ProjectMembership.objects.create(project=project, user=by, role=Role.FACILITATOR)
    audit.record(
        action="project.created",
        by=by,
        project=project,
        target=project,
        summary=f"Created project {project.title}",
    )
    return project


@transaction.atomic
def update_project(
    *, project: Project, title: str, service: str, description: str, status: str, by: User
) -> Project:
    _require_facilitator(project=project, user=by)
    title = title.strip()
    if not title:
        raise ActionError("Enter a title for the project", field="title")
    if not service.strip():
        raise ActionError("Enter the service or pathway being improved", field="service")
    if (
        Project.objects.filter(organisation=project.organisation, title__iexact=title)
        .exclude(pk=project.pk)
        .exists()
    ):
        raise ActionError(
            f"{project.organisation.name} already has a project called {title}.", field="title"
        )
    changed = [
        name
        for name, value in (
            ("title", title),
            ("service", service.strip()),
            ("description", description.strip()),
            ("status", status),
        )
        if getattr(project, name) != value
    ]
    project.title = title
    project.service = service.strip()
    project.description = description.strip()
    project.status = status
    project.updated_at = timezone.now()
    project.save()
    audit.record(
        action="project.updated",
        by=by,
        project=project,
        target=project,
        summary=f"Updated project details ({', '.join(changed) or 'no changes'})",
        data={"fields": changed},
    )
    return project


@transaction.atomic
def invite_member(
    *,
    project: Project,
    email: str,
    role: str,
    by: User,
    link_for: Callable[[str], str],
) -> tuple[Invitation, str]:
    """Invite someone by email to join ``project`` as ``role``.

    Returns the invitation and its raw token (shown once, never stored).
    ``link_for`` turns a raw token into the absolute link put in the email.
    A newer invitation to the same address replaces any still open.
    """
    _require_facilitator(project=project, user=by)
    email = User.objects.normalize_email(email.strip()).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ActionError("Enter a valid email address.", field="email") from None
    if role not in Role.values:
        raise ActionError("Choose a role.", field="role")
    if ProjectMembership.objects.filter(project=project, user__email__iexact=email).exists():
        raise ActionError(f"{email} is already a member of this project.", field="email")
    now = timezone.now()
    Invitation.objects.filter(
        project=project, email__iexact=email, accepted_at=None, revoked_at=None
    ).update(revoked_at=now)
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        project=project,
        email=email,
        role=role,
        token_hash=hash_token(raw),
        invited_by=by,
        expires_at=now + timedelta(days=settings.INVITATION_DAYS),
    )
    audit.record(
        action="invitation.sent",
        by=by,
        project=project,
        target=invitation,
        summary=f"Invited {email} as {invitation.get_role_display()}",
    )
    link = link_for(raw)
    subject = f"You're invited to join {project.title} on coproduce"
    body = (
        f"{by.name} has invited you to join the improvement project "
        f"“{project.title}” ({project.organisation.name}) as "
        f"{invitation.get_role_display().lower()}.\n\n"
        f"Accept the invitation: {link}\n\n"
        f"The link works once and expires on {invitation.expires_at:%d %B %Y}."
    )
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    return invitation, raw


@transaction.atomic
def add_member(*, project: Project, user: User, role: str, by: User) -> ProjectMembership:
    """Add someone who already has an account in the project's organisation."""
    _require_facilitator(project=project, user=by)
    if role not in Role.values:
        raise ActionError("Choose a role.", field="role")
    if not OrganisationMembership.objects.filter(
        organisation=project.organisation, user=user
    ).exists():
        raise ActionError(
            f"{user.email} is not in {project.organisation.name}: send an invitation instead."
        )
    membership, created = ProjectMembership.objects.get_or_create(
        project=project, user=user, defaults={"role": role}
    )
    if not created:
        raise ActionError(f"{user.email} is already a member of this project.")
    audit.record(
        action="member.added",
        by=by,
        project=project,
        target=membership,
        summary=f"Added {user.email} as {membership.get_role_display()}",
    )
    return membership


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by: User) -> None:
    _require_facilitator(project=invitation.project, user=by)
    if invitation.state != "pending":
        raise ActionError(f"This invitation is already {invitation.state}.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        action="invitation.revoked",
        by=by,
        project=invitation.project,
        target=invitation,
        summary=f"Withdrew the invitation to {invitation.email}",
    )


def explain_unusable(invitation: Invitation | None) -> str | None:
    """Why an invitation cannot be used, in words for the person holding the link."""
    if invitation is None:
        return (
            "This invitation link is not valid. Check you copied the whole link, "
            "or ask the facilitator who invited you for a new one."
        )
    inviter = invitation.invited_by.name if invitation.invited_by else "the project's facilitator"
    if invitation.state == "accepted":
        return (
            "This invitation has already been used. If it was you, sign in to see the project. "
            f"Otherwise ask {inviter} for a new invitation."
        )
    if invitation.state == "revoked":
        return f"This invitation was withdrawn. Ask {inviter} if you should still join."
    if invitation.state == "expired":
        return (
            f"This invitation expired on {timezone.localtime(invitation.expires_at):%d %B %Y}. "
            f"Ask {inviter} to send you a new one."
        )
    return None


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> ProjectMembership:
    """Join the project the invitation is for, in its role. Works once."""
    # Lock the row so two tabs cannot both accept.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    problem = explain_unusable(invitation)
    if problem:
        raise ActionError(problem)
    if user.email.lower() != invitation.email.lower():
        raise ActionError(
            f"This invitation was sent to {invitation.email}, but you are signed in as "
            f"{user.email}. Sign out and use the invitation with the invited address."
        )
    project = invitation.project
    membership, _created = ProjectMembership.objects.get_or_create(
        project=project, user=user, defaults={"role": invitation.role}
    )
    OrganisationMembership.objects.get_or_create(organisation=project.organisation, user=user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        action="invitation.accepted",
        by=user,
        project=project,
        target=membership,
        summary=f"{user.email} joined as {membership.get_role_display()}",
    )
    return membership


@transaction.atomic
def sign_up_with_invitation(
    *, invitation: Invitation, name: str, password: str
) -> tuple[User, ProjectMembership]:
    """Create an account for the invited address and accept the invitation."""
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ActionError(f"There is already an account for {invitation.email}. Sign in to accept.")
    try:
        user = User.objects.create_user(invitation.email, password, name=name.strip())
    except IntegrityError:
        raise ActionError(
            f"There is already an account for {invitation.email}. Sign in to accept."
        ) from None
    audit.record(
        action="user.signed_up",
        by=user,
        project=invitation.project,
        target=user,
        summary=f"{user.email} created an account from an invitation",
    )
    return user, accept_invitation(invitation=invitation, user=user)


@transaction.atomic
def change_member_role(*, membership: ProjectMembership, role: str, by: User) -> None:
    project = membership.project
    _require_facilitator(project=project, user=by)
    if role not in Role.values:
        raise ActionError("Choose a role.", field="role")
    if membership.role == role:
        return
    if membership.role == Role.FACILITATOR:
        _keep_a_facilitator(project=project, leaving=membership)
    old = membership.get_role_display()
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        action="member.role_changed",
        by=by,
        project=project,
        target=membership,
        summary=f"Changed {membership.user.email} from {old} to {membership.get_role_display()}",
    )


@transaction.atomic
def remove_member(*, membership: ProjectMembership, by: User) -> None:
    """Remove a member; facilitators may remove anyone, anyone may leave."""
    project = membership.project
    if membership.user_id != by.pk:
        _require_facilitator(project=project, user=by)
    if membership.role == Role.FACILITATOR:
        _keep_a_facilitator(project=project, leaving=membership)
    email = membership.user.email
    membership.delete()
    audit.record(
        action="member.removed",
        by=by,
        project=project,
        summary=(
            f"{email} left the project"
            if membership.user_id == by.pk
            else f"Removed {email} from the project"
        ),
    )


def _require_facilitator(*, project: Project, user: User) -> None:
    if not selectors.is_facilitator(project=project, user=user):
        raise NotAllowed("Only the project's facilitators can do that.")


def _keep_a_facilitator(*, project: Project, leaving: ProjectMembership) -> None:
    others = (
        ProjectMembership.objects.select_for_update()
        .filter(project=project, role=Role.FACILITATOR)
        .exclude(pk=leaving.pk)
    )
    if not others.exists():
        raise ActionError(
            "A project needs at least one facilitator. Make someone else a facilitator first."
        )
