"""A facilitator records a participant who has no account, their consent and their equality
monitoring answers; "Who takes part" shows the answer only as "<5"."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.web.participation import actions_people as people
from coproduce.web.participation.models import ConsentRecord, EqualityRecord, Participant
from coproduce.web.projects.models import Role
from tests import universe

from .axe import goto, navigation
from .conftest import NewPage
from .people import FACILITATOR_EMAIL, make_facilitator, sign_in

PARTNER_EMAIL = "kofi.boateng@example.net"


@pytest.mark.browser
def test_a_facilitator_records_someone_without_an_account(new_page: NewPage) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Sickle cell day unit")

    fay = new_page()
    sign_in(fay, FACILITATOR_EMAIL)
    goto(fay, f"/projects/{project.pk}/participation/people/")
    expect(fay.get_by_role("heading", level=1)).to_have_text("Participants")
    expect(fay.get_by_text("No participants are recorded yet.")).to_be_visible()

    # A participant without an account: a missing email address is refused with the reason.
    with navigation(fay):
        fay.get_by_role("link", name="Add a participant").click()
    fay.get_by_label("Name or pseudonym").fill("Ama Mensah")
    fay.get_by_label("Patient", exact=True).check()
    fay.get_by_label("Email", exact=True).check()
    fay.get_by_label("British Sign Language interpreter").check()
    with navigation(fay):
        fay.get_by_role("button", name="Save participant").click()
    expect(fay.locator(".nhsuk-error-summary")).to_contain_text("Enter their email address")
    fay.get_by_label("Through the facilitator").check()
    with navigation(fay):
        fay.get_by_role("button", name="Save participant").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Ama Mensah")
    expect(fay.get_by_text("No account: a facilitator records their part")).to_be_visible()
    ama = Participant.objects.get(project=project)
    assert ama.membership is None and ama.access_needs == ["bsl"]

    # Consent to equality monitoring, then the answers on her behalf.
    with navigation(fay):
        fay.get_by_role("link", name="Record consent").click()
    fay.get_by_label("Equality monitoring").check()
    fay.get_by_label("How it was recorded").fill("Signed form at the first meeting")
    with navigation(fay):
        fay.get_by_role("button", name="Record consent").click()
    expect(fay.get_by_text("Consent recorded.")).to_be_visible()
    assert ConsentRecord.objects.get().purpose == "equality"

    with navigation(fay):
        fay.get_by_role("link", name="Record answers on their behalf").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Equality monitoring, on their behalf")
    fay.get_by_role("group", name="Age").get_by_label("35 to 44").check()
    fay.get_by_role("group", name="Sex").get_by_label("Female").check()
    fay.get_by_label("Ethnic group").select_option(label="African")
    fay.get_by_label("Deprivation decile of their area (IMD)").select_option(
        label="1 (most deprived)"
    )
    with navigation(fay):
        fay.get_by_role("button", name="Save the answers").click()
    expect(fay.get_by_text("equality monitoring answers were recorded")).to_be_visible()
    record = EqualityRecord.objects.get()
    assert (record.ethnicity, record.self_declared) == ("african", False)

    # The form is write-only now: it offers to replace the answers and shows none of them.
    with navigation(fay):
        fay.get_by_role("link", name="Replace the answers on their behalf").click()
    expect(fay.get_by_text("This form does not show them.")).to_be_visible()
    expect(fay.get_by_role("group", name="Sex").get_by_label("Female")).not_to_be_checked()

    # Who takes part: one person of that ethnic group is shown as "<5".
    goto(fay, f"/projects/{project.pk}/participation/who-takes-part/")
    expect(fay.get_by_role("heading", level=1)).to_have_text("Who takes part")
    for table, answer in [("Ethnic group", "African"), ("Age", "35 to 44")]:
        row = (
            fay.get_by_role("table", name=table, exact=True)
            .get_by_role("row")
            .filter(has=fay.get_by_role("rowheader", name=answer, exact=True))
        )
        expect(row.get_by_role("cell").first).to_have_text("<5")


@pytest.mark.browser
def test_a_partner_checks_in_and_the_facilitator_sees_support_may_help(
    new_page: NewPage,
) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Sickle cell day unit")
    partner = universe.make_user(PARTNER_EMAIL, "Kofi Boateng")
    membership = universe.join(project, partner, Role.PATIENT_PARTNER, by=facilitator)
    kofi = people.add_participant(
        project=project,
        name="Kofi Boateng",
        role="patient",
        membership=membership,
        by=facilitator,
    )
    people.record_consent(
        participant=kofi, purpose="contact", given_on=timezone.localdate(), by=facilitator
    )

    pat = new_page()
    sign_in(pat, PARTNER_EMAIL)
    goto(pat, f"/projects/{project.pk}/participation/me/")
    expect(pat.get_by_role("heading", level=1)).to_have_text("My participation")
    with navigation(pat):
        pat.get_by_role("link", name="Do a check-in").click()
    pat.get_by_role("group", name="I feel confident to speak up").get_by_label(
        "Strongly disagree"
    ).check()
    with navigation(pat):
        pat.get_by_role("button", name="Save check-in").click()
    expect(pat.get_by_text("your check-in was saved")).to_be_visible()
    with navigation(pat):
        pat.get_by_role("link", name="Answer the equality monitoring questions").click()
    pat.get_by_label("I agree that my answers").check()
    pat.get_by_role("group", name="Sex").get_by_label("Male", exact=True).check()
    with navigation(pat):
        pat.get_by_role("button", name="Save my answers").click()
    with navigation(pat):
        pat.get_by_role("link", name="See or change your answers").click()
    expect(pat.get_by_role("term").filter(has_text="Sex")).to_be_visible()
    goto(pat, f"/projects/{project.pk}/participation/me/")
    with navigation(pat):
        pat.get_by_role("link", name="Withdraw consent for being contacted").click()
    with navigation(pat):
        pat.get_by_role("button", name="Withdraw consent").click()
    expect(pat.get_by_text("You withdrew your consent to be contacted.")).to_be_visible()

    fay = new_page()
    sign_in(fay, FACILITATOR_EMAIL)
    goto(fay, f"/projects/{project.pk}/participation/people/{kofi.pk}/")
    expect(fay.locator(".nhsuk-warning-callout")).to_contain_text("Strongly disagree")
    with navigation(fay):
        fay.get_by_role("link", name="Record support offered").click()
    fay.get_by_label("A buddy or mentor").check()
    with navigation(fay):
        fay.get_by_role("button", name="Save support").click()
    expect(fay.get_by_role("row", name="A buddy or mentor")).to_contain_text("Not known yet")
    with navigation(fay):
        fay.get_by_role("link", name="Delete Kofi Boateng").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Delete Kofi Boateng?")
    goto(fay, f"/projects/{project.pk}/participation/plus-groups/")
    fay.get_by_label("Name of the group").fill("People experiencing homelessness")
    with navigation(fay):
        fay.get_by_role("button", name="Add group").click()
    expect(fay.get_by_text("PLUS group added.")).to_be_visible()
    expect(fay.get_by_role("link", name="Remove People experiencing homelessness")).to_be_visible()
