"""Journeys in the web app: actions, permissions, validation, pages, the map, CSV and API."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.experience.models import Comment
from coproduce.web.journeys import actions, selectors
from coproduce.web.journeys.models import EmotionRecord, Journey, Stage, Touchpoint
from coproduce.web.projects.models import Project, Role
from coproduce.web.themes.models import CommentTheme, Theme
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db

SAID = "Dr Patel never called me back, ring me on 07700 900123"


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


@pytest.fixture
def facilitator() -> User:
    return make_user("fac@example.org", "Fay Facilitator")


@pytest.fixture
def project(facilitator: User) -> Project:
    return make_project(facilitator)


@pytest.fixture
def observer(project: Project, facilitator: User) -> User:
    user = make_user("obs@example.org", "Oscar Observer")
    join(project, user, Role.OBSERVER, by=facilitator)
    return user


@pytest.fixture
def partner(project: Project, facilitator: User) -> User:
    user = make_user("pat@example.org", "Pat Partner")
    join(project, user, Role.PATIENT_PARTNER, by=facilitator)
    return user


@pytest.fixture
def journey(project: Project, facilitator: User) -> Journey:
    return actions.create_journey(project=project, title="Cancer pathway", by=facilitator)


@pytest.fixture
def built(journey: Journey, facilitator: User) -> dict[str, Any]:
    referral = actions.add_stage(journey=journey, name="Referral", by=facilitator)
    diagnosis = actions.add_stage(journey=journey, name="Diagnosis", by=facilitator)
    letter = actions.add_touchpoint(stage=referral, name="GP letter", by=facilitator)
    results = actions.add_touchpoint(stage=diagnosis, name="Waiting for results", by=facilitator)
    told = actions.add_touchpoint(stage=diagnosis, name="Being told", by=facilitator)
    return {
        "referral": referral,
        "diagnosis": diagnosis,
        "letter": letter,
        "results": results,
        "told": told,
    }


def url(name: str, *args: object) -> str:
    return reverse(f"journeys:{name}", args=args)


# -- actions ----------------------------------------------------------------------------------


def test_stages_and_touchpoints_are_added_in_order_and_audited(
    built: dict[str, Any], journey: Journey
) -> None:
    stages = selectors.stages_of(journey=journey)
    assert [s.name for s in stages] == ["Referral", "Diagnosis"]
    assert [t.name for t in stages[1].touchpoints.all()] == ["Waiting for results", "Being told"]
    actions_logged = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"journeys.journey.create", "journeys.stage.create", "journeys.touchpoint.create"} <= (
        actions_logged
    )


def test_move_swaps_neighbours_and_stops_at_the_ends(
    built: dict[str, Any], journey: Journey, facilitator: User
) -> None:
    diagnosis = built["diagnosis"]
    assert isinstance(diagnosis, Stage)
    assert actions.move_stage(stage=diagnosis, direction="up", by=facilitator)
    assert [s.name for s in selectors.stages_of(journey=journey)] == ["Diagnosis", "Referral"]
    assert not actions.move_stage(stage=diagnosis, direction="up", by=facilitator)
    told = built["told"]
    assert isinstance(told, Touchpoint)
    assert actions.move_touchpoint(touchpoint=told, direction="up", by=facilitator)
    names = [t.name for t in Touchpoint.objects.filter(stage=diagnosis).order_by("position")]
    assert names == ["Being told", "Waiting for results"]
    with pytest.raises(ActionError):
        actions.move_stage(stage=diagnosis, direction="sideways", by=facilitator)


def test_emotion_excerpt_is_redacted_and_never_audited(
    built: dict[str, Any], facilitator: User
) -> None:
    results = built["results"]
    assert isinstance(results, Touchpoint)
    record = actions.record_emotion(
        touchpoint=results,
        valence=-2,
        intensity=5,
        emotion_words="Anxious, ignored, anxious",
        excerpt=SAID,
        source="interview",
        teller_role="patient",
        by=facilitator,
    )
    record.refresh_from_db()
    assert "07700" not in record.excerpt and "[PHONE]" in record.excerpt
    assert "Patel" not in record.excerpt
    assert record.emotion_words == ["anxious", "ignored"]
    for event in AuditEvent.objects.all():
        assert "Patel" not in event.summary and "07700" not in json.dumps(event.data)
        assert "anxious" not in event.summary


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("valence", 3, "Valence must be from −2 (very negative) to +2 (very positive), not 3"),
        ("valence", -5, "not -5"),
        ("valence", "bad", "whole number"),
        ("intensity", 0, "Intensity must be from 1 (mild) to 5 (very strong), not 0"),
        ("intensity", 9, "not 9"),
        ("source", "rumour", "interview, observation, event or feedback"),
        ("teller_role", "manager", "patient, carer or staff"),
    ],
)
def test_emotion_out_of_range_is_refused_and_nothing_saved(
    built: dict[str, Any], facilitator: User, field: str, value: object, message: str
) -> None:
    values: dict[str, Any] = {"valence": -1, "intensity": 3}
    values[field] = value
    with pytest.raises(ActionError) as error:
        actions.record_emotion(touchpoint=built["results"], by=facilitator, **values)
    assert error.value.field == field
    assert message in error.value.message
    assert not EmotionRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="journeys.emotion.create").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("patient_agency", "1.5"), ("professional_agency", -0.2), ("patient_agency", "x")],
)
def test_agency_out_of_range_is_refused_and_nothing_saved(
    built: dict[str, Any], facilitator: User, field: str, value: object
) -> None:
    stage = built["referral"]
    assert isinstance(stage, Stage)
    values: dict[str, Any] = {"patient_agency": 0.5, "professional_agency": 0.5}
    values[field] = value
    with pytest.raises(ActionError) as error:
        actions.set_stage_agency(stage=stage, nature="service_like", by=facilitator, **values)
    assert error.value.field == field
    assert "Agency must be" in error.value.message
    stage.refresh_from_db()
    assert stage.patient_agency is None and stage.nature == "unclassified"


def test_observers_cannot_change_and_partners_cannot_delete(
    built: dict[str, Any], journey: Journey, observer: User, partner: User
) -> None:
    with pytest.raises(NotAllowed):
        actions.add_stage(journey=journey, name="Treatment", by=observer)
    record = actions.record_emotion(
        touchpoint=built["told"],
        valence=1,
        intensity=2,
        by=partner,
    )
    with pytest.raises(NotAllowed):
        actions.delete_emotion(record=record, by=partner)
    with pytest.raises(NotAllowed):
        actions.delete_journey(journey=journey, by=partner)


def test_themes_of_another_project_cannot_be_mapped(
    built: dict[str, Any], project: Project, facilitator: User
) -> None:
    other = make_project(facilitator, title="Elsewhere", organisation=project.organisation)
    theme = Theme.objects.create(project=other, label="Parking")
    with pytest.raises(ActionError) as error:
        actions.map_theme(touchpoint=built["told"], theme=theme, by=facilitator)
    assert error.value.field == "theme"


def test_theme_size_and_sentiment(
    project: Project, built: dict[str, Any], facilitator: User
) -> None:
    theme = Theme.objects.create(project=project, label="Waiting")
    for i, sentiment in enumerate([5, 4, 4, None]):
        comment = Comment.objects.create(
            project=project, source="fft", text=f"slow {i}", fingerprint=str(i), sentiment=sentiment
        )
        CommentTheme.objects.create(comment=comment, theme=theme)
    [info] = selectors.themes_of(project=project)
    assert info.size == 4
    assert info.valence == pytest.approx(3 - 13 / 3)
    assert "4 comments" in info.choice_label and "negative" in info.choice_label
    actions.map_theme(touchpoint=built["results"], theme=theme, by=facilitator)
    with pytest.raises(ActionError):
        actions.map_theme(touchpoint=built["results"], theme=theme, by=facilitator)


# -- pages ------------------------------------------------------------------------------------


def test_outsiders_get_404_and_observers_403(
    built: dict[str, Any], project: Project, journey: Journey, observer: User
) -> None:
    outsider = signed_in(make_user("out@example.org"))
    assert outsider.get(url("list", project.pk)).status_code == 404
    assert outsider.get(url("map", project.pk, journey.pk)).status_code == 404
    watcher = signed_in(observer)
    assert watcher.get(url("detail", project.pk, journey.pk)).status_code == 200
    assert watcher.get(url("create", project.pk)).status_code == 403
    stage = built["referral"]
    assert isinstance(stage, Stage)
    response = watcher.post(
        url("stage_agency", project.pk, journey.pk, stage.pk),
        {"patient_agency": "0.5", "professional_agency": "0.5", "nature": "mixed"},
    )
    assert response.status_code == 403
    assert watcher.get(url("delete", project.pk, journey.pk)).status_code == 403


def test_another_projects_journey_is_404(
    project: Project, journey: Journey, facilitator: User
) -> None:
    other = make_project(facilitator, title="Elsewhere", organisation=project.organisation)
    client = signed_in(facilitator)
    assert client.get(url("detail", other.pk, journey.pk)).status_code == 404


def test_emotion_form_refuses_out_of_range_values_with_a_clear_message(
    built: dict[str, Any], project: Project, journey: Journey, facilitator: User
) -> None:
    client = signed_in(facilitator)
    results = built["results"]
    assert isinstance(results, Touchpoint)
    page = url("emotion_create", project.pk, journey.pk, results.pk)
    response = client.post(
        page, {"valence": "3", "intensity": "7", "source": "interview", "teller_role": "patient"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Valence must be from −2 (very negative) to +2 (very positive)" in text
    assert "Intensity must be from 1 (mild) to 5 (very strong)" in text
    assert not EmotionRecord.objects.exists()
    response = client.post(
        page,
        {
            "valence": "-2",
            "intensity": "5",
            "emotion_words": "scared",
            "excerpt": SAID,
            "source": "interview",
            "teller_role": "patient",
        },
    )
    assert response.status_code == 302
    assert EmotionRecord.objects.get().excerpt.count("[") >= 1


def test_emotion_form_refuses_unknown_comment(
    built: dict[str, Any], project: Project, journey: Journey, facilitator: User
) -> None:
    results = built["results"]
    assert isinstance(results, Touchpoint)
    response = signed_in(facilitator).post(
        url("emotion_create", project.pk, journey.pk, results.pk),
        {
            "valence": "-1",
            "intensity": "2",
            "source": "feedback",
            "teller_role": "patient",
            "comment": "999999",
        },
    )
    assert "There is no comment with that number in this project" in response.content.decode()
    assert not EmotionRecord.objects.exists()


def test_agency_form_shows_methods_and_refuses_bad_agency(
    built: dict[str, Any], project: Project, journey: Journey, facilitator: User
) -> None:
    client = signed_in(facilitator)
    stage = built["diagnosis"]
    assert isinstance(stage, Stage)
    page = url("stage_agency", project.pk, journey.pk, stage.pk)
    response = client.post(
        page, {"patient_agency": "2", "professional_agency": "0.5", "nature": "service_like"}
    )
    assert "Agency must be from 0 (none) to 1 (full), not 2" in response.content.decode()
    stage.refresh_from_db()
    assert stage.nature == "unclassified"
    response = client.post(
        page, {"patient_agency": "0.7", "professional_agency": "0.8", "nature": "service_like"}
    )
    assert response.status_code == 302
    text = client.get(page).content.decode()
    assert "Shared decision making" in text
    assert "without patients" in text


def test_journey_page_reorder_and_delete_with_confirmation(
    built: dict[str, Any], project: Project, journey: Journey, facilitator: User
) -> None:
    client = signed_in(facilitator)
    told = built["told"]
    assert isinstance(told, Touchpoint)
    assert "Being told" in client.get(url("detail", project.pk, journey.pk)).content.decode()
    client.post(url("touchpoint_move", project.pk, journey.pk, told.pk), {"direction": "up"})
    told.refresh_from_db()
    assert told.position == 1
    delete = url("touchpoint_delete", project.pk, journey.pk, told.pk)
    assert "cannot be undone" in client.get(delete).content.decode()
    assert Touchpoint.objects.filter(pk=told.pk).exists()
    assert client.post(delete).status_code == 302
    assert not Touchpoint.objects.filter(pk=told.pk).exists()


def test_map_page_shows_chart_tables_reading_and_hotspots(
    built: dict[str, Any], project: Project, journey: Journey, facilitator: User
) -> None:
    results = built["results"]
    assert isinstance(results, Touchpoint)
    for valence, intensity in [(-2, 5), (-1, 4)]:
        actions.record_emotion(
            touchpoint=results,
            valence=valence,
            intensity=intensity,
            emotion_words="scared",
            by=facilitator,
        )
    actions.set_stage_agency(
        stage=built["referral"],
        patient_agency=0.8,
        professional_agency=0.2,
        nature="product_like",
        by=facilitator,
    )
    actions.set_stage_agency(
        stage=built["diagnosis"],
        patient_agency=0.1,
        professional_agency=0.9,
        nature="service_like",
        by=facilitator,
    )
    text = signed_in(facilitator).get(url("map", project.pk, journey.pk)).content.decode()
    assert "<svg" in text and 'role="img"' in text
    assert "Patients feel worst at “Waiting for results” (Diagnosis)" in text
    assert "agency shifts to professionals at Diagnosis" in text
    assert "Yes, by the rule" in text
    assert 'id="emotion-table"' in text and 'id="agency-table"' in text


def test_map_page_without_data_has_an_empty_state(
    project: Project, journey: Journey, facilitator: User
) -> None:
    text = signed_in(facilitator).get(url("map", project.pk, journey.pk)).content.decode()
    assert "There is nothing to draw yet" in text
    assert "<svg" not in text


def test_csv_export_holds_redacted_excerpts_and_hides_identifying_comments(
    built: dict[str, Any], project: Project, journey: Journey, facilitator: User, partner: User
) -> None:
    comment = Comment.objects.create(
        project=project, source="fft", text="[NAME] was rude", fingerprint="x", identifying=True
    )
    actions.record_emotion(
        touchpoint=built["results"],
        valence=-2,
        intensity=4,
        excerpt=SAID,
        emotion_words=["=cmd"],
        comment=comment,
        by=facilitator,
    )

    def rows(user: User) -> list[dict[str, str]]:
        response = signed_in(user).get(url("emotions_csv", project.pk, journey.pk))
        assert response["Content-Type"].startswith("text/csv")
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))

    [mine] = rows(facilitator)
    assert mine["comment_id"] == str(comment.pk)
    assert "07700" not in mine["excerpt_redacted"] and "[PHONE]" in mine["excerpt_redacted"]
    assert mine["valence"] == "-2"
    assert mine["emotion_words"] == "'=cmd"
    [theirs] = rows(partner)
    assert theirs["comment_id"] == ""


# -- API --------------------------------------------------------------------------------------


def test_api_builds_a_journey_and_reads_the_map(
    project: Project, facilitator: User, observer: User
) -> None:
    client = signed_in(facilitator)
    base = f"/api/v1/projects/{project.pk}/journeys"
    created = client.post(base, {"title": "Stroke"}, content_type="application/json")
    assert created.status_code == 201
    jid = created.json()["id"]
    stage = client.post(
        f"{base}/{jid}/stages",
        {
            "name": "Rehab",
            "patient_agency": 0.9,
            "professional_agency": 0.3,
            "nature": "service_like",
        },
        content_type="application/json",
    )
    assert stage.status_code == 201, stage.content
    bad = client.post(
        f"{base}/{jid}/stages",
        {"name": "Bad", "patient_agency": 1.5, "professional_agency": 0.3},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "patient_agency"
    assert Stage.objects.filter(name="Bad").count() == 0  # nothing half-saved
    tp = client.post(
        f"{base}/{jid}/touchpoints",
        {"stage_id": stage.json()["id"], "name": "Physio"},
        content_type="application/json",
    ).json()
    for valence in (-2, -2):
        emo = client.post(
            f"{base}/{jid}/emotions",
            {"touchpoint_id": tp["id"], "valence": valence, "intensity": 4, "excerpt": SAID},
            content_type="application/json",
        )
        assert emo.status_code == 201
        assert "07700" not in emo.json()["excerpt"]
    refused = client.post(
        f"{base}/{jid}/emotions",
        {"touchpoint_id": tp["id"], "valence": 4, "intensity": 4},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["field"] == "valence"
    listed = client.get(f"{base}/{jid}/emotions").json()
    assert listed["count"] == 2
    data = client.get(f"{base}/{jid}/map").json()
    assert data["touchpoints"][0]["hotspot"] is True
    assert data["stages"][0]["lead"] == "patient"
    assert any(m["name"] == "Shared decision making" for m in data["stages"][0]["methods"])
    assert any("Patients feel worst" in line for line in data["reading"])
    watcher = signed_in(observer)
    assert watcher.get(f"{base}/{jid}/map").status_code == 200
    assert watcher.post(base, {"title": "X"}, content_type="application/json").status_code == 403
    outsider = signed_in(make_user("out@example.org"))
    assert outsider.get(f"{base}/{jid}/map").status_code == 404


# -- review fixes -----------------------------------------------------------------------------


def _held_back_record(project: Project, touchpoint: Touchpoint, facilitator: User) -> None:
    comment = Comment.objects.create(
        project=project, source="fft", text="[NAME] on ward 3", fingerprint="h", identifying=True
    )
    actions.record_emotion(
        touchpoint=touchpoint,
        valence=-2,
        intensity=4,
        excerpt="Sister Okonjo on ward 3 shouted at my mum",
        comment=comment,
        by=facilitator,
    )


def test_an_excerpt_from_a_held_back_comment_is_held_back_with_it(
    built: dict[str, Any], project: Project, journey: Journey, facilitator: User, partner: User
) -> None:
    _held_back_record(project, built["results"], facilitator)
    page = url("touchpoint", project.pk, journey.pk, built["results"].pk)
    assert "ward 3" in signed_in(facilitator).get(page).content.decode()
    shown = signed_in(partner).get(page).content.decode()
    assert "ward 3" not in shown and "Held back" in shown

    response = signed_in(partner).get(url("emotions_csv", project.pk, journey.pk))
    [row] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "ward 3" not in row["excerpt_redacted"]

    api = f"/api/v1/projects/{project.pk}/journeys/{journey.pk}/emotions"
    [item] = signed_in(partner).get(api).json()["items"]
    assert "ward 3" not in item["excerpt"] and item["comment_id"] is None
    [item] = signed_in(facilitator).get(api).json()["items"]
    assert "ward 3" in item["excerpt"]


def test_touchpoint_page_and_csv_do_not_query_per_record(
    built: dict[str, Any],
    project: Project,
    journey: Journey,
    facilitator: User,
    partner: User,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(20):
        comment = Comment.objects.create(
            project=project, source="fft", text="[NAME]", fingerprint=f"f{n}", identifying=True
        )
        actions.record_emotion(
            touchpoint=built["results"], valence=-1, intensity=2, comment=comment, by=facilitator
        )
    client = signed_in(partner)
    client.get(url("touchpoint", project.pk, journey.pk, built["results"].pk))  # warm up
    with django_assert_max_num_queries(20):
        client.get(url("touchpoint", project.pk, journey.pk, built["results"].pk))
    with django_assert_max_num_queries(12):
        client.get(url("emotions_csv", project.pk, journey.pk))
    with django_assert_max_num_queries(14):
        client.get(f"/api/v1/projects/{project.pk}/journeys/{journey.pk}/emotions")
