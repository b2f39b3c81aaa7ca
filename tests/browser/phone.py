"""A 360 × 740 phone with JavaScript off, for the tests of pages people without an account
use (issue 7): every page it shows is checked with axe through a JavaScript-on copy."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, cast

import pytest
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from .axe import check_accessibility
from .conftest import TIMEOUT_MS


class Phone:
    """A 360 × 740 phone with JavaScript off; every page it shows is checked with axe.

    axe cannot run in a page with JavaScript disabled (Playwright's evaluate of a promise
    waits forever there), so each page is copied, as it stands, into a second phone-sized
    page with JavaScript on, at the same origin (so its styles load), and checked there.
    """

    def __init__(
        self,
        browser: Browser,
        live_server: LiveServer,
        cookies: Sequence[Mapping[str, str]] = (),
    ) -> None:
        options: dict[str, Any] = {
            "base_url": live_server.url,
            "locale": "en-GB",
            "viewport": {"width": 360, "height": 740},
        }
        self.context = browser.new_context(java_script_enabled=False, **options)
        self.context.set_default_timeout(TIMEOUT_MS)
        if cookies:
            self.context.add_cookies(cast(Any, [{**c, "url": live_server.url} for c in cookies]))
        self.page = self.context.new_page()
        self.checker_context = browser.new_context(**options)
        self.checker_context.set_default_timeout(TIMEOUT_MS)
        self.checker = self.checker_context.new_page()
        self.checker.goto("/about/")
        self.loads = 0
        self.checked = 0
        self.page.on("load", self._loaded)

    def _loaded(self, _page: Page) -> None:
        self.loads += 1

    def axe(self) -> None:
        self.checker.set_content(self.page.content())
        check_accessibility(self.checker)
        self.checked += 1

    def goto(self, path: str) -> None:
        self.page.goto(path)
        self.axe()

    @contextmanager
    def navigation(self) -> Iterator[None]:
        with self.page.expect_navigation():
            yield
        self.axe()

    def submit(self, button: str) -> None:
        """Press the button named ``button`` and check the page it leads to."""
        with self.navigation():
            self.page.get_by_role("button", name=button).click()

    def close(self) -> None:
        self.context.close()
        self.checker_context.close()


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Phone]:
    device = Phone(browser, live_server)
    yield device
    assert device.loads == device.checked, "every page the phone loads must pass axe"
    device.close()
