"""Projects, membership, invitations and object-level permissions, through the pages."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.web.audit.models import AuditEvent
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.projects import actions
from coproduce.web.projects.models import Invitation, Project, ProjectMembership, Role
from tests.universe import PASSWORD, join, make_organisation, make_project, make_user

pytestmark = pytest.mark.django_db


def strip_csrf(html: bytes) -> bytes:
    """Each page carries a freshly masked CSRF token; everything else must match."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def signed_in(user_email: str) -> Client:
    client = Client()
    assert client.login(username=user_email, password=PASSWORD)
    return client


def test_a_user_sees_only_the_projects_they_belong_to() -> None:
    alice, bob = make_user("alice@example.org"), make_user("bob@example.org")
    mine = make_project(alice, title="Alice project")
    theirs = make_project(bob, title="Bob project")

    page = signed_in("alice@example.org").get(reverse("projects:list"))

    assert mine.title in page.content.decode()
    assert theirs.title not in page.content.decode()


@pytest.mark.parametrize(
    "name",
    ["projects:detail", "projects:members", "projects:edit", "projects:audit", "projects:invite"],
)
def test_another_projects_pages_answer_404_exactly_like_a_missing_one(name: str) -> None:
    make_user("alice@example.org")
    bob = make_user("bob@example.org")
    theirs = make_project(bob)
    client = signed_in("alice@example.org")

    existing = client.get(reverse(name, args=[theirs.pk]))
    missing = client.get(reverse(name, args=[theirs.pk + 1000]))

    assert existing.status_code == missing.status_code == 404
    assert theirs.title not in existing.content.decode()
    assert strip_csrf(existing.content) == strip_csrf(missing.content)


