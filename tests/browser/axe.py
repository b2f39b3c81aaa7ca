"""Accessibility checks with axe-core, and the navigation helpers that run them.

Every page load in the browser tests goes through ``goto`` or ``navigation``,
which wait for the new page and then run axe on it for WCAG 2.0, 2.1 and 2.2
A and AA. ``watch`` counts the documents each page loads, so a test that loads
a page without checking it fails (see ``conftest.new_page``).
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import Page, Response

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# How axe gets into the page. The app sends `Content-Security-Policy:
# script-src 'self'`, so page.add_script_tag (an inline <script>) is refused.
# page.evaluate runs the source through the DevTools protocol, which the page's
# CSP does not govern, so axe loads while the policy stays on for everything
# the app itself does. (bypass_csp=True would also work, but would hide a page
# that only works because its CSP is off.)
_AXE_SOURCE = AXE_JS.read_text(encoding="utf-8")

# A marker on each checked document, so re-checking a page after an in-page
# change (say, following a link to a field) is not counted as a new document.
_RUN_AXE = """
async (tags) => {
  const firstCheck = !window.__coproduceAxeChecked;
  window.__coproduceAxeChecked = true;
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return {
    firstCheck,
    violations: results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary})),
    })),
  };
}
"""


@dataclass
class AxeLog:
    """Every document that passed the check in the session, as URLs, in order."""

    passed: list[str] = field(default_factory=list)

    def paths(self) -> set[str]:
        return {urlsplit(url).path for url in self.passed}


@dataclass
class PageWatch:
    """The documents one page loaded, and those of them that axe checked."""

    loaded: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def on_load(self, page: Page) -> None:
        if page.url != "about:blank":
            self.loaded.append(urldefrag(page.url).url)

    def assert_all_checked(self) -> None:
        assert Counter(self.loaded) == Counter(self.checked), (
            "Every page a browser test loads must be checked with axe: load it with "
            "goto() or navigation() from tests/browser/axe.py.\n"
            f"Loaded:  {self.loaded}\nChecked: {self.checked}"
        )


AXE_LOG = AxeLog()
_watches: weakref.WeakKeyDictionary[Page, PageWatch] = weakref.WeakKeyDictionary()


def watch(page: Page) -> PageWatch:
    """Count the documents ``page`` loads, to check later that axe checked each one."""
    watched = PageWatch()
    page.on("load", watched.on_load)
    _watches[page] = watched
    return watched


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f"\n    {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(node['target'])}")
            for detail in (node["summary"] or "").splitlines():
                lines.append(f"       {detail}")
    return "\n".join(lines)


def check_accessibility(page: Page) -> None:
    """Run axe on the page as it is now; fail listing every violation."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_AXE_SOURCE)
    results = page.evaluate(_RUN_AXE, AXE_TAGS)
    url = urldefrag(page.url).url
    counts = results["firstCheck"] and url != "about:blank"
    watched = _watches.get(page)
    if counts and watched is not None:
        watched.checked.append(url)
    assert not results["violations"], format_violations(url, results["violations"])
    if counts:
        AXE_LOG.passed.append(url)


def goto(page: Page, path: str) -> Response:
    """Load a page by its address, as someone typing or pasting it would; check it with axe."""
    response = page.goto(path)
    assert response is not None, f"No response for {path}"
    check_accessibility(page)
    return response


@contextmanager
def navigation(page: Page) -> Iterator[None]:
    """Wait for the navigation the block starts (a click, a key press), then check the new page.

    with navigation(page):
        page.get_by_role("button", name="Sign in").click()
    """
    with page.expect_navigation():
        yield
    check_accessibility(page)
