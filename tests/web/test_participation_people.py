"""The people area of participation: participants, consent, equality monitoring (only ever
in aggregate), check-ins and support, "My participation" and "Who takes part"."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.participation import actions_equity, selectors_equity, selectors_people
from coproduce.web.participation import actions_people as actions
from coproduce.web.participation.actions_equity import PopulationRow
from coproduce.web.participation.models import (
    Activity,
    Attendance,
    Checkin,
    ConsentRecord,
    EqualityRecord,
    Participant,
    PaymentTier,
    PlusGroup,
    SupportOffer,
)
from coproduce.web.projects.models import ProjectMembership, Role
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CONTACT = "ama.mensah@example.net"
ACCESS_NOTE = "Needs a Twi interpreter at meetings"
SKILLS = "Runs a sickle cell support group in Northtown"
HOW = "Signed paper form kept by Fay"


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def url(name: str, *args: int) -> str:
    return reverse(f"participation:{name}", args=list(args))


@pytest.fixture
def team() -> dict[str, Any]:
    fac = make_user("fac@example.org", "Fay Facilitator")
    staff = make_user("staff@example.org", "Sam Staff")
    patient = make_user("pat@example.org", "Pat Partner")
    observer = make_user("obs@example.org", "Olu Observer")
    project = make_project(fac)
    join(project, staff, Role.STAFF, by=fac)
    patient_membership = join(project, patient, Role.PATIENT_PARTNER, by=fac)
    join(project, observer, Role.OBSERVER, by=fac)
    return {
        "fac": fac,
        "staff": staff,
        "patient": patient,
        "observer": observer,
        "project": project,
        "patient_membership": patient_membership,
    }


def add(team: dict[str, Any], name: str = "Ama Mensah", **values: Any) -> Participant:
    defaults: dict[str, Any] = {
        "role": "patient",
        "contact_preference": "email",
        "contact_details": CONTACT,
        "access_needs": ["interpreter"],
        "access_notes": ACCESS_NOTE,
        "skills": SKILLS,
    }
    defaults.update(values)
    return actions.add_participant(project=team["project"], name=name, by=team["fac"], **defaults)


def consent(team: dict[str, Any], participant: Participant, purpose: str, **values: Any) -> Any:
    values.setdefault("given_on", TODAY - timedelta(days=30))
    return actions.record_consent(
        participant=participant, purpose=purpose, by=team["fac"], **values
    )


def participant_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Ama Mensah",
        "role": "patient",
        "membership": "",
        "contact_preference": "email",
        "contact_details": CONTACT,
        "access_needs": ["interpreter", "large_print"],
        "access_notes": ACCESS_NOTE,
        "skills": SKILLS,
        "payment_tier": "",
    }
    data.update(overrides)
    return data


# -- permissions -------------------------------------------------------------------------


def test_outsiders_get_404_on_every_page(team: dict[str, Any]) -> None:
    project = team["project"]
    ama = add(team)
    record = consent(team, ama, "take_part")
    offer = actions.offer_support(participant=ama, kind="buddy", offered_on=TODAY, by=team["fac"])
    group = actions.add_plus_group(
        organisation=project.organisation, name="Sickle cell", by=team["fac"]
    )
    outsider = signed_in(make_user("out@example.org"))
    pages = [
        url("participants", project.pk),
        url("participant_add", project.pk),
        url("participant", project.pk, ama.pk),
        url("participant_edit", project.pk, ama.pk),
        url("participant_leave", project.pk, ama.pk),
        url("participant_delete", project.pk, ama.pk),
        url("consent_add", project.pk, ama.pk),
        url("consent_withdraw", project.pk, ama.pk, record.pk),
        url("equality_on_behalf", project.pk, ama.pk),
        url("checkin_on_behalf", project.pk, ama.pk),
        url("support_add", project.pk, ama.pk),
        url("support_edit", project.pk, ama.pk, offer.pk),
        url("me", project.pk),
        url("me_contact", project.pk),
        url("me_consent_withdraw", project.pk, record.pk),
        url("me_equality", project.pk),
        url("me_checkin", project.pk),
        url("who_takes_part", project.pk),
        url("plus_groups", project.pk),
        url("plus_group_remove", project.pk, group.pk),
    ]
    for page in pages:
        assert outsider.get(page).status_code == 404, page
    assert outsider.post(url("participant_return", project.pk, ama.pk)).status_code == 404

    # Another project's participant is not reachable through one's own project either.
    other_fac = make_user("own@example.org")
    own = make_project(other_fac, title="Own")
    client = signed_in(other_fac)
    assert client.get(url("participant", own.pk, ama.pk)).status_code == 404
    assert client.get(url("consent_withdraw", own.pk, ama.pk, record.pk)).status_code == 404
    assert client.get(url("plus_group_remove", own.pk, group.pk)).status_code == 404


def test_only_facilitators_manage_and_observers_do_not_see_the_list(
    team: dict[str, Any],
) -> None:
    project = team["project"]
    ama = add(team)
    record = consent(team, ama, "take_part")
    management = [
        url("participant_add", project.pk),
        url("participant", project.pk, ama.pk),
        url("participant_edit", project.pk, ama.pk),
        url("participant_leave", project.pk, ama.pk),
        url("participant_delete", project.pk, ama.pk),
        url("consent_add", project.pk, ama.pk),
        url("consent_withdraw", project.pk, ama.pk, record.pk),
        url("equality_on_behalf", project.pk, ama.pk),
        url("checkin_on_behalf", project.pk, ama.pk),
        url("support_add", project.pk, ama.pk),
        url("plus_groups", project.pk),
    ]
    for who in ("staff", "patient", "observer"):
        client = signed_in(team[who])
        for page in management:
            assert client.get(page).status_code == 403, (who, page)
        assert (
            client.post(url("participant_add", project.pk), participant_form()).status_code == 403
        )
    assert signed_in(team["observer"]).get(url("participants", project.pk)).status_code == 403
    assert signed_in(team["observer"]).get(url("who_takes_part", project.pk)).status_code == 200
    assert Participant.objects.count() == 1

    with pytest.raises(NotAllowed):
        actions.add_participant(project=project, name="X", role="patient", by=team["staff"])
    with pytest.raises(NotAllowed):
        actions.record_consent(participant=ama, purpose="contact", given_on=TODAY, by=team["staff"])


def test_staff_see_names_and_roles_but_no_contact_details_or_access_needs(
    team: dict[str, Any],
) -> None:
    project = team["project"]
    add(team)
    page = signed_in(team["staff"]).get(url("participants", project.pk)).content.decode()
    assert "Ama Mensah (patient)" in page
    for secret in (CONTACT, ACCESS_NOTE, SKILLS, "interpreter"):
        assert secret not in page
    assert url("participant_add", project.pk) not in page


# -- participants ------------------------------------------------------------------------


def test_the_empty_list_explains_why_to_record_participants(team: dict[str, Any]) -> None:
    page = signed_in(team["fac"]).get(url("participants", team["project"].pk)).content.decode()
    assert "No participants are recorded yet" in page
    assert "who have no account" in page


def test_a_facilitator_adds_someone_without_an_account(team: dict[str, Any]) -> None:
    project = team["project"]
    tier = PaymentTier.objects.create(
        organisation=project.organisation, name="Expert by experience", hourly_rate=Decimal(20)
    )
    client = signed_in(team["fac"])
    response = client.post(
        url("participant_add", project.pk),
        participant_form(payment_tier=str(tier.pk), wants_payment="on"),
    )
    assert response.status_code == 302, response.content.decode()
    ama = Participant.objects.get()
    assert ama.membership is None
    assert ama.access_needs == ["large_print", "interpreter"]
    assert (ama.payment_tier, ama.wants_payment) == (tier, True)

    listing = client.get(url("participants", project.pk)).content.decode()
    assert "Ama Mensah" in listing and "No account" in listing and "Taking part" in listing
    detail = client.get(url("participant", project.pk, ama.pk)).content.decode()
    assert CONTACT in detail and ACCESS_NOTE in detail and "Large print" in detail
    assert SKILLS in detail and "Expert by experience" in detail


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "  "}, "Enter their name, or a pseudonym"),
        ({"contact_details": ""}, "Enter their email address, or choose another way"),
        ({"access_needs": ["other"], "access_notes": ""}, "Say what the other access need is"),
        ({"role": "king"}, "Select a valid choice"),
    ],
)
def test_bad_participant_input_is_refused_with_the_reason(
    team: dict[str, Any], overrides: dict[str, Any], message: str
) -> None:
    response = signed_in(team["fac"]).post(
        url("participant_add", team["project"].pk), participant_form(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Participant.objects.exists()


def test_a_member_is_linked_to_one_participant_only(team: dict[str, Any]) -> None:
    membership = team["patient_membership"]
    add(team, "Pat Partner", membership=membership)
    with pytest.raises(ActionError) as refusal:
        add(team, "Pat again", membership=membership)
    assert refusal.value.field == "membership"
    add(team)
    with pytest.raises(ActionError, match="already has that name"):
        add(team, " AMA  mensah ")
    other = make_project(make_user("x@example.org"), title="Elsewhere")
    foreign = ProjectMembership.objects.get(project=other)
    with pytest.raises(ActionError, match="this project's members"):
        add(team, "Someone", membership=foreign)
    # The form offers only members not linked yet.
    page = signed_in(team["fac"]).get(url("participant_add", team["project"].pk))
    assert "Pat Partner (Patient partner)" not in page.content.decode()
    assert "Sam Staff (Staff member)" in page.content.decode()


def test_someone_who_took_part_is_not_deleted_but_may_be_marked_as_left(
    team: dict[str, Any],
) -> None:
    project = team["project"]
    ama = add(team)
    activity = Activity.objects.create(
        project=project,
        title="Co-design group",
        kind="co_design_group",
        date=TODAY,
        hours=Decimal(2),
        rung_planned=6,
        phase="design",
    )
    Attendance.objects.create(activity=activity, participant=ama, hours=Decimal(2))
    client = signed_in(team["fac"])
    delete = url("participant_delete", project.pk, ama.pk)

    page = client.get(delete).content.decode()
    assert "Ama Mensah cannot be deleted" in page
    assert "1 attendance at an activity" in page
    assert url("participant_leave", project.pk, ama.pk) in page
    assert "Delete participant" not in page
    assert client.post(delete).status_code == 200
    assert Participant.objects.filter(pk=ama.pk).exists()
    with pytest.raises(ActionError, match="Mark them as having left"):
        actions.delete_participant(participant=ama, by=team["fac"])

    future = (TODAY + timedelta(days=3)).isoformat()
    refused = client.post(url("participant_leave", project.pk, ama.pk), {"left_on": future})
    assert "cannot be in the future" in refused.content.decode()
    left = client.post(url("participant_leave", project.pk, ama.pk), {"left_on": TODAY})
    assert left.status_code == 302
    ama.refresh_from_db()
    assert ama.left_on == TODAY
    assert "Left " in client.get(url("participants", project.pk)).content.decode()
    assert (
        "Ama Mensah"
        not in signed_in(team["staff"]).get(url("participants", project.pk)).content.decode()
    )

    assert client.post(url("participant_return", project.pk, ama.pk)).status_code == 302
    ama.refresh_from_db()
    assert ama.left_on is None


def test_someone_recorded_by_mistake_is_deleted_after_confirmation(team: dict[str, Any]) -> None:
    project = team["project"]
    ama = add(team)
    consent(team, ama, "take_part")
    client = signed_in(team["fac"])
    page = client.get(url("participant_delete", project.pk, ama.pk)).content.decode()
    assert "Delete Ama Mensah?" in page and "consent records" in page
    assert client.post(url("participant_delete", project.pk, ama.pk)).status_code == 302
    assert not Participant.objects.exists()
    event = AuditEvent.objects.get(action="participant.deleted")
    assert "Ama" not in event.summary


# -- consent -----------------------------------------------------------------------------


def test_has_consent_and_consent_problem_respect_the_dates(team: dict[str, Any]) -> None:
    ama = add(team)
    assert not selectors_people.has_consent(ama, "take_part", on=TODAY)
    assert "There is no record of Ama Mensah's consent to take part" in (
        selectors_people.consent_problem(ama, "take_part", on=TODAY) or ""
    )
    record = consent(team, ama, "take_part", given_on=date(2026, 1, 10))
    assert selectors_people.has_consent(ama, "take_part", on=date(2026, 1, 10))
    assert not selectors_people.has_consent(ama, "take_part", on=date(2026, 1, 9))
    assert "gave consent to take part on 10 January 2026" in (
        selectors_people.consent_problem(ama, "take_part", on=date(2026, 1, 9)) or ""
    )
    actions.withdraw_consent(consent=record, withdrawn_on=date(2026, 3, 3), by=team["fac"])
    assert selectors_people.has_consent(ama, "take_part", on=date(2026, 3, 2))
    assert not selectors_people.has_consent(ama, "take_part", on=date(2026, 3, 3))
    assert selectors_people.consent_problem(ama, "take_part", on=date(2026, 3, 2)) is None
    assert selectors_people.consent_problem(ama, "take_part", on=date(2026, 3, 4)) == (
        "Ama Mensah withdrew consent to take part on 3 March 2026; their attendance cannot "
        "be recorded on or after that date"
    )
    # Consent given again starts a new record; the history keeps both.
    consent(team, ama, "take_part", given_on=date(2026, 4, 1))
    assert selectors_people.has_consent(ama, "take_part", on=date(2026, 4, 2))
    assert ConsentRecord.objects.filter(participant=ama).count() == 2
    with pytest.raises(ActionError, match="already recorded"):
        consent(team, ama, "take_part")


def test_consent_problems_reads_everyones_consent_in_one_query(
    team: dict[str, Any], django_assert_num_queries: Any
) -> None:
    people = [add(team, f"Person {n}", contact_preference="facilitator") for n in range(6)]
    for person in people[:4]:
        consent(team, person, "take_part", given_on=date(2026, 1, 10))
    actions.withdraw_consent(
        consent=people[3].consents.get(), withdrawn_on=date(2026, 2, 1), by=team["fac"]
    )
    with django_assert_num_queries(1):
        problems = selectors_people.consent_problems(
            participants=people, purpose="take_part", on=date(2026, 3, 1)
        )
    # The same reasons, word for word, as one person's check.
    assert problems == {
        person.pk: selectors_people.consent_problem(person, "take_part", on=date(2026, 3, 1))
        for person in people[3:]
    }
    assert list(problems) == [people[3].pk, people[4].pk, people[5].pk]


def test_consent_is_recorded_and_withdrawn_with_a_confirmation_page(
    team: dict[str, Any],
) -> None:
    project = team["project"]
    ama = add(team)
    client = signed_in(team["fac"])
    response = client.post(
        url("consent_add", project.pk, ama.pk),
        {"purpose": "take_part", "given_on": (TODAY - timedelta(days=5)).isoformat(), "how": HOW},
    )
    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    assert record.how == HOW and record.recorded_by == team["fac"]

    withdraw = url("consent_withdraw", project.pk, ama.pk, record.pk)
    page = client.get(withdraw).content.decode()
    assert "Withdraw Ama Mensah’s consent to taking part in the project?" in page
    too_early = (TODAY - timedelta(days=10)).isoformat()
    refused = client.post(withdraw, {"withdrawn_on": too_early})
    assert "before the date it was given" in refused.content.decode()
    assert client.post(withdraw, {"withdrawn_on": TODAY.isoformat()}).status_code == 302
    record.refresh_from_db()
    assert record.withdrawn_on == TODAY
    detail = client.get(url("participant", project.pk, ama.pk)).content.decode()
    assert "Withdrawn" in detail and HOW in detail
    assert client.get(withdraw).status_code == 404


def test_withdrawn_consent_to_contact_hides_contact_details(team: dict[str, Any]) -> None:
    project = team["project"]
    ama = add(team, membership=team["patient_membership"])
    record = consent(team, ama, "contact")
    fac = signed_in(team["fac"])
    assert CONTACT in fac.get(url("participant", project.pk, ama.pk)).content.decode()

    actions.withdraw_consent(consent=record, by=team["fac"])

    detail = fac.get(url("participant", project.pk, ama.pk)).content.decode()
    assert CONTACT not in detail
    assert "Do not contact" in detail
    edit = url("participant_edit", project.pk, ama.pk)
    page = fac.get(edit).content.decode()
    assert CONTACT not in page and "withdrew their consent to be contacted" in page
    # Saving the other details keeps the hidden ones as they were.
    form = participant_form(membership=str(team["patient_membership"].pk), skills="Poet")
    del form["contact_preference"], form["contact_details"]
    assert fac.post(edit, form).status_code == 302
    ama.refresh_from_db()
    assert (ama.skills, ama.contact_details) == ("Poet", CONTACT)
    own = signed_in(team["patient"]).get(url("me", project.pk)).content.decode()
    assert CONTACT not in own and "Do not contact" in own
    assert selectors_people.contact_of(ama).preference == "Do not contact"


def test_withdrawing_equality_consent_deletes_the_answers(team: dict[str, Any]) -> None:
    project = team["project"]
    ama = add(team)
    record = consent(team, ama, "equality")
    actions.record_equality(participant=ama, ethnicity="roma", by=team["fac"])
    client = signed_in(team["fac"])
    withdraw = url("consent_withdraw", project.pk, ama.pk, record.pk)
    page = client.get(withdraw).content.decode()
    assert "equality monitoring answers will be deleted" in page

    assert client.post(withdraw, {"withdrawn_on": TODAY.isoformat()}).status_code == 302

    assert not EqualityRecord.objects.exists()
    event = AuditEvent.objects.get(action="consent.withdrawn")
    assert event.data["equality_deleted"] is True
    with pytest.raises(ActionError, match="withdrew consent to equality monitoring"):
        actions.record_equality(participant=ama, sex="female", by=team["fac"])


def test_no_equality_answers_without_consent(team: dict[str, Any]) -> None:
    project = team["project"]
    ama = add(team)
    with pytest.raises(ActionError, match="no record of Ama Mensah's consent to equality"):
        actions.record_equality(participant=ama, sex="female", by=team["fac"])
    client = signed_in(team["fac"])
    page = client.get(url("equality_on_behalf", project.pk, ama.pk)).content.decode()
    assert "Record their consent to equality monitoring" in page
    assert 'name="sex"' not in page
    client.post(url("equality_on_behalf", project.pk, ama.pk), {"sex": "female"})
    assert not EqualityRecord.objects.exists()


# -- equality monitoring -----------------------------------------------------------------


def test_the_facilitator_records_answers_but_never_sees_them(team: dict[str, Any]) -> None:
    project = team["project"]
    ama = add(team)
    consent(team, ama, "equality")
    group = actions.add_plus_group(
        organisation=project.organisation, name="Sickle cell community", by=team["fac"]
    )
    client = signed_in(team["fac"])
    form = url("equality_on_behalf", project.pk, ama.pk)
    page = client.get(form).content.decode()
    assert "Prefer not to say" in page and "optgroup" in page
    assert "Index of Multiple Deprivation" in page

    response = client.post(
        form,
        {
            "age_band": "35-to-44",
            "sex": "female",
            "ethnicity": "roma",
            "disability": "yes-limited-a-little",
            "imd_decile": "2",
            "plus_groups": [str(group.pk)],
        },
    )
    assert response.status_code == 302
    record = EqualityRecord.objects.get()
    assert (record.ethnicity, record.imd_decile, record.self_declared) == ("roma", 2, False)
    assert list(record.plus_groups.all()) == [group]

    # Write-only: the form says answers were recorded, offers to replace, shows none.
    again = client.get(form).content.decode()
    assert "Answers were recorded on" in again and "Replace the answers" in again
    assert not re.search(r'value="[^"]+"[^>]*\s(checked|selected)', again)
    # No other page of the facilitator's shows the answers.
    for page_url in (
        url("participant", project.pk, ama.pk),
        url("participants", project.pk),
    ):
        text = client.get(page_url).content.decode()
        for answer in ("Roma", "35 to 44", "Yes, limited a little", "Sickle cell community"):
            assert answer not in text, (page_url, answer)
    # The aggregate shows the unique answer only as "<5".
    aggregate = client.get(url("who_takes_part", project.pk)).content.decode()
    assert re.search(r"Roma</th>\s*<td[^>]*>&lt;5</td>", aggregate)
    # Nor can a facilitator reach the person's own page of answers.
    assert client.get(url("me_equality", project.pk)).status_code == 404


def test_a_participant_answers_and_sees_only_their_own_equality_answers(
    team: dict[str, Any],
) -> None:
    project = team["project"]
    ama = add(team, membership=team["patient_membership"])
    client = signed_in(team["patient"])
    form = url("me_equality", project.pk)
    page = client.get(form).content.decode()
    assert "I agree that my answers are kept for equality monitoring" in page

    refused = client.post(form, {"sex": "female"})
    assert "Tick the box to agree" in refused.content.decode()
    assert not EqualityRecord.objects.exists() and not ConsentRecord.objects.exists()

    assert (
        client.post(form, {"consent": "on", "sex": "female", "ethnicity": "indian"}).status_code
        == 302
    )
    record = EqualityRecord.objects.get()
    assert (record.sex, record.ethnicity, record.self_declared) == ("female", "indian", True)
    assert selectors_people.has_consent(ama, "equality")

    own = client.get(form).content.decode()
    assert "Your answers" in own and "Indian" in own and "Female" in own
    assert "I agree that" not in own
    # Replacing keeps one record.
    client.post(form, {"sex": "", "ethnicity": ""})
    record = EqualityRecord.objects.get()
    assert (record.sex, record.ethnicity) == ("", "")


def test_a_failing_save_leaves_nothing(team: dict[str, Any], monkeypatch: Any) -> None:
    ama = add(team, membership=team["patient_membership"])
    # An answer outside the list: the consent given on the same form is not kept either.
    with pytest.raises(ActionError):
        actions.record_equality_with_consent(
            participant=ama, consent=True, ethnicity="martian", by=team["patient"]
        )
    assert not ConsentRecord.objects.exists() and not EqualityRecord.objects.exists()

    # Any failure after the first write rolls everything back.
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr("coproduce.web.participation.actions_people.audit.record", broken)
    with pytest.raises(RuntimeError):
        add(team, "Kofi Boateng")
    assert not Participant.objects.filter(name="Kofi Boateng").exists()
    with pytest.raises(RuntimeError):
        consent(team, ama, "equality")
    assert not ConsentRecord.objects.exists()


# -- who takes part ----------------------------------------------------------------------


def test_small_counts_are_suppressed_with_their_complement(team: dict[str, Any]) -> None:
    project = team["project"]
    people = [add(team, f"Person {n}", contact_preference="facilitator") for n in range(9)]
    for n, person in enumerate(people):
        consent(team, person, "equality")
        # Three Indian, six African: "3" is hidden, and so is "6", or 9 - 6 would give it.
        actions.record_equality(
            participant=person, ethnicity="indian" if n < 3 else "african", by=team["fac"]
        )
    page = signed_in(team["observer"]).get(url("who_takes_part", project.pk)).content.decode()
    assert re.search(r"Indian</th>\s*<td[^>]*>&lt;5</td>", page)
    assert re.search(r"African</th>\s*<td[^>]*>\[c\]</td>", page)
    assert not re.search(r"African</th>\s*<td[^>]*>6</td>", page)
    assert "33%" not in page and "67%" not in page
    # Everyone is a patient: the zeros of the other roles are "<5", so the 9 is hidden too.
    assert re.search(r"Patient</th>\s*<td[^>]*>\[c\]</td>", page)
    for count in re.findall(r'numeric">(\d+)</td>', page):
        assert int(count) >= 5
    for count in re.findall(r"People who answered: (\d+)", page):
        assert int(count) >= 5
    assert "People who answered: 9." in page  # the ethnic group table's total


def test_who_takes_part_shows_no_count_of_people_who_did_not_answer(team: dict[str, Any]) -> None:
    people = [add(team, f"Person {n}", contact_preference="facilitator") for n in range(6)]
    consent(team, people[0], "equality")
    actions.record_equality(participant=people[0], sex="female", by=team["fac"])
    profile = selectors_people.who_takes_part(project=team["project"])
    assert profile.total == "6"
    # Six patients, and five roles of "<5": shown beside the total, the six is hidden too.
    assert {cell.label: cell.shown for cell in profile.roles.cells}["Patient"] == "[c]"
    sex = next(d for d in profile.dimensions if d.key == "sex")
    assert {cell.label: cell.shown for cell in sex.cells} == {"Female": "<5", "Male": "<5"}
    assert sex.answered == "<5"
    page = signed_in(team["observer"]).get(url("who_takes_part", team["project"].pk))
    text = page.content.decode()
    assert "Not answered" not in text and "Answered the equality" not in text
    assert "People who answered: &lt;5." in text


def test_who_takes_part_hides_what_the_equity_page_hides(team: dict[str, Any]) -> None:
    """Disability: 0 "limited a lot", 5 "limited a little", 6 "no", and one who did not
    answer. Beside the equity page's "participants who answered: 11", a "No" of 6 shown
    here would pin the other two cells (0 and 5): both pages must hide the same cells."""
    project = team["project"]
    answers = ["yes-limited-a-little"] * 5 + ["no"] * 6
    for n, answer in enumerate(answers):
        person = add(team, f"Person {n}", contact_preference="facilitator")
        consent(team, person, "equality")
        actions.record_equality(participant=person, disability=answer, by=team["fac"])
    add(team, "Someone who did not answer", contact_preference="facilitator")
    actions_equity.replace_population(
        project=project,
        rows=[
            PopulationRow("disability", "Yes, limited a lot", 10),
            PopulationRow("disability", "Yes, limited a little", 10),
            PopulationRow("disability", "No", 80),
        ],
        source="Census 2021",
        by=team["fac"],
    )

    disability = next(
        d
        for d in selectors_people.who_takes_part(project=project).dimensions
        if d.key == "disability"
    )
    shown = {cell.label: cell.shown for cell in disability.cells}
    assert shown == {"Yes, limited a lot": "<5", "Yes, limited a little": "[c]", "No": "[c]"}
    equity = next(
        d for d in selectors_equity.equity_page(project=project).dimensions if d.key == "disability"
    )
    assert {row.label: row.participants for row in equity.rows} == shown
    assert disability.answered == equity.answered == "11"
    text = signed_in(team["observer"]).get(url("who_takes_part", project.pk)).content.decode()
    assert not re.search(r"No</th>\s*<td[^>]*>6</td>", text)


# -- my participation --------------------------------------------------------------------


def test_my_participation_shows_my_record_and_lets_me_withdraw(team: dict[str, Any]) -> None:
    project = team["project"]
    ama = add(team, membership=team["patient_membership"])
    record = consent(team, ama, "quotes", how=HOW)
    client = signed_in(team["patient"])
    page = client.get(url("me", project.pk)).content.decode()
    assert "My participation" in page and CONTACT in page and ACCESS_NOTE in page
    assert "Anonymous quotes in reports" in page

    withdraw = url("me_consent_withdraw", project.pk, record.pk)
    assert (
        "Withdraw your consent to anonymous quotes in reports?"
        in client.get(withdraw).content.decode()
    )
    assert client.post(withdraw, {"withdrawn_on": TODAY.isoformat()}).status_code == 302
    record.refresh_from_db()
    assert record.withdrawn_on == TODAY
    assert "by the person themself" in AuditEvent.objects.get(action="consent.withdrawn").summary

    response = client.post(
        url("me_contact", project.pk),
        {"contact_preference": "phone", "contact_details": "07700 900123"},
    )
    assert response.status_code == 302
    ama.refresh_from_db()
    assert (ama.contact_preference, ama.contact_details) == ("phone", "07700 900123")

    # Someone else's consent is not mine to withdraw.
    kofi = add(team, "Kofi Boateng", contact_preference="facilitator")
    theirs = consent(team, kofi, "quotes")
    assert client.get(url("me_consent_withdraw", project.pk, theirs.pk)).status_code == 404
    with pytest.raises(NotAllowed):
        actions.withdraw_consent(consent=theirs, by=team["patient"])
    with pytest.raises(NotAllowed):
        actions.update_own_contact(
            participant=kofi, contact_preference="none", contact_details="", by=team["patient"]
        )


def test_a_member_without_a_record_is_told_how_to_get_one(team: dict[str, Any]) -> None:
    page = signed_in(team["staff"]).get(url("me", team["project"].pk)).content.decode()
    assert "You do not have a participant record" in page
    assert signed_in(team["staff"]).get(url("me_checkin", team["project"].pk)).status_code == 404


# -- check-ins and support ---------------------------------------------------------------


def test_a_low_check_in_suggests_support_and_support_is_recorded(team: dict[str, Any]) -> None:
    project = team["project"]
    ama = add(team, membership=team["patient_membership"])
    client = signed_in(team["patient"])
    empty = client.post(url("me_checkin", project.pk), {})
    assert "Answer at least one question" in empty.content.decode()
    response = client.post(
        url("me_checkin", project.pk), {"speak_up": "1", "know_how": "4", "listened_to": "5"}
    )
    assert response.status_code == 302
    checkin = Checkin.objects.get()
    assert checkin.self_reported and checkin.answers == {
        "speak_up": 1,
        "know_how": 4,
        "listened_to": 5,
    }

    own = client.get(url("me", project.pk)).content.decode()
    assert "I feel confident to speak up" in own and "Strongly disagree" in own

    fac = signed_in(team["fac"])
    detail = fac.get(url("participant", project.pk, ama.pk)).content.decode()
    assert "Support may help" in detail
    assert "Strongly disagree: “They feel confident to speak up" in detail

    response = fac.post(
        url("support_add", project.pk, ama.pk),
        {"kind": "buddy", "offered_on": TODAY.isoformat(), "taken_up": "", "note": ""},
    )
    assert response.status_code == 302
    offer = SupportOffer.objects.get()
    assert offer.taken_up is None
    fac.post(
        url("support_edit", project.pk, ama.pk, offer.pk),
        {"kind": "buddy", "offered_on": TODAY.isoformat(), "taken_up": "yes", "note": ""},
    )
    offer.refresh_from_db()
    assert offer.taken_up is True
    other = fac.post(
        url("support_add", project.pk, ama.pk),
        {"kind": "other", "offered_on": TODAY.isoformat(), "taken_up": "no", "note": ""},
    )
    assert "Say what the support is" in other.content.decode()

    # A facilitator's check-in on someone's behalf is marked so.
    fac.post(url("checkin_on_behalf", project.pk, ama.pk), {"speak_up": "4"})
    assert Checkin.objects.filter(self_reported=False).count() == 1


def test_check_ins_by_role_hide_groups_under_five(team: dict[str, Any]) -> None:
    patients = [add(team, f"Patient {n}", contact_preference="facilitator") for n in range(5)]
    carers = [
        add(team, f"Carer {n}", role="carer", contact_preference="facilitator") for n in range(2)
    ]
    for person in patients + carers:
        actions.record_checkin(participant=person, answers={"speak_up": 4}, by=team["fac"])
    summary = selectors_people.checkins_by_role(project=team["project"])
    assert [group.label for group in summary.groups] == ["Patient"]
    assert "Carer" in summary.hidden
    page = signed_in(team["observer"]).get(url("who_takes_part", team["project"].pk))
    text = page.content.decode()
    # The patients' count is hidden beside the carers' "<5", but they have 5 or more.
    assert "Patient: 5 or more check-ins" in text
    assert "Carer:" not in text and "Everyone:" not in text


# -- PLUS groups -------------------------------------------------------------------------


def test_facilitators_keep_the_organisations_plus_groups(team: dict[str, Any]) -> None:
    project = team["project"]
    client = signed_in(team["fac"])
    assert (
        client.post(url("plus_groups", project.pk), {"name": "Homeless people"}).status_code == 302
    )
    twice = client.post(url("plus_groups", project.pk), {"name": "homeless people"})
    assert "There is already a PLUS group" in twice.content.decode()
    group = PlusGroup.objects.get()
    assert group.organisation == project.organisation

    remove = url("plus_group_remove", project.pk, group.pk)
    assert "Remove the PLUS group" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert not PlusGroup.objects.exists()
    with pytest.raises(NotAllowed):
        actions.add_plus_group(organisation=project.organisation, name="Carers", by=team["staff"])


# -- the audit log -----------------------------------------------------------------------


def test_audit_summaries_hold_no_names_contact_details_or_answers(team: dict[str, Any]) -> None:
    project = team["project"]
    ama = add(team, membership=team["patient_membership"])
    record = consent(team, ama, "equality", how=HOW)
    group = actions.add_plus_group(
        organisation=project.organisation, name="Sickle cell community", by=team["fac"]
    )
    actions.record_equality(
        participant=ama, ethnicity="roma", age_band="35-to-44", plus_groups=[group], by=team["fac"]
    )
    actions.update_participant(
        participant=ama,
        name="Ama M.",
        role="carer",
        membership=team["patient_membership"],
        contact_preference="post",
        contact_details="12 Harbour Road",
        by=team["fac"],
    )
    actions.update_own_contact(
        participant=ama,
        contact_preference="text",
        contact_details="07700 900123",
        by=team["patient"],
    )
    actions.record_checkin(participant=ama, answers={"speak_up": 2}, by=team["patient"])
    actions.offer_support(
        participant=ama, kind="other", offered_on=TODAY, note="Taxi to meetings", by=team["fac"]
    )
    actions.mark_left(participant=ama, left_on=TODAY, by=team["fac"])
    actions.withdraw_consent(consent=record, by=team["fac"])

    events = list(AuditEvent.objects.filter(project=project)) + list(
        AuditEvent.objects.filter(action__startswith="plus_group")
    )
    assert len(events) >= 9
    secrets = [
        "Ama",
        CONTACT,
        ACCESS_NOTE,
        SKILLS,
        HOW,
        "12 Harbour Road",
        "07700",
        "roma",
        "35-to-44",
        "Sickle",
        "Taxi",
    ]
    for event in events:
        for secret in secrets:
            assert secret not in event.summary, (event.action, secret)
            assert secret not in str(event.data), (event.action, secret)
