"""The accessibility check itself: it must fail on a page with violations, and say why."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .axe import check_accessibility

BROKEN = """<!DOCTYPE html>
<html><head><title>Broken</title></head>
<body><main>
  <h1>Broken on purpose</h1>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
  <form><input type="text" id="nameless"></form>
  <p style="color: #ccc; background: #fff">Too faint to read</p>
</main></body></html>
"""


@pytest.mark.browser
def test_the_axe_check_fails_listing_rule_impact_help_and_target(page: Page) -> None:
    page.set_content(BROKEN)  # not an app page, so no page load to account for
    with pytest.raises(AssertionError) as failure:
        check_accessibility(page)
    message = str(failure.value)
    assert "accessibility violation(s)" in message
    assert "- html-has-lang (serious): <html> element must have a lang attribute" in message
    assert "- image-alt (critical): Images must have alternative text" in message
    assert "- label (critical): Form elements must have labels" in message
    assert "    at #nameless" in message
    assert "- color-contrast (serious)" in message
