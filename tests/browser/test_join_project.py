"""A facilitator starts a project and invites a patient partner, who joins from the link."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .axe import goto, navigation
from .conftest import NewPage
from .people import FACILITATOR_NAME, ORGANISATION, make_facilitator, sign_in

TITLE = "Kinder discharge from ward 7"
PARTNER_EMAIL = "pat.partner@example.net"
PARTNER_NAME = "Pat Mensah"


@pytest.mark.browser
def test_facilitator_invites_a_patient_partner_who_joins(new_page: NewPage) -> None:
    facilitator = make_facilitator()
    fay = new_page()

    # Fay starts a project.
    sign_in(fay, facilitator.email)
    with navigation(fay):
        fay.get_by_role("link", name="Start a project").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Start a project")
    expect(fay.get_by_label("Organisation").locator("option:checked")).to_have_text(ORGANISATION)
    fay.get_by_label("Project title").fill(TITLE)
    fay.get_by_label("Service or pathway").fill("Discharge from ward 7")
    fay.get_by_label("Description").fill("Patients and staff redesign the discharge letter.")
    fay.get_by_label("Status").select_option(label="Active")
    with navigation(fay):
        fay.get_by_role("button", name="Create project").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(fay.get_by_text(f"Project “{TITLE}” created.")).to_be_visible()
    project_url = fay.url

    # She invites Pat as a patient partner from the Members page.
    with navigation(fay):
        fay.get_by_role("link", name="Members and invitations").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Members")
    with navigation(fay):
        fay.get_by_role("link", name="Invite someone").click()
    fay.get_by_label("Email address").fill(PARTNER_EMAIL)
    fay.get_by_label("Patient partner").check()
    with navigation(fay):
        fay.get_by_role("button", name="Send invitation").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Invitation sent")
    expect(fay.get_by_text(f"We have emailed {PARTNER_EMAIL}")).to_be_visible()
    link = fay.locator("#invitation-link").get_attribute("href")
    assert link and "/invitations/" in link

    # Pat, on another computer and not signed in, opens the link and creates an account.
    pat = new_page()
    goto(pat, link)
    expect(pat.get_by_role("heading", level=1)).to_have_text(f"Join {TITLE}")
    expect(pat.get_by_text(f"{FACILITATOR_NAME} has invited {PARTNER_EMAIL}")).to_be_visible()
    pat.get_by_label("Full name").fill(PARTNER_NAME)
    pat.get_by_label("Create a password").fill("a-long-walk-to-ward-7")
    with navigation(pat):
        pat.get_by_role("button", name="Create account and join").click()

    # She lands on the project, as a patient partner.
    assert pat.url == project_url
    expect(pat.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(pat.get_by_text(f"Welcome. You have joined “{TITLE}”.")).to_be_visible()
    expect(pat.locator(".nhsuk-summary-list__row", has_text="Your role")).to_contain_text(
        "Patient partner"
    )

    # The project is among her projects.
    with navigation(pat):
        pat.get_by_role("navigation", name="Menu").get_by_role("link", name="Projects").click()
    expect(pat.get_by_role("heading", level=1)).to_have_text("Your projects")
    row = pat.get_by_role("row", name=TITLE)
    expect(row).to_contain_text("Patient partner")
    expect(row.get_by_role("link", name=TITLE)).to_be_visible()

    # Fay sees her among the members, and no longer among the open invitations.
    with navigation(fay):
        fay.get_by_role("link", name="Back to members").click()
    members = fay.get_by_role("table", name="Members of")
    expect(members.get_by_role("row", name=PARTNER_NAME)).to_contain_text("Patient partner")
    expect(fay.get_by_text("No open invitations.")).to_be_visible()
