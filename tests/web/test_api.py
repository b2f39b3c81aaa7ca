"""The REST API: tokens, and the same permissions as the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from coproduce.web.accounts import actions as account_actions
from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.projects.models import Invitation, ProjectMembership, Role
from tests.universe import join, make_organisation, make_project, make_user

pytestmark = pytest.mark.django_db


def api_client(user: User) -> Client:
    _, raw = account_actions.create_access_token(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_the_openapi_document_is_served() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "coproduce API"
    assert "/api/v1/projects/{project_id}/members" in document["paths"]


def test_requests_without_a_token_are_refused() -> None:
    assert Client().get("/api/v1/projects").status_code == 401
    bad = Client(headers={"Authorization": "Bearer cp_not-a-real-token"})
    assert bad.get("/api/v1/projects").status_code == 401


def test_a_revoked_token_stops_working_at_once() -> None:
    user = make_user("a@example.org")
    token, raw = account_actions.create_access_token(user=user, name="script")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/v1/me").json()["email"] == "a@example.org"
    account_actions.revoke_access_token(token=token, by=user)
    assert client.get("/api/v1/me").status_code == 401


def test_tokens_are_stored_only_as_digests() -> None:
    user = make_user("a@example.org")
    token, raw = account_actions.create_access_token(user=user, name="script")
    assert raw not in token.token_hash
    assert not User.objects.filter(access_tokens__token_hash=raw).exists()


def test_projects_list_shows_only_the_callers_projects() -> None:
    alice, bob = make_user("alice@example.org"), make_user("bob@example.org")
    make_project(alice, title="Mine")
    make_project(bob, title="Theirs")
    body = api_client(alice).get("/api/v1/projects").json()
    assert [p["title"] for p in body["items"]] == ["Mine"]
    assert body["count"] == 1


def test_another_project_answers_404_like_a_missing_one() -> None:
    alice, bob = make_user("alice@example.org"), make_user("bob@example.org")
    theirs = make_project(bob)
    client = api_client(alice)
    for path in ("", "/members", "/invitations"):
        existing = client.get(f"/api/v1/projects/{theirs.pk}{path}")
        missing = client.get(f"/api/v1/projects/{theirs.pk + 999}{path}")
        assert existing.status_code == missing.status_code == 404
        assert existing.json() == missing.json()


def test_members_can_read_but_only_facilitators_can_invite_or_change_roles() -> None:
    fac, patient = make_user("fac@example.org"), make_user("pat@example.org")
    project = make_project(fac)
    membership = join(project, patient, Role.PATIENT_PARTNER, by=fac)
    client = api_client(patient)

    members = client.get(f"/api/v1/projects/{project.pk}/members").json()
    assert {m["role"] for m in members} == {"facilitator", "patient_partner"}

    invite = client.post(
        f"/api/v1/projects/{project.pk}/invitations",
        {"email": "x@example.org", "role": "staff"},
        content_type="application/json",
    )
    assert invite.status_code == 403
    promote = client.patch(
        f"/api/v1/projects/{project.pk}/members/{membership.pk}",
        {"role": "facilitator"},
        content_type="application/json",
    )
    assert promote.status_code == 403
    assert ProjectMembership.objects.get(pk=membership.pk).role == Role.PATIENT_PARTNER
    assert not Invitation.objects.filter(email="x@example.org").exists()


def test_facilitators_invite_and_manage_members_through_the_api() -> None:
    fac, staff = make_user("fac@example.org"), make_user("staff@example.org")
    project = make_project(fac)
    membership = join(project, staff, Role.STAFF, by=fac)
    client = api_client(fac)

    created = client.post(
        f"/api/v1/projects/{project.pk}/invitations",
        {"email": "new@example.org", "role": "carer_partner"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["state"] == "pending"
    assert "/invitations/" in created.json()["link"]

    changed = client.patch(
        f"/api/v1/projects/{project.pk}/members/{membership.pk}",
        {"role": "observer"},
        content_type="application/json",
    )
    assert changed.json()["role"] == "observer"
    removed = client.delete(f"/api/v1/projects/{project.pk}/members/{membership.pk}")
    assert removed.status_code == 204
    assert AuditEvent.objects.filter(action="member.removed", project=project).exists()


def test_the_last_facilitator_rule_comes_back_as_a_400_with_the_reason() -> None:
    fac = make_user("fac@example.org")
    project = make_project(fac)
    own = ProjectMembership.objects.get(project=project, user=fac)
    response = api_client(fac).delete(f"/api/v1/projects/{project.pk}/members/{own.pk}")
    assert response.status_code == 400
    assert "at least one facilitator" in response.json()["detail"]


def test_creating_and_updating_a_project() -> None:
    admin = make_user("admin@example.org", staff=True)
    organisation = make_organisation("API Trust", admin=admin)
    client = api_client(admin)
    created = client.post(
        "/api/v1/projects",
        {
            "organisation_id": organisation.pk,
            "title": "Via API",
            "service": "ED",
            "description": "Why we started",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    project_id = created.json()["id"]
    updated = client.patch(
        f"/api/v1/projects/{project_id}", {"status": "active"}, content_type="application/json"
    )
    assert updated.json()["status"] == "active"
    assert updated.json()["title"] == "Via API"
    assert updated.json()["service"] == "ED"
    assert updated.json()["description"] == "Why we started"


def test_invalid_input_is_rejected_with_a_reason() -> None:
    fac = make_user("fac@example.org")
    project = make_project(fac)
    response = api_client(fac).post(
        f"/api/v1/projects/{project.pk}/invitations",
        {"email": "x@example.org", "role": "overlord"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not Invitation.objects.exists()


def test_session_requests_to_the_api_need_a_csrf_token() -> None:
    fac = make_user("fac@example.org")
    project = make_project(fac)
    client = Client(enforce_csrf_checks=True)
    client.force_login(fac)
    assert client.get(f"/api/v1/projects/{project.pk}").status_code == 200
    response = client.post(
        f"/api/v1/projects/{project.pk}/invitations",
        {"email": "x@example.org", "role": "staff"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert not Invitation.objects.exists()


def test_an_empty_title_is_refused_and_the_project_is_unchanged() -> None:
    fac = make_user("fac@example.org")
    project = make_project(fac, title="Kept")
    response = api_client(fac).patch(
        f"/api/v1/projects/{project.pk}", {"title": "  "}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "title"
    project.refresh_from_db()
    assert project.title == "Kept"


def test_text_with_a_nul_character_is_refused_with_a_reason() -> None:
    """PostgreSQL cannot store U+0000; the API refuses it up front instead of failing."""
    admin = make_user("admin@example.org", staff=True)
    organisation = make_organisation("API Trust", admin=admin)
    client = api_client(admin)
    project = make_project(admin, organisation=organisation)
    for body in ({"title": "Bad\x00title"}, {"description": ["ok", {"nested": "a\x00b"}]}):
        response = client.patch(
            f"/api/v1/projects/{project.pk}", body, content_type="application/json"
        )
        assert response.status_code == 400
        assert "NUL" in response.json()["detail"]
    assert client.get("/api/v1/projects?x=a%00b").status_code == 400
    project.refresh_from_db()
    assert "\x00" not in project.title
    # A backslash followed by u0000 typed as text is not a NUL character.
    ok = client.patch(
        f"/api/v1/projects/{project.pk}",
        {"description": "a literal \\u0000"},
        content_type="application/json",
    )
    assert ok.status_code == 200
