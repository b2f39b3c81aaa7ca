"""On a 360×740 phone with JavaScript off, someone who joined by event code votes through a
conversation: one statement at a time, big buttons in a plain form, then changes a vote.
Every page passes axe (issue 7's must-show).

axe runs inside the page, which JavaScript off forbids (Playwright's evaluate hangs), so each
page the no-JavaScript phone reaches is checked again, at the same address and with the same
voter cookie, in a second 360-px context with JavaScript on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from coproduce.web.deliberate import actions
from coproduce.web.deliberate.models import Vote
from coproduce.web.takepart.cookies import cookie_name, hash_key, new_key
from coproduce.web.takepart.models import JoinedVia, Voter
from tests import universe

from .axe import goto, watch
from .conftest import TIMEOUT_MS
from .people import make_facilitator

Phones = tuple[Page, Page, LiveServer]


@pytest.fixture
def phones(browser: Browser, live_server: LiveServer) -> Iterator[Phones]:
    contexts = []
    pages = []
    for js in (False, True):
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-GB",
            viewport={"width": 360, "height": 740},
            java_script_enabled=js,
            is_mobile=True,
            has_touch=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        pages.append(context.new_page())
    watched = watch(pages[1])
    yield pages[0], pages[1], live_server
    watched.assert_all_checked()
    for context in contexts:
        context.close()


def check(no_js: Page, checker: Page) -> None:
    """axe on the page the no-JavaScript phone shows now (same address, same cookie)."""
    goto(checker, no_js.url)


@contextmanager
def step(no_js: Page, checker: Page) -> Iterator[None]:
    with no_js.expect_navigation():
        yield
    check(no_js, checker)


@pytest.mark.browser
def test_voting_on_a_phone_without_javascript(phones: Phones) -> None:
    page, checker, server = phones
    fac = make_facilitator()
    project = universe.make_project(fac, title="Kinder waits")
    conversation = actions.create_conversation(project=project, by=fac, topic="The waiting room")
    texts = ["Tell us how long the wait is.", "Chairs should be more comfortable."]
    for text in texts:
        actions.seed_statement(conversation=conversation, by=fac, text=text)
    raw = new_key()
    seat = Voter.objects.create(
        project=project, constituency="patient", joined_via=JoinedVia.CODE, key_hash=hash_key(raw)
    )
    for p in (page, checker):
        p.context.add_cookies([{"name": cookie_name(project.pk), "value": raw, "url": server.url}])
    base = f"/projects/{project.pk}/deliberation/{conversation.pk}"
    page.goto(f"{base}/vote/")
    check(page, checker)
    expect(page.get_by_text(texts[0])).to_be_visible()
    agree = page.get_by_role("button", name="Agree", exact=True)
    box = agree.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300
    with step(page, checker):
        agree.click()
    expect(page.get_by_text("Vote saved.")).to_be_visible()
    expect(page.get_by_text(texts[1])).to_be_visible()
    with step(page, checker):
        page.get_by_role("button", name="Disagree", exact=True).click()
    expect(page.get_by_text("You have voted on every statement")).to_be_visible()
    # Change the first vote.
    with step(page, checker):
        page.get_by_role("link", name="Change your vote on statement 1").click()
    with step(page, checker):
        page.get_by_role("button", name="Pass or unsure").click()
    expect(page.get_by_text("Vote changed.")).to_be_visible()
    votes = dict(Vote.objects.filter(voter=seat).values_list("statement__text", "value"))
    assert votes == {texts[0]: 0, texts[1]: -1}
