"""Form errors follow the NHS.UK pattern: a summary that links to each field in error."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .axe import check_accessibility, goto, navigation
from .keyboard import tab_to
from .people import make_facilitator, sign_in

# The Start a project form's required fields, in order, with their messages.
REQUIRED = [
    ("id_title", "Project title", "Enter a title for the project"),
    ("id_service", "Service or pathway", "Enter the service or pathway being improved"),
]


@pytest.mark.browser
def test_empty_start_a_project_form_shows_an_error_summary_linking_to_each_field(
    page: Page,
) -> None:
    facilitator = make_facilitator()
    sign_in(page, facilitator.email)
    goto(page, "/projects/new/")
    with navigation(page):  # axe runs on the page with the errors
        page.get_by_role("button", name="Create project").click()

    expect(page).to_have_title("Error: Start a project – coproduce")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    # The NHS.UK frontend moves focus to the summary, so screen readers announce it.
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_text([message for _, _, message in REQUIRED])
    for index, (field_id, label, message) in enumerate(REQUIRED):
        expect(links.nth(index)).to_have_attribute("href", f"#{field_id}")
        field = page.locator(f"#{field_id}")
        # Each field says what is wrong, in a message its input is described by.
        expect(page.locator(f"#{field_id}-error")).to_have_text(f"Error: {message}")
        expect(field).to_have_attribute("aria-describedby", re.compile(rf"\b{field_id}-error\b"))
        expect(field).to_have_class(re.compile(r"\bnhsuk-input--error\b"))
        expect(page.get_by_label(label)).to_have_id(field_id)

    # Following a link in the summary, by mouse or from the keyboard, puts focus in its field.
    for index, (field_id, _, message) in enumerate(REQUIRED):
        links.nth(index).click()
        expect(page.locator(f"#{field_id}")).to_be_focused()
        check_accessibility(page)  # the same document, so not counted again

        summary.focus()
        tab_to(page, message, selector="a")
        page.keyboard.press("Enter")
        expect(page.locator(f"#{field_id}")).to_be_focused()

    # Put right, the form goes through.
    page.get_by_label("Project title").fill("Fewer missed appointments")
    page.get_by_label("Service or pathway").fill("Outpatient rheumatology")
    with navigation(page):
        page.get_by_role("button", name="Create project").click()
    expect(page).to_have_title("Fewer missed appointments – coproduce")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fewer missed appointments")
