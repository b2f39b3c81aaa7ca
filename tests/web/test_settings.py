"""Production settings, security headers, CSRF and the SQLite set-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.universe import PASSWORD, make_project, make_user

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_reports_nothing_with_production_settings(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "COPRODUCE_HTTPS": "true",
        "COPRODUCE_DEBUG": "false",
        "COPRODUCE_SECRET_KEY": "x" * 20 + "-production-secret-" + "y" * 30,
        "COPRODUCE_ALLOWED_HOSTS": "coproduce.example.nhs.uk",
        "COPRODUCE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "coproduce.web.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "DEBUG"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_https_without_a_secret_key_fails_fast_with_a_hint(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "COPRODUCE_SECRET_KEY"},
        "COPRODUCE_HTTPS": "true",
        "COPRODUCE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "coproduce.web.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"], capture_output=True, text=True, env=env
    )
    assert result.returncode != 0
    assert "Set COPRODUCE_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_pages_send_security_headers() -> None:
    response = Client().get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_forms_without_a_csrf_token_are_refused_and_save_nothing() -> None:
    fac = make_user("fac@example.org")
    project = make_project(fac)
    client = Client(enforce_csrf_checks=True)
    client.login(username="fac@example.org", password=PASSWORD)
    response = client.post(
        reverse("projects:invite", args=[project.pk]), {"email": "x@example.org", "role": "staff"}
    )
    assert response.status_code == 403
    assert "Nothing was saved" in response.content.decode()


@pytest.mark.django_db
def test_every_form_carries_a_csrf_token() -> None:
    fac = make_user("fac@example.org", staff=True)
    project = make_project(fac)
    client = Client()
    client.login(username="fac@example.org", password=PASSWORD)
    for url in (
        reverse("projects:create"),
        reverse("projects:edit", args=[project.pk]),
        reverse("projects:invite", args=[project.pk]),
        reverse("accounts:profile"),
        reverse("accounts:tokens"),
        reverse("projects:organisation_create"),
    ):
        html = client.get(url).content.decode()
        assert html.count("<form") == html.count("csrfmiddlewaretoken"), url


def test_a_file_database_really_uses_wal(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "COPRODUCE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "coproduce.web.settings",
    }
    env.pop("DATABASE_URL", None)
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "wal"
