"""Builders for test data. Everything is created through actions, as the app does."""

from __future__ import annotations

from coproduce.web.accounts import actions as account_actions
from coproduce.web.accounts.models import User
from coproduce.web.projects import actions
from coproduce.web.projects.models import Organisation, Project, ProjectMembership

PASSWORD = "correct-horse-battery-staple"


def make_user(email: str, name: str = "", *, staff: bool = False) -> User:
    return account_actions.create_user(
        email=email,
        name=name or email.split("@")[0].title(),
        password=PASSWORD,
        is_staff=staff,
        by=None,
    )


def make_organisation(
    name: str = "Northtown NHS Trust", *, admin: User | None = None
) -> Organisation:
    admin = admin or make_user(f"admin-{abs(hash(name)) % 10_000}@example.org", staff=True)
    if not admin.is_staff:
        admin.is_staff = True
        admin.save(update_fields=["is_staff"])
    return actions.create_organisation(name=name, kind="trust", by=admin)


def make_project(
    facilitator: User, *, title: str = "Shorter waits", organisation: Organisation | None = None
) -> Project:
    if organisation is None:
        organisation = make_organisation(f"Trust of {facilitator.email}", admin=facilitator)
    return actions.create_project(
        organisation=organisation, title=title, service="Outpatients", by=facilitator
    )


def join(project: Project, user: User, role: str, *, by: User) -> ProjectMembership:
    """Invite and accept, as a person joining through the web would."""
    invitation, _ = actions.invite_member(
        project=project, email=user.email, role=role, by=by, link_for=lambda token: token
    )
    return actions.accept_invitation(invitation=invitation, user=user)
