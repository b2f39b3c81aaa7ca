"""On a 360 x 740 phone with JavaScript off, someone joins by the event code and votes through
a conversation: one statement at a time, big buttons in a plain form; their votes in a table,
one of them changed; a statement of their own suggested (empty and too long first: a clear
error on the form); and once the conversation has closed, a vote is refused with a clear
message and nothing is stored. Every page passes axe (issue 7's must-show).

axe cannot run in a page with JavaScript disabled (Playwright's evaluate waits forever), so
each page the phone shows is copied, as it stands, into a second phone-sized page with
JavaScript on, at the same origin, and checked there (``tests/browser/phone.py``).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from coproduce.web.deliberate import actions
from coproduce.web.deliberate.models import MAX_STATEMENT, Statement, StatementStatus, Vote
from coproduce.web.takepart import actions as takepart_actions
from coproduce.web.takepart.models import JoinedVia, Voter
from tests import universe

from .people import make_facilitator
from .phone import Phone

TEXTS = ["Tell us how long the wait is.", "Chairs should be more comfortable."]
MINE = "Put the clinic times on the hospital website."
CLOSED = "This conversation has closed: votes and statements are no longer taken."


def assert_big_button(page: Page, name: str) -> None:
    """A full-width button, easy to tap, inside the 360-px screen."""
    box = page.get_by_role("button", name=name, exact=True).bounding_box()
    assert box is not None, name
    assert box["height"] >= 44 and box["width"] >= 300 and box["x"] + box["width"] <= 360, box


def tap(phone: Phone, name: str) -> None:
    """Press the vote button named exactly ``name`` ("Agree" is also in "Disagree")."""
    with phone.navigation():
        phone.page.get_by_role("button", name=name, exact=True).click()


def assert_fits(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360


def your_votes(page: Page) -> list[list[str]]:
    """The "Your votes" table: (statement, vote) per row."""
    rows = page.get_by_role("table", name="Your votes so far").locator("tbody tr")
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()[:2]] for row in rows.all()
    ]


@pytest.mark.browser
def test_voting_on_a_phone_without_javascript(browser: Browser, live_server: LiveServer) -> None:
    fac = make_facilitator()
    project = universe.make_project(fac, title="Kinder waits")
    conversation = actions.create_conversation(project=project, by=fac, topic="The waiting room")
    statements = [
        actions.seed_statement(conversation=conversation, by=fac, text=text) for text in TEXTS
    ]
    event = takepart_actions.create_event_code(
        project=project,
        by=fac,
        label="Outpatients open day",
        closes_at=timezone.now() + dt.timedelta(hours=2),
    )

    phone = Phone(browser, live_server)
    page = phone.page
    try:
        # Join with the event code, as a patient.
        phone.goto(f"/take-part/{project.pk}/")
        page.get_by_label("Event code").fill(event.code.lower())
        phone.submit("Continue")
        page.get_by_label("A patient").check()
        phone.submit("Take part")
        seat = Voter.objects.get(project=project)
        assert (seat.constituency, seat.joined_via) == ("patient", JoinedVia.CODE)
        with phone.navigation():
            page.get_by_role("link", name="The waiting room").click()

        # One statement at a time, with three big buttons.
        expect(page.get_by_role("heading", level=1)).to_have_text("The waiting room")
        expect(page.get_by_role("heading", name="Statement 1 of 2")).to_be_visible()
        expect(page.get_by_text(TEXTS[0])).to_be_visible()
        expect(page.get_by_text(TEXTS[1])).to_have_count(0)
        for name in ("Agree", "Disagree", "Pass or unsure"):
            assert_big_button(page, name)
        assert_fits(page)
        tap(phone, "Agree")
        expect(page.get_by_text("Vote saved.")).to_be_visible()
        expect(page.get_by_role("heading", name="Statement 2 of 2")).to_be_visible()
        expect(page.get_by_text(TEXTS[1])).to_be_visible()
        assert your_votes(page) == [[TEXTS[0], "Agree"]]
        tap(phone, "Disagree")
        expect(page.get_by_text("You have voted on every statement")).to_be_visible()
        expect(page.get_by_role("button", name="Agree", exact=True)).to_have_count(0)
        assert your_votes(page) == [[TEXTS[0], "Agree"], [TEXTS[1], "Disagree"]]

        # Change the first vote from the table.
        with phone.navigation():
            page.get_by_role("link", name="Change your vote on statement 1").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Change your vote")
        expect(page.get_by_text("Your vote now: Agree")).to_be_visible()
        assert_big_button(page, "Pass or unsure")
        tap(phone, "Pass or unsure")
        expect(page.get_by_text("Vote changed.")).to_be_visible()
        assert your_votes(page) == [[TEXTS[0], "Pass"], [TEXTS[1], "Disagree"]]
        assert dict(Vote.objects.filter(voter=seat).values_list("statement__text", "value")) == {
            TEXTS[0]: 0,
            TEXTS[1]: -1,
        }

        # Suggest a statement: empty, then too long, are refused on the form.
        with phone.navigation():
            page.get_by_role("link", name="Suggest a statement of your own").click()
        phone.submit("Send statement")
        expect(page.get_by_text("There is a problem")).to_be_visible()
        expect(page.get_by_role("alert").get_by_role("link")).to_have_text("Enter the statement.")
        expect(page.locator("#id_statement-error")).to_contain_text("Enter the statement.")
        too_long = ("The waiting room needs a clock everyone can see. " * 6)[: MAX_STATEMENT + 1]
        assert len(too_long.strip()) == MAX_STATEMENT + 1
        page.get_by_label("Statement").fill(too_long)
        phone.submit("Send statement")
        message = "The statement must be 280 characters or fewer (it is 281)."
        expect(page.get_by_role("alert").get_by_role("link")).to_have_text(message)
        expect(page.locator("#id_statement-error")).to_contain_text(message)
        expect(page.get_by_label("Statement")).to_have_value(too_long)  # kept to shorten
        assert not Statement.objects.filter(author=seat).exists()
        page.get_by_label("Statement").fill(MINE)
        assert_fits(page)
        phone.submit("Send statement")
        expect(page.get_by_text("your statement will be shown once a facilitator")).to_be_visible()
        mine = Statement.objects.get(author=seat)
        assert (mine.text, mine.status) == (MINE, StatementStatus.PENDING)
        # Not shown for voting until a facilitator accepts it.
        expect(page.get_by_text("You have voted on every statement")).to_be_visible()
        actions.moderate_statement(statement=mine, by=fac, accept=True)
        phone.goto(f"/projects/{project.pk}/deliberation/{conversation.pk}/vote/")
        expect(page.get_by_role("heading", name="Statement 3 of 3")).to_be_visible()
        expect(page.get_by_text(MINE)).to_be_visible()

        # The facilitator closes the conversation while the phone shows the statement: the
        # vote is refused, saying why, and nothing is stored.
        actions.update_conversation(
            conversation=conversation,
            by=fac,
            topic=conversation.topic,
            is_open=False,
            participants_may_submit=True,
        )
        tap(phone, "Agree")
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("Your vote was not saved")
        expect(alert).to_contain_text(CLOSED)
        expect(page).to_have_title(re.compile(r"^Error: The waiting room"))
        expect(page.get_by_role("button", name="Agree", exact=True)).to_have_count(0)
        expect(page.get_by_role("link", name="Suggest a statement of your own")).to_have_count(0)
        expect(page.get_by_role("link", name="Change your vote on statement 1")).to_have_count(0)
        assert your_votes(page) == [[TEXTS[0], "Pass"], [TEXTS[1], "Disagree"]]
        assert not Vote.objects.filter(statement=mine).exists()
        assert dict(Vote.objects.filter(voter=seat).values_list("statement_id", "value")) == {
            statements[0].pk: 0,
            statements[1].pk: -1,
        }
        assert phone.loads == phone.checked == 14, "every page the phone loads must pass axe"
    finally:
        phone.close()
