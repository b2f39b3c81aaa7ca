"""Groups and their Tuckman stage (anonymous pulses, the facilitator's log, the chart), and
the nef principles and Sharma et al. capability self-assessments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coproduce.participation import ladders
from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.participation import actions_activities, actions_people
from coproduce.web.participation import actions_team as actions
from coproduce.web.participation import selectors_team as team_selectors
from coproduce.web.participation.models import (
    Activity,
    CapabilityAssessment,
    Group,
    Participant,
    PrinciplesAssessment,
    PulseReceipt,
    PulseRound,
    PulseTally,
)
from coproduce.web.projects import actions as project_actions
from coproduce.web.projects.models import Role
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PURPOSE = "Redesign the letters with Mrs Jones's family"
NOTE = "Dr Khan and Ama argued about the agenda"
EVIDENCE = "Ama's skills in graphic design were used for the leaflet"
NEF_KEYS = [p.key for p in ladders.NefPrinciple]
CAPABILITY_KEYS = [c.key for c in ladders.Capability]


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


@pytest.fixture
def team() -> dict:
    fac = make_user("fac@example.org", "Fay Facilitator")
    observer = make_user("obs@example.org", "Olu Observer")
    outsider = make_user("out@example.org", "Otto Outsider")
    project = make_project(fac)
    join(project, observer, Role.OBSERVER, by=fac)
    members: list[Participant] = []
    users: list[User] = []
    for n in range(6):
        user = make_user(f"member{n}@example.org", f"Member {n}")
        membership = join(project, user, Role.PATIENT_PARTNER, by=fac)
        users.append(user)
        members.append(
            actions_people.add_participant(
                project=project, name=f"Member {n}", role="patient", membership=membership, by=fac
            )
        )
    offline = actions_people.add_participant(
        project=project, name="Cal Carer", role="carer", by=fac
    )
    group = actions.create_group(
        project=project,
        name="Letters co-design group",
        purpose=PURPOSE,
        members=[*members, offline],
        by=fac,
    )
    return {
        "fac": fac,
        "observer": observer,
        "outsider": outsider,
        "project": project,
        "members": members,
        "users": users,
        "offline": offline,
        "group": group,
    }


def url(name: str, team: dict, *args: int) -> str:
    return reverse(f"participation:{name}", args=[team["project"].pk, *args])


def scores(value: int = 2, **overrides: object) -> dict[str, object]:
    return {**dict.fromkeys(NEF_KEYS, value), **overrides}


# -- permissions --------------------------------------------------------------------------


def test_outsiders_get_404_on_every_page(team: dict) -> None:
    group = team["group"]
    pulse = actions.open_pulse(group=group, by=team["fac"])
    entry = actions.log_stage(group=group, date=TODAY, stage="forming", by=team["fac"])
    nef = actions.record_principles(
        project=team["project"], date=TODAY, scores=scores(), by=team["fac"]
    )
    org = actions.record_capabilities(
        organisation=team["project"].organisation,
        date=TODAY,
        scores=dict.fromkeys(CAPABILITY_KEYS, 1),
        by=team["fac"],
    )
    client = signed_in(team["outsider"])
    for address in [
        url("groups", team),
        url("group_create", team),
        url("group", team, group.pk),
        url("group_edit", team, group.pk),
        url("group_delete", team, group.pk),
        url("stage_log_add", team, group.pk),
        url("stage_log_delete", team, group.pk, entry.pk),
        url("pulse_answer", team, group.pk, pulse.pk),
        url("principles", team),
        url("principles_assess", team),
        url("principles_delete", team, nef.pk),
        url("capabilities", team),
        url("capabilities_assess", team),
        url("capabilities_delete", team, org.pk),
    ]:
        assert client.get(address).status_code == 404, address
    for address in [
        url("pulse_open", team, group.pk),
        url("pulse_close", team, group.pk, pulse.pk),
    ]:
        assert client.post(address).status_code == 404, address


def test_members_who_are_not_facilitators_get_403_on_facilitators_pages(team: dict) -> None:
    group = team["group"]
    pulse = actions.open_pulse(group=group, by=team["fac"])
    entry = actions.log_stage(group=group, date=TODAY, stage="forming", by=team["fac"])
    for user in (team["users"][0], team["observer"]):
        client = signed_in(user)
        assert client.get(url("groups", team)).status_code == 200
        assert client.get(url("group", team, group.pk)).status_code == 200
        assert client.get(url("principles", team)).status_code == 200
        assert client.get(url("capabilities", team)).status_code == 200
        for address in [
            url("group_create", team),
            url("group_edit", team, group.pk),
            url("group_delete", team, group.pk),
            url("stage_log_add", team, group.pk),
            url("stage_log_delete", team, group.pk, entry.pk),
            url("capabilities_assess", team),
        ]:
            assert client.get(address).status_code == 403, address
        assert client.post(url("pulse_open", team, group.pk)).status_code == 403
        assert client.post(url("pulse_close", team, group.pk, pulse.pk)).status_code == 403
    # Patient partners record the principles assessment; observers do not.
    assert signed_in(team["users"][0]).get(url("principles_assess", team)).status_code == 200
    assert signed_in(team["observer"]).get(url("principles_assess", team)).status_code == 403
    with pytest.raises(NotAllowed):
        actions.record_principles(
            project=team["project"], date=TODAY, scores=scores(), by=team["observer"]
        )
    with pytest.raises(NotAllowed):
        actions.open_pulse(group=group, by=team["users"][0])


def test_another_projects_groups_are_404(team: dict) -> None:
    other_fac = make_user("other@example.org")
    other = make_project(other_fac, title="Elsewhere")
    theirs = actions.create_group(project=other, name="Theirs", by=other_fac)
    assert signed_in(team["fac"]).get(url("group", team, theirs.pk)).status_code == 404


def test_capability_assessments_belong_to_the_organisation(team: dict) -> None:
    organisation = team["project"].organisation
    actions.record_capabilities(
        organisation=organisation,
        date=TODAY,
        scores=dict.fromkeys(CAPABILITY_KEYS, 3),
        evidence={"interaction": EVIDENCE},
        by=team["fac"],
    )
    # A member of another project of the same organisation sees it there.
    sister = project_actions.create_project(
        organisation=organisation, title="Sister project", service="Wards", by=team["fac"]
    )
    nurse = make_user("nurse@example.org", "Nia Nurse")
    join(sister, nurse, Role.STAFF, by=team["fac"])
    page = signed_in(nurse).get(reverse("participation:capabilities", args=[sister.pk]))
    assert "graphic design" in page.content.decode()
    # ... but cannot record one: only facilitators of its projects, or its admins.
    assert (
        signed_in(nurse)
        .get(reverse("participation:capabilities_assess", args=[sister.pk]))
        .status_code
        == 403
    )
    # Members of another organisation never see it.
    elsewhere_fac = make_user("elsewhere@example.org")
    elsewhere = make_project(elsewhere_fac, title="Elsewhere")
    client = signed_in(elsewhere_fac)
    assert client.get(url("capabilities", team)).status_code == 404
    own = client.get(reverse("participation:capabilities", args=[elsewhere.pk]))
    assert "graphic design" not in own.content.decode()
    assert "No assessment has been recorded yet" in own.content.decode()
    with pytest.raises(NotAllowed):
        actions.record_capabilities(
            organisation=organisation,
            date=TODAY,
            scores=dict.fromkeys(CAPABILITY_KEYS, 0),
            by=elsewhere_fac,
        )


# -- groups -------------------------------------------------------------------------------


def test_a_facilitator_sets_up_changes_and_deletes_a_group(team: dict) -> None:
    client = signed_in(team["fac"])
    response = client.post(
        url("group_create", team),
        {
            "name": "Steering group",
            "purpose": "Oversight",
            "members": [team["members"][0].pk, team["offline"].pk],
        },
    )
    group = Group.objects.get(name="Steering group")
    assert response.status_code == 302
    assert set(group.members.all()) == {team["members"][0], team["offline"]}
    response = client.post(
        url("group_edit", team, group.pk),
        {"name": "Steering group", "purpose": "Oversight", "members": [team["offline"].pk]},
    )
    assert response.status_code == 302
    assert list(group.members.all()) == [team["offline"]]
    meeting = actions_activities.create_activity(
        project=team["project"],
        title="Steering meeting",
        kind="meeting",
        date=TODAY,
        hours=1,
        rung_planned=5,
        phase="design",
        group=group,
        by=team["fac"],
    )
    confirm = client.get(url("group_delete", team, group.pk))
    assert "Delete the group “Steering group”?" in confirm.content.decode()
    assert Group.objects.filter(pk=group.pk).exists()
    assert client.post(url("group_delete", team, group.pk)).status_code == 302
    assert not Group.objects.filter(pk=group.pk).exists()
    assert Activity.objects.get(pk=meeting.pk).group is None


def test_group_names_are_unique_and_members_come_from_the_project(team: dict) -> None:
    with pytest.raises(ActionError, match="already has a group"):
        actions.create_group(
            project=team["project"], name="letters CO-DESIGN group", by=team["fac"]
        )
    other_fac = make_user("other@example.org")
    other = make_project(other_fac, title="Elsewhere")
    stranger = actions_people.add_participant(
        project=other, name="Stranger", role="patient", by=other_fac
    )
    with pytest.raises(ActionError, match="this project's participants"):
        actions.create_group(
            project=team["project"], name="Mixed", members=[stranger], by=team["fac"]
        )
    assert not Group.objects.filter(name="Mixed").exists()


def test_names_of_members_are_for_recorders_only(team: dict) -> None:
    recorder = signed_in(team["users"][0]).get(url("group", team, team["group"].pk))
    assert "Cal Carer" in recorder.content.decode()
    observer = signed_in(team["observer"]).get(url("group", team, team["group"].pk))
    page = observer.content.decode()
    assert "Cal Carer" not in page
    assert "7 members" in page
    small = actions.create_group(
        project=team["project"], name="Small", members=team["members"][:2], by=team["fac"]
    )
    page = signed_in(team["observer"]).get(url("group", team, small.pk)).content.decode()
    assert "Fewer than 5 members" in page


# -- the stage log and the chart ----------------------------------------------------------


def test_the_stage_log_allows_moving_back_and_is_charted_with_a_data_table(team: dict) -> None:
    group = team["group"]
    for days, stage in ((30, "forming"), (20, "norming"), (10, "storming")):
        actions.log_stage(
            group=group, date=TODAY - timedelta(days=days), stage=stage, note=NOTE, by=team["fac"]
        )
    with pytest.raises(ActionError, match="cannot be in the future"):
        actions.log_stage(
            group=group, date=TODAY + timedelta(days=1), stage="norming", by=team["fac"]
        )
    with pytest.raises(ActionError, match="Choose the stage"):
        actions.log_stage(group=group, date=TODAY, stage="sulking", by=team["fac"])
    chart = team_selectors.stage_chart(group)
    assert [(row.stage.label, row.note) for row in chart.rows] == [
        ("Forming", ""),
        ("Norming", ""),
        ("Storming", "Moved back"),
    ]
    page = signed_in(team["observer"]).get(url("group", team, group.pk)).content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "The chart’s values" in page
    assert "Moved back" in page
    assert "argued" not in page  # the facilitator's notes are for facilitators
    assert "argued" in signed_in(team["fac"]).get(url("group", team, group.pk)).content.decode()


def test_stage_log_through_the_form(team: dict) -> None:
    client = signed_in(team["fac"])
    response = client.post(
        url("stage_log_add", team, team["group"].pk),
        {"date": TODAY.isoformat(), "stage": "performing", "note": ""},
    )
    assert response.status_code == 302
    form = client.get(url("stage_log_add", team, team["group"].pk)).content.decode()
    assert ladders.Stage.STORMING.signs in form


# -- pulses -------------------------------------------------------------------------------


def answer(team: dict, pulse: PulseRound, stages: list[str]) -> None:
    for user, stage in zip(team["users"], stages, strict=False):
        actions.answer_pulse(pulse=pulse, stage=stage, by=user)


def answered(pulse: PulseRound) -> int:
    return sum(PulseTally.objects.filter(round=pulse).values_list("count", flat=True))


def test_pulse_answers_carry_no_link_to_anyone_and_no_time() -> None:
    fields = {f.name: f for f in PulseTally._meta.get_fields() if f.concrete}
    assert set(fields) == {"id", "round", "stage", "count"}
    for field in fields.values():
        assert not isinstance(field, models.DateField | models.DateTimeField | models.TimeField)
        if field.is_relation:
            assert field.related_model is PulseRound
    receipt = {f.name for f in PulseReceipt._meta.get_fields() if f.concrete}
    assert receipt == {"id", "round", "participant"}  # who answered, never what


def test_a_member_answers_once_and_nothing_says_which_answer_was_theirs(team: dict) -> None:
    pulse = actions.open_pulse(group=team["group"], by=team["fac"])
    # Every stage's row exists before anyone answers, so no row's id follows an answer.
    tallies_before = list(PulseTally.objects.filter(round=pulse).values_list("pk", "stage"))
    assert len(tallies_before) == 5
    before = AuditEvent.objects.count()
    client = signed_in(team["users"][0])
    form = client.get(url("pulse_answer", team, team["group"].pk, pulse.pk)).content.decode()
    assert ladders.Stage.NORMING.signs in form
    response = client.post(
        url("pulse_answer", team, team["group"].pk, pulse.pk), {"stage": "storming"}
    )
    assert response.status_code == 302
    assert answered(pulse) == 1
    assert PulseReceipt.objects.filter(round=pulse, participant=team["members"][0]).count() == 1
    with pytest.raises(ActionError, match="already answered"):
        actions.answer_pulse(pulse=pulse, stage="norming", by=team["users"][0])
    again = client.post(url("pulse_answer", team, team["group"].pk, pulse.pk), {"stage": "norming"})
    assert again.status_code == 302
    assert answered(pulse) == 1
    assert list(PulseTally.objects.filter(round=pulse).values_list("pk", "stage")) == tallies_before
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [e.action for e in events] == ["pulse.answered"]
    assert "storming" not in events[0].summary + repr(events[0].data)


def test_only_current_group_members_with_an_account_answer(team: dict) -> None:
    pulse = actions.open_pulse(group=team["group"], by=team["fac"])
    with pytest.raises(NotAllowed):
        actions.answer_pulse(pulse=pulse, stage="forming", by=team["observer"])
    assert (
        signed_in(team["observer"])
        .get(url("pulse_answer", team, team["group"].pk, pulse.pk))
        .status_code
        == 403
    )
    actions_people.mark_left(participant=team["members"][5], left_on=TODAY, by=team["fac"])
    with pytest.raises(NotAllowed):
        actions.answer_pulse(pulse=pulse, stage="forming", by=team["users"][5])
    actions.close_pulse(pulse=pulse, by=team["fac"])
    with pytest.raises(ActionError, match="closed"):
        actions.answer_pulse(pulse=pulse, stage="forming", by=team["users"][0])
    assert answered(pulse) == 0


def test_a_round_needs_five_members_who_can_answer_and_one_open_at_a_time(team: dict) -> None:
    small = actions.create_group(
        project=team["project"], name="Small", members=team["members"][:4], by=team["fac"]
    )
    with pytest.raises(ActionError, match="Fewer than 5"):
        actions.open_pulse(group=small, by=team["fac"])
    actions.open_pulse(group=team["group"], by=team["fac"])
    with pytest.raises(ActionError, match="already open"):
        actions.open_pulse(group=team["group"], by=team["fac"])
    assert PulseRound.objects.filter(group=team["group"]).count() == 1


def test_results_need_five_answers_and_a_closed_round(team: dict) -> None:
    group = team["group"]
    pulse = actions.open_pulse(group=group, by=team["fac"])
    answer(team, pulse, ["norming", "norming", "storming", "norming"])
    page = signed_in(team["observer"]).get(url("group", team, group.pk)).content.decode()
    assert "Waiting for more answers: results appear when 5 people have answered" in page
    assert "Answers: &lt;5" in page
    actions.close_pulse(pulse=pulse, by=team["fac"])
    view = team_selectors.round_view(pulse)
    assert view.summary is None
    page = signed_in(team["observer"]).get(url("group", team, group.pk)).content.decode()
    assert "Fewer than 5 people answered, so the results are not shown" in page
    assert "Most chosen" not in page

    second = actions.open_pulse(group=group, by=team["fac"])
    answer(team, second, ["norming", "norming", "storming", "norming", "performing"])
    page = signed_in(team["observer"]).get(url("group", team, group.pk)).content.decode()
    assert "Results appear when the round is closed" in page
    assert "Most chosen" not in page
    actions.close_pulse(pulse=second, by=team["fac"])
    view = team_selectors.round_view(second)
    assert view.summary is not None
    assert view.summary.modal == (ladders.Stage.NORMING,)
    assert view.summary.median == ladders.Stage.NORMING
    page = signed_in(team["observer"]).get(url("group", team, group.pk)).content.decode()
    assert "Most chosen: Norming. Middle answer: Norming." in page
    assert "Answers: 5." in page
    chart = team_selectors.stage_chart(group)
    assert {(row.source, row.stage.label) for row in chart.rows} == {
        ("Members' pulse: middle answer (median)", "Norming"),
        ("Members' pulse: most chosen", "Norming"),
    }


def test_the_facilitator_opens_and_closes_rounds_from_the_group_page(team: dict) -> None:
    client = signed_in(team["fac"])
    group = team["group"]
    assert client.post(url("pulse_open", team, group.pk)).status_code == 302
    pulse = PulseRound.objects.get(group=group)
    page = client.get(url("group", team, group.pk)).content.decode()
    assert "Close the round" in page
    member_page = signed_in(team["users"][1]).get(url("group", team, group.pk)).content.decode()
    assert "Answer the pulse" in member_page
    listing = signed_in(team["users"][1]).get(url("groups", team)).content.decode()
    assert "A pulse is waiting for your answer" in listing
    assert client.post(url("pulse_close", team, group.pk, pulse.pk)).status_code == 302
    pulse.refresh_from_db()
    assert pulse.closed_on == TODAY


def test_the_groups_page_reads_in_a_fixed_number_of_queries(team: dict) -> None:
    """Whether a pulse waits for the reader's answer is found for all groups at once."""
    client = signed_in(team["users"][0])
    actions.open_pulse(group=team["group"], by=team["fac"])
    with CaptureQueriesContext(connection) as one:
        page = client.get(url("groups", team)).content.decode()
    assert page.count("A pulse is waiting for your answer") == 1
    for n in range(4):
        group = actions.create_group(
            project=team["project"], name=f"Group {n}", members=team["members"], by=team["fac"]
        )
        actions.open_pulse(group=group, by=team["fac"])
        if n == 0:  # answered already: nothing waits in this one
            actions.answer_pulse(pulse=open_round_of(group), stage="forming", by=team["users"][0])
    with CaptureQueriesContext(connection) as five:
        page = client.get(url("groups", team)).content.decode()
    assert page.count("A pulse is waiting for your answer") == 4
    assert len(five.captured_queries) == len(one.captured_queries)
    # A member of the project who is in no group has nothing waiting.
    observer = signed_in(team["observer"]).get(url("groups", team)).content.decode()
    assert "A pulse is waiting" not in observer


