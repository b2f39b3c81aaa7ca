"""Kano surveys in the web app: wording, answering, analysis, suppression, CSV, upload, API."""

from __future__ import annotations

import argparse
import csv
import io
import json
import secrets
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from coproduce import kano
from coproduce.commands import kano as kano_command
from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.kanosurvey import actions, selectors
from coproduce.web.kanosurvey.actions import Answer
from coproduce.web.kanosurvey.models import (
    KanoAnswerRecord,
    KanoEqualityAnswer,
    KanoSurvey,
    SurveyStatus,
)
from coproduce.web.kanosurvey.providers import open_surveys
from coproduce.web.projects.models import Project, Role
from coproduce.web.takepart.cookies import cookie_name, hash_key
from coproduce.web.takepart.models import JoinedVia, Voter
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db

LABELS = ("a text reminder the day before", "a named nurse to call", "free parking")


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def voter_client(project: Project, constituency: str) -> tuple[Client, Voter]:
    raw = secrets.token_urlsafe(32)
    voter = Voter.objects.create(
        project=project,
        constituency=constituency,
        joined_via=JoinedVia.CODE,
        key_hash=hash_key(raw),
    )
    client = Client()
    client.cookies[cookie_name(project.pk)] = raw
    return client, voter


def new_voter(project: Project, constituency: str) -> Voter:
    return Voter.objects.create(
        project=project,
        constituency=constituency,
        joined_via=JoinedVia.CODE,
        key_hash=hash_key(secrets.token_urlsafe(32)),
    )


@pytest.fixture
def facilitator() -> User:
    return make_user("fac@example.org", "Fay Facilitator")


@pytest.fixture
def project(facilitator: User) -> Project:
    return make_project(facilitator)


@pytest.fixture
def staff_member(project: Project, facilitator: User) -> User:
    user = make_user("staff@example.org", "Sam Staff")
    join(project, user, Role.STAFF, by=facilitator)
    return user


@pytest.fixture
def survey(project: Project, facilitator: User) -> KanoSurvey:
    survey = actions.create_survey(
        project=project, title="Your clinic visit", ask_importance=True, by=facilitator
    )
    for label in LABELS:
        actions.add_attribute(survey=survey, label=label, by=facilitator)
    actions.set_status(survey=survey, status=SurveyStatus.OPEN, by=facilitator)
    return survey


def attrs(survey: KanoSurvey) -> list[Any]:
    return list(selectors.attributes_of(survey))


# Answer pairs giving a known category: (functional, dysfunctional).
PAIR = {"A": (1, 3), "O": (1, 5), "M": (3, 5), "I": (3, 3), "R": (5, 1), "Q": (1, 1)}


def answer_all(survey: KanoSurvey, voter: Voter, cats: str, importance: int | None = None) -> None:
    answers = {
        a.pk: Answer(PAIR[c][0], PAIR[c][1], importance)
        for a, c in zip(attrs(survey), cats, strict=True)
    }
    actions.submit_answers(survey=survey, voter=voter, answers=answers)


def populate(survey: KanoSurvey, project: Project) -> None:
    """6 patients, 5 staff, 3 carers (a small segment)."""
    for i, cats in enumerate(["AMI", "AMI", "OMI", "AMR", "AOQ", "MMI"]):
        answer_all(survey, new_voter(project, "patient"), cats, importance=i + 3)
    for cats in ["MMI", "MOI", "MMA", "OMI", "IMI"]:
        answer_all(survey, new_voter(project, "staff"), cats)
    for cats in ["AAA", "AAA", "AAA"]:
        answer_all(survey, new_voter(project, "carer"), cats)


# --------------------------------------------------------------------------- wording


def test_questions_are_worded_by_the_core_and_editable(
    survey: KanoSurvey, facilitator: User
) -> None:
    first = attrs(survey)[0]
    pair = kano.question_pair(LABELS[0])
    assert (first.functional, first.dysfunctional) == (pair.functional, pair.dysfunctional)
    assert (
        first.functional == "How would you feel if the service had a text reminder the day before?"
    )

    actions.update_attribute(
        attribute=first,
        label=LABELS[0],
        functional="How would you feel if we texted you the day before?",
        dysfunctional="",
        by=facilitator,
    )
    first.refresh_from_db()
    assert first.functional == "How would you feel if we texted you the day before?"
    assert first.dysfunctional == pair.dysfunctional  # blank: worded afresh

    with pytest.raises(ActionError) as refused:
        actions.add_attribute(survey=survey, label="  ", by=facilitator)
    assert refused.value.field == "label"
    with pytest.raises(ActionError) as clash:
        actions.add_attribute(survey=survey, label="FREE PARKING", by=facilitator)
    assert clash.value.field == "label"


