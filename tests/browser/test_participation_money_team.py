"""A facilitator sets a payment rate, sees what people are owed with the benefits warning,
downloads the finance export, and opens an anonymous pulse round that a member answers."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.participation.payments import BENEFITS_WARNING
from coproduce.web.participation import (
    actions_activities,
    actions_money,
    actions_people,
    actions_team,
)
from coproduce.web.participation.actions_activities import AttendanceRow
from coproduce.web.participation.models import ConsentPurpose, PulseTally
from coproduce.web.projects.models import Role
from tests import universe

from .axe import goto, navigation
from .conftest import NewPage
from .people import FACILITATOR_EMAIL, make_facilitator, sign_in

MEMBER_EMAIL = "member0@example.net"


@pytest.mark.browser
def test_rates_payments_finance_export_and_a_pulse_round(new_page: NewPage) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Clearer outpatient letters")
    tier = actions_money.create_tier(
        organisation=project.organisation, name="Expert by experience", by=facilitator
    )
    members = []
    for n in range(5):
        user = universe.make_user(f"member{n}@example.net", f"Member {n}")
        membership = universe.join(project, user, Role.PATIENT_PARTNER, by=facilitator)
        person = actions_people.add_participant(
            project=project,
            name="Ama Mensah" if n == 0 else f"Member {n}",
            role="patient",
            membership=membership,
            payment_tier=tier if n == 0 else None,
            wants_payment=n == 0,
            by=facilitator,
        )
        actions_people.record_consent(
            participant=person,
            purpose=ConsentPurpose.TAKE_PART,
            given_on=timezone.localdate() - timedelta(days=60),
            by=facilitator,
        )
        members.append(person)
    group = actions_team.create_group(
        project=project, name="Letters co-design group", members=members, by=facilitator
    )
    base = f"/projects/{project.pk}/participation"

    fay = new_page()
    sign_in(fay, FACILITATOR_EMAIL)

    # The tier has no rate yet: the payments page says so, and leads to the rates.
    goto(fay, f"{base}/payments/")
    expect(fay.get_by_role("heading", level=1)).to_have_text("Payments")
    callout = fay.locator(".nhsuk-warning-callout")
    expect(callout).to_contain_text("Payments can affect benefits")
    expect(callout).to_contain_text(BENEFITS_WARNING)
    expect(fay.locator(".nhsuk-tag", has_text="No rate set")).to_be_visible()
    with navigation(fay):
        fay.get_by_role("link", name="Payment rates").first.click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Payment rates")
    with navigation(fay):
        fay.get_by_role("link", name="Change the tier Expert by experience").click()
    fay.get_by_label("Hourly rate, in pounds (optional)").fill("15.755")
    with navigation(fay):
        fay.get_by_role("button", name="Save tier").click()
    expect(fay.locator(".nhsuk-error-summary")).to_contain_text("pounds and pence")
    fay.get_by_label("Hourly rate, in pounds (optional)").fill("15.75")
    with navigation(fay):
        fay.get_by_role("button", name="Save tier").click()
    expect(fay.get_by_role("row", name="Expert by experience £15.75")).to_be_visible()

    # Ama came to a workshop for 2.5 hours: £39.375, paid as £39.38.
    workshop = actions_activities.create_activity(
        project=project,
        title="Letters workshop",
        kind="co_design_group",
        date=timezone.localdate() - timedelta(days=3),
        hours="2.5",
        rung_planned=6,
        phase="design",
        by=facilitator,
    )
    actions_activities.record_attendance(
        activity=workshop, rows=[AttendanceRow(members[0].pk, "2.5")], by=facilitator
    )
    goto(fay, f"{base}/payments/")
    card = fay.locator(".nhsuk-card", has_text="Ama Mensah")
    expect(card.get_by_role("row", name="Letters workshop 2.50 £15.75 £39.38")).to_be_visible()
    expect(card).to_contain_text("Total owed or paid: £39.38")

    # The finance export downloads as CSV.
    with fay.expect_download() as info:
        fay.get_by_role("link", name="Download the finance export (CSV)").click()
    download = info.value
    assert download.suggested_filename.startswith("payments-clearer-outpatient-letters-")
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert len(rows) == 1
    assert rows[0]["Payee name"] == "Ama Mensah"
    assert rows[0]["Activity title"] == "Letters workshop"
    assert (rows[0]["Hours"], rows[0]["Hourly rate"], rows[0]["Payment"]) == (
        "2.50",
        "15.75",
        "39.38",
    )

    # A pulse round for the group.
    goto(fay, f"{base}/groups/")
    with navigation(fay):
        fay.get_by_role("link", name="Letters co-design group").click()
    expect(fay.get_by_text("5 of the group’s current members have an account")).to_be_visible()
    with navigation(fay):
        fay.get_by_role("button", name="Open a pulse round").click()
    expect(fay.get_by_text("The pulse round is open.")).to_be_visible()
    expect(fay.get_by_role("button", name="Close the round")).to_be_visible()
    expect(
        fay.get_by_text("Waiting for more answers: results appear when 5 people have answered")
    ).to_be_visible()

    # A member answers it, anonymously, once.
    ama = new_page()
    sign_in(ama, MEMBER_EMAIL)
    goto(ama, f"{base}/groups/{group.pk}/")
    with navigation(ama):
        ama.get_by_role("link", name="Answer the pulse").click()
    expect(ama.get_by_text("The group gels: shared norms")).to_be_visible()
    ama.get_by_label("Norming").check()
    with navigation(ama):
        ama.get_by_role("button", name="Send my answer").click()
    expect(ama.get_by_text("your answer was saved, without your name")).to_be_visible()
    expect(ama.get_by_text("You have answered this round")).to_be_visible()
    expect(ama.get_by_role("link", name="Answer the pulse")).to_have_count(0)
    assert list(PulseTally.objects.filter(count__gt=0).values_list("stage", "count")) == [
        ("norming", 1)
    ]


@pytest.mark.browser
def test_claims_groups_and_self_assessments_pages_pass_axe(new_page: NewPage) -> None:
    """Every other page of the two areas, with data in it, checked by axe on load."""
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Clearer outpatient letters")
    user = universe.make_user(MEMBER_EMAIL, "Ama Mensah")
    membership = universe.join(project, user, Role.PATIENT_PARTNER, by=facilitator)
    ama = actions_people.add_participant(
        project=project, name="Ama Mensah", role="patient", membership=membership, by=facilitator
    )
    for purpose in (ConsentPurpose.TAKE_PART, ConsentPurpose.PAYMENT):
        actions_people.record_consent(
            participant=ama,
            purpose=purpose,
            given_on=timezone.localdate() - timedelta(days=60),
            by=facilitator,
        )
    rejected = actions_money.submit_claim(
        participant=ama,
        incurred_on=timezone.localdate(),
        category="parking",
        amount="3.10",
        by=facilitator,
    )
    actions_money.move_claim(claim=rejected, status="rejected", reason="No ticket", by=facilitator)
    group = actions_team.create_group(
        project=project, name="Steering group", members=[ama], by=facilitator
    )
    for days, stage in ((60, "forming"), (30, "storming"), (1, "norming")):
        actions_team.log_stage(
            group=group,
            date=timezone.localdate() - timedelta(days=days),
            stage=stage,
            by=facilitator,
        )
    for days, value in ((90, 1), (0, 3)):
        actions_team.record_principles(
            project=project,
            date=timezone.localdate() - timedelta(days=days),
            scores=dict.fromkeys(("assets", "capabilities", "reciprocity"), value)
            | {"peer_support": 2, "blur_roles": 2, "facilitate": 0},
            evidence={"assets": "Skills recorded on the participant pages"},
            by=facilitator,
        )
    base = f"/projects/{project.pk}/participation"

    fay = new_page()
    sign_in(fay, FACILITATOR_EMAIL)
    for path in (
        "expenses/",
        "expenses/new/",
        f"expenses/{rejected.pk}/",
        "payment-rates/new/",
        "groups/new/",
        f"groups/{group.pk}/",
        f"groups/{group.pk}/edit/",
        f"groups/{group.pk}/stage/new/",
        "principles/",
        "principles/new/",
        "capabilities/",
        "capabilities/new/",
    ):
        goto(fay, f"{base}/{path}")
    expect(fay.get_by_role("heading", level=1)).to_contain_text("capabilities")
    with navigation(fay):
        fay.get_by_role("button", name="Save the assessment").click()
    expect(fay.locator(".nhsuk-error-summary")).to_contain_text("Choose a score")

    ama_page = new_page()
    sign_in(ama_page, MEMBER_EMAIL)
    goto(ama_page, f"{base}/me/expenses/")
    expect(ama_page.get_by_text("No ticket")).to_be_visible()
    with navigation(ama_page):
        ama_page.get_by_role("link", name="Correct and send again").click()
    ama_page.get_by_label("Amount, in pounds").fill("0")
    with navigation(ama_page):
        ama_page.get_by_role("button", name="Save the claim").click()
    expect(ama_page.locator(".nhsuk-error-summary")).to_contain_text("more than £0")
