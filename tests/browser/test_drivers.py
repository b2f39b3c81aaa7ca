"""A patient partner draws a driver diagram, links it to a change idea and reads its history."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coproduce.web.improvement import actions
from coproduce.web.projects.models import Role
from tests import universe

from .axe import goto, navigation
from .conftest import NewPage
from .people import make_facilitator, sign_in

PARTNER_EMAIL = "pat.partner@example.net"


@pytest.mark.browser
def test_a_patient_partner_draws_a_driver_diagram(new_page: NewPage) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Fewer missed appointments")
    partner = universe.make_user(PARTNER_EMAIL, "Pat Mensah")
    universe.join(project, partner, Role.PATIENT_PARTNER, by=facilitator)
    actions.create_change_idea(project=project, title="Text reminders", by=facilitator)

    pat = new_page()
    sign_in(pat, PARTNER_EMAIL)
    goto(pat, f"/projects/{project.pk}/improvement/")
    with navigation(pat):
        pat.get_by_role("link", name="Draw a driver diagram").click()
    pat.get_by_label("Title").fill("Our theory of change")
    with navigation(pat):
        pat.get_by_role("button", name="Save driver diagram").click()
    expect(pat.get_by_role("heading", level=1)).to_have_text("Our theory of change")

    # A primary and a secondary driver; a blank driver is refused with the reason.
    with navigation(pat):
        pat.get_by_role("link", name="Add a primary driver").click()
    with navigation(pat):
        pat.get_by_role("button", name="Save driver").click()
    expect(pat.locator(".nhsuk-error-summary")).to_contain_text("Say what the driver is")
    pat.get_by_label("Driver").fill("Reliable booking")
    with navigation(pat):
        pat.get_by_role("button", name="Save driver").click()
    with navigation(pat):
        pat.get_by_role("link", name="Add a secondary driver").click()
    pat.get_by_label("Driver").fill("Reminders that reach people")
    with navigation(pat):
        pat.get_by_role("button", name="Save driver").click()

    # Link them weakly, then link the secondary driver to the change idea.
    with navigation(pat):
        pat.get_by_role("link", name="Links of Reliable booking").click()
    pat.get_by_label("Link to a secondary driver").select_option(
        label="Reminders that reach people"
    )
    pat.get_by_label("Weak (dashed line)").check()
    with navigation(pat):
        pat.get_by_role("button", name="Save link").click()
    expect(pat.get_by_role("table")).to_contain_text("Weak (dashed line)")
    with navigation(pat):
        pat.get_by_role("link", name="Back to the driver diagram").click()
    with navigation(pat):
        pat.get_by_role("link", name="Links of Reminders that reach people").click()
    expect(pat.get_by_role("main")).to_contain_text("Reliable booking (weak link)")
    pat.get_by_label("Link to a change idea").select_option(label="Text reminders")
    with navigation(pat):
        pat.get_by_role("button", name="Save link").click()
    expect(pat.get_by_role("table")).to_contain_text("Text reminders")

    # The diagram: an SVG image and the same theory as a nested list.
    with navigation(pat):
        pat.get_by_role("link", name="Back to the driver diagram").click()
    expect(pat.get_by_role("img", name="Driver diagram: Our theory of change")).to_be_visible()
    expect(pat.locator(".coproduce-outline").first).to_contain_text(
        "Secondary driver: Reminders that reach people (weak link)"
    )
    expect(pat.locator(".coproduce-outline").first).to_contain_text(
        "Change idea: Text reminders (strong link)"
    )

    # The history: each edit is a version; compare the first with the latest.
    with navigation(pat):
        pat.get_by_role("link", name="History: how the theory changed").click()
    expect(pat.get_by_role("heading", level=1)).to_have_text("How the theory changed")
    pat.get_by_label("From version").select_option("1")
    with navigation(pat):
        pat.get_by_role("button", name="Compare").click()
    expect(pat.locator("#changes")).to_contain_text("Added primary driver “Reliable booking”")
    with navigation(pat):
        pat.get_by_role("link", name="Version 2").click()
    expect(pat.get_by_role("heading", level=1)).to_have_text("Version 2")


@pytest.mark.browser
def test_a_patient_partner_moves_a_driver_up_without_javascript_tricks(new_page: NewPage) -> None:
    """The Move buttons are plain forms: the page reloads with the new order and a new version."""
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Fewer missed appointments")
    partner = universe.make_user(PARTNER_EMAIL, "Pat Mensah")
    universe.join(project, partner, Role.PATIENT_PARTNER, by=facilitator)
    diagram = actions.create_diagram(project=project, title="Our theory", by=facilitator)
    for text in ("Reliable booking", "Families know why it matters"):
        actions.add_driver(diagram=diagram, level="primary", text=text, by=facilitator)

    pat = new_page()
    sign_in(pat, PARTNER_EMAIL)
    goto(pat, f"/projects/{project.pk}/improvement/diagrams/{diagram.pk}/")
    primary = pat.get_by_role("table", name="Primary drivers, in the order they are drawn")
    expect(primary.get_by_role("button", name="Move up Reliable booking")).to_have_count(0)
    with navigation(pat):
        primary.get_by_role("button", name="Move up Families know why it matters").click()
    expect(pat.get_by_text("Driver moved up.")).to_be_visible()
    rows = pat.get_by_role("table", name="Primary drivers, in the order they are drawn")
    expect(rows.locator("tbody tr").first).to_contain_text("Families know why it matters")
    expect(pat.locator(".coproduce-outline").first).to_contain_text(
        "Primary driver: Families know why it matters. No measure yet"
    )
    with navigation(pat):
        pat.get_by_role("link", name="History: how the theory changed").click()
    expect(pat.get_by_role("table")).to_contain_text(
        "Moved primary driver “Families know why it matters” above “Reliable booking”"
    )