def test_attributes_reorder_and_audit_has_no_wording(survey: KanoSurvey, facilitator: User) -> None:
    third = attrs(survey)[2]
    actions.move_attribute(attribute=third, direction="up", by=facilitator)
    assert [a.label for a in attrs(survey)] == [LABELS[0], LABELS[2], LABELS[1]]
    actions.move_attribute(attribute=attrs(survey)[0], direction="up", by=facilitator)  # no-op
    assert attrs(survey)[0].label == LABELS[0]
    texts = json.dumps(list(AuditEvent.objects.values("summary", "data")), default=str)
    assert "parking" not in texts and "reminder" not in texts and "clinic" not in texts


def test_only_facilitators_write_surveys(survey: KanoSurvey, staff_member: User) -> None:
    with pytest.raises(NotAllowed):
        actions.add_attribute(survey=survey, label="x", by=staff_member)
    client = signed_in(staff_member)
    base = f"/projects/{survey.project_id}/kano"
    assert client.get(f"{base}/new/").status_code == 403
    assert client.get(f"{base}/{survey.pk}/attributes/new/").status_code == 403
    assert client.get(f"{base}/{survey.pk}/results/").status_code == 200
    outsider = signed_in(make_user("out@example.org"))
    assert outsider.get(f"{base}/{survey.pk}/").status_code == 404
    assert outsider.get(f"{base}/{survey.pk}/results/").status_code == 404


def test_facilitator_pages_write_the_survey(project: Project, facilitator: User) -> None:
    client = signed_in(facilitator)
    base = f"/projects/{project.pk}/kano"
    response = client.post(f"{base}/new/", {"title": "Clinic", "introduction": ""})
    survey = KanoSurvey.objects.get(project=project)
    assert response.status_code == 302
    response = client.post(f"{base}/{survey.pk}/attributes/new/", {"label": ""})
    assert "Enter the attribute" in response.content.decode()
    client.post(f"{base}/{survey.pk}/attributes/new/", {"label": "a quiet room"})
    client.post(f"{base}/{survey.pk}/status/", {"status": "open"})
    survey.refresh_from_db()
    assert survey.is_open
    page = client.get(f"{base}/{survey.pk}/").content.decode()
    assert "How would you feel if the service did not have a quiet room?" in page


# --------------------------------------------------------------------------- answering