def open_round_of(group: Group) -> PulseRound:
    pulse = team_selectors.open_round(group)
    assert pulse is not None
    return pulse


def test_the_group_page_reads_each_rounds_answers_in_one_query(team: dict) -> None:
    group = team["group"]
    client = signed_in(team["observer"])

    def a_round(stages: list[str]) -> None:
        pulse = actions.open_pulse(group=group, by=team["fac"])
        answer(team, pulse, stages)
        actions.close_pulse(pulse=pulse, by=team["fac"])

    a_round(["norming"] * 5)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url("group", team, group.pk)).status_code == 200
    for _ in range(3):
        a_round(["storming"] * 3 + ["norming"] * 2)
    with CaptureQueriesContext(connection) as four:
        page = client.get(url("group", team, group.pk)).content.decode()
    assert page.count("Most chosen:") == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_the_stage_chart_names_only_the_sources_it_draws(team: dict) -> None:
    group = team["group"]
    actions.log_stage(group=group, date=TODAY, stage="forming", by=team["fac"])
    chart = team_selectors.stage_chart(group)
    assert chart.svg is not None
    assert "Facilitator" in chart.svg
    # No pulse round has been closed: the legend does not offer pulse symbols.
    assert "Members" not in chart.svg


# -- self-assessments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (scores(assets=5), "Scores run from 0 to 4"),
        (scores(assets=-1), "Scores run from 0 to 4"),
        (scores(assets=2.5), "whole number"),
        (scores(magic=3), "is not one of"),
        (dict.fromkeys(NEF_KEYS[1:], 2), "missing: assets"),
    ],
)
def test_bad_assessments_are_refused(team: dict, given: dict, message: str) -> None:
    with pytest.raises(ActionError, match=message):
        actions.record_principles(project=team["project"], date=TODAY, scores=given, by=team["fac"])
    with pytest.raises(ActionError, match="is not one of"):
        actions.record_principles(
            project=team["project"],
            date=TODAY,
            scores=scores(),
            evidence={"vibes": "good"},
            by=team["fac"],
        )
    with pytest.raises(ActionError, match="cannot be in the future"):
        actions.record_principles(
            project=team["project"],
            date=TODAY + timedelta(days=1),
            scores=scores(),
            by=team["fac"],
        )
    assert not PrinciplesAssessment.objects.exists()


