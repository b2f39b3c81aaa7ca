"""The demo's participation story: honest about where involvement fell short, built through
the actions, and loaded once."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.participation.flags import FlagCode
from coproduce.web import demo
from coproduce.web.audit.models import AuditEvent
from coproduce.web.participation import selectors_equity, selectors_profile, selectors_report
from coproduce.web.participation.models import (
    Activity,
    Attendance,
    CapabilityAssessment,
    ConsentRecord,
    Contribution,
    Decision,
    EqualityRecord,
    Participant,
    PopulationGroup,
    PrinciplesAssessment,
)
from coproduce.web.projects.models import Project

pytestmark = pytest.mark.django_db

MODELS = [
    Participant,
    ConsentRecord,
    EqualityRecord,
    PopulationGroup,
    Activity,
    Attendance,
    Decision,
    Contribution,
]


@pytest.fixture
def loaded() -> tuple[demo.DemoResult, Project]:
    result = demo.load_demo()
    return result, result.story


def test_the_profile_flags_what_a_critical_friend_would(loaded: tuple) -> None:
    _, project = loaded
    profile = selectors_profile.profile_of(project=project)
    codes = {flag.code for flag in profile.flags}
    assert {
        FlagCode.CONSULTATION_LABELLED_COPRODUCTION,
        FlagCode.DECISIONS_WITHOUT_LIVED_EXPERIENCE,
        FlagCode.CONTRIBUTIONS_WITHOUT_FEEDBACK,
    } <= codes
    assert profile.influence.changed >= 5
    assert profile.influence.not_taken_forward == 1


def test_the_equity_page_names_who_is_missing(loaded: tuple) -> None:
    _, project = loaded
    page = selectors_equity.equity_page(project=project)
    assert "most deprived" in page.sentence
    assert "under-represented" in page.sentence


def test_the_report_is_drafted_but_waits_for_reflections(loaded: tuple) -> None:
    _, project = loaded
    report = selectors_report.gripp2_of(project=project)
    assert [key.value for key in report.missing] == ["ppi_reflection"]


def test_it_is_built_through_the_actions(loaded: tuple) -> None:
    _, project = loaded
    actions = set(AuditEvent.objects.filter(project=project).values_list("action", flat=True))
    assert {
        "participant.added",
        "consent.recorded",
        "equality.recorded",
        "activity.created",
        "attendance.recorded",
        "decision.created",
        "contribution.created",
        "contribution.responded",
        "gripp2.saved",
    } <= actions


def test_the_facilitator_sees_the_participation_pages(loaded: tuple) -> None:
    result, project = loaded
    client = Client()
    assert client.login(username=result.email, password=result.password)
    for name in ("overview", "profile", "equity", "influence", "you_said_we_did", "gripp2"):
        response = client.get(reverse(f"participation:{name}", args=[project.pk]))
        assert response.status_code == 200, name


def test_whoever_said_something_at_an_activity_attended_it(loaded: tuple) -> None:
    _, project = loaded
    for contribution in Contribution.objects.filter(project=project, activity__isnull=False):
        attended = set(contribution.activity.attendance.values_list("participant_id", flat=True))
        said = set(contribution.contributors.values_list("pk", flat=True))
        assert said <= attended, contribution.said


def test_the_story_has_the_eleven_activities_the_readme_describes(loaded: tuple) -> None:
    _, project = loaded
    assert Activity.objects.filter(project=project).count() == 11


def test_each_self_assessment_has_evidence_of_its_own_time(loaded: tuple) -> None:
    _, project = loaded
    for assessments in (
        PrinciplesAssessment.objects.filter(project=project),
        CapabilityAssessment.objects.filter(organisation=project.organisation),
    ):
        evidence = [json.dumps(a.evidence, sort_keys=True) for a in assessments]
        assert len(evidence) == 2
        assert len(set(evidence)) == 2, evidence
    # Three experts by experience are paid from the first interviews: no assessment may say
    # that nobody is paid.
    paid_from = (
        Attendance.objects.filter(activity__project=project, amount__isnull=False)
        .order_by("activity__date")
        .values_list("activity__date", flat=True)
        .first()
    )
    assert paid_from is not None
    for assessment in PrinciplesAssessment.objects.filter(project=project, date__gte=paid_from):
        assert "nobody is paid" not in json.dumps(assessment.evidence)


def test_loading_twice_adds_nothing() -> None:
    demo.load_demo()
    first = {model.__name__: model.objects.count() for model in MODELS}
    assert first["Participant"] == 22 and first["Activity"] >= 8
    demo.load_demo()
    assert {model.__name__: model.objects.count() for model in MODELS} == first
