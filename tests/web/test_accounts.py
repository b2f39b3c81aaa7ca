from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from coproduce.web.accounts.models import AccessToken, User
from coproduce.web.audit.models import AuditEvent
from tests.universe import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_sign_in_and_out() -> None:
    make_user("a@example.org")
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "a@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("projects:list")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("projects:list")).status_code == 302


def test_a_wrong_password_is_explained_in_the_error_summary() -> None:
    make_user("a@example.org")
    response = Client().post(
        reverse("accounts:login"), {"username": "a@example.org", "password": "nope"}
    )
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a correct email address and password." in html


def test_password_reset_by_email_link(django_capture_on_commit_callbacks: Any) -> None:
    make_user("a@example.org")
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": "a@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body)
    assert link is not None
    form = client.get(link.group(1), follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert User.objects.get(email="a@example.org").check_password("a-brand-new-passphrase")
    assert AuditEvent.objects.filter(action="user.password_reset").exists()
    # The link works once.
    again = client.get(link.group(1), follow=True)
    assert "cannot be used" in again.content.decode()


def test_password_reset_for_an_unknown_address_reveals_nothing() -> None:
    response = Client().post(
        reverse("accounts:password_reset"), {"email": "nobody@example.org"}, follow=True
    )
    assert "If there is an account for that address" in response.content.decode()
    assert mail.outbox == []


def test_profile_update_and_duplicate_email() -> None:
    make_user("a@example.org")
    make_user("b@example.org")
    client = Client()
    client.login(username="a@example.org", password=PASSWORD)
    client.post(reverse("accounts:profile"), {"name": "Ada Lovelace", "email": "a@example.org"})
    assert User.objects.get(email="a@example.org").name == "Ada Lovelace"
    response = client.post(reverse("accounts:profile"), {"name": "Ada", "email": "b@example.org"})
    assert "belongs to another account" in response.content.decode()
    assert User.objects.get(email="a@example.org").name == "Ada Lovelace"


def test_tokens_are_shown_once_and_revoked_after_confirmation() -> None:
    user = make_user("a@example.org")
    client = Client()
    client.login(username="a@example.org", password=PASSWORD)
    created = client.post(reverse("accounts:tokens"), {"name": "R script"})
    raw = created.context["new_token"]
    assert raw.startswith("cp_") and raw in created.content.decode()
    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert raw not in listing and "R script" in listing

    token = AccessToken.objects.get(user=user)
    confirm = client.get(reverse("accounts:revoke_token", args=[token.pk]))
    assert "cannot be undone" in confirm.content.decode()
    token.refresh_from_db()
    assert token.is_active
    client.post(reverse("accounts:revoke_token", args=[token.pk]))
    token.refresh_from_db()
    assert not token.is_active


def test_someone_elses_token_is_404() -> None:
    owner = make_user("owner@example.org")
    make_user("other@example.org")
    token = AccessToken.objects.create(user=owner, name="x", token_hash="0" * 64, prefix="cp_x")
    client = Client()
    client.login(username="other@example.org", password=PASSWORD)
    assert client.post(reverse("accounts:revoke_token", args=[token.pk])).status_code == 404