def test_the_form_needs_every_score(team: dict) -> None:
    client = signed_in(team["fac"])
    data = {"date": TODAY.isoformat(), **{f"score_{key}": "2" for key in NEF_KEYS[1:]}}
    response = client.post(url("principles_assess", team), data)
    assert response.status_code == 200
    assert "Choose a score for “People are assets and equal partners”" in response.content.decode()
    data["score_assets"] = "9"
    response = client.post(url("principles_assess", team), data)
    assert response.status_code == 200
    data["score_assets"] = "1"
    data["evidence_assets"] = EVIDENCE
    assert client.post(url("principles_assess", team), data).status_code == 302
    saved = PrinciplesAssessment.objects.get()
    assert saved.scores["assets"] == 1 and saved.evidence == {"assets": EVIDENCE}


def test_principles_over_time_with_the_change_and_the_weakest_named(team: dict) -> None:
    actions.record_principles(
        project=team["project"],
        date=TODAY - timedelta(days=90),
        scores=scores(2),
        by=team["fac"],
    )
    actions.record_principles(
        project=team["project"],
        date=TODAY,
        scores=scores(3, assets=1, reciprocity=1, peer_support=2),
        evidence={"assets": EVIDENCE},
        by=team["users"][0],
    )
    view = team_selectors.assessment_view(
        list(team_selectors.principles_of(project=team["project"])),
        ladders.NefPrinciple,
        title="t",
    )
    assert view.weakest == ["People are assets and equal partners", "Mutuality and reciprocity"]
    changes = {s.item.key: s.change_text for s in view.summaries}
    assert changes["assets"] == "Down 1"
    assert changes["peer_support"] == "No change"
    assert changes["capabilities"] == "Up 1"
    page = signed_in(team["observer"]).get(url("principles", team)).content.decode()
    assert (
        "Weakest in the latest assessment: People are assets and equal partners and "
        "Mutuality and reciprocity." in page
    )
    assert "<svg" in page and "Every assessment, newest first" in page
    assert "graphic design" in page


