"""Payments: the organisation's payment rates, what people are owed, the finance export, and
expense claims."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coproduce.participation.payments import BENEFITS_WARNING
from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.participation import actions_activities, actions_people
from coproduce.web.participation import actions_money as actions
from coproduce.web.participation import selectors_money as money
from coproduce.web.participation.actions_activities import AttendanceError, AttendanceRow
from coproduce.web.participation.models import (
    Activity,
    ConsentPurpose,
    ExpenseClaim,
    Participant,
    PaymentTier,
)
from coproduce.web.projects import actions as project_actions
from coproduce.web.projects.models import Project, Role
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_YEAR = TODAY - timedelta(days=365)
CONTACT = "07700 900123, 1 Acacia Avenue"
DESCRIPTION = "Taxi because Mrs Jones's bus was cancelled"


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def add_person(
    project: Project, name: str, role: str, *, by: User, payment: bool = True, **extra: object
) -> Participant:
    participant = actions_people.add_participant(
        project=project, name=name, role=role, by=by, **extra
    )
    purposes = [ConsentPurpose.TAKE_PART] + ([ConsentPurpose.PAYMENT] if payment else [])
    for purpose in purposes:
        actions_people.record_consent(
            participant=participant, purpose=purpose, given_on=LAST_YEAR, by=by
        )
    return participant


@pytest.fixture
def team() -> dict:
    fac = make_user("fac@example.org", "Fay Facilitator")
    patient = make_user("pat@example.org", "Pat Partner")
    observer = make_user("obs@example.org", "Olu Observer")
    staff = make_user("staff@example.org", "Sam Staff")
    outsider = make_user("out@example.org", "Otto Outsider")
    project = make_project(fac)
    tier = actions.create_tier(
        organisation=project.organisation, name="Expert by experience", hourly_rate="15.75", by=fac
    )
    patient_membership = join(project, patient, Role.PATIENT_PARTNER, by=fac)
    join(project, observer, Role.OBSERVER, by=fac)
    join(project, staff, Role.STAFF, by=fac)
    ama = add_person(
        project,
        "Ama Mensah",
        "patient",
        by=fac,
        membership=patient_membership,
        payment_tier=tier,
        wants_payment=True,
        contact_preference="phone",
        contact_details=CONTACT,
    )
    cal = add_person(project, "Cal Carer", "carer", by=fac, payment_tier=tier, wants_payment=True)
    sid = add_person(project, "Sid Staff", "staff", by=fac)
    return {
        "fac": fac,
        "patient": patient,
        "observer": observer,
        "staff": staff,
        "outsider": outsider,
        "project": project,
        "tier": tier,
        "ama": ama,
        "cal": cal,
        "sid": sid,
    }


def url(name: str, team: dict, *args: int) -> str:
    return reverse(f"participation:{name}", args=[team["project"].pk, *args])


def activity(team: dict, title: str, days_ago: int, hours: str) -> Activity:
    return actions_activities.create_activity(
        project=team["project"],
        title=title,
        kind="meeting",
        date=TODAY - timedelta(days=days_ago),
        hours=hours,
        rung_planned=5,
        phase="design",
        by=team["fac"],
    )


def attend(team: dict, event: Activity, *rows: tuple[Participant, str]) -> None:
    actions_activities.record_attendance(
        activity=event,
        rows=[AttendanceRow(person.pk, hours) for person, hours in rows],
        by=team["fac"],
    )


def claim(team: dict, person: Participant | None = None, **overrides: object) -> ExpenseClaim:
    values: dict = {
        "participant": person or team["ama"],
        "incurred_on": TODAY - timedelta(days=3),
        "category": "travel",
        "amount": "6.40",
        "by": team["fac"],
    }
    values.update(overrides)
    return actions.submit_claim(**values)


# -- permissions --------------------------------------------------------------------------


def test_outsiders_get_404_on_every_page(team: dict) -> None:
    made = claim(team)
    client = signed_in(team["outsider"])
    for address in [
        url("payment_rates", team),
        url("payment_tier_create", team),
        url("payment_tier_edit", team, team["tier"].pk),
        url("payment_tier_delete", team, team["tier"].pk),
        url("payments", team),
        url("payments_csv", team),
        url("expenses", team),
        url("expense_create", team),
        url("expense", team, made.pk),
        url("expense_edit", team, made.pk),
        url("my_expenses", team),
        url("my_expense_create", team),
    ]:
        assert client.get(address).status_code == 404, address


@pytest.mark.parametrize("who", ["patient", "observer", "staff"])
def test_members_who_are_not_facilitators_get_403(team: dict, who: str) -> None:
    made = claim(team)
    client = signed_in(team[who])
    for address in [
        url("payment_rates", team),
        url("payment_tier_create", team),
        url("payment_tier_edit", team, team["tier"].pk),
        url("payments", team),
        url("payments_csv", team),
        url("expenses", team),
        url("expense_create", team),
        url("expense", team, made.pk),
    ]:
        assert client.get(address).status_code == 403, address
    with pytest.raises(NotAllowed):
        actions.create_tier(organisation=team["project"].organisation, name="X", by=team[who])
    with pytest.raises(NotAllowed):
        actions.move_claim(claim=made, status="approved", by=team[who])


def test_another_organisations_members_cannot_see_its_rates(team: dict) -> None:
    other_fac = make_user("elsewhere@example.org", "Eli Elsewhere")
    other = make_project(other_fac, title="Elsewhere")
    assert other.organisation_id != team["project"].organisation_id
    client = signed_in(other_fac)
    assert client.get(url("payment_rates", team)).status_code == 404
    # Through their own project, the first organisation's tier is not there to see.
    own = reverse("participation:payment_rates", args=[other.pk])
    response = client.get(own)
    assert response.status_code == 200
    assert "has no payment tiers yet" in response.content.decode()
    assert "£15.75" not in response.content.decode()
    edit = reverse("participation:payment_tier_edit", args=[other.pk, team["tier"].pk])
    assert client.get(edit).status_code == 404
    with pytest.raises(NotAllowed):
        actions.update_tier(tier=team["tier"], name="Hacked", hourly_rate="99", by=other_fac)


def test_facilitators_of_any_project_and_admins_of_the_organisation_manage_its_rates(
    team: dict,
) -> None:
    organisation = team["project"].organisation
    # A facilitator of another project of the same organisation, through their own project.
    sister_fac = make_user("sister@example.org", "Sis Facilitator")
    sister = project_actions.create_project(
        organisation=organisation, title="Sister project", service="Wards", by=team["fac"]
    )
    join(sister, sister_fac, Role.FACILITATOR, by=team["fac"])
    response = signed_in(sister_fac).get(reverse("participation:payment_rates", args=[sister.pk]))
    assert response.status_code == 200
    assert "Expert by experience" in response.content.decode()
    # An organisation admin who is only a staff member of the project.
    assert signed_in(team["staff"]).get(url("payment_rates", team)).status_code == 403
    project_actions.add_organisation_member(
        organisation=organisation, user=team["staff"], is_admin=True, by=team["fac"]
    )
    assert signed_in(team["staff"]).get(url("payment_rates", team)).status_code == 200


# -- payment rates ------------------------------------------------------------------------


def test_a_tier_may_have_no_rate_and_then_attendance_asking_for_payment_is_refused(
    team: dict,
) -> None:
    client = signed_in(team["fac"])
    response = client.post(
        url("payment_tier_create", team),
        {"name": "Lay chair", "hourly_rate": "", "description": "Chairs the group", "active": "on"},
    )
    assert response.status_code == 302
    tier = PaymentTier.objects.get(name="Lay chair")
    assert tier.hourly_rate is None
    page = client.get(url("payment_rates", team)).content.decode()
    assert "<h1>Payment rates</h1>" in page
    assert "No rate set" in page
    actions_people.update_participant(
        participant=team["cal"],
        name="Cal Carer",
        role="carer",
        payment_tier=tier,
        wants_payment=True,
        by=team["fac"],
    )
    event = activity(team, "Workshop", 2, "2")
    with pytest.raises(AttendanceError, match="payment rates"):
        attend(team, event, (team["cal"], "2"))
    assert not event.attendance.exists()
    # The payments page says so, and links to the rates.
    page = client.get(url("payments", team)).content.decode()
    assert "No rate set" in page
    assert url("payment_rates", team) in page


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("-1", "cannot be negative"),
        ("501", "more than £500"),
        ("15.755", "pounds and pence"),
        ("fifteen", "as a number"),
    ],
)
def test_bad_rates_are_refused_with_the_reason(team: dict, rate: str, message: str) -> None:
    response = signed_in(team["fac"]).post(
        url("payment_tier_create", team), {"name": "New", "hourly_rate": rate, "active": "on"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PaymentTier.objects.filter(name="New").exists()


def test_tier_names_are_unique_in_the_organisation(team: dict) -> None:
    with pytest.raises(ActionError, match="already has a tier"):
        actions.create_tier(
            organisation=team["project"].organisation,
            name="expert BY experience",
            hourly_rate="10",
            by=team["fac"],
        )


def test_a_tier_in_use_cannot_be_deleted_but_an_unused_one_can(team: dict) -> None:
    client = signed_in(team["fac"])
    response = client.post(url("payment_tier_delete", team, team["tier"].pk))
    assert response.status_code == 200
    assert "2 participants are on this tier" in response.content.decode()
    assert PaymentTier.objects.filter(pk=team["tier"].pk).exists()
    spare = actions.create_tier(
        organisation=team["project"].organisation, name="Spare", by=team["fac"]
    )
    assert client.get(url("payment_tier_delete", team, spare.pk)).status_code == 200
    assert client.post(url("payment_tier_delete", team, spare.pk)).status_code == 302
    assert not PaymentTier.objects.filter(pk=spare.pk).exists()


# -- what people are owed -----------------------------------------------------------------


def test_amounts_and_totals_to_the_penny_with_the_rate_of_the_time(team: dict) -> None:
    first = activity(team, "Letters workshop", 20, "2.5")
    second = activity(team, "Waiting room walk-through", 10, "1.25")
    attend(team, first, (team["ama"], "2.5"), (team["cal"], "2.5"), (team["sid"], "2.5"))
    attend(team, second, (team["ama"], "1.25"))
    # A later rate does not change what was owed.
    actions.update_tier(
        tier=team["tier"], name="Expert by experience", hourly_rate="20", by=team["fac"]
    )
    claim(team, amount="6.40")
    approved = claim(team, amount="3.10", category="parking")
    actions.move_claim(claim=approved, status="approved", by=team["fac"])

    summaries = {
        s.participant.name: s
        for s in money.payment_summaries(money.payees_of(project=team["project"]))
    }
    ama = summaries["Ama Mensah"]
    assert [line.amount for line in ama.lines] == [Decimal("39.38"), Decimal("19.69")]
    assert ama.amount == Decimal("59.07")
    assert ama.hours_paid == Decimal("3.75")
    assert ama.expenses_submitted == Decimal("6.40")
    assert ama.expenses_approved == Decimal("3.10")
    assert ama.total == Decimal("62.17")
    assert "Sid Staff" not in summaries  # does not want paying, never claimed
    totals = money.payment_totals(project=team["project"])
    assert str(totals.amount) == "98.45"  # 39.38 + 19.69 + 39.38, to the penny exactly
    assert str(totals.owed) == "101.55"
    assert str(totals.expenses_submitted) == "6.40"
    assert str(totals.hours_paid) == "6.25"

    page = signed_in(team["fac"]).get(url("payments", team)).content.decode()
    for text in ("£39.38<", "£19.69<", "£59.07<", "£98.45 for 6.25 hours", "£101.55<"):
        assert text in page, text
    assert "nhsuk-warning-callout" in page
    assert BENEFITS_WARNING in page.replace("&#x27;", "'")


def test_the_payments_page_filters_by_period_and_is_paginated(team: dict) -> None:
    early = activity(team, "Early meeting", 40, "1")
    late = activity(team, "Late meeting", 5, "1")
    attend(team, early, (team["ama"], "1"))
    attend(team, late, (team["ama"], "1"))
    client = signed_in(team["fac"])
    start = (TODAY - timedelta(days=10)).isoformat()
    page = client.get(url("payments", team), {"start": start}).content.decode()
    assert "Late meeting" in page
    assert "Early meeting" not in page
    assert f"start={start}" in page  # kept on the export link
    bad = client.get(url("payments", team), {"start": TODAY.isoformat(), "end": start})
    assert "The end date must be on or after the start date" in bad.content.decode()

    for n in range(25):
        actions_people.add_participant(
            project=team["project"],
            name=f"Payee {n:02}",
            role="patient",
            wants_payment=True,
            by=team["fac"],
        )
    first = client.get(url("payments", team)).content.decode()
    second = client.get(url("payments", team), {"page": 2}).content.decode()
    assert first.count('class="nhsuk-card"') == 25
    assert second.count('class="nhsuk-card"') == 2  # 27 payees in all


# -- the finance export -------------------------------------------------------------------


def read_csv(response: object) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")  # type: ignore[attr-defined]
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_finance_export_lists_time_owed_and_approved_expenses_only(team: dict) -> None:
    actions_people.record_consent(
        participant=team["ama"], purpose=ConsentPurpose.EQUALITY, given_on=LAST_YEAR, by=team["fac"]
    )
    actions_people.record_equality(participant=team["ama"], imd_decile=3, by=team["patient"])
    event = activity(team, "Letters workshop", 20, "2.5")
    attend(team, event, (team["ama"], "2.5"), (team["sid"], "2.5"))
    submitted = claim(team, amount="6.40")
    approved = claim(team, amount="3.10", category="parking", activity=event)
    rejected = claim(team, amount="99.00", description=DESCRIPTION)
    paid = claim(team, amount="1.00")
    actions.move_claim(claim=approved, status="approved", by=team["fac"])
    actions.move_claim(claim=rejected, status="rejected", reason="No receipt", by=team["fac"])
    actions.move_claim(claim=paid, status="approved", by=team["fac"])
    actions.move_claim(claim=paid, status="paid", by=team["fac"])

    response = signed_in(team["fac"]).get(url("payments_csv", team))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="payments-')
    rows = read_csv(response)
    assert list(rows[0]) == list(money.FINANCE_COLUMNS)
    assert len(rows) == 2  # Ama's time (Sid is not paid) and the approved claim
    by_ref = {row["Claim reference"][0]: row for row in rows}
    time, expense = by_ref["T"], by_ref["E"]
    assert time["Payee name"] == "Ama Mensah"
    assert time["Payee reference"] == f"P{team['ama'].pk}"
    assert time["Tier"] == "Expert by experience"
    assert time["Activity title"] == "Letters workshop"
    assert time["Activity date"] == (TODAY - timedelta(days=20)).isoformat()
    assert (time["Hours"], time["Hourly rate"], time["Payment"]) == ("2.50", "15.75", "39.38")
    assert time["Total"] == "39.38"
    assert expense["Expenses"] == "3.10"
    assert expense["Payment"] == "0.00"
    assert expense["Expense category"] == "Parking"
    assert expense["Activity reference"] == f"A{event.pk}"
    text = response.content.decode()
    for secret in (CONTACT, DESCRIPTION, "99.00", "No receipt", str(submitted.amount)):
        assert secret not in text, secret
    header = text.splitlines()[0].lower()
    for word in ("ethnic", "age", "sex", "disab", "decile", "deprivation", "contact", "phone"):
        assert word not in header, word
    event_log = AuditEvent.objects.filter(action="payments.exported").get()
    assert "Ama" not in event_log.summary
    assert event_log.data["rows"] == 2


def test_the_finance_export_stops_spreadsheet_formulas(team: dict) -> None:
    evil = add_person(
        team["project"],
        '=HYPERLINK("http://x")',
        "patient",
        by=team["fac"],
        payment_tier=team["tier"],
        wants_payment=True,
    )
    for title, days in (("+SUM(A1:A2)", 3), ("-2+3", 2), ("@cmd", 1)):
        attend(team, activity(team, title, days, "1"), (evil, "1"))
    rows = read_csv(signed_in(team["fac"]).get(url("payments_csv", team)))
    assert {row["Payee name"] for row in rows} == {'\'=HYPERLINK("http://x")'}
    assert [row["Activity title"] for row in rows] == ["'+SUM(A1:A2)", "'-2+3", "'@cmd"]
    assert money.spreadsheet_safe("Ama") == "Ama"
    assert money.spreadsheet_safe("\tx") == "'\tx"


def test_the_export_follows_the_period(team: dict) -> None:
    attend(team, activity(team, "Old", 60, "1"), (team["ama"], "1"))
    attend(team, activity(team, "New", 2, "1"), (team["ama"], "1"))
    start = (TODAY - timedelta(days=7)).isoformat()
    rows = read_csv(signed_in(team["fac"]).get(url("payments_csv", team), {"start": start}))
    assert [row["Activity title"] for row in rows] == ["New"]


# -- expense claims -----------------------------------------------------------------------


def test_a_claimant_submits_through_my_expenses_and_sees_its_status(team: dict) -> None:
    client = signed_in(team["patient"])
    page = client.get(url("my_expenses", team)).content.decode()
    assert "You have not claimed any expenses" in page
    assert "nhsuk-warning-callout" in page
    response = client.post(
        url("my_expense_create", team),
        {
            "incurred_on": (TODAY - timedelta(days=1)).isoformat(),
            "category": "travel",
            "amount": "6.40",
            "description": "Bus",
        },
    )
    assert response.status_code == 302
    made = ExpenseClaim.objects.get()
    assert (made.participant, made.status, made.amount) == (
        team["ama"],
        "submitted",
        Decimal("6.40"),
    )
    assert "Submitted" in client.get(url("my_expenses", team)).content.decode()
    fac = signed_in(team["fac"])
    assert fac.post(url("expense", team, made.pk), {"status": "approved"}).status_code == 302
    assert "Approved" in client.get(url("my_expenses", team)).content.decode()


def test_a_facilitator_claims_on_someones_behalf(team: dict) -> None:
    response = signed_in(team["fac"]).post(
        url("expense_create", team),
        {
            "participant": team["cal"].pk,
            "incurred_on": TODAY.isoformat(),
            "category": "care_cover",
            "amount": "40",
            "description": "",
        },
    )
    assert response.status_code == 302
    assert ExpenseClaim.objects.get().participant == team["cal"]


def test_members_without_a_participant_record_cannot_claim(team: dict) -> None:
    client = signed_in(team["observer"])
    assert (
        "do not have a participant record" in client.get(url("my_expenses", team)).content.decode()
    )
    assert client.get(url("my_expense_create", team)).status_code == 404
    with pytest.raises(NotAllowed):
        claim(team, team["cal"], by=team["patient"])  # someone else's


def test_a_claim_needs_consent_to_keep_payment_records(team: dict) -> None:
    nobody = add_person(team["project"], "Nia No-consent", "patient", by=team["fac"], payment=False)
    with pytest.raises(ActionError, match="payment and expenses records"):
        claim(team, nobody)
    assert not ExpenseClaim.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "0"}, "more than £0"),
        ({"amount": "-5"}, "more than £0"),
        ({"amount": "5000.01"}, "check the figure"),
        ({"amount": "1.234"}, "pounds and pence"),
        ({"incurred_on": TODAY + timedelta(days=1)}, "cannot be in the future"),
        ({"category": "other", "description": ""}, "Say what the expense was for"),
        ({"category": "champagne"}, "Choose what the expense was for"),
    ],
)
def test_bad_claims_are_refused_with_the_reason(team: dict, overrides: dict, message: str) -> None:
    with pytest.raises(ActionError, match=message):
        claim(team, **overrides)
    assert not ExpenseClaim.objects.exists()


def test_a_claim_links_only_to_its_own_projects_activities(team: dict) -> None:
    other_fac = make_user("other@example.org")
    other = make_project(other_fac, title="Elsewhere")
    theirs = actions_activities.create_activity(
        project=other,
        title="Theirs",
        kind="meeting",
        date=TODAY,
        hours=1,
        rung_planned=4,
        phase="design",
        by=other_fac,
    )
    with pytest.raises(ActionError, match="this project's activities"):
        claim(team, activity=theirs)


def test_status_moves_follow_the_core_and_refusals_change_nothing(team: dict) -> None:
    made = claim(team)
    before = AuditEvent.objects.count()
    with pytest.raises(
        ActionError, match="cannot be marked as paid; it can be approved or rejected"
    ):
        actions.move_claim(claim=made, status="paid", by=team["fac"])
    made.refresh_from_db()
    assert made.status == "submitted"
    assert AuditEvent.objects.count() == before

    actions.move_claim(claim=made, status="approved", by=team["fac"])
    actions.move_claim(claim=made, status="paid", reason="BACS 1234", by=team["fac"])
    with pytest.raises(ActionError, match="A paid claim is final"):
        actions.move_claim(claim=made, status="rejected", reason="Oops", by=team["fac"])
    made.refresh_from_db()
    assert (made.status, made.status_reason) == ("paid", "BACS 1234")
    assert list(
        AuditEvent.objects.filter(target_id=str(made.pk), action__startswith="expense.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["expense.submitted", "expense.approved", "expense.paid"]


def test_a_refused_move_through_the_page_says_why(team: dict) -> None:
    made = claim(team)
    client = signed_in(team["fac"])
    page = client.get(url("expense", team, made.pk)).content.decode()
    assert 'value="approved"' in page and 'value="rejected"' in page
    assert 'value="paid"' not in page  # only allowed moves are offered
    response = client.post(url("expense", team, made.pk), {"status": "paid"})
    assert response.status_code == 200
    assert "cannot be marked as paid" in response.content.decode()
    made.refresh_from_db()
    assert made.status == "submitted"


def test_rejecting_needs_a_reason_that_the_claimant_sees(team: dict) -> None:
    made = claim(team)
    with pytest.raises(ActionError, match="Say why the claim is rejected"):
        actions.move_claim(claim=made, status="rejected", reason="  ", by=team["fac"])
    made.refresh_from_db()
    assert made.status == "submitted"
    response = signed_in(team["fac"]).post(url("expense", team, made.pk), {"status": "rejected"})
    assert "Say why the claim is rejected" in response.content.decode()
    actions.move_claim(claim=made, status="rejected", reason="No ticket attached", by=team["fac"])
    page = signed_in(team["patient"]).get(url("my_expenses", team)).content.decode()
    assert "Rejected" in page and "No ticket attached" in page


def test_correcting_a_rejected_claim_sends_it_again(team: dict) -> None:
    made = claim(team)
    actions.move_claim(claim=made, status="rejected", reason="Wrong amount", by=team["fac"])
    client = signed_in(team["patient"])
    response = client.post(
        url("my_expense_edit", team, made.pk),
        {"incurred_on": made.incurred_on.isoformat(), "category": "travel", "amount": "5.20"},
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.status, made.amount, made.status_reason) == ("submitted", Decimal("5.20"), "")
    actions.move_claim(claim=made, status="approved", by=team["fac"])
    with pytest.raises(ActionError, match="can no longer be changed"):
        actions.update_claim(
            claim=made,
            incurred_on=made.incurred_on,
            category="travel",
            amount="1",
            by=team["patient"],
        )


def test_a_facilitator_cannot_approve_their_own_claim(team: dict) -> None:
    fac_membership = team["project"].memberships.get(user=team["fac"])
    me = add_person(
        team["project"], "Fay Facilitator", "facilitator", by=team["fac"], membership=fac_membership
    )
    made = claim(team, me)
    with pytest.raises(NotAllowed, match="your own claim"):
        actions.move_claim(claim=made, status="approved", by=team["fac"])


def test_claims_of_other_projects_and_people_are_404(team: dict) -> None:
    other_fac = make_user("other@example.org")
    other = make_project(other_fac, title="Elsewhere")
    stranger = add_person(other, "Stranger", "patient", by=other_fac)
    theirs = claim({**team, "fac": other_fac}, stranger)
    client = signed_in(team["fac"])
    assert client.get(url("expense", team, theirs.pk)).status_code == 404
    cals = claim(team, team["cal"])
    assert signed_in(team["patient"]).get(url("my_expense_edit", team, cals.pk)).status_code == 404


def test_the_claims_list_filters_by_status(team: dict) -> None:
    kept = claim(team, amount="6.40")
    other = claim(team, amount="7.77")
    actions.move_claim(claim=kept, status="approved", by=team["fac"])
    client = signed_in(team["fac"])
    page = client.get(url("expenses", team), {"status": "approved"}).content.decode()
    assert "£6.40" in page and "£7.77" not in page
    page = client.get(url("expenses", team)).content.decode()
    assert "£6.40" in page and "£7.77" in page
    assert other.status == "submitted"


# -- the audit log ------------------------------------------------------------------------


def test_audit_summaries_carry_no_free_text_names_or_sums(team: dict) -> None:
    before = AuditEvent.objects.count()
    tier = actions.create_tier(
        organisation=team["project"].organisation,
        name="Lay chair",
        hourly_rate="31.25",
        description="Chairs Mrs Jones's group",
        by=team["fac"],
    )
    actions.update_tier(tier=tier, name="Lay chair", hourly_rate="32.50", by=team["fac"])
    made = claim(team, amount="12.34", description=DESCRIPTION, category="other")
    actions.update_claim(
        claim=made,
        incurred_on=made.incurred_on,
        category="other",
        amount="12.35",
        description=DESCRIPTION + " again",
        by=team["patient"],
    )
    actions.move_claim(claim=made, status="rejected", reason="Dr Khan says no", by=team["fac"])
    actions.delete_tier(tier=tier, by=team["fac"])
    signed_in(team["fac"]).get(url("payments_csv", team))
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert len(events) == 7
    for event in events:
        text = event.summary + repr(event.data)
        for secret in ("Jones", "Khan", "Lay chair", "Ama", "31.25", "32.50", "12.3", "Taxi"):
            assert secret not in text, (event.action, secret)