def test_a_voter_answers_changes_and_is_refused_after_closing(
    survey: KanoSurvey, facilitator: User
) -> None:
    client, voter = voter_client(survey.project, "patient")
    url = reverse("kanosurvey:answer", args=[survey.project_id, survey.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "I can live with it" in page.content.decode()
    a, b, _ = attrs(survey)
    # A half-answered attribute is named; nothing saved.
    response = client.post(url, {f"functional-{a.pk}": "1"})
    assert response.status_code == 200
    assert "Answer this question too" in response.content.decode()
    assert not KanoAnswerRecord.objects.exists()

    response = client.post(
        url,
        {f"functional-{a.pk}": "1", f"dysfunctional-{a.pk}": "5", f"importance-{a.pk}": "7"},
    )
    assert response.status_code == 302
    record = KanoAnswerRecord.objects.get()
    assert (record.functional, record.dysfunctional, record.importance) == (1, 5, 7)
    assert record.segment == "patient" and record.voter == voter
    # Changing: still one response per voter and attribute.
    client.post(
        url,
        {
            f"functional-{a.pk}": "3",
            f"dysfunctional-{a.pk}": "5",
            f"functional-{b.pk}": "1",
            f"dysfunctional-{b.pk}": "3",
        },
    )
    assert KanoAnswerRecord.objects.count() == 2
    assert KanoAnswerRecord.objects.get(attribute=a).functional == 3

    actions.set_status(survey=survey, status=SurveyStatus.CLOSED, by=facilitator)
    response = client.post(url, {f"functional-{a.pk}": "1", f"dysfunctional-{a.pk}": "1"})
    assert response.status_code == 409
    assert KanoAnswerRecord.objects.get(attribute=a).functional == 3
    with pytest.raises(ActionError, match="closed"):
        actions.submit_answers(survey=survey, voter=voter, answers={a.pk: Answer(1, 1)})


def test_unknown_answers_and_foreign_attributes_are_refused(survey: KanoSurvey) -> None:
    voter = new_voter(survey.project, "staff")
    a = attrs(survey)[0]
    with pytest.raises(ActionError) as bad:
        actions.submit_answers(survey=survey, voter=voter, answers={a.pk: Answer("love it", 5)})
    assert bad.value.field == f"functional-{a.pk}"
    with pytest.raises(ActionError):
        actions.submit_answers(survey=survey, voter=voter, answers={a.pk: Answer(1, 5, 12)})
    with pytest.raises(ActionError):
        actions.submit_answers(survey=survey, voter=voter, answers={999_999: Answer(1, 5)})
    assert not KanoAnswerRecord.objects.exists()


def test_no_seat_goes_to_the_join_page_and_open_surveys_are_listed(survey: KanoSurvey) -> None:
    url = reverse("kanosurvey:answer", args=[survey.project_id, survey.pk])
    response = Client().get(url)
    assert response.status_code == 302 and "/take-part/code/" in response["Location"]
    voter = new_voter(survey.project, "carer")
    items = open_surveys(voter)
    assert [(i.title, i.url) for i in items] == [("Your clinic visit", url)]


def test_a_member_answers_through_their_own_seat(survey: KanoSurvey, staff_member: User) -> None:
    client = signed_in(staff_member)
    a = attrs(survey)[0]
    url = reverse("kanosurvey:answer", args=[survey.project_id, survey.pk])
    client.post(url, {f"functional-{a.pk}": "2", f"dysfunctional-{a.pk}": "5"})
    record = KanoAnswerRecord.objects.get()
    assert record.segment == "staff" and record.voter is not None
    assert record.voter.user == staff_member


# --------------------------------------------------------------------------- analysis


def test_results_match_the_core_segments_and_suppression(
    survey: KanoSurvey, project: Project, facilitator: User
) -> None:
    populate(survey, project)
    found = selectors.results_of(survey)
    core = kano.analyse(selectors.responses_of(survey), options=kano.KanoOptions(overall="all"))
    assert found.segments == ("patient", "carer", "staff", "all")
    assert found.respondents == 14
    for row in found.attributes:
        for cell in row.cells:
            expected = core.result(row.attribute.label, cell.segment)
            assert cell.result == (None if cell.suppressed else expected)
            if expected.n < 5:
                assert cell.suppressed and cell.n_shown == "<5"
    first = found.attributes[0]
    patients, carers, staff, everyone = first.cells
    assert patients.result is not None and patients.result.counts.as_tuple() == (4, 1, 1, 0, 0, 0)
    assert carers.suppressed and carers.n_shown == "<5"
    # Complementary suppression: everyone (14) - patients (6) - staff (5) would give the
    # three carers' answers, so the next smallest group, staff, is hidden too.
    assert staff.suppressed and staff.complementary and staff.n_shown == "[c]"
    assert staff.result is None
    assert everyone.result is not None and everyone.result.n == 14
    assert first.categories_agree is None  # only patients shown
    # Points: only what is shown: patients and everyone.
    assert {p.segment for p in found.points} == {"patient", "all"}

    page = signed_in(facilitator).get(reverse("kanosurvey:results", args=[project.pk, survey.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "Carers and family" in html and "&lt;5" in html
    assert "[c]" in html
    assert "Better–Worse diagram" in html
    assert f"{patients.result.better:.2f}" in html
    staff_better = core.result(first.attribute.label, "staff").better
    assert staff_better is not None and f"{staff_better:.2f}" != f"{patients.result.better:.2f}"


def test_segments_that_agree_when_all_are_large_enough(
    survey: KanoSurvey, project: Project
) -> None:
    for _ in range(5):
        answer_all(survey, new_voter(project, "patient"), "MAI")
        answer_all(survey, new_voter(project, "staff"), "MOI")
    found = selectors.results_of(survey)
    first, second, _third = found.attributes
    assert all(not c.suppressed for c in first.cells)
    assert first.categories_agree is True
    assert second.categories_agree is False


def test_tie_and_q_flags(survey: KanoSurvey, project: Project, facilitator: User) -> None:
    for cats in ["MMQ", "MMQ", "AOQ", "AOQ", "IOI"]:
        answer_all(survey, new_voter(project, "staff"), cats)
    found = selectors.results_of(survey)
    a, _b, c = found.attributes
    staff = a.cells[0]
    assert staff.result is not None
    assert staff.result.category == kano.Category.M and staff.tie == "M > A"
    assert c.cells[0].result is not None and c.cells[0].result.q_flag


# --------------------------------------------------------------------------- CSV


def test_csv_export_is_what_the_cli_writes(
    survey: KanoSurvey, project: Project, facilitator: User, tmp_path: Path
) -> None:
    for i, cats in enumerate(["AMI", "AMI", "OMI", "AMR", "AOQ", "MMI"]):
        answer_all(survey, new_voter(project, "patient"), cats, importance=i + 1)
    for i, cats in enumerate(["MMI", "MOI", "MMA", "OMI", "IMI"]):
        answer_all(survey, new_voter(project, "staff"), cats, importance=9 - i)
    source = tmp_path / "responses.csv"
    with source.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["respondent", "segment", "attribute", "functional", "dysfunctional", "importance"]
        )
        for r in KanoAnswerRecord.objects.select_related("attribute").order_by(
            "attribute__position", "pk"
        ):
            writer.writerow(
                [
                    r.respondent_key,
                    r.segment,
                    r.attribute.label,
                    kano.KanoAnswer(r.functional).label,
                    kano.KanoAnswer(r.dysfunctional).label,
                    r.importance,
                ]
            )
    target = tmp_path / "out.csv"
    status = kano_command.run_analyse(
        argparse.Namespace(input=str(source), output=str(target), sheet=None)
    )
    assert status == 0
    response = signed_in(facilitator).get(
        reverse("kanosurvey:results_csv", args=[project.pk, survey.pk])
    )
    assert response["Content-Type"].startswith("text/csv")
    web = list(csv.DictReader(io.StringIO(response.content.decode())))
    cli = list(csv.DictReader(io.StringIO(target.read_text())))
    assert list(web[0]) == list(cli[0])
    key = lambda row: (row["attribute"], row["segment"])  # noqa: E731
    assert sorted(web, key=key) == sorted(cli, key=key)


def test_csv_export_leaves_out_small_segments(survey: KanoSurvey, project: Project) -> None:
    populate(survey, project)
    from coproduce.web.kanosurvey.export import results_csv_text

    rows = list(csv.DictReader(io.StringIO(results_csv_text(survey))))
    # Carers (3) are left out, and staff (5) too: with patients and "all", the staff row
    # would give the carers' counts by subtraction.
    assert {r["segment"] for r in rows} == {"patient", "all"}
    assert all(int(r["n"]) >= 5 for r in rows)


# --------------------------------------------------------------------------- upload


def _upload(client: Client, survey: KanoSurvey, text: str, name: str = "answers.csv") -> Any:
    return client.post(
        reverse("kanosurvey:upload", args=[survey.project_id, survey.pk]),
        {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
    )


def test_upload_reports_bad_rows_and_saves_nothing(survey: KanoSurvey, facilitator: User) -> None:
    client = signed_in(facilitator)
    text = (
        "respondent,segment,attribute,functional,dysfunctional\n"
        "p1,patient,free parking,like,dislike\n"
        "p2,patient,free parking,love it,dislike\n"
        "p3,patient,valet parking,like,dislike\n"
        "p1,patient,Free parking,like,neutral\n"
        "p4,all,free parking,like,neutral\n"
    )
    response = _upload(client, survey, text)
    html = response.content.decode()
    assert response.status_code == 400
    assert "nothing has been saved" in html
    assert "not a Kano answer" in html and "functional" in html
    assert "not one of this survey&#x27;s attributes" in html
    assert "a second time (first at row 2)" in html
    assert "kept for the row of all segments" in html
    assert not KanoAnswerRecord.objects.exists()


def test_upload_saves_and_a_second_upload_updates(survey: KanoSurvey, facilitator: User) -> None:
    client = signed_in(facilitator)
    text = (
        "Respondent,Segment,Attribute,Functional,Dysfunctional,Importance\n"
        "p1,Patients,free parking,like,dislike,5\n"
        "p1,Patients,a named nurse to call,I expect it,I dislike it,\n"
        "s1,staff,free parking,3,5,9\n"
        "x1,volunteers,free parking,neutral,neutral,\n"
    )
    assert _upload(client, survey, text).status_code == 302
    assert KanoAnswerRecord.objects.count() == 4
    assert set(KanoAnswerRecord.objects.values_list("segment", flat=True)) == {
        "patient",
        "staff",
        "volunteers",
    }
    assert _upload(
        client, survey, text.replace("s1,staff,free parking,3", "s1,staff,free parking,1")
    )
    assert KanoAnswerRecord.objects.count() == 4
    assert KanoAnswerRecord.objects.get(respondent="s1").functional == 1
    assert selectors.results_of(survey).segments == ("patient", "staff", "volunteers", "all")


def test_upload_missing_column(survey: KanoSurvey, facilitator: User) -> None:
    response = _upload(signed_in(facilitator), survey, "respondent,segment,attribute\np,q,r\n")
    assert response.status_code == 400
    assert "there is no “functional” column" in response.content.decode()


# --------------------------------------------------------------------------- deleting


def test_deleting_an_answered_survey_needs_confirmation(
    survey: KanoSurvey, project: Project, facilitator: User
) -> None:
    answer_all(survey, new_voter(project, "patient"), "AMI")
    client = signed_in(facilitator)
    url = reverse("kanosurvey:delete", args=[project.pk, survey.pk])
    page = client.get(url).content.decode()
    assert "3 answers will be deleted too" in page
    response = client.post(url, {})
    assert response.status_code == 200 and "confirm that they are to be deleted" in (
        response.content.decode()
    )
    assert KanoSurvey.objects.filter(pk=survey.pk).exists()
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert not KanoSurvey.objects.filter(pk=survey.pk).exists()
    assert not KanoAnswerRecord.objects.exists()


def test_deleting_an_answered_attribute_needs_confirmation(
    survey: KanoSurvey, project: Project, facilitator: User
) -> None:
    answer_all(survey, new_voter(project, "patient"), "AMI")
    a = attrs(survey)[0]
    with pytest.raises(ActionError):
        actions.delete_attribute(attribute=a, by=facilitator)
    actions.delete_attribute(attribute=a, by=facilitator, confirmed_answers=True)
    assert KanoAnswerRecord.objects.count() == 2


# --------------------------------------------------------------------------- API


def test_api_surveys_answers_and_results(
    project: Project, facilitator: User, staff_member: User
) -> None:
    fay = signed_in(facilitator)
    base = f"/api/v1/projects/{project.pk}/kano/surveys"
    created = fay.post(base, {"title": "Clinic"}, content_type="application/json")
    assert created.status_code == 201, created.content
    sid = created.json()["id"]
    attribute = fay.post(
        f"{base}/{sid}/attributes", {"label": "a quiet room"}, content_type="application/json"
    )
    assert attribute.status_code == 201
    assert attribute.json()["functional"] == "How would you feel if the service had a quiet room?"
    aid = attribute.json()["id"]
    refused = signed_in(staff_member).post(
        f"{base}/{sid}/attributes", {"label": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    closed = fay.post(
        f"{base}/{sid}/answers",
        {"answers": [{"attribute_id": aid, "functional": "like", "dysfunctional": "dislike"}]},
        content_type="application/json",
    )
    assert closed.status_code == 400 and closed.json()["field"] == "survey"
    fay.post(f"{base}/{sid}/status", {"status": "open"}, content_type="application/json")

    sam = signed_in(staff_member)
    ok = sam.post(
        f"{base}/{sid}/answers",
        {"answers": [{"attribute_id": aid, "functional": "must-be", "dysfunctional": "dislike"}]},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json() == {"saved": 1, "answered": 1, "attributes": 1}
    bad = sam.post(
        f"{base}/{sid}/answers",
        {"answers": [{"attribute_id": aid, "functional": "meh", "dysfunctional": "dislike"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == f"functional-{aid}"

    client, _ = voter_client(project, "patient")
    via_cookie = client.post(
        f"{base}/{sid}/answers",
        {"answers": [{"attribute_id": aid, "functional": 1, "dysfunctional": 3}]},
        content_type="application/json",
    )
    assert via_cookie.status_code == 200, via_cookie.content
    nobody = Client().post(
        f"{base}/{sid}/answers",
        {"answers": [{"attribute_id": aid, "functional": 1, "dysfunctional": 3}]},
        content_type="application/json",
    )
    assert nobody.status_code == 404

    results = sam.get(f"{base}/{sid}/results").json()
    assert results["respondents"] == 2
    everyone = results["attributes"][0]["segments"][-1]
    assert everyone["segment"] == "all" and everyone["suppressed"] and everyone["n"] is None
    assert "counts" not in everyone or everyone["counts"] is None
    outsider = signed_in(make_user("out@example.org"))
    assert outsider.get(f"{base}/{sid}/results").status_code == 404
    assert outsider.get(base).status_code == 404


# --------------------------------------------------------------------------- equality segments


def test_facilitator_turns_equality_questions_on_and_off(
    project: Project, facilitator: User
) -> None:
    fay = signed_in(facilitator)
    created = fay.post(
        reverse("kanosurvey:new", args=[project.pk]),
        {"title": "Clinic", "equality_questions": ["sex", "age_band"]},
    )
    assert created.status_code == 302
    survey = KanoSurvey.objects.get(title="Clinic")
    assert survey.equality_questions == ["age_band", "sex"]  # the core's order
    page = fay.get(reverse("kanosurvey:survey", args=[project.pk, survey.pk])).content.decode()
    assert "Age, Sex (optional for each person" in page
    with pytest.raises(ActionError) as refused:
        actions.update_survey(
            survey=survey, title="Clinic", equality_questions=["religion"], by=facilitator
        )
    assert refused.value.field == "equality_questions"
    actions.add_attribute(survey=survey, label="free parking", by=facilitator)
    actions.set_status(survey=survey, status=SurveyStatus.OPEN, by=facilitator)
    voter = new_voter(project, "patient")
    actions.submit_answers(
        survey=survey,
        voter=voter,
        answers={attrs(survey)[0].pk: Answer(1, 5)},
        equality={"sex": "Female", "age_band": "25 to 34"},
    )
    assert KanoEqualityAnswer.objects.filter(survey=survey).count() == 2
    # Left unchanged by callers that do not pass the questions (backward compatible).
    actions.update_survey(survey=survey, title="Clinic visit", by=facilitator)
    assert survey.equality_questions == ["age_band", "sex"]
    actions.update_survey(
        survey=survey, title="Clinic visit", equality_questions=["sex"], by=facilitator
    )
    assert list(KanoEqualityAnswer.objects.values_list("question", flat=True)) == ["sex"]
    edited = AuditEvent.objects.filter(action="kano.survey_updated").last()
    assert edited is not None and "25 to 34" not in edited.summary + json.dumps(edited.data)


def test_a_voter_answers_equality_questions_apart_and_may_skip_them(
    project: Project, facilitator: User
) -> None:
    survey = actions.create_survey(
        project=project, title="Clinic", equality_questions=["ethnic_group", "sex"], by=facilitator
    )
    attribute = actions.add_attribute(survey=survey, label="free parking", by=facilitator)
    actions.set_status(survey=survey, status=SurveyStatus.OPEN, by=facilitator)
    client, voter = voter_client(project, "patient")
    url = reverse("kanosurvey:answer", args=[project.pk, survey.pk])
    page = client.get(url).content.decode()
    assert "Which of these best describes your ethnic group?" in page
    assert "Prefer not to say" in page and "About you (optional)" in page
    group = "Asian, Asian British or Asian Welsh"
    sent = client.post(
        url,
        {
            f"functional-{attribute.pk}": "1",
            f"dysfunctional-{attribute.pk}": "5",
            "equality-ethnic_group": group,
        },
    )
    assert sent.status_code == 302
    stored = KanoEqualityAnswer.objects.get(voter=voter)
    assert (stored.question, stored.answer) == ("ethnic_group", group)
    record = KanoAnswerRecord.objects.get(voter=voter)
    assert record.segment == "patient"  # the answers carry no equality data
    answered = AuditEvent.objects.filter(action="kano.answered").last()
    assert answered is not None and group not in answered.summary + json.dumps(answered.data)
    # The person sees their own answer again; leaving a question blank keeps it.
    again = client.get(url).content.decode()
    assert f'value="{group}" checked' in again
    client.post(url, {f"functional-{attribute.pk}": "3", f"dysfunctional-{attribute.pk}": "5"})
    assert KanoEqualityAnswer.objects.get(voter=voter).answer == group
    client.post(
        url,
        {
            f"functional-{attribute.pk}": "3",
            f"dysfunctional-{attribute.pk}": "5",
            "equality-ethnic_group": "Prefer not to say",
        },
    )
    assert KanoEqualityAnswer.objects.get(voter=voter).answer == "Prefer not to say"
    bad = client.post(
        url,
        {
            f"functional-{attribute.pk}": "3",
            f"dysfunctional-{attribute.pk}": "5",
            "equality-sex": "Unknown",
        },
    )
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    with pytest.raises(ActionError) as refused:
        actions.submit_answers(
            survey=survey,
            voter=voter,
            answers={attribute.pk: Answer(1, 5)},
            equality={"age_band": "25 to 34"},
        )
    assert refused.value.field == "equality-age_band"


def test_an_assisted_seat_does_not_show_earlier_equality_answers(
    project: Project, facilitator: User
) -> None:
    survey = actions.create_survey(
        project=project, title="Clinic", equality_questions=["sex"], by=facilitator
    )
    attribute = actions.add_attribute(survey=survey, label="free parking", by=facilitator)
    actions.set_status(survey=survey, status=SurveyStatus.OPEN, by=facilitator)
    seat = Voter.objects.create(
        project=project,
        constituency="patient",
        joined_via=JoinedVia.ASSISTED,
        assisted_by=facilitator,
    )
    actions.submit_answers(
        survey=survey, voter=seat, answers={attribute.pk: Answer(1, 5)}, equality={"sex": "Male"}
    )
    assert selectors.own_equality_answers(survey=survey, voter=seat) == {}
    person = new_voter(project, "patient")
    actions.submit_answers(
        survey=survey, voter=person, answers={attribute.pk: Answer(1, 5)}, equality={"sex": "Male"}
    )
    assert selectors.own_equality_answers(survey=survey, voter=person) == {"sex": "Male"}


def test_results_by_equality_segment_are_suppressed_with_complements(
    project: Project, facilitator: User
) -> None:
    survey = actions.create_survey(
        project=project, title="Clinic", equality_questions=["age_band"], by=facilitator
    )
    for label in LABELS:
        actions.add_attribute(survey=survey, label=label, by=facilitator)
    actions.set_status(survey=survey, status=SurveyStatus.OPEN, by=facilitator)
    ages = ["25 to 34"] * 7 + ["45 to 54"] * 6 + ["Prefer not to say"] * 2 + [""] * 1
    for i, age in enumerate(ages):
        answers = {a.pk: Answer(*PAIR["M" if i % 2 else "A"]) for a in attrs(survey)}
        actions.submit_answers(
            survey=survey,
            voter=new_voter(project, "patient" if i % 3 else "staff"),
            answers=answers,
            equality={"age_band": age},
        )
    found = selectors.results_of(survey)
    (by_age,) = found.equality
    assert by_age.key == "age_band" and by_age.title == "Age"
    assert by_age.segments[-2:] == (kano.NOT_SAID, "all")
    assert by_age.segments[:-2] == tuple(kano.EQUALITY_QUESTIONS["age_band"].answers)
    cells = {c.segment: c for c in by_age.attributes[0].cells}
    assert cells[kano.NOT_SAID].n_shown == "<5"  # three people, 2 preferring not to say
    assert cells["85 and over"].n_shown == "<5"  # nobody: zero is hidden too
    # The hidden groups together are three people: the smallest shown group is hidden too.
    assert cells["45 to 54"].n_shown == "[c]" and cells["45 to 54"].result is None
    assert cells["25 to 34"].n_shown == "7" and cells["25 to 34"].result is not None
    assert cells["all"].n_shown == "16"
    html = (
        signed_in(facilitator)
        .get(reverse("kanosurvey:results", args=[project.pk, survey.pk]))
        .content.decode()
    )
    assert "By age" in html and "results by age" in html
    csv_url = reverse("kanosurvey:results_csv", args=[project.pk, survey.pk])
    rows = list(
        csv.DictReader(
            io.StringIO(signed_in(facilitator).get(csv_url + "?by=age_band").content.decode())
        )
    )
    assert {r["segment"] for r in rows} == {"25 to 34", "all"}
    assert signed_in(facilitator).get(csv_url + "?by=sex").status_code == 404
    api = signed_in(facilitator).get(
        f"/api/v1/projects/{project.pk}/kano/surveys/{survey.pk}/results"
    )
    equality = api.json()["equality"][0]
    shown = {c["segment"]: c for c in equality["attributes"][0]["segments"]}
    assert shown["45 to 54"]["n"] is None and shown["45 to 54"]["complementary"]
    assert shown["25 to 34"]["n"] == 7
