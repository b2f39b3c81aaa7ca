"""A facilitator sets up EBCD, records the staff, patient and joint events, and the
priorities are voted by patients and staff separately, then together; the results page ranks
them separately and jointly. Every page passes axe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests import universe

from .axe import goto, navigation
from .conftest import NewPage
from .people import FACILITATOR_EMAIL, make_facilitator, sign_in


def record_event(page: Page, base: str, kind: str, heading: str, day: str) -> None:
    goto(page, f"{base}/events/{kind}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    with navigation(page):
        page.get_by_role("link", name="Record the event").click()
    page.get_by_label("Date of the event").fill(day)
    with navigation(page):
        page.get_by_role("button", name="Save event").click()
    expect(page.get_by_text("Event saved.")).to_be_visible()


def propose(page: Page, title: str) -> None:
    with navigation(page):
        page.get_by_role("link", name="Propose a priority").click()
    page.get_by_label("Priority", exact=True).fill(title)
    with navigation(page):
        page.get_by_role("button", name="Add priority").click()
    expect(page.get_by_role("row", name=title)).to_be_visible()


def vote(page: Page, link: str, counts: dict[str, str]) -> None:
    with navigation(page):
        page.get_by_role("link", name=link).click()
    for title, n in counts.items():
        page.get_by_label(title, exact=True).fill(n)
    with navigation(page):
        page.get_by_role("button", name="Save votes").click()
    expect(page.get_by_text("votes saved.")).to_be_visible()


@pytest.mark.browser
def test_joint_event_priorities_are_voted_separately_then_together(new_page: NewPage) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Kinder outpatient waits")
    base = f"/projects/{project.pk}/ebcd"
    day = (timezone.localdate() - timedelta(days=7)).isoformat()

    fay = new_page()
    sign_in(fay, FACILITATOR_EMAIL)
    goto(fay, f"{base}/")
    with navigation(fay):
        fay.get_by_role("link", name="Set up EBCD").click()
    fay.get_by_label("Standard EBCD (local filmed interviews)").check()
    fay.get_by_label("Top priorities to compare").fill("2")
    with navigation(fay):
        fay.get_by_role("button", name="Save set-up").click()
    expect(fay.get_by_text("0 of 10 stages done (0%)")).to_be_visible()

    # Staff propose and vote at their own event; then patients at theirs.
    record_event(fay, base, "staff", "Staff feedback event", day)
    propose(fay, "Waiting for results")
    propose(fay, "Parking")
    record_event(fay, base, "patient", "Patient feedback event", day)
    propose(fay, "Being told what is happening")
    expect(fay.get_by_role("link", name="Record the votes of staff")).to_have_count(0)
    vote(
        fay,
        "Record the votes of patients and carers",
        {"Being told what is happening": "9", "Waiting for results": "6", "Parking": "1"},
    )
    goto(fay, f"{base}/events/staff/")
    vote(
        fay,
        "Record the votes of staff",
        {"Being told what is happening": "2", "Waiting for results": "7", "Parking": "8"},
    )

    # Before the joint event votes, the results show each group and say the joint is to come.
    goto(fay, f"{base}/results/")
    expect(fay.get_by_text("The joint event has not voted yet.")).to_be_visible()
    patients = fay.get_by_role("table", name="Patients and carers at the patient event")
    expect(patients.get_by_role("row").nth(1)).to_contain_text("Being told what is happening")
    staff = fay.get_by_role("table", name="Staff at the staff event")
    expect(staff.get_by_role("row").nth(1)).to_contain_text("Parking")

    # Together at the joint event: each group's dots are counted separately, then added.
    record_event(
        fay, base, "joint", "Joint patient and staff event", timezone.localdate().isoformat()
    )
    vote(
        fay,
        "Record the votes of patients and carers",
        {"Being told what is happening": "5", "Waiting for results": "4", "Parking": "0"},
    )
    vote(
        fay,
        "Record the votes of staff",
        {"Being told what is happening": "3", "Waiting for results": "6", "Parking": "1"},
    )
    table = fay.get_by_role("table", name="Dot votes at this event")
    expect(table.get_by_role("row", name="Waiting for results")).to_contain_text("4")

    with navigation(fay):
        fay.get_by_role("link", name="See the results: separate and joint rankings").click()
    joint = fay.get_by_role("table", name="Joint ranking: patients and staff together")
    rows = joint.get_by_role("row")
    expect(rows.nth(1)).to_contain_text("Waiting for results")
    expect(rows.nth(1)).to_contain_text("10")
    expect(rows.nth(2)).to_contain_text("Being told what is happening")
    expect(rows.nth(3)).to_contain_text("Parking")
    expect(fay.get_by_text("Rank correlation -1.00")).to_be_visible()

    # The other EBCD pages, with their empty states, pass axe too.
    for path, heading in (
        ("interviews/", "Interviews"),
        ("interviews/new/", "Add an interview"),
        ("film/", "Trigger film"),
        ("groups/", "Co-design groups"),
        ("groups/new/", "Form a co-design group"),
        ("archive/", "Archive of narratives"),
        ("celebration/", "Celebration and review"),
        ("stages/set_up/", "Set up the project"),
    ):
        goto(fay, f"{base}/{path}")
        expect(fay.get_by_role("heading", level=1)).to_contain_text(heading)
