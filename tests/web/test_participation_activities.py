"""Activities, attendance, decisions and the influence log ("you said, we did")."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.improvement import actions as improvement_actions
from coproduce.web.participation import actions_activities as actions
from coproduce.web.participation import actions_people
from coproduce.web.participation import selectors_activities as selectors
from coproduce.web.participation.actions_activities import AttendanceError, AttendanceRow
from coproduce.web.participation.models import (
    Activity,
    Attendance,
    ConsentPurpose,
    Contribution,
    Decision,
    Participant,
    PaymentTier,
)
from coproduce.web.projects.models import Project, Role
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_YEAR = TODAY - timedelta(days=365)
RECENTLY = TODAY - timedelta(days=10)
SAID = "The letters use words like ambulatory that nobody understands"
RESPONSE = "We rewrote the letter template in plain English with the group"
NOTES = "Mrs Jones brought her daughter, who interpreted"


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def add_person(
    project: Project,
    name: str,
    role: str,
    *,
    by: User,
    consent: bool = True,
    **extra: object,
) -> Participant:
    participant = actions_people.add_participant(
        project=project, name=name, role=role, by=by, **extra
    )
    if consent:
        actions_people.record_consent(
            participant=participant,
            purpose=ConsentPurpose.TAKE_PART,
            given_on=LAST_YEAR,
            by=by,
        )
    return participant


def make_tier(project: Project, name: str, rate: str | None) -> PaymentTier:
    # No action sets payment tiers yet (the payments area is being written alongside).
    return PaymentTier.objects.create(
        organisation=project.organisation,
        name=name,
        hourly_rate=Decimal(rate) if rate is not None else None,
    )


@pytest.fixture
def team() -> dict:
    fac = make_user("fac@example.org", "Fay Facilitator")
    patient = make_user("pat@example.org", "Pat Partner")
    observer = make_user("obs@example.org", "Olu Observer")
    outsider = make_user("out@example.org", "Otto Outsider")
    project = make_project(fac)
    patient_membership = join(project, patient, Role.PATIENT_PARTNER, by=fac)
    join(project, observer, Role.OBSERVER, by=fac)
    people = {
        "ama": add_person(project, "Ama Mensah", "patient", by=fac, membership=patient_membership),
        "cal": add_person(project, "Cal Carer", "carer", by=fac),
        "cas": add_person(project, "Cas Carer", "carer", by=fac),
        "sid": add_person(project, "Sid Staff", "staff", by=fac),
    }
    return {
        "fac": fac,
        "patient": patient,
        "observer": observer,
        "outsider": outsider,
        "project": project,
        **people,
    }


def make_activity(team: dict, **overrides: object) -> Activity:
    values: dict = {
        "project": team["project"],
        "title": "Letters workshop",
        "kind": "co_design_group",
        "date": RECENTLY,
        "hours": Decimal("2.5"),
        "rung_planned": 6,
        "phase": "design",
        "by": team["fac"],
    }
    values.update(overrides)
    return actions.create_activity(**values)


def activity_form(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Letters workshop",
        "kind": "co_design_group",
        "labelled_as": "Co-production workshop",
        "date": RECENTLY.isoformat(),
        "hours": "2.5",
        "rung_planned": "6",
        "rung_achieved": "",
        "phase": "design",
        "group": "",
        "pdsa_cycle": "",
        "notes": NOTES,
    }
    data.update(overrides)
    return data


def attendance_form(*rows: tuple[Participant, str, bool]) -> dict[str, str]:
    data = {}
    for participant, hours, assisted in rows:
        data[f"p{participant.pk}_attended"] = "on"
        data[f"p{participant.pk}_hours"] = hours
        if assisted:
            data[f"p{participant.pk}_assisted"] = "on"
    return data


def url(name: str, team: dict, *args: int) -> str:
    return reverse(f"participation:{name}", args=[team["project"].pk, *args])


# -- permissions --------------------------------------------------------------------------


def test_outsiders_get_404_on_every_page(team: dict) -> None:
    activity = make_activity(team)
    decision = actions.create_decision(
        project=team["project"], date=RECENTLY, summary="s", taken_by="t", by=team["fac"]
    )
    contribution = actions.create_contribution(
        project=team["project"],
        date=RECENTLY,
        said=SAID,
        contributors=[team["ama"]],
        by=team["fac"],
    )
    client = signed_in(team["outsider"])
    for address in [
        url("activities", team),
        url("activity", team, activity.pk),
        url("activity_edit", team, activity.pk),
        url("activity_delete", team, activity.pk),
        url("decisions", team),
        url("decision_edit", team, decision.pk),
        url("influence", team),
        url("contribution_respond", team, contribution.pk),
        url("contribution_edit", team, contribution.pk),
        url("contribution_delete", team, contribution.pk),
        url("decision_delete", team, decision.pk),
        url("you_said_we_did", team),
    ]:
        assert client.get(address).status_code == 404, address
    for address in [
        url("activity", team, activity.pk),
        url("contribution_fed_back", team, contribution.pk),
        url("contribution_delete", team, contribution.pk),
    ]:
        assert client.post(address).status_code == 404, address
    assert Contribution.objects.filter(pk=contribution.pk, fed_back_on=None).exists()


def test_another_projects_rows_are_404(team: dict) -> None:
    other_fac = make_user("other@example.org")
    other = make_project(other_fac, title="Elsewhere")
    foreign = actions.create_activity(
        project=other,
        title="Theirs",
        kind="meeting",
        date=RECENTLY,
        hours=1,
        rung_planned=4,
        phase="design",
        by=other_fac,
    )
    response = signed_in(team["fac"]).get(url("activity", team, foreign.pk))
    assert response.status_code == 404


def test_observers_see_activities_but_cannot_record(team: dict) -> None:
    activity = make_activity(team)
    contribution = actions.create_contribution(
        project=team["project"],
        date=RECENTLY,
        said=SAID,
        contributors=[team["ama"]],
        by=team["fac"],
    )
    client = signed_in(team["observer"])
    assert client.get(url("activities", team)).status_code == 200
    page = client.get(url("activity", team, activity.pk))
    assert page.status_code == 200
    assert "Record who attended" not in page.content.decode()
    assert client.get(url("decisions", team)).status_code == 200
    assert client.get(url("you_said_we_did", team)).status_code == 200
    for address in [
        url("activity_create", team),
        url("activity_edit", team, activity.pk),
        url("decision_create", team),
        url("influence", team),
        url("contribution_create", team),
        url("contribution_respond", team, contribution.pk),
    ]:
        assert client.get(address).status_code == 403, address
    refused = client.post(
        url("activity", team, activity.pk), attendance_form((team["ama"], "2", False))
    )
    assert refused.status_code == 403
    assert client.post(url("contribution_fed_back", team, contribution.pk)).status_code == 403
    assert not Attendance.objects.exists()
    with pytest.raises(NotAllowed):
        make_activity(team, by=team["observer"])


def test_only_facilitators_delete_and_after_a_confirmation_page(team: dict) -> None:
    activity = make_activity(team)
    patient = signed_in(team["patient"])
    assert patient.get(url("activity_delete", team, activity.pk)).status_code == 403
    assert patient.post(url("activity_delete", team, activity.pk)).status_code == 403
    with pytest.raises(NotAllowed):
        actions.delete_activity(activity=activity, by=team["patient"])

    fac = signed_in(team["fac"])
    confirm = fac.get(url("activity_delete", team, activity.pk))
    assert confirm.status_code == 200
    assert "Delete the activity “Letters workshop”?" in confirm.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()
    done = fac.post(url("activity_delete", team, activity.pk))
    assert done.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()


# -- activities ---------------------------------------------------------------------------


def test_a_patient_partner_records_an_activity_and_rates_it_afterwards(team: dict) -> None:
    client = signed_in(team["patient"])
    form = client.get(url("activity_create", team)).content.decode()
    assert "People help design the service from their experience" in form

    response = client.post(url("activity_create", team), activity_form())

    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("activity", team, activity.pk)
    assert activity.created_by == team["patient"]
    assert activity.rung_planned == 6
    assert activity.rung_achieved is None
    assert activity.labelled_as == "Co-production workshop"
    page = client.get(url("activity", team, activity.pk)).content.decode()
    assert "Not assessed yet" in page

    client.post(url("activity_edit", team, activity.pk), activity_form(rung_achieved="4"))
    activity.refresh_from_db()
    assert activity.rung_achieved == 4
    page = client.get(url("activity", team, activity.pk)).content.decode()
    assert "4. Consultation" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hours", "-1", "Hours cannot be negative"),
        ("hours", "30", "more than 12 hours in one activity"),
        ("hours", "many", "Enter the hours as a number"),
        ("rung_planned", "", "Choose the rung of the ladder you plan to reach"),
        ("title", "", "Enter a short title for the activity"),
        ("date", "", "Enter the date of the activity"),
    ],
)
def test_bad_activities_are_refused_with_the_reason(
    team: dict, field: str, value: str, message: str
) -> None:
    response = signed_in(team["fac"]).post(
        url("activity_create", team), activity_form(**{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Activity.objects.exists()


def test_an_activity_links_only_to_its_own_projects_pdsa_cycles(team: dict) -> None:
    other_fac = make_user("other@example.org")
    other = make_project(other_fac, title="Elsewhere")
    idea = improvement_actions.create_change_idea(project=other, title="Theirs", by=other_fac)
    cycle = improvement_actions.create_cycle(
        change_idea=idea,
        predictions=[],
        start_date=RECENTLY,
        objective="o",
        by=other_fac,
    )
    with pytest.raises(ActionError) as refusal:
        make_activity(team, pdsa_cycle=cycle)
    assert refusal.value.field == "pdsa_cycle"


def test_the_list_is_newest_first_filtered_by_kind_and_paginated(team: dict) -> None:
    client = signed_in(team["observer"])
    empty = client.get(url("activities", team)).content.decode()
    assert "No activities have been recorded yet" in empty

    for day in range(30):
        make_activity(
            team, title=f"Meeting {day:02}", kind="meeting", date=TODAY - timedelta(days=day)
        )
    make_activity(team, title="Survey of parents", kind="survey", date=TODAY - timedelta(days=3))

    first = client.get(url("activities", team)).content.decode()
    assert first.index("Meeting 00") < first.index("Meeting 01")
    assert "Meeting 29" not in first  # on page 2
    assert "?page=2" in first
    surveys = client.get(url("activities", team) + "?kind=survey").content.decode()
    assert "Survey of parents" in surveys
    assert "Meeting 00" not in surveys
    interviews = client.get(url("activities", team) + "?kind=interview").content.decode()
    assert "No activities of this kind have been recorded" in interviews
    second = client.get(url("activities", team) + "?kind=meeting&page=2").content.decode()
    assert "Meeting 29" in second
    assert "?kind=meeting&amp;page=1" in second


# -- attendance ---------------------------------------------------------------------------


def test_attendance_is_recorded_in_one_form_with_hours_defaulting_to_the_activitys(
    team: dict,
) -> None:
    activity = make_activity(team)
    client = signed_in(team["patient"])
    page = client.get(url("activity", team, activity.pk)).content.decode()
    assert 'value="2.50"' in page or 'value="2.5"' in page

    data = attendance_form((team["ama"], "", True), (team["cal"], "1", False))
    response = client.post(url("activity", team, activity.pk), data)

    assert response.status_code == 302
    rows = {row.participant_id: row for row in Attendance.objects.filter(activity=activity)}
    assert rows[team["ama"].pk].hours == Decimal("2.50")
    assert rows[team["ama"].pk].assisted is True
    assert rows[team["cal"].pk].hours == Decimal("1.00")
    assert rows[team["cal"].pk].amount is None
    page = client.get(url("activity", team, activity.pk)).content.decode()
    assert "Ama Mensah" in page

    # Saving again replaces the attendance: Cal was not there after all.
    client.post(url("activity", team, activity.pk), attendance_form((team["ama"], "2", True)))
    assert list(Attendance.objects.values_list("participant__name", flat=True)) == ["Ama Mensah"]


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("-1", "Cal Carer: Hours cannot be negative"),
        ("13", "Cal Carer: 13 hours is more than 12 hours in one activity"),
        ("lots", "Cal Carer: enter the hours as a number"),
    ],
)
def test_negative_or_implausible_hours_are_refused_and_nothing_is_saved(
    team: dict, hours: str, message: str
) -> None:
    activity = make_activity(team)
    actions.record_attendance(
        activity=activity, rows=[AttendanceRow(team["sid"].pk, "1")], by=team["fac"]
    )
    data = attendance_form((team["ama"], "2", False), (team["cal"], hours, False))

    response = signed_in(team["fac"]).post(url("activity", team, activity.pk), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(Attendance.objects.values_list("participant", flat=True)) == [team["sid"].pk]


def test_attendance_of_someone_from_another_project_is_refused(team: dict) -> None:
    activity = make_activity(team)
    other_fac = make_user("other@example.org")
    other = make_project(other_fac, title="Elsewhere")
    stranger = add_person(other, "Stella Stranger", "patient", by=other_fac)

    with pytest.raises(AttendanceError) as refusal:
        actions.record_attendance(
            activity=activity,
            rows=[AttendanceRow(team["ama"].pk, "2"), AttendanceRow(stranger.pk, "2")],
            by=team["fac"],
        )

    assert "not a participant in this project" in refusal.value.message
    assert "Stella" not in refusal.value.message
    assert not Attendance.objects.exists()

    # The form offers only the project's participants: a forged field is ignored.
    data = {f"p{stranger.pk}_attended": "on", f"p{stranger.pk}_hours": "2"}
    signed_in(team["fac"]).post(url("activity", team, activity.pk), data)
    assert not Attendance.objects.exists()


def test_attendance_after_consent_was_withdrawn_is_refused(team: dict) -> None:
    consent = team["cal"].consents.get(purpose=ConsentPurpose.TAKE_PART)
    actions_people.withdraw_consent(
        consent=consent, withdrawn_on=TODAY - timedelta(days=20), by=team["fac"]
    )
    activity = make_activity(team, date=RECENTLY)
    data = attendance_form((team["ama"], "2", False), (team["cal"], "2", False))

    response = signed_in(team["fac"]).post(url("activity", team, activity.pk), data)

    assert response.status_code == 200
    assert "Cal Carer withdrew consent to take part" in response.content.decode()
    assert not Attendance.objects.exists()

    # An activity before the withdrawal is still recorded.
    earlier = make_activity(team, title="Earlier", date=TODAY - timedelta(days=30))
    actions.record_attendance(
        activity=earlier, rows=[AttendanceRow(team["cal"].pk, "2")], by=team["fac"]
    )
    assert Attendance.objects.filter(activity=earlier).count() == 1


def test_attendance_of_someone_who_had_left_is_refused(team: dict) -> None:
    actions_people.mark_left(
        participant=team["sid"], left_on=TODAY - timedelta(days=20), by=team["fac"]
    )
    activity = make_activity(team, date=RECENTLY)
    page = signed_in(team["fac"]).get(url("activity", team, activity.pk)).content.decode()
    assert "Cal Carer (Carer)" in page
    assert "Sid Staff" not in page

    with pytest.raises(AttendanceError) as refusal:
        actions.record_attendance(
            activity=activity, rows=[AttendanceRow(team["sid"].pk, "1")], by=team["fac"]
        )
    assert "Sid Staff left the project on" in refusal.value.message
    assert not Attendance.objects.exists()


def test_a_missing_payment_rate_refuses_the_whole_attendance(team: dict) -> None:
    no_rate = make_tier(team["project"], "Expert by experience", None)
    paid = make_tier(team["project"], "Lay member", "15.75")
    actions_people.update_participant(
        participant=team["cal"],
        name="Cal Carer",
        role="carer",
        payment_tier=no_rate,
        wants_payment=True,
        by=team["fac"],
    )
    actions_people.update_participant(
        participant=team["ama"],
        name="Ama Mensah",
        role="patient",
        membership=team["ama"].membership,
        payment_tier=paid,
        wants_payment=True,
        by=team["fac"],
    )
    activity = make_activity(team)
    data = attendance_form((team["ama"], "2", False), (team["cal"], "2", False))

    response = signed_in(team["fac"]).post(url("activity", team, activity.pk), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Cal Carer wants to be paid but their payment tier" in page
    assert "has no hourly rate" in page
    assert "payment rates" in page
    assert not Attendance.objects.exists()


def test_someone_who_wants_paying_without_a_tier_is_refused(team: dict) -> None:
    actions_people.update_participant(
        participant=team["sid"],
        name="Sid Staff",
        role="staff",
        wants_payment=True,
        by=team["fac"],
    )
    activity = make_activity(team)
    with pytest.raises(AttendanceError) as refusal:
        actions.record_attendance(
            activity=activity, rows=[AttendanceRow(team["sid"].pk, "1")], by=team["fac"]
        )
    assert "Sid Staff wants to be paid but has no payment tier" in refusal.value.message
    assert not Attendance.objects.exists()


def test_the_amount_owed_is_stored_to_the_penny(team: dict) -> None:
    tier = make_tier(team["project"], "Lay member", "15.75")
    actions_people.update_participant(
        participant=team["cal"],
        name="Cal Carer",
        role="carer",
        payment_tier=tier,
        wants_payment=True,
        by=team["fac"],
    )
    activity = make_activity(team)

    actions.record_attendance(
        activity=activity,
        rows=[AttendanceRow(team["cal"].pk, "2.5"), AttendanceRow(team["ama"].pk, "2.5")],
        by=team["fac"],
    )

    cal = Attendance.objects.get(participant=team["cal"])
    assert cal.rate == Decimal("15.75")
    assert cal.amount == Decimal("39.38")  # 2.5 × £15.75 = £39.375, rounded half up
    ama = Attendance.objects.get(participant=team["ama"])
    assert ama.rate is None and ama.amount is None
    # Only facilitators see what is owed.
    assert (
        "£39.38" in signed_in(team["fac"]).get(url("activity", team, activity.pk)).content.decode()
    )
    patient_page = signed_in(team["patient"]).get(url("activity", team, activity.pk))
    assert "£39.38" not in patient_page.content.decode()


def test_a_correction_keeps_the_rate_and_tier_the_payment_was_earned_in(team: dict) -> None:
    tier = make_tier(team["project"], "Lay member", "15.75")
    actions_people.update_participant(
        participant=team["cal"],
        name="Cal Carer",
        role="carer",
        payment_tier=tier,
        wants_payment=True,
        by=team["fac"],
    )
    activity = make_activity(team)
    actions.record_attendance(
        activity=activity, rows=[AttendanceRow(team["cal"].pk, "2")], by=team["fac"]
    )
    # The organisation raises the rate and renames the tier; then the hours are corrected.
    tier.hourly_rate = Decimal("20.00")
    tier.name = "Expert by experience"
    tier.save()
    actions.record_attendance(
        activity=activity, rows=[AttendanceRow(team["cal"].pk, "3")], by=team["fac"]
    )
    cal = Attendance.objects.get(participant=team["cal"])
    assert (cal.rate, cal.amount, cal.tier_name) == (
        Decimal("15.75"),
        Decimal("47.25"),
        "Lay member",
    )
    # A new activity is paid at the new rate.
    later = make_activity(team, title="Second workshop")
    actions.record_attendance(
        activity=later, rows=[AttendanceRow(team["cal"].pk, "1")], by=team["fac"]
    )
    again = Attendance.objects.get(activity=later)
    assert (again.rate, again.amount, again.tier_name) == (
        Decimal("20.00"),
        Decimal("20.00"),
        "Expert by experience",
    )


def test_observers_see_how_many_attended_never_who(team: dict) -> None:
    activity = make_activity(team)
    actions.record_attendance(
        activity=activity,
        rows=[AttendanceRow(team["ama"].pk, "2"), AttendanceRow(team["cal"].pk, "2")],
        by=team["fac"],
    )
    page = signed_in(team["observer"]).get(url("activity", team, activity.pk)).content.decode()
    assert "Fewer than 5 people were recorded as attending" in page
    assert "Ama Mensah" not in page
    assert "Cal Carer" not in page


def test_with_nobody_to_tick_the_attendance_form_links_to_adding_participants(
    team: dict,
) -> None:
    empty = make_project(
        team["fac"], title="Just started", organisation=team["project"].organisation
    )
    activity = actions.create_activity(
        project=empty,
        title="First meeting",
        kind="meeting",
        date=RECENTLY,
        hours=1,
        rung_planned=4,
        phase="design",
        by=team["fac"],
    )
    page = signed_in(team["fac"]).get(
        reverse("participation:activity", args=[empty.pk, activity.pk])
    )
    text = page.content.decode()
    assert "This project has no participants yet." in text
    assert reverse("participation:participant_add", args=[empty.pk]) in text
    assert "Save attendance" not in text


def test_observers_do_not_see_what_was_said_under_the_activitys_title(team: dict) -> None:
    """ "Interview with Cal Carer": what was said there would say what Cal said."""
    activity = make_activity(team, title="Interview with Cal Carer", kind="interview")
    actions.create_contribution(
        project=team["project"],
        date=RECENTLY,
        said=SAID,
        contributors=[team["cal"]],
        activity=activity,
        by=team["fac"],
    )
    page = signed_in(team["observer"]).get(url("activity", team, activity.pk)).content.decode()
    assert "Interview with Cal Carer" in page
    assert SAID not in page
    assert "1 contribution was logged at this activity" in page
    assert url("you_said_we_did", team) in page
    # Members who record see it, with the names.
    recorder = signed_in(team["patient"]).get(url("activity", team, activity.pk)).content.decode()
    assert SAID in recorder and "From Cal Carer." in recorder


def test_moving_an_activity_after_someone_left_is_refused(team: dict) -> None:
    activity = make_activity(team, date=TODAY - timedelta(days=30))
    actions.record_attendance(
        activity=activity, rows=[AttendanceRow(team["sid"].pk, "2")], by=team["fac"]
    )
    actions_people.mark_left(
        participant=team["sid"], left_on=TODAY - timedelta(days=20), by=team["fac"]
    )
    response = signed_in(team["fac"]).post(
        url("activity_edit", team, activity.pk), activity_form(date=RECENTLY.isoformat())
    )
    assert response.status_code == 200
    assert "Sid Staff left the project on" in response.content.decode()
    activity.refresh_from_db()
    assert activity.date == TODAY - timedelta(days=30)


# -- decisions ----------------------------------------------------------------------------


def test_those_present_default_to_the_activitys_attendance(team: dict) -> None:
    activity = make_activity(team)
    actions.record_attendance(
        activity=activity,
        rows=[AttendanceRow(team["ama"].pk, "2"), AttendanceRow(team["sid"].pk, "2")],
        by=team["fac"],
    )
    client = signed_in(team["patient"])
    form = client.get(url("decision_create", team) + f"?activity={activity.pk}").content.decode()
    assert f'value="{team["ama"].pk}" checked' in form

    response = client.post(
        url("decision_create", team) + f"?activity={activity.pk}",
        {
            "summary": "Use plain English in every letter",
            "taken_by": "Consensus of the group",
            "date": RECENTLY.isoformat(),
            "activity": str(activity.pk),
            "change_idea": "",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url("activity", team, activity.pk)
    decision = Decision.objects.get()
    assert set(decision.present.all()) == {team["ama"], team["sid"]}


def test_decisions_with_no_patient_or_carer_present_are_marked(team: dict) -> None:
    staff_only = actions.create_decision(
        project=team["project"],
        date=RECENTLY,
        summary="Move the clinic to Tuesdays",
        taken_by="Service manager",
        present=[team["sid"]],
        by=team["fac"],
    )
    with_patient = actions.create_decision(
        project=team["project"],
        date=RECENTLY,
        summary="Add a map to the letter",
        taken_by="Group vote",
        present=[team["sid"], team["ama"]],
        by=team["fac"],
    )
    assert selectors.without_lived_experience(
        project=team["project"], decisions=[staff_only, with_patient]
    ) == {staff_only.pk}
    # Only the decisions asked about: the staff-only one is not among these.
    assert (
        selectors.without_lived_experience(project=team["project"], decisions=[with_patient])
        == set()
    )

    page = signed_in(team["observer"]).get(url("decisions", team)).content.decode()
    assert page.count("No patient or carer present") == 1
    marked = page.index("No patient or carer present")
    assert page.index("Move the clinic to Tuesdays") > marked
    assert "Sid Staff" not in page  # observers see roles only
    # Roles only, never how many: observers see attendance only as "fewer than 5 people".
    assert "Patients and members of staff" in page
    assert "A patient" not in page and "a member of staff" not in page


def test_decisions_refuse_people_from_other_projects(team: dict) -> None:
    other_fac = make_user("other@example.org")
    other = make_project(other_fac, title="Elsewhere")
    stranger = add_person(other, "Stella Stranger", "patient", by=other_fac)
    with pytest.raises(ActionError) as refusal:
        actions.create_decision(
            project=team["project"],
            date=RECENTLY,
            summary="s",
            taken_by="t",
            present=[stranger],
            by=team["fac"],
        )
    assert refusal.value.field == "present"
    assert not Decision.objects.exists()


# -- the influence log --------------------------------------------------------------------


def test_a_contribution_from_an_activitys_whole_group(team: dict) -> None:
    activity = make_activity(team)
    actions.record_attendance(
        activity=activity,
        rows=[AttendanceRow(team["ama"].pk, "2"), AttendanceRow(team["cal"].pk, "2")],
        by=team["fac"],
    )
    response = signed_in(team["patient"]).post(
        url("contribution_create", team),
        {
            "said": SAID,
            "date": RECENTLY.isoformat(),
            "activity": str(activity.pk),
            "whole_group": "on",
        },
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert set(contribution.contributors.all()) == {team["ama"], team["cal"]}
    assert contribution.outcome == "pending"


def test_a_contribution_needs_someone_to_have_made_it(team: dict) -> None:
    response = signed_in(team["patient"]).post(
        url("contribution_create", team), {"said": SAID, "date": RECENTLY.isoformat()}
    )
    assert "Choose who made the contribution" in response.content.decode()
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        ("changed", "Say what changed because of it"),
        ("not_taken_forward", "Say why it was not taken forward"),
    ],
)
def test_a_response_is_required_unless_pending(team: dict, outcome: str, message: str) -> None:
    contribution = actions.create_contribution(
        project=team["project"],
        date=RECENTLY,
        said=SAID,
        contributors=[team["ama"]],
        by=team["fac"],
    )
    client = signed_in(team["patient"])
    address = url("contribution_respond", team, contribution.pk)

    response = client.post(address, {"outcome": outcome, "response": "  "})

    assert response.status_code == 200
    assert message in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.outcome == "pending"
    with pytest.raises(ActionError) as refusal:
        actions.respond_to_contribution(
            contribution=contribution, outcome=outcome, response="", by=team["fac"]
        )
    assert refusal.value.field == "response"

    client.post(address, {"outcome": "pending", "response": ""})
    contribution.refresh_from_db()
    assert contribution.outcome == "pending"
    assert contribution.outcome_on is None


def test_responding_records_the_outcome_links_and_feedback(team: dict) -> None:
    idea = improvement_actions.create_change_idea(
        project=team["project"], title="Plain English letters", by=team["fac"]
    )
    contribution = actions.create_contribution(
        project=team["project"],
        date=RECENTLY,
        said=SAID,
        contributors=[team["ama"]],
        by=team["fac"],
    )
    response = signed_in(team["patient"]).post(
        url("contribution_respond", team, contribution.pk),
        {
            "outcome": "changed",
            "response": RESPONSE,
            "change_idea": str(idea.pk),
            "fed_back_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.outcome == "changed"
    assert contribution.outcome_on == TODAY
    assert contribution.change_idea == idea
    assert contribution.fed_back_on == TODAY


def test_the_log_filters_by_outcome_and_shows_overdue_feedback(team: dict) -> None:
    old = actions.create_contribution(
        project=team["project"],
        date=TODAY - timedelta(days=40),
        said="Parking is impossible on clinic days",
        contributors=[team["cal"]],
        by=team["fac"],
    )
    fresh = actions.create_contribution(
        project=team["project"],
        date=RECENTLY,
        said=SAID,
        contributors=[team["ama"]],
        by=team["fac"],
    )
    actions.respond_to_contribution(
        contribution=fresh, outcome="changed", response=RESPONSE, by=team["fac"]
    )
    client = signed_in(team["patient"])

    everything = client.get(url("influence", team)).content.decode()
    assert "Waiting for a response: 40 days" in everything
    assert everything.count("No feedback for over 30 days") == 1
    pending = client.get(url("influence", team) + "?outcome=pending").content.decode()
    assert "Parking is impossible" in pending
    assert SAID not in pending
    changed = client.get(url("influence", team) + "?outcome=changed").content.decode()
    assert SAID in changed
    assert "Parking is impossible" not in changed
    dropped = client.get(url("influence", team) + "?outcome=not_taken_forward").content.decode()
    assert "No contributions with this outcome" in dropped

    response = client.post(url("contribution_fed_back", team, old.pk))
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.fed_back_on == TODAY
    after = client.get(url("influence", team)).content.decode()
    assert "No feedback for over 30 days" not in after


def test_feedback_cannot_be_marked_in_the_future(team: dict) -> None:
    contribution = actions.create_contribution(
        project=team["project"],
        date=RECENTLY,
        said=SAID,
        contributors=[team["ama"]],
        by=team["fac"],
    )
    with pytest.raises(ActionError) as refusal:
        actions.mark_fed_back(
            contribution=contribution, on=TODAY + timedelta(days=1), by=team["fac"]
        )
    assert refusal.value.field == "fed_back_on"
    contribution.refresh_from_db()
    assert contribution.fed_back_on is None


def test_the_model_refuses_a_decided_outcome_without_a_response(team: dict) -> None:
    from django.db import IntegrityError, transaction

    contribution = actions.create_contribution(
        project=team["project"],
        date=RECENTLY,
        said=SAID,
        contributors=[team["ama"]],
        by=team["fac"],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.filter(pk=contribution.pk).update(outcome="changed", response="")


# -- "you said, we did" -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "described"),
    [
        (["patient"], "A patient"),
        (["carer", "patient", "carer"], "Two carers and a patient"),
        (["staff"], "A member of staff"),
        (["patient", "carer", "staff"], "A patient, a carer and a member of staff"),
        (["patient"] * 12, "12 patients"),
        ([], "Someone"),
    ],
)
def test_contributors_are_described_by_role(roles: list[str], described: str) -> None:
    assert selectors.describe_by_role(roles) == described


def test_you_said_we_did_never_names_anyone(team: dict) -> None:
    activity = make_activity(team, title="Interview with Cal Carer", kind="interview")
    contribution = actions.create_contribution(
        project=team["project"],
        date=RECENTLY,
        said=SAID,
        contributors=[team["ama"], team["cal"], team["cas"]],
        activity=activity,
        by=team["fac"],
    )
    actions.respond_to_contribution(
        contribution=contribution, outcome="changed", response=RESPONSE, by=team["fac"]
    )
    actions.create_contribution(
        project=team["project"],
        date=RECENTLY,
        said="Evening clinics would help working carers",
        contributors=[team["cas"]],
        by=team["fac"],
    )

    for user in (team["observer"], team["fac"], team["patient"]):
        page = signed_in(user).get(url("you_said_we_did", team)).content.decode()
        assert "Two carers and a patient said" in page
        assert "A carer said" in page
        assert "in an interview" in page
        assert SAID in page and RESPONSE in page
        for name in ("Cal Carer", "Cas Carer", "Sid Staff", "Ama Mensah", "Mensah"):
            assert name not in page, (user.email, name)

    observer_page = signed_in(team["observer"]).get(url("you_said_we_did", team))
    assert "You said" not in observer_page.content.decode().replace("You said, we did", "")
    patient_page = signed_in(team["patient"]).get(url("you_said_we_did", team)).content.decode()
    assert patient_page.count('<strong class="nhsuk-tag">You said</strong>') == 1


def test_you_said_we_did_has_an_empty_state(team: dict) -> None:
    page = signed_in(team["observer"]).get(url("you_said_we_did", team)).content.decode()
    assert "Nothing has been logged yet" in page


# -- the audit log ------------------------------------------------------------------------


def test_audit_summaries_carry_no_free_text_or_names(team: dict) -> None:
    tier = make_tier(team["project"], "Lay member", "15.75")
    actions_people.update_participant(
        participant=team["cal"],
        name="Cal Carer",
        role="carer",
        payment_tier=tier,
        wants_payment=True,
        by=team["fac"],
    )
    before = AuditEvent.objects.count()
    activity = make_activity(
        team, title="Workshop at Mrs Jones's house", labelled_as="Co-production", notes=NOTES
    )
    actions.update_activity(
        activity=activity,
        title="Workshop at Mrs Jones's house",
        kind="co_design_group",
        date=RECENTLY,
        hours="2",
        rung_planned=6,
        rung_achieved=4,
        phase="design",
        notes=NOTES + " again",
        by=team["fac"],
    )
    actions.record_attendance(
        activity=activity,
        rows=[AttendanceRow(team["cal"].pk, "2", True), AttendanceRow(team["ama"].pk, "2")],
        by=team["fac"],
    )
    decision = actions.create_decision(
        project=team["project"],
        date=RECENTLY,
        summary="Mrs Jones's idea: send letters by text",
        taken_by="Dr Khan alone",
        activity=activity,
        by=team["fac"],
    )
    contribution = actions.create_contribution(
        project=team["project"],
        date=RECENTLY,
        said=SAID,
        contributors=[team["cal"]],
        by=team["fac"],
    )
    actions.respond_to_contribution(
        contribution=contribution,
        outcome="changed",
        response=RESPONSE,
        decision=decision,
        by=team["fac"],
    )
    actions.mark_fed_back(contribution=contribution, by=team["fac"])
    actions.delete_contribution(contribution=contribution, by=team["fac"])
    actions.delete_decision(decision=decision, by=team["fac"])
    actions.delete_activity(activity=activity, by=team["fac"])

    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert len(events) == 10
    for event in events:
        text = event.summary + repr(event.data)
        for secret in ("Jones", "Khan", "ambulatory", "plain English", "Cal", "Ama", "15.75"):
            assert secret not in text, (event.action, secret)