def test_capabilities_are_recorded_and_charted(team: dict) -> None:
    client = signed_in(team["fac"])
    data = {"date": TODAY.isoformat(), **{f"score_{key}": "3" for key in CAPABILITY_KEYS}}
    data["score_learning_agility"] = "0"
    assert client.post(url("capabilities_assess", team), data).status_code == 302
    saved = CapabilityAssessment.objects.get()
    assert saved.organisation == team["project"].organisation
    page = client.get(url("capabilities", team)).content.decode()
    assert "Weakest in the latest assessment: Learning agility." in page
    assert "<svg" in page


def test_assessments_are_deleted_after_a_confirmation(team: dict) -> None:
    nef = actions.record_principles(
        project=team["project"], date=TODAY, scores=scores(), by=team["fac"]
    )
    client = signed_in(team["fac"])
    assert client.get(url("principles_delete", team, nef.pk)).status_code == 200
    assert PrinciplesAssessment.objects.exists()
    assert client.post(url("principles_delete", team, nef.pk)).status_code == 302
    assert not PrinciplesAssessment.objects.exists()


# -- the audit log ------------------------------------------------------------------------


def test_audit_summaries_carry_no_free_text_names_or_answers(team: dict) -> None:
    before = AuditEvent.objects.count()
    group = actions.create_group(
        project=team["project"],
        name="Mrs Jones's circle",
        purpose=PURPOSE,
        members=team["members"],
        by=team["fac"],
    )
    actions.update_group(
        group=group,
        name="Mrs Jones's circle",
        purpose=PURPOSE + " again",
        members=team["members"][:5],
        by=team["fac"],
    )
    entry = actions.log_stage(group=group, date=TODAY, stage="storming", note=NOTE, by=team["fac"])
    pulse = actions.open_pulse(group=group, by=team["fac"])
    answer(team, pulse, ["performing"] * 5)
    actions.close_pulse(pulse=pulse, by=team["fac"])
    actions.delete_stage_log(entry=entry, by=team["fac"])
    nef = actions.record_principles(
        project=team["project"],
        date=TODAY,
        scores=scores(),
        evidence={"assets": EVIDENCE},
        by=team["fac"],
    )
    actions.record_capabilities(
        organisation=team["project"].organisation,
        date=TODAY,
        scores=dict.fromkeys(CAPABILITY_KEYS, 2),
        evidence={"interaction": EVIDENCE},
        by=team["fac"],
    )
    actions.delete_principles(assessment=nef, by=team["fac"])
    actions.delete_group(group=group, by=team["fac"])
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert len(events) == 15
    for event in events:
        text = event.summary + repr(event.data)
        for secret in ("Jones", "Khan", "Ama", "graphic", "Member", "performing", "argued"):
            assert secret not in text, (event.action, secret)


def test_a_stage_log_entry_is_looked_up_inside_its_group(team: dict) -> None:
    other = actions.create_group(project=team["project"], name="Other", by=team["fac"])
    entry = actions.log_stage(group=other, date=TODAY, stage="forming", by=team["fac"])
    client = signed_in(team["fac"])
    assert client.get(url("stage_log_delete", team, team["group"].pk, entry.pk)).status_code == 404
