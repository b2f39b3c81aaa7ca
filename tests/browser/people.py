"""The people in the browser tests, and the steps they share."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from coproduce.web.accounts.models import User
from tests import universe

from .axe import goto, navigation

FACILITATOR_EMAIL = "fay.okafor@example.org"
FACILITATOR_NAME = "Fay Okafor"
ORGANISATION = "Northtown NHS Trust"


def make_facilitator() -> User:
    """A person who is admin of an organisation, so may start projects in it."""
    user = universe.make_user(FACILITATOR_EMAIL, FACILITATOR_NAME)
    universe.make_organisation(ORGANISATION, admin=user)
    return user


def sign_in(page: Page, email: str, password: str = universe.PASSWORD) -> None:
    """Sign in from the sign-in page, with the mouse; lands on "Your projects"."""
    goto(page, "/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    with navigation(page):
        page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your projects")
