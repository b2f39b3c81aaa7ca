"""Taking part without an account on a 360 × 740 phone with JavaScript off: type the event
code, say who you are, reach your page; and a facilitator's take-part pages. Every page
passes axe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from coproduce.web.takepart import actions
from coproduce.web.takepart.models import Voter
from tests import universe

from .axe import goto, navigation
from .conftest import NewPage
from .people import FACILITATOR_EMAIL, make_facilitator, sign_in
from .phone import Phone


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Phone]:
    device = Phone(browser, live_server)
    yield device
    assert device.loads == device.checked, "every page the phone loads must pass axe"
    device.close()


def assert_big_enough(page: Page, name: str) -> None:
    box = page.get_by_role("button", name=name).bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300


@pytest.mark.browser
def test_a_person_joins_by_code_on_a_phone_without_javascript(phone: Phone) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Kinder outpatient waits")
    event_code = actions.create_event_code(
        project=project,
        by=facilitator,
        label="Outpatients open day",
        closes_at=timezone.now() + dt.timedelta(hours=2),
    )
    page = phone.page
    # An unknown voter opening their page is sent to the code page.
    phone.goto(f"/take-part/{project.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Take part")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360

    page.get_by_label("Event code").fill("WRONG2")
    with phone.navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="We do not recognise that code.")).to_be_visible()

    page.get_by_label("Event code").fill(event_code.code.lower())
    assert_big_enough(page, "Continue")
    with phone.navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    with phone.navigation():
        page.get_by_role("button", name="Take part").click()
    expect(page.get_by_role("link", name="Choose who you are taking part as.")).to_be_visible()
    page.get_by_label("A carer or family member").check()
    page.get_by_label("A name to show (optional)").fill("Bea")
    with phone.navigation():
        page.get_by_role("button", name="Take part").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Take part")
    expect(page.get_by_text("Bea", exact=True)).to_be_visible()
    expect(page.get_by_text("Carer or family", exact=True)).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    voter = Voter.objects.get()
    assert (voter.constituency, voter.pseudonym) == ("carer", "Bea")

    with phone.navigation():
        page.get_by_role("link", name="Change your name").click()
    page.get_by_label("A name to show (optional)").fill("Bea K")
    with phone.navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your name has been saved.")).to_be_visible()
    expect(page.get_by_text("Bea K", exact=True)).to_be_visible()


@pytest.mark.browser
def test_a_facilitator_makes_codes_links_and_an_assisted_seat(new_page: NewPage) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Kinder outpatient waits")
    fay = new_page()
    sign_in(fay, FACILITATOR_EMAIL)
    goto(fay, f"/take-part/{project.pk}/manage/")
    with navigation(fay):
        fay.get_by_role("link", name="Make an event code").click()
    fay.get_by_label("Event name").fill("Open day")
    closes = (timezone.localtime() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    fay.get_by_label("Closes").fill(closes)
    with navigation(fay):
        fay.get_by_role("button", name="Make the code").click()
    expect(fay.get_by_text("is ready.")).to_be_visible()

    with navigation(fay):
        fay.get_by_role("link", name="Make invitation links").click()
    fay.get_by_label("How many links").fill("2")
    with navigation(fay):
        fay.get_by_role("button", name="Make links and show them").click()
    expect(fay.locator("code.takepart-link")).to_have_count(2)

    goto(fay, f"/take-part/{project.pk}/manage/")
    with navigation(fay):
        fay.get_by_role("link", name="Record a seat for someone").click()
    fay.get_by_label("A name to show").fill("Mr B")
    with navigation(fay):
        fay.get_by_role("button", name="Record the seat").click()
    with navigation(fay):
        fay.get_by_role("button", name="Record answers for Mr B").click()
    expect(fay.get_by_text("Recording answers for Mr B (assisted)")).to_be_visible()
    with navigation(fay):
        fay.get_by_role("button", name="Stop recording for Mr B").first.click()
    expect(fay.get_by_text("You have stopped recording answers for Mr B.")).to_be_visible()
