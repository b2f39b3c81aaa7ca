"""The GRIPP2 short-form report: drafted from the record, completed by the team, as a page,
a printable page and a PDF (DOMAIN.md §1.8)."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from html import escape

import pypdf
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.errors import NotAllowed
from coproduce.web.participation import (
    actions_activities,
    actions_people,
    actions_report,
    selectors_profile,
    selectors_report,
)
from coproduce.web.participation.actions_activities import AttendanceRow
from coproduce.web.participation.models import ConsentPurpose, Participant
from coproduce.web.projects.models import Project, Role
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
AIM = "To make sure the clinic's letters and reminders work for the people who get them."
REFLECTION = "Recruiting carers was slow; paying in advance helped."
SAID = "Reminder calls come while I am at work"


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def person(project: Project, name: str, role: str, by: User) -> Participant:
    participant = actions_people.add_participant(project=project, name=name, role=role, by=by)
    actions_people.record_consent(
        participant=participant,
        purpose=ConsentPurpose.TAKE_PART,
        given_on=TODAY - timedelta(days=200),
        by=by,
    )
    return participant


@pytest.fixture
def team() -> dict:
    fac = make_user("fac@example.org", "Fay Facilitator")
    staff = make_user("staff@example.org", "Sam Staff")
    observer = make_user("obs@example.org", "Olu Observer")
    outsider = make_user("out@example.org", "Otto Outsider")
    project = make_project(fac, title="Fracture clinic reminders")
    join(project, staff, Role.STAFF, by=fac)
    join(project, observer, Role.OBSERVER, by=fac)
    return {
        "fac": fac,
        "staff": staff,
        "observer": observer,
        "outsider": outsider,
        "project": project,
    }


def record_story(team: dict) -> None:
    """Two patients and a carer in a co-design session; one contribution led to a change."""
    project, fac = team["project"], team["fac"]
    people = [
        person(project, "Ama Mensah", "patient", fac),
        person(project, "Bea Brown", "patient", fac),
        person(project, "Cal Carer", "carer", fac),
    ]
    activity = actions_activities.create_activity(
        project=project,
        title="Reminders workshop",
        kind="co_design_group",
        date=TODAY - timedelta(days=20),
        hours=Decimal("2"),
        rung_planned=6,
        rung_achieved=6,
        phase="design",
        by=fac,
    )
    actions_activities.record_attendance(
        activity=activity,
        rows=[AttendanceRow(p.pk, Decimal("2"), False) for p in people],
        by=fac,
    )
    contribution = actions_activities.create_contribution(
        project=project,
        date=activity.date,
        said=SAID,
        contributors=[people[0]],
        activity=activity,
        by=fac,
    )
    actions_activities.respond_to_contribution(
        contribution=contribution,
        outcome="changed",
        response="Reminders now go by text the evening before.",
        fed_back_on=TODAY - timedelta(days=5),
        by=fac,
    )


def save(team: dict, **texts: str) -> None:
    values = {
        "ppi_aim": "",
        "ppi_methods": "",
        "ppi_results": "",
        "ppi_influence": "",
        "ppi_reflection": "",
        "pages": {},
    }
    values.update(texts)
    actions_report.save_gripp2(project=team["project"], by=team["fac"], **values)


def test_an_empty_project_has_an_empty_report_that_is_not_complete(team: dict) -> None:
    report = selectors_report.gripp2_of(project=team["project"])
    assert not report.complete
    assert len(report.missing) == 5


def test_methods_results_and_influence_are_drafted_from_the_record(team: dict) -> None:
    record_story(team)
    report = selectors_report.gripp2_of(project=team["project"])
    assert [key.value for key in report.missing] == ["ppi_aim", "ppi_reflection"]
    methods = report.item("ppi_methods").text
    assert "1 co-design group session" in methods
    assert "<5 patients" in methods  # two patients: never a count under 5
    assert " 2 patients" not in methods
    assert "1 of 1 contribution led to a change" in report.item("ppi_results").text


def test_the_teams_words_complete_the_report_and_rewrites_replace_drafts(team: dict) -> None:
    record_story(team)
    save(team, ppi_aim=AIM, ppi_reflection=REFLECTION, ppi_results="Our own summary.")
    report = selectors_report.gripp2_of(project=team["project"])
    assert report.complete
    assert report.item("ppi_results").text == "Our own summary."
    # A blank rewrite keeps the draft, which follows the record.
    assert "co-design group session" in report.item("ppi_methods").text


def test_the_edit_page_reads_the_record_once(team: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """The report and the drafts beside it come from one reading of the record."""
    record_story(team)
    real = selectors_profile.core_records_of
    calls: list[object] = []

    def counting(project: Project) -> selectors_profile.CoreRecords:
        calls.append(project)
        return real(project)

    monkeypatch.setattr(selectors_profile, "core_records_of", counting)
    page = signed_in(team["fac"]).get(
        reverse("participation:gripp2_edit", args=[team["project"].pk])
    )
    assert page.status_code == 200
    assert "The draft from the record" in page.content.decode()
    assert len(calls) == 1
    calls.clear()
    report = signed_in(team["fac"]).get(reverse("participation:gripp2", args=[team["project"].pk]))
    assert report.status_code == 200
    assert len(calls) == 1


def test_saving_is_audited_without_the_text(team: dict) -> None:
    save(team, ppi_aim=AIM)
    event = AuditEvent.objects.get(action="gripp2.saved")
    assert AIM not in event.summary
    assert AIM not in str(event.data)
    assert "ppi_aim" in event.summary


def test_only_facilitators_write_the_report(team: dict) -> None:
    with pytest.raises(NotAllowed):
        actions_report.save_gripp2(
            project=team["project"],
            by=team["staff"],
            ppi_aim=AIM,
            ppi_methods="",
            ppi_results="",
            ppi_influence="",
            ppi_reflection="",
            pages={},
        )
    url = reverse("participation:gripp2_edit", args=[team["project"].pk])
    assert signed_in(team["staff"]).get(url).status_code == 403
    assert signed_in(team["observer"]).get(url).status_code == 403
    assert signed_in(team["outsider"]).get(url).status_code == 404


def test_every_member_reads_the_report_and_outsiders_get_404(team: dict) -> None:
    project = team["project"]
    for name in ("gripp2", "gripp2_print", "gripp2_pdf"):
        url = reverse(f"participation:{name}", args=[project.pk])
        assert signed_in(team["observer"]).get(url).status_code == 200
        assert signed_in(team["outsider"]).get(url).status_code == 404


def test_the_page_says_what_is_missing_then_that_it_is_complete(team: dict) -> None:
    record_story(team)
    client = signed_in(team["fac"])
    url = reverse("participation:gripp2", args=[team["project"].pk])
    page = client.get(url).content.decode()
    assert "Not complete" in page
    assert "items 1 (Aim), 5 (Reflections and critical perspective) still to write" in page

    edit = reverse("participation:gripp2_edit", args=[team["project"].pk])
    response = client.post(
        edit, {"ppi_aim": AIM, "ppi_reflection": REFLECTION, "page_ppi_aim": "4"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Not complete" not in page
    assert "Complete: every GRIPP2 short-form item is written." in page
    assert "Reported on page 4." in page


def test_the_pdf_carries_the_report_and_its_status(team: dict) -> None:
    record_story(team)
    save(team, ppi_aim=AIM)
    response = signed_in(team["fac"]).get(
        reverse("participation:gripp2_pdf", args=[team["project"].pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="gripp2-fracture-clinic-reminders.pdf"' in response["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Fracture clinic reminders" in text
    assert "Not complete: item 5 (Reflections and critical perspective) still to write." in text
    assert " ".join(AIM.split()) in text
    assert "co-design group session" in text


def test_the_printable_page_downloads_as_a_standalone_file(team: dict) -> None:
    save(team, ppi_aim=AIM)
    client = signed_in(team["fac"])
    url = reverse("participation:gripp2_print", args=[team["project"].pk])
    shown = client.get(url)
    assert "attachment" not in shown.get("Content-Disposition", "")
    assert "<style>" not in shown.content.decode()  # served pages obey the CSP
    downloaded = client.get(url + "?download=1")
    assert downloaded["Content-Disposition"].startswith("attachment;")
    html = downloaded.content.decode()
    assert "<style>" in html
    assert escape(AIM) in html
