"""The invitation flow again, keyboard only: Tab, Shift+Tab, Enter, Space, arrows and typing.

No mouse: every link and button is reached with Tab and activated from the
keyboard, and a guard fails the test if the page sees any pointer event.
``page.goto`` is used only to open the first page and the invitation link
(which the invited person would paste into the address bar).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import universe

from .axe import goto, navigation
from .conftest import NewPage
from .keyboard import active_element, tab_to, type_into
from .people import FACILITATOR_NAME, make_facilitator

TITLE = "Clearer letters after rheumatology clinic"
PARTNER_EMAIL = "ade.partner@example.net"
PARTNER_NAME = "Ade Kowalski"

# Records every pointer event the page sees; keyboard activation makes none.
_POINTER_GUARD = """
for (const type of ['pointerdown', 'pointerup', 'mousedown', 'mouseup', 'contextmenu']) {
  window.addEventListener(type, (event) => {
    if (event.isTrusted) window.__coproducePointerUsed(`${type} on ${event.target.tagName}`);
  }, true);
}
"""


def keyboard_only(page: Page) -> list[str]:
    """Make the page report pointer events; returns the list they are recorded in."""
    used: list[str] = []

    def record(event: str) -> None:
        used.append(event)

    page.expose_function("__coproducePointerUsed", record)
    page.add_init_script(_POINTER_GUARD)
    return used


def press_to_navigate(page: Page, key: str = "Enter") -> None:
    with navigation(page):
        page.keyboard.press(key)


def follow_link(page: Page, name: str, *, selector: str = "a") -> None:
    tab_to(page, name, selector=selector)
    press_to_navigate(page, "Enter")


@pytest.mark.browser
def test_keyboard_only_facilitator_invites_a_patient_partner_who_joins(
    new_page: NewPage,
) -> None:
    facilitator = make_facilitator()
    fay = new_page()
    fay_pointer = keyboard_only(fay)

    # The first thing Tab reaches is the skip link, and it moves focus to the content.
    goto(fay, "/")
    tab_to(fay, "Skip to main content", selector="a.nhsuk-skip-link", max_presses=1)
    fay.keyboard.press("Enter")
    expect(fay.locator("#maincontent")).to_be_focused()
    follow_link(fay, "Sign in")
    expect(fay.get_by_role("heading", level=1)).to_have_text("Sign in")

    # Sign in: type into each field, going back with Shift+Tab to put a typo right,
    # then press the button with Space.
    type_into(fay, "Email address", facilitator.email.upper() + "x")
    type_into(fay, "Password", universe.PASSWORD)
    tab_to(fay, "Email address", backwards=True, max_presses=1)
    fay.keyboard.press("ControlOrMeta+A")
    fay.keyboard.type(facilitator.email)
    tab_to(fay, "Password", max_presses=1)
    tab_to(fay, "Sign in", selector="button")
    press_to_navigate(fay, "Space")
    expect(fay.get_by_role("heading", level=1)).to_have_text("Your projects")

    # Start a project.
    follow_link(fay, "Start a project")
    tab_to(fay, "Organisation", selector="select")
    type_into(fay, "Project title", TITLE)
    type_into(fay, "Service or pathway", "Outpatient rheumatology")
    type_into(fay, "Description (optional)", "Letters patients can act on.")
    tab_to(fay, "Status", selector="select")
    fay.keyboard.press("ArrowDown")  # Planning → Active
    expect(fay.get_by_label("Status")).to_have_value("active")
    tab_to(fay, "Create project", selector="button")
    press_to_navigate(fay)
    expect(fay.get_by_role("heading", level=1)).to_have_text(TITLE)
    project_url = fay.url

    # Invite a patient partner from the Members page.
    follow_link(fay, "Members and invitations")
    follow_link(fay, "Invite someone")
    type_into(fay, "Email address", PARTNER_EMAIL)
    tab_to(fay, "Facilitator", selector="input[type=radio]")  # Tab enters the group
    for _ in range(4):  # the arrow keys move through the roles, choosing each in turn
        fay.keyboard.press("ArrowDown")
        if (active_element(fay) or {}).get("name") == "Patient partner":
            break
    fay.keyboard.press("Space")
    expect(fay.get_by_label("Patient partner")).to_be_focused()
    expect(fay.get_by_label("Patient partner")).to_be_checked()
    tab_to(fay, "Send invitation", selector="button")
    press_to_navigate(fay)
    expect(fay.get_by_role("heading", level=1)).to_have_text("Invitation sent")
    link = fay.locator("#invitation-link").get_attribute("href")
    assert link and "/invitations/" in link

    # Ade pastes the link into her own browser and creates her account.
    ade = new_page()
    ade_pointer = keyboard_only(ade)
    goto(ade, link)
    expect(ade.get_by_text(f"{FACILITATOR_NAME} has invited {PARTNER_EMAIL}")).to_be_visible()
    type_into(ade, "Full name", PARTNER_NAME)
    type_into(ade, "Create a password", "letters-we-can-read-2026")
    tab_to(ade, "Create account and join", selector="button")
    press_to_navigate(ade)
    assert ade.url == project_url
    expect(ade.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(ade.locator(".nhsuk-summary-list__row", has_text="Your role")).to_contain_text(
        "Patient partner"
    )

    # Her projects list has it.
    follow_link(ade, "Projects", selector=".nhsuk-header__navigation-link")
    expect(ade.get_by_role("heading", level=1)).to_have_text("Your projects")
    expect(ade.get_by_role("row", name=TITLE)).to_contain_text("Patient partner")

    # Fay goes back to the members, and Ade is one.
    follow_link(fay, "Back to members")
    expect(
        fay.get_by_role("table", name="Members of").get_by_role("row", name=PARTNER_NAME)
    ).to_contain_text("Patient partner")

    assert fay_pointer == [], f"The facilitator's page saw pointer events: {fay_pointer}"
    assert ade_pointer == [], f"The partner's page saw pointer events: {ade_pointer}"
