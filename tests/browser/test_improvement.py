"""A patient partner states an aim, tests a change idea in a PDSA cycle and scores progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.web.projects.models import Role
from tests import universe

from .axe import goto, navigation
from .conftest import NewPage
from .people import make_facilitator, sign_in

PARTNER_EMAIL = "pat.partner@example.net"


@pytest.mark.browser
def test_a_patient_partner_runs_a_pdsa_cycle(new_page: NewPage) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Fewer missed appointments")
    partner = universe.make_user(PARTNER_EMAIL, "Pat Mensah")
    universe.join(project, partner, Role.PATIENT_PARTNER, by=facilitator)
    deadline = timezone.localdate() + timedelta(days=400)

    pat = new_page()
    sign_in(pat, PARTNER_EMAIL)
    goto(pat, f"/projects/{project.pk}/improvement/")
    expect(pat.get_by_role("heading", level=1)).to_have_text("Model for Improvement")

    # An aim: a vague target is refused with the reason, then a number is accepted.
    with navigation(pat):
        pat.get_by_role("link", name="State an aim").click()
    pat.get_by_label("Reduce").check()
    pat.get_by_label("What will improve").fill("missed appointments")
    pat.get_by_label("Baseline: where it is now").fill("18")
    pat.get_by_label("Target: how much").fill("some")
    pat.get_by_label("Unit").fill("%")
    pat.get_by_label("By when").fill(deadline.isoformat())
    pat.get_by_label("For whom").fill("families in Northtown")
    with navigation(pat):
        pat.get_by_role("button", name="Save aim").click()
    expect(pat.locator(".nhsuk-error-summary")).to_contain_text("some is not a number")
    pat.get_by_label("Target: how much").fill("9")
    with navigation(pat):
        pat.get_by_role("button", name="Save aim").click()
    expect(pat.get_by_text("Reduce missed appointments from 18% to 9% by")).to_be_visible()

    # A change idea and its first cycle.
    with navigation(pat):
        pat.get_by_role("link", name="Add a change idea").click()
    pat.get_by_label("Title").fill("Text reminders")
    with navigation(pat):
        pat.get_by_role("button", name="Save change idea").click()
    expect(pat.get_by_role("heading", level=1)).to_have_text("Text reminders")
    with navigation(pat):
        pat.get_by_role("link", name="Plan the first cycle").click()
    pat.get_by_label("Objective of this cycle").fill("Send a text the day before")
    pat.get_by_label("Scale (optional)").fill("1 clinic, 1 week")
    pat.get_by_label("Pat Mensah (Patient partner)").check()
    first = pat.get_by_role("group", name="Prediction 1")
    first.get_by_label("Question").fill("Will fewer people miss appointments?")
    first.get_by_label("What we predict").fill("Half as many")
    pat.get_by_label("Adopt: the change works, scale it up").check()
    with navigation(pat):
        pat.get_by_role("button", name="Save cycle").click()
    expect(pat.locator(".nhsuk-error-summary")).to_contain_text("without a Study")

    pat.get_by_label("What did you learn?").fill("Most people read the text.")
    with navigation(pat):
        pat.get_by_role("button", name="Save cycle").click()
    expect(pat.get_by_role("heading", level=1)).to_have_text("PDSA 1")
    expect(pat.get_by_text("PDSA 1 saved.")).to_be_visible()

    # The overview shows the ramp adopted and the cycle on the timeline.
    goto(pat, f"/projects/{project.pk}/improvement/")
    expect(pat.get_by_role("row", name="Text reminders 1")).to_contain_text("Adopted")
    expect(pat.get_by_role("link", name="PDSA 1: Text reminders")).to_be_visible()

    # A progress score.
    with navigation(pat):
        pat.get_by_role("link", name="Progress scores: history and record a score").click()
    pat.get_by_label("Progress score").select_option("2.5")
    with navigation(pat):
        pat.get_by_role("button", name="Record score").click()
    expect(pat.get_by_role("table")).to_contain_text("2.5")
