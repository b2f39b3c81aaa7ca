"""On a 360 x 740 phone with JavaScript off, a patient without an account responds to a dot
vote (first over budget, then within it) and to a consent proposal with an objection; the
facilitator then resolves it, closes the decisions and records the outcome. Every page passes
axe.

axe cannot run in a page with JavaScript disabled (Playwright's evaluate waits forever), so
each page the phone shows is copied, as it stands, into a second phone-sized page with
JavaScript on, at the same origin (so its styles load), and checked there.
"""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from coproduce.web.decide import actions
from coproduce.web.participation.models import Decision as InfluenceDecision
from coproduce.web.takepart.cookies import cookie_name, hash_key
from coproduce.web.takepart.models import JoinedVia, Voter
from tests import universe

from .axe import goto, navigation
from .conftest import NewPage
from .people import FACILITATOR_EMAIL, make_facilitator, sign_in
from .phone import Phone


@pytest.mark.browser
def test_phone_voter_responds_without_javascript_then_the_outcome_is_recorded(
    browser: Browser, live_server: LiveServer, new_page: NewPage
) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Kinder outpatient waits")
    dots = actions.create_decision(
        project=project,
        question="Which should we work on first?",
        kind="dot",
        options=["Parking", "Waiting for results", "Information"],
        dots=3,
        by=facilitator,
    )
    proposal = actions.create_decision(
        project=project,
        question="We print a leaflet for the waiting room",
        kind="consent",
        by=facilitator,
    )
    raw = secrets.token_urlsafe(32)
    Voter.objects.create(
        project=project, constituency="patient", joined_via=JoinedVia.CODE, key_hash=hash_key(raw)
    )

    phone = Phone(browser, live_server, [{"name": cookie_name(project.pk), "value": raw}])
    page = phone.page
    try:
        phone.goto(f"/projects/{project.pk}/decisions/{dots.pk}/respond/")
        expect(page.get_by_role("heading", level=1)).to_have_text(dots.question)
        page.get_by_label("Parking").fill("2")
        page.get_by_label("Waiting for results").fill("2")
        phone.submit("Send my response")
        expect(page.get_by_text("There is a problem")).to_be_visible()
        expect(page.get_by_role("alert")).to_contain_text("placed 4: take 1 off")
        page.get_by_label("Waiting for results").fill("1")
        phone.submit("Send my response")
        expect(page.get_by_text("Your response is saved.")).to_be_visible()
        box = page.get_by_role("button", name="Change my response").bounding_box()
        assert box is not None and box["height"] >= 40 and box["x"] + box["width"] <= 360

        phone.goto(f"/projects/{project.pk}/decisions/{proposal.pk}/respond/")
        page.get_by_label("Objection: it needs changing before I can consent").check()
        phone.submit("Send my response")
        expect(page.get_by_role("link", name="Say why")).to_be_visible()
        page.get_by_label("Your reason").fill("Not everyone reads English.")
        phone.submit("Send my response")
        expect(page.get_by_text("Your response is saved.")).to_be_visible()
        assert phone.checked == 6
    finally:
        phone.close()

    fay = new_page()
    sign_in(fay, FACILITATOR_EMAIL)
    goto(fay, f"/projects/{project.pk}/decisions/{proposal.pk}/")
    expect(fay.get_by_text("It does not pass yet: 1 objection still to resolve.")).to_be_visible()
    with navigation(fay):
        fay.get_by_role("button", name="Mark objection 1 as resolved").click()
    expect(fay.get_by_text("It passes: no blocks")).to_be_visible()

    goto(fay, f"/projects/{project.pk}/decisions/{dots.pk}/")
    patients = fay.get_by_role("table", name="Patients (<5 responded)")
    expect(patients.get_by_role("row", name="Parking")).to_contain_text("<5")
    raw_table = fay.get_by_role("table", name="Overall: everyone counted once (1 responded)")
    expect(raw_table.get_by_role("row", name="Parking")).to_contain_text("2")
    with navigation(fay):
        fay.get_by_role("button", name="Close the decision").click()
    with navigation(fay):
        fay.get_by_role("link", name="Record the outcome").click()
    fay.get_by_label("What was decided").fill("Start with parking, then results.")
    fay.get_by_label("Or a new change idea").fill("Parking for clinic patients")
    with navigation(fay):
        fay.get_by_role("button", name="Record the outcome").click()
    # The phone voters have no participation record: the outcome is recorded (and the
    # decision is in the participation record) but nobody can be named in the influence log.
    expect(
        fay.get_by_text("Outcome recorded. Nobody who responded has a participation")
    ).to_be_visible()
    expect(fay.get_by_text("Change idea: Parking for clinic patients")).to_be_visible()
    assert InfluenceDecision.objects.get(project=project).change_idea is not None
