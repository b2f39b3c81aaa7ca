"""Fixtures for the browser tests: one headless Chromium for them all, a fresh context per test.

The tests drive Debian's Chromium (``/usr/bin/chromium``) with Playwright's sync
API against pytest-django's ``live_server``. They never download a browser: if
Chromium is missing they fail, saying how to install it, rather than skip.

Every page a test loads must be checked with axe (see ``axe.py``): the ``page``
and ``new_page`` fixtures count the documents each page loads, and fail the
test at teardown if any of them was not checked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from pytest_django.live_server_helper import LiveServer

from .axe import AXE_LOG, PageWatch, watch

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
# Generous for 2 slow cores, short enough that a hang fails fast.
TIMEOUT_MS = 10_000


# Scope: the browser is started once and shared by every browser test, but its
# fixtures are scoped to this package (tests/browser) rather than the whole
# pytest session. Playwright's sync API keeps an asyncio event loop running in
# the main thread until it stops, so a session-wide one would leave every
# later test (tests/web, ...) running "inside" that loop, and needing the
# async-safety override below. Package scope stops it when the last browser
# test is done; in a run of the browser tests alone it is the same thing.


@pytest.fixture(scope="package", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Let the tests use the ORM (to set up data) while Playwright's event loop runs.

    Django refuses ORM calls from a thread with a running event loop, and
    Playwright's sync API runs one in the test's thread. The ORM is used only
    from this one thread, so it is safe here. The variable is put back when the
    browser tests are done: left set, it would leak into the rest of the run,
    and into subprocesses such as `django check --deploy`, which warns about it.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def playwright(_allow_orm_beside_playwright: None) -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}, and it is not there. "
            "Install it with `make system-deps` (or `apt-get install chromium`); "
            "the tests never download a browser. To run everything else, use "
            '`pytest -m "not browser"`.',
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


NewPage = Callable[[], Page]

_call_report = pytest.StashKey[pytest.TestReport]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[_call_report] = report
    return report


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer
) -> Iterator[NewPage]:
    """Open a page in a new browser context: a separate person, with their own cookies.

    At teardown, fails the test if any document a page loaded was not checked
    with axe (unless the test has failed already, which says more).
    """
    contexts: list[BrowserContext] = []
    watches: list[PageWatch] = []

    def open_page() -> Page:
        # No bypass_csp: the app's strict Content-Security-Policy stays on, so
        # the tests also catch anything it would block for real users. axe is
        # injected with page.evaluate, which the CSP does not govern.
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        watches.append(watch(page))
        return page

    yield open_page
    try:
        report = request.node.stash.get(_call_report, None)
        if report is not None and report.passed:
            for watched in watches:
                watched.assert_all_checked()
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page(new_page: NewPage) -> Page:
    """A page in a fresh browser context, for a test with one person in it."""
    return new_page()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not AXE_LOG.passed:
        return
    terminalreporter.write_line(
        f"axe: {len(AXE_LOG.passed)} page loads ({len(AXE_LOG.paths())} distinct paths) "
        "checked with no violations"
    )
    if terminalreporter.config.get_verbosity() > 0:
        for path in sorted(AXE_LOG.paths()):
            terminalreporter.write_line(f"  {path}")
