from __future__ import annotations

import io
import subprocess
import sys

import pytest

from coproduce import cli
from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.projects.models import Organisation, Project, ProjectMembership


def test_help_lists_every_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "coproduce.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for command in ("serve", "demo", "createuser", "migrate"):
        assert command in result.stdout


@pytest.mark.django_db
def test_demo_loads_once_however_often_it_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo"]) == 0
    first = capsys.readouterr().out
    assert cli.main(["demo"]) == 0
    second = capsys.readouterr().out

    assert Organisation.objects.count() == 1
    # Two projects: outpatient letters (5 members) and the fracture clinic story (5 members,
    # one of them new: Jo Clarke).
    assert Project.objects.count() == 2
    assert ProjectMembership.objects.count() == 10
    assert User.objects.count() == 6
    assert "Fracture clinic" in first
    assert "facilitator@demo.coproduce.invalid" in first
    # A fresh password each time, and the printed one works.
    password = second.split("password:")[1].split()[0]
    assert password not in first
    assert User.objects.get(email="facilitator@demo.coproduce.invalid").check_password(password)


@pytest.mark.django_db
def test_createuser_reads_the_password_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-enough-passphrase\n"))
    code = cli.main(
        ["createuser", "--email", "Nia@Example.org", "--name", "Nia", "--staff", "--password-stdin"]
    )
    assert code == 0
    user = User.objects.get(email="nia@example.org")
    assert user.is_staff and user.check_password("a-long-enough-passphrase")
    assert AuditEvent.objects.filter(action="user.created", target_id=str(user.pk)).exists()


@pytest.mark.django_db
def test_createuser_refuses_a_weak_password_and_creates_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("password\n"))
    code = cli.main(["createuser", "--email", "a@b.org", "--name", "A", "--password-stdin"])
    assert code == 1
    assert "too common" in capsys.readouterr().err
    assert not User.objects.exists()
