"""A facilitator records a co-design session, who attended and what they said, responds to
it, and the patient partner who said it sees it on "You said, we did", without names."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.web.participation import actions_people
from coproduce.web.participation.models import ConsentPurpose
from coproduce.web.projects.models import Role
from tests import universe

from .axe import goto, navigation
from .conftest import NewPage
from .people import FACILITATOR_EMAIL, make_facilitator, sign_in

PARTNER_EMAIL = "ama.mensah@example.net"
SAID = "Letters should say where to park and how long the wait will be"
RESPONSE = "The new letter has a map, parking advice and the usual wait"


@pytest.mark.browser
def test_an_activity_with_attendance_and_a_contribution_reaches_you_said_we_did(
    new_page: NewPage,
) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Clearer outpatient letters")
    partner = universe.make_user(PARTNER_EMAIL, "Ama Mensah")
    membership = universe.join(project, partner, Role.PATIENT_PARTNER, by=facilitator)
    ama = actions_people.add_participant(
        project=project, name="Ama Mensah", role="patient", membership=membership, by=facilitator
    )
    cal = actions_people.add_participant(
        project=project, name="Cal Osei", role="carer", by=facilitator
    )
    for person in (ama, cal):
        actions_people.record_consent(
            participant=person,
            purpose=ConsentPurpose.TAKE_PART,
            given_on=timezone.localdate() - timedelta(days=60),
            by=facilitator,
        )
    day = timezone.localdate() - timedelta(days=2)
    base = f"/projects/{project.pk}/participation"

    fay = new_page()
    sign_in(fay, FACILITATOR_EMAIL)
    goto(fay, f"{base}/activities/")
    expect(fay.get_by_text("No activities have been recorded yet")).to_be_visible()

    # The activity: planned as co-design; the rung achieved can wait.
    with navigation(fay):
        fay.get_by_role("link", name="Record an activity").click()
    fay.get_by_label("Title").fill("Letters co-design session 1")
    fay.get_by_label("Co-design group", exact=True).check()
    fay.get_by_label("What the organisers called it (optional)").fill("Co-design workshop")
    fay.get_by_label("Date").fill(day.isoformat())
    fay.get_by_label("How long it lasted, in hours").fill("30")
    planned = fay.get_by_role("group", name="Which rung of the ladder of co-production")
    expect(planned).to_contain_text("People help design the service from their experience")
    planned.get_by_label("6. Co-design").check()
    fay.get_by_label("Design", exact=True).check()
    with navigation(fay):
        fay.get_by_role("button", name="Save activity").click()
    expect(fay.locator(".nhsuk-error-summary")).to_contain_text("more than 12 hours")
    fay.get_by_label("How long it lasted, in hours").fill("2.5")
    with navigation(fay):
        fay.get_by_role("button", name="Save activity").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Letters co-design session 1")
    expect(fay.get_by_text("Not assessed yet")).to_be_visible()

    # Attendance, in one form: Cal came for an hour.
    fay.get_by_role("group", name="Ama Mensah (Patient)").get_by_label("Attended").check()
    cal_row = fay.get_by_role("group", name="Cal Osei (Carer)")
    cal_row.get_by_label("Attended").check()
    cal_row.get_by_label("Hours").fill("1")
    with navigation(fay):
        fay.get_by_role("button", name="Save attendance").click()
    expect(fay.get_by_text("Attendance saved: 2 people.")).to_be_visible()
    table = fay.get_by_role("table")
    expect(table.get_by_role("row", name="Ama Mensah Patient 2.5")).to_be_visible()
    expect(table.get_by_role("row", name="Cal Osei Carer 1")).to_be_visible()

    # A decision taken there: those present default to who attended.
    with navigation(fay):
        fay.get_by_role("link", name="Record a decision taken at this activity").click()
    expect(fay.get_by_label("Ama Mensah (Patient)")).to_be_checked()
    fay.get_by_label("What was decided").fill("Every letter gets a map")
    fay.get_by_label("How it was decided, and by whom").fill("Consensus of the group")
    with navigation(fay):
        fay.get_by_role("button", name="Save decision").click()
    expect(fay.get_by_text("Every letter gets a map")).to_be_visible()
    goto(fay, f"{base}/decisions/")
    expect(fay.locator(".nhsuk-card")).to_contain_text("Ama Mensah (Patient), Cal Osei (Carer)")
    expect(fay.locator(".nhsuk-tag", has_text="No patient or carer present")).to_have_count(0)
    goto(fay, f"{base}/activities/")
    with navigation(fay):
        fay.get_by_role("link", name="Letters co-design session 1").click()

    # What the whole group said.
    with navigation(fay):
        fay.get_by_role("link", name="Log something people said at this activity").click()
    fay.get_by_label("What was said or suggested").fill(SAID)
    fay.get_by_label("It came from the activity's whole group").check()
    with navigation(fay):
        fay.get_by_role("button", name="Save contribution").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Letters co-design session 1")
    expect(fay.get_by_text(SAID)).to_be_visible()

    # "We did": a response is required once something changed.
    goto(fay, f"{base}/influence/")
    expect(fay.get_by_text("Waiting for a response: 2 days")).to_be_visible()
    with navigation(fay):
        fay.get_by_role("link", name="Respond").click()
    fay.get_by_label("Something changed").check()
    with navigation(fay):
        fay.get_by_role("button", name="Save response").click()
    expect(fay.locator(".nhsuk-error-summary")).to_contain_text("Say what changed because of it")
    fay.get_by_label("What changed, or why not").fill(RESPONSE)
    with navigation(fay):
        fay.get_by_role("button", name="Save response").click()
    expect(fay.get_by_text("Response saved.")).to_be_visible()
    with navigation(fay):
        fay.get_by_role("button", name="Mark as fed back today").click()
    expect(fay.get_by_text("Marked as fed back today.")).to_be_visible()

    # The patient partner sees it, by role, marked as theirs.
    pat = new_page()
    sign_in(pat, PARTNER_EMAIL)
    goto(pat, f"{base}/you-said-we-did/")
    card = pat.locator(".nhsuk-card").filter(has_text=SAID)
    expect(card.get_by_role("heading", level=2)).to_contain_text("A patient and a carer said")
    expect(card).to_contain_text("at a co-design group session")
    expect(card).to_contain_text("You said")
    expect(card).to_contain_text(RESPONSE)
    expect(pat.locator("main")).not_to_contain_text("Cal Osei")
    expect(pat.locator("main")).not_to_contain_text("Ama Mensah")

    # The co-production profile has caught up: hours by rung and role, the influence share,
    # and people counted only as "<5".
    goto(fay, f"{base}/profile/")
    main = fay.locator("main")
    expect(main).to_contain_text(
        "100% (95% CI 21% to 100%) of contributions led to a change (1 of 1)."
    )
    hours = fay.get_by_role("table").filter(has_text="Hours").first
    expect(hours).to_contain_text("Co-design")
    expect(hours).to_contain_text("2.5")
    people = fay.locator("table[data-people-counts]")
    expect(people).to_contain_text("<5")
    for cell in people.locator("td").all_inner_texts():
        assert cell.strip() not in {"0", "1", "2", "3", "4"}, cell

    # The GRIPP2 report is drafted from the same record and says it is not complete yet.
    goto(fay, f"{base}/report/")
    expect(main).to_contain_text("1 co-design group session")
    expect(main).to_contain_text("1 of 1 contribution led to a change")
    expect(fay.locator(".nhsuk-warning-callout")).to_contain_text(
        "items 1 (Aim), 5 (Reflections and critical perspective) still to write"
    )
    with navigation(fay):
        fay.get_by_role("link", name="Write or edit the report").click()
    fay.get_by_label("1. Aim (optional)", exact=True).fill(
        "To write letters with the people who get them."
    )
    fay.get_by_label("5. Reflections and critical perspective (optional)", exact=True).fill(
        "Carers found evening sessions easier to reach."
    )
    with navigation(fay):
        fay.get_by_role("button", name="Save the report").click()
    expect(fay.get_by_text("GRIPP2 report saved.")).to_be_visible()
    expect(main).to_contain_text("Complete: every GRIPP2 short-form item is written.")
    with fay.expect_download() as download:
        fay.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename == "gripp2-clearer-outpatient-letters.pdf"