def test_members_who_are_not_facilitators_cannot_manage_the_project() -> None:
    fac = make_user("fac@example.org")
    patient = make_user("pat@example.org")
    project = make_project(fac)
    join(project, patient, Role.PATIENT_PARTNER, by=fac)
    client = signed_in("pat@example.org")

    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 200
    for name in ("projects:edit", "projects:audit", "projects:invite"):
        assert client.get(reverse(name, args=[project.pk])).status_code == 403
    response = client.post(
        reverse("projects:invite", args=[project.pk]),
        {"email": "x@example.org", "role": Role.FACILITATOR},
    )
    assert response.status_code == 403
    assert not Invitation.objects.filter(email="x@example.org").exists()


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(reverse("projects:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_creating_a_project_makes_its_creator_facilitator_and_is_audited() -> None:
    admin = make_user("admin@example.org", staff=True)
    organisation = make_organisation("Southtown Trust", admin=admin)
    client = signed_in("admin@example.org")

    response = client.post(
        reverse("projects:create"),
        {
            "organisation": organisation.pk,
            "title": "Fewer missed appointments",
            "service": "Diabetes clinic",
            "description": "",
            "status": "planning",
        },
    )

    project = Project.objects.get(title="Fewer missed appointments")
    assert response.status_code == 302
    assert ProjectMembership.objects.get(project=project).role == Role.FACILITATOR
    event = AuditEvent.objects.get(action="project.created")
    assert event.actor == admin and event.project == project


def test_an_invalid_project_form_shows_the_error_summary_and_saves_nothing() -> None:
    admin = make_user("admin@example.org", staff=True)
    organisation = make_organisation("Southtown Trust", admin=admin)
    client = signed_in("admin@example.org")

    response = client.post(
        reverse("projects:create"), {"organisation": organisation.pk, "title": "", "service": ""}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in html
    assert 'href="#id_title"' in html and 'href="#id_service"' in html
    assert 'aria-describedby="id_title-error"' in html
    assert "<title>Error: " in html
    assert not Project.objects.exists()


def test_a_duplicate_project_title_is_refused_with_a_field_error() -> None:
    admin = make_user("admin@example.org", staff=True)
    organisation = make_organisation("Southtown Trust", admin=admin)
    make_project(admin, title="Same", organisation=organisation)
    response = signed_in("admin@example.org").post(
        reverse("projects:create"),
        {"organisation": organisation.pk, "title": "same", "service": "x", "status": "planning"},
    )
    assert "already has a project called same" in response.content.decode()
    assert Project.objects.count() == 1


def test_invitation_round_trip_creates_an_account_and_membership(
    django_capture_on_commit_callbacks: Any,
) -> None:
    fac = make_user("fac@example.org")
    project = make_project(fac)
    client = signed_in("fac@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("projects:invite", args=[project.pk]),
            {"email": "New.Person@Example.org", "role": Role.CARER_PARTNER},
        )
    link = sent.context["link"]
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body
    assert mail.outbox[0].to == ["new.person@example.org"]

    newcomer = Client()
    form = newcomer.get(link)
    assert "Create account and join" in form.content.decode()
    joined = newcomer.post(link, {"name": "New Person", "password": "a-long-enough-passphrase"})

    assert joined.status_code == 302
    membership = ProjectMembership.objects.get(user__email="new.person@example.org")
    assert membership.role == Role.CARER_PARTNER and membership.project == project
    assert newcomer.get(reverse("projects:detail", args=[project.pk])).status_code == 200
    assert AuditEvent.objects.filter(action="invitation.accepted", project=project).exists()


def test_a_used_invitation_explains_itself() -> None:
    fac, guest = make_user("fac@example.org"), make_user("guest@example.org")
    project = make_project(fac)
    invitation, raw = actions.invite_member(
        project=project, email=guest.email, role=Role.OBSERVER, by=fac, link_for=str
    )
    actions.accept_invitation(invitation=invitation, user=guest)

    response = Client().get(reverse("invitation", args=[raw]))

    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_an_expired_invitation_explains_itself_and_cannot_be_accepted() -> None:
    fac = make_user("fac@example.org")
    project = make_project(fac)
    invitation, raw = actions.invite_member(
        project=project, email="late@example.org", role=Role.OBSERVER, by=fac, link_for=str
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )

    page = Client().post(
        reverse("invitation", args=[raw]), {"name": "Late", "password": "a-long-enough-pass"}
    )

    assert page.status_code == 410
    assert "expired" in page.content.decode()
    assert not ProjectMembership.objects.filter(user__email="late@example.org").exists()


def test_an_unknown_invitation_token_gets_a_helpful_404() -> None:
    response = Client().get(reverse("invitation", args=["not-a-token"]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_a_withdrawn_invitation_cannot_be_used() -> None:
    fac = make_user("fac@example.org")
    project = make_project(fac)
    invitation, raw = actions.invite_member(
        project=project, email="x@example.org", role=Role.STAFF, by=fac, link_for=str
    )
    signed_in("fac@example.org").post(
        reverse("projects:revoke_invitation", args=[project.pk, invitation.pk])
    )
    assert "withdrawn" in Client().get(reverse("invitation", args=[raw])).content.decode()


def test_inviting_again_replaces_the_open_invitation() -> None:
    fac = make_user("fac@example.org")
    project = make_project(fac)
    first, _first_raw = actions.invite_member(
        project=project, email="x@example.org", role=Role.STAFF, by=fac, link_for=str
    )
    actions.invite_member(
        project=project, email="x@example.org", role=Role.OBSERVER, by=fac, link_for=str
    )
    first.refresh_from_db()
    assert first.state == "revoked"
    assert Invitation.objects.filter(email="x@example.org", revoked_at=None).count() == 1


def test_an_invitation_for_someone_else_cannot_be_accepted_by_a_signed_in_user() -> None:
    fac, other = make_user("fac@example.org"), make_user("other@example.org")
    project = make_project(fac)
    _invitation, raw = actions.invite_member(
        project=project, email="meant@example.org", role=Role.STAFF, by=fac, link_for=str
    )
    client = signed_in(other.email)
    client.post(reverse("invitation", args=[raw]))
    assert not ProjectMembership.objects.filter(project=project, user=other).exists()
    assert (
        "Signed in with another address"
        in client.get(reverse("invitation", args=[raw])).content.decode()
    )


def test_one_person_holds_different_roles_in_different_projects() -> None:
    fac1, fac2, person = (make_user(f"{n}@example.org") for n in ("f1", "f2", "p"))
    one, two = make_project(fac1, title="One"), make_project(fac2, title="Two")
    join(one, person, Role.PATIENT_PARTNER, by=fac1)
    join(two, person, Role.STAFF, by=fac2)
    roles = dict(
        ProjectMembership.objects.filter(user=person).values_list("project__title", "role")
    )
    assert roles == {"One": Role.PATIENT_PARTNER, "Two": Role.STAFF}


def test_the_last_facilitator_cannot_be_removed_or_demoted() -> None:
    fac = make_user("fac@example.org")
    project = make_project(fac)
    membership = ProjectMembership.objects.get(project=project, user=fac)

    with pytest.raises(ActionError, match="at least one facilitator"):
        actions.remove_member(membership=membership, by=fac)
    with pytest.raises(ActionError, match="at least one facilitator"):
        actions.change_member_role(membership=membership, role=Role.STAFF, by=fac)
    assert ProjectMembership.objects.get(pk=membership.pk).role == Role.FACILITATOR


def test_facilitators_change_roles_and_remove_members_with_confirmation() -> None:
    fac, staff = make_user("fac@example.org"), make_user("staff@example.org")
    project = make_project(fac)
    membership = join(project, staff, Role.STAFF, by=fac)
    client = signed_in("fac@example.org")

    client.post(
        reverse("projects:member", args=[project.pk, membership.pk]), {"role": Role.FACILITATOR}
    )
    assert ProjectMembership.objects.get(pk=membership.pk).role == Role.FACILITATOR

    confirm = client.get(reverse("projects:member_remove", args=[project.pk, membership.pk]))
    assert "Remove member" in confirm.content.decode()
    assert ProjectMembership.objects.filter(pk=membership.pk).exists()
    client.post(reverse("projects:member_remove", args=[project.pk, membership.pk]))
    assert not ProjectMembership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="member.removed", project=project).exists()


def test_only_staff_create_organisations_and_only_admins_start_projects() -> None:
    person = make_user("person@example.org")
    with pytest.raises(NotAllowed):
        actions.create_organisation(name="X", kind="trust", by=person)
    admin = make_user("admin@example.org", staff=True)
    organisation = make_organisation("Y Trust", admin=admin)
    with pytest.raises(NotAllowed):
        actions.create_project(organisation=organisation, title="T", service="S", by=person)
    assert signed_in("person@example.org").get(reverse("projects:create")).status_code == 403


def test_the_audit_log_is_shown_to_facilitators_without_free_text() -> None:
    fac = make_user("fac@example.org")
    project = make_project(fac)
    secret = "My mother waited nine hours in pain"
    actions.update_project(
        project=project,
        title=project.title,
        service=project.service,
        description=secret,
        status="active",
        by=fac,
    )
    page = signed_in("fac@example.org").get(reverse("projects:audit", args=[project.pk]))
    html = page.content.decode()
    assert "Updated project details (description, status)" in html
    assert secret not in html
    assert not AuditEvent.objects.filter(summary__contains="nine hours").exists()
    assert not any("nine hours" in str(e.data) for e in AuditEvent.objects.all())


def test_every_write_in_the_invitation_flow_is_audited() -> None:
    fac, guest = make_user("fac@example.org"), make_user("guest@example.org")
    project = make_project(fac)
    before = AuditEvent.objects.count()
    membership = join(project, guest, Role.STAFF, by=fac)
    actions.change_member_role(membership=membership, role=Role.OBSERVER, by=fac)
    actions.remove_member(membership=membership, by=fac)
    actions_logged = list(
        AuditEvent.objects.order_by("id").values_list("action", flat=True)[before:]
    )
    assert actions_logged == [
        "invitation.sent",
        "invitation.accepted",
        "member.role_changed",
        "member.removed",
    ]


def test_unknown_urls_get_the_helpful_404_page() -> None:
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "check it is correct" in response.content.decode()


def test_the_invite_page_states_the_configured_expiry(settings: Any) -> None:
    settings.INVITATION_DAYS = 7
    fac = make_user("fac@example.org")
    project = make_project(fac)
    page = signed_in("fac@example.org").get(reverse("projects:invite", args=[project.pk]))
    assert "expires in 7 days" in page.content.decode()
