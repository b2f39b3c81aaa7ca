"""The improvement pages and actions: aims, change ideas, PDSA ramps, progress scores."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.improvement import actions, selectors
from coproduce.web.improvement.models import Aim, ChangeIdea, PDSACycle, ProgressScore
from coproduce.web.measures.models import Measure
from coproduce.web.projects.models import Project, Role
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db

SECRET = "Mrs Jones said her son cried in the waiting room"
NEXT_YEAR = timezone.localdate() + timedelta(days=365)


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def make_measure(project: Project, title: str = "Weeks to first appointment") -> Measure:
    return Measure.objects.create(
        project=project,
        title=title,
        kind="outcome",
        data_type="measurement",
        chart="i",
        direction="decrease",
    )


@pytest.fixture
def team() -> dict[str, object]:
    fac = make_user("fac@example.org", "Fay Facilitator")
    patient = make_user("pat@example.org", "Pat Partner")
    observer = make_user("obs@example.org", "Olu Observer")
    project = make_project(fac)
    patient_membership = join(project, patient, Role.PATIENT_PARTNER, by=fac)
    join(project, observer, Role.OBSERVER, by=fac)
    return {
        "fac": fac,
        "patient": patient,
        "observer": observer,
        "project": project,
        "patient_membership": patient_membership,
    }


def aim_form(**overrides: str) -> dict[str, str]:
    data = {
        "what": "the wait for a first appointment",
        "for_whom": "young people referred to CAMHS",
        "baseline": "12",
        "target": "6",
        "unit": "weeks",
        "direction": "decrease",
        "deadline": NEXT_YEAR.isoformat(),
        "outcome_measure": "",
    }
    data.update(overrides)
    return data


def test_a_patient_partner_states_an_aim_and_sees_it_as_a_sentence(team: dict) -> None:
    project = team["project"]
    client = signed_in(team["patient"])

    response = client.post(reverse("improvement:aim_create", args=[project.pk]), aim_form())

    assert response.status_code == 302
    aim = Aim.objects.get(project=project)
    assert aim.created_by == team["patient"]
    page = client.get(reverse("improvement:overview", args=[project.pk])).content.decode()
    assert "Reduce the wait for a first appointment from 12 to 6 weeks by" in page
    assert "Link the aim to an outcome measure" in page
    event = AuditEvent.objects.get(action="aim.created")
    assert "wait" not in event.summary


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("target", "some", "A target must be a number (“some is not a number”)"),
        ("deadline", "soon", "A deadline must be a date (“soon is not a time”)"),
        ("target", "20", "To reduce it, the target must be lower than the baseline"),
        ("deadline", "2020-01-01", "The deadline has passed"),
    ],
)
def test_vague_aims_are_refused_with_the_reason(
    team: dict, field: str, value: str, message: str
) -> None:
    client = signed_in(team["patient"])
    response = client.post(
        reverse("improvement:aim_create", args=[team["project"].pk]), aim_form(**{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Aim.objects.exists()


def test_an_aim_links_only_to_its_own_projects_measures(team: dict) -> None:
    other = make_project(make_user("x@example.org"), title="Elsewhere")
    foreign = make_measure(other)
    with pytest.raises(ActionError) as refusal:
        actions.create_aim(
            project=team["project"],
            what="w",
            for_whom="f",
            baseline=1,
            target=2,
            direction="increase",
            deadline=NEXT_YEAR,
            outcome_measure=foreign,
            by=team["fac"],
        )
    assert refusal.value.field == "outcome_measure"


def test_editing_an_aim_keeps_a_passed_deadline_but_refuses_a_new_past_one(team: dict) -> None:
    aim = actions.create_aim(
        project=team["project"],
        what="w",
        for_whom="f",
        baseline=1,
        target=2,
        direction="increase",
        deadline=NEXT_YEAR,
        by=team["fac"],
    )
    Aim.objects.filter(pk=aim.pk).update(deadline=date(2020, 1, 1))
    aim.refresh_from_db()
    actions.update_aim(
        aim=aim,
        what="w2",
        for_whom="f",
        baseline=1,
        target=3,
        direction="increase",
        deadline=date(2020, 1, 1),
        by=team["patient"],
    )
    assert "The deadline has passed: set a date in the future" in selectors.aim_problems(aim)
    with pytest.raises(ActionError):
        actions.update_aim(
            aim=aim,
            what="w",
            for_whom="f",
            baseline=1,
            target=3,
            direction="increase",
            deadline=date(2021, 1, 1),
            by=team["patient"],
        )
    assert AuditEvent.objects.get(action="aim.updated").data["fields"] == ["what", "target"]


def test_observers_view_but_cannot_write(team: dict) -> None:
    project = team["project"]
    idea = actions.create_change_idea(project=project, title="Text reminders", by=team["fac"])
    client = signed_in(team["observer"])

    assert client.get(reverse("improvement:overview", args=[project.pk])).status_code == 200
    assert client.get(reverse("improvement:idea", args=[project.pk, idea.pk])).status_code == 200
    assert client.get(reverse("improvement:progress", args=[project.pk])).status_code == 200
    for name, args in [
        ("improvement:aim_create", [project.pk]),
        ("improvement:idea_create", [project.pk]),
        ("improvement:idea_edit", [project.pk, idea.pk]),
        ("improvement:cycle_create", [project.pk, idea.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403
    response = client.post(
        reverse("improvement:progress", args=[project.pk]),
        {"score": "2.0", "recorded_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403
    assert not ProgressScore.objects.exists()
    with pytest.raises(NotAllowed):
        actions.create_change_idea(project=project, title="Mine", by=team["observer"])


def test_outsiders_get_404_on_every_page(team: dict) -> None:
    project = team["project"]
    idea = actions.create_change_idea(project=project, title="Text reminders", by=team["fac"])
    cycle = actions.create_cycle(
        change_idea=idea, start_date=date(2026, 1, 5), objective="Try it", by=team["fac"]
    )
    outsider = signed_in(make_user("out@example.org"))
    for name, args in [
        ("improvement:overview", [project.pk]),
        ("improvement:idea", [project.pk, idea.pk]),
        ("improvement:cycle", [project.pk, cycle.pk]),
        ("improvement:cycle_edit", [project.pk, cycle.pk]),
        ("improvement:progress", [project.pk]),
    ]:
        assert outsider.get(reverse(name, args=args)).status_code == 404
    # Another project's objects are not reachable through one's own project either.
    own = make_project(make_user("own@example.org"), title="Own")
    client = signed_in(User.objects.get(email="own@example.org"))
    assert client.get(reverse("improvement:cycle", args=[own.pk, cycle.pk])).status_code == 404
    assert client.get(reverse("improvement:idea", args=[own.pk, idea.pk])).status_code == 404


def cycle_form(**overrides: str | list[str]) -> dict[str, str | list[str]]:
    data: dict[str, str | list[str]] = {
        "purpose": "test_change",
        "start_date": "2026-01-05",
        "end_date": "2026-01-09",
        "objective": "See whether a text the day before cuts missed appointments",
        "plan_who": "Reception",
        "plan_what": "",
        "plan_when": "",
        "plan_where": "",
        "scale": "1 clinic, 1 week",
        "data_plan": "",
        "other_participants": "2",
        "carried_out_as_planned": "",
        "observations": SECRET,
        "learning": "",
        "decision": "",
        "next_steps": "",
        "predictions-TOTAL_FORMS": "2",
        "predictions-INITIAL_FORMS": "0",
        "predictions-MIN_NUM_FORMS": "0",
        "predictions-MAX_NUM_FORMS": "20",
        "predictions-0-question": "Will fewer people miss appointments?",
        "predictions-0-prediction": "Half as many",
        "predictions-0-rationale": "People forget",
        "predictions-0-result": "",
        "predictions-1-question": "",
        "predictions-1-prediction": "",
        "predictions-1-rationale": "",
        "predictions-1-result": "",
    }
    data.update(overrides)
    return data


def test_a_ramp_of_cycles_through_the_worksheet(team: dict) -> None:
    project = team["project"]
    measure = make_measure(project)
    client = signed_in(team["patient"])
    response = client.post(
        reverse("improvement:idea_create", args=[project.pk]),
        {"title": "Text reminders", "description": "A text the day before"},
    )
    idea = ChangeIdea.objects.get(project=project)
    assert response.url == reverse("improvement:idea", args=[project.pk, idea.pk])

    response = client.post(
        reverse("improvement:cycle_create", args=[project.pk, idea.pk]),
        cycle_form(
            measures=[str(measure.pk)],
            participants=[str(team["patient_membership"].pk)],
        ),
    )
    assert response.status_code == 302, response.content.decode()
    cycle = PDSACycle.objects.get()
    assert cycle.number == 1
    assert list(cycle.measures.all()) == [measure]
    assert list(cycle.participants.all()) == [team["patient_membership"]]
    assert cycle.predictions.get().question == "Will fewer people miss appointments?"
    assert cycle.other_participants == 2

    # Adopt with no Study is refused with the reason.
    edit = reverse("improvement:cycle_edit", args=[project.pk, cycle.pk])
    prediction = cycle.predictions.get()
    refusal = client.post(
        edit,
        cycle_form(
            decision="adopt",
            **{"predictions-INITIAL_FORMS": "1", "predictions-0-pk": str(prediction.pk)},
        ),
    )
    assert refusal.status_code == 200
    assert "without a Study" in refusal.content.decode()
    cycle.refresh_from_db()
    assert cycle.decision == ""

    # With a result against the prediction, "adapt" is accepted.
    response = client.post(
        edit,
        cycle_form(
            decision="adapt",
            carried_out_as_planned="yes",
            measures=[str(measure.pk)],
            **{
                "predictions-INITIAL_FORMS": "1",
                "predictions-0-pk": str(prediction.pk),
                "predictions-0-result": "partly",
            },
        ),
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.decision == "adapt"
    assert cycle.carried_out_as_planned is True
    assert cycle.predictions.get().pk == prediction.pk
    assert cycle.predictions.get().result == "partly"

    ramp = selectors.ramp_of(selectors.change_idea_in(project=project, pk=idea.pk))
    assert ramp.status == "active"
    assert any("no cycle follows it yet" in p for p in ramp.problems)

    second = actions.create_cycle(
        change_idea=idea,
        start_date=date(2026, 1, 12),
        objective="Two clinics",
        learning="Worked well",
        decision="adopt",
        measures=[measure],
        by=team["patient"],
    )
    assert second.number == 2
    ramp = selectors.ramp_of(selectors.change_idea_in(project=project, pk=idea.pk))
    assert (ramp.status, ramp.problems) == ("adopted", [])

    # The chart annotations for the measures helper.
    assert selectors.cycle_annotations(measure) == [
        (
            date(2026, 1, 5),
            "PDSA 1: Text reminders",
            reverse("improvement:cycle", args=[project.pk, cycle.pk]),
        ),
        (
            date(2026, 1, 12),
            "PDSA 2: Text reminders",
            reverse("improvement:cycle", args=[project.pk, second.pk]),
        ),
    ]

    overview = client.get(reverse("improvement:overview", args=[project.pk])).content.decode()
    assert "Adopted" in overview
    assert "PDSA 2: Text reminders" in overview
    assert "<svg" in overview
    detail = client.get(reverse("improvement:cycle", args=[project.pk, cycle.pk])).content.decode()
    assert SECRET in detail
    assert "Pat Partner" in detail

    # Nothing people typed reaches the audit log.
    for event in AuditEvent.objects.filter(action__startswith="pdsa."):
        assert SECRET not in event.summary and SECRET not in str(event.data)
        assert "Text reminders" not in event.summary


def test_only_facilitators_delete_and_cycles_are_renumbered(team: dict) -> None:
    project = team["project"]
    idea = actions.create_change_idea(project=project, title="Text reminders", by=team["fac"])
    cycles = [
        actions.create_cycle(
            change_idea=idea, start_date=date(2026, 1, n), objective=f"Cycle {n}", by=team["fac"]
        )
        for n in (1, 2, 3)
    ]
    url = reverse("improvement:cycle_delete", args=[project.pk, cycles[0].pk])
    assert signed_in(team["patient"]).post(url).status_code == 403

    client = signed_in(team["fac"])
    assert "Delete PDSA 1: Text reminders?" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert list(idea.cycles.order_by("number").values_list("objective", "number")) == [
        ("Cycle 2", 1),
        ("Cycle 3", 2),
    ]
    assert AuditEvent.objects.filter(action="pdsa.deleted").count() == 1

    url = reverse("improvement:idea_delete", args=[project.pk, idea.pk])
    assert signed_in(team["patient"]).post(url).status_code == 403
    assert client.post(url).status_code == 302
    assert not ChangeIdea.objects.exists() and not PDSACycle.objects.exists()


def test_progress_scores_are_recorded_and_listed(team: dict) -> None:
    project = team["project"]
    client = signed_in(team["patient"])
    url = reverse("improvement:progress", args=[project.pk])
    today = timezone.localdate().isoformat()

    bad = client.post(url, {"score": "5.5", "recorded_on": today})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    assert (
        client.post(url, {"score": "2.5", "recorded_on": today, "note": SECRET}).status_code == 302
    )

    score = ProgressScore.objects.get()
    assert str(score.score) == "2.5"
    assert "2.5" in client.get(url).content.decode()
    overview = client.get(reverse("improvement:overview", args=[project.pk])).content.decode()
    assert "latest IHI progress score is <strong>2.5</strong>" in overview
    event = AuditEvent.objects.get(action="progress_score.recorded")
    assert SECRET not in event.summary
    with pytest.raises(ActionError):
        actions.record_progress_score(
            project=project, score="4.2", recorded_on=timezone.localdate(), by=team["fac"]
        )
    with pytest.raises(ActionError):
        actions.record_progress_score(
            project=project,
            score="4",
            recorded_on=timezone.localdate() + timedelta(days=2),
            by=team["fac"],
        )


def test_pages_render_for_a_full_project(team: dict) -> None:
    project = team["project"]
    measure = make_measure(project)
    actions.create_aim(
        project=project,
        what="w",
        for_whom="f",
        baseline=1,
        target=2,
        direction="increase",
        deadline=NEXT_YEAR,
        outcome_measure=measure,
        by=team["fac"],
    )
    idea = actions.create_change_idea(project=project, title="Text reminders", by=team["fac"])
    cycle = actions.create_cycle(
        change_idea=idea, start_date=date(2026, 1, 5), objective="Try", by=team["fac"]
    )
    aim = Aim.objects.get()
    score = actions.record_progress_score(
        project=project, score=3, recorded_on=timezone.localdate(), by=team["fac"]
    )
    client = signed_in(team["fac"])
    for name, args in [
        ("improvement:overview", [project.pk]),
        ("improvement:aim_create", [project.pk]),
        ("improvement:aim_edit", [project.pk, aim.pk]),
        ("improvement:aim_delete", [project.pk, aim.pk]),
        ("improvement:idea_create", [project.pk]),
        ("improvement:idea", [project.pk, idea.pk]),
        ("improvement:idea_edit", [project.pk, idea.pk]),
        ("improvement:idea_delete", [project.pk, idea.pk]),
        ("improvement:cycle_create", [project.pk, idea.pk]),
        ("improvement:cycle", [project.pk, cycle.pk]),
        ("improvement:cycle_edit", [project.pk, cycle.pk]),
        ("improvement:cycle_delete", [project.pk, cycle.pk]),
        ("improvement:progress", [project.pk]),
        ("improvement:progress_delete", [project.pk, score.pk]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert "<script>" not in response.content.decode()
    assert (
        client.post(reverse("improvement:aim_delete", args=[project.pk, aim.pk])).status_code == 302
    )
    assert not Aim.objects.exists()


def test_editing_an_aim_shows_its_numbers_in_full(team: dict) -> None:
    """The form once showed 1234567 as "1.23457e+06", and saving it changed the baseline."""
    aim = actions.create_aim(
        project=team["project"],
        what="referrals seen",
        for_whom="adults",
        baseline=1234567,
        target=1234567.5,
        direction="increase",
        deadline=NEXT_YEAR,
        by=team["fac"],
    )
    client = signed_in(team["fac"])
    edit = reverse("improvement:aim_edit", args=[team["project"].pk, aim.pk])
    page = client.get(edit).content.decode()
    assert 'value="1234567"' in page and 'value="1234567.5"' in page
    form = aim_form(
        what="referrals seen",
        for_whom="adults",
        baseline="1234567",
        target="1234567.5",
        direction="increase",
    )
    assert client.post(edit, form).status_code == 302
    aim.refresh_from_db()
    assert (aim.baseline, aim.target) == (1234567, 1234567.5)


def test_the_overview_takes_the_same_queries_however_many_ramps_and_cycles(team: dict) -> None:
    project = team["project"]
    client = signed_in(team["fac"])
    url = reverse("improvement:overview", args=[project.pk])

    def add_idea(n: int) -> None:
        idea = actions.create_change_idea(project=project, title=f"Idea {n}", by=team["fac"])
        for day in (5, 12):
            actions.create_cycle(
                change_idea=idea, start_date=date(2026, 1, day), objective="Try", by=team["fac"]
            )
        actions.create_diagram(project=project, title=f"Diagram {n}", by=team["fac"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add_idea(1)
    one = queries()
    add_idea(2)
    add_idea(3)
    assert queries() == one


def test_the_audit_names_predictions_only_when_they_changed(team: dict) -> None:
    idea = actions.create_change_idea(project=team["project"], title="Texts", by=team["fac"])
    row = actions.PredictionData(question="Fewer missed?", prediction="Half")
    cycle = actions.create_cycle(
        change_idea=idea,
        start_date=date(2026, 1, 5),
        objective="Try",
        predictions=[row],
        by=team["fac"],
    )
    kept = actions.PredictionData(
        question="Fewer missed?", prediction="Half", pk=cycle.predictions.get().pk
    )
    actions.update_cycle(cycle=cycle, predictions=[kept], scale="1 clinic", by=team["fac"])
    actions.update_cycle(
        cycle=cycle,
        predictions=[actions.PredictionData("Fewer missed?", "Half", result="partly", pk=kept.pk)],
        by=team["fac"],
    )
    fields = [
        e.data["fields"] for e in AuditEvent.objects.filter(action="pdsa.updated").order_by("pk")
    ]
    assert fields == [["scale"], ["predictions"]]
