"""Keyboard-only helpers: move focus with Tab as a keyboard user would, never the mouse."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

# What the focused element is, as a keyboard user would hear it: its tag, id,
# and accessible name (aria-label, else its <label>s, else its text or value).
_ACTIVE_ELEMENT = """
(selector) => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const labels = el.labels ? Array.from(el.labels).map((l) => l.innerText).join(' ') : '';
  const name = el.getAttribute('aria-label') || labels || el.innerText || el.value || '';
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    name: name.replace(/\\s+/g, ' ').trim(),
    matches: selector ? el.matches(selector) : false,
  };
}
"""


def active_element(page: Page, selector: str | None = None) -> dict[str, Any] | None:
    """The focused element's tag, id and accessible name; None if nothing has focus."""
    return page.evaluate(_ACTIVE_ELEMENT, selector)


def _describe(element: dict[str, Any] | None) -> str:
    if element is None:
        return "(nothing)"
    ident = f"#{element['id']}" if element["id"] else ""
    return f"<{element['tag']}{ident}> {element['name']!r}"


def tab_to(
    page: Page,
    name: str | None = None,
    *,
    selector: str | None = None,
    exact: bool = True,
    max_presses: int = 30,
    backwards: bool = False,
) -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until the focused element has this name or matches the selector.

    ``name`` is compared with the accessible name, whole (``exact``) or as a
    part. Fails, listing where focus went, after ``max_presses`` presses.
    """
    assert name is not None or selector is not None, "Say what to tab to: a name or a selector"
    key = "Shift+Tab" if backwards else "Tab"
    visited = []
    for _ in range(max_presses):
        page.keyboard.press(key)
        element = active_element(page, selector)
        visited.append(_describe(element))
        if element is None:
            continue
        if selector is not None and not element["matches"]:
            continue
        if name is not None and not (
            element["name"] == name if exact else name.lower() in element["name"].lower()
        ):
            continue
        return element
    target = " and ".join(
        part for part in (f"name {name!r}" if name else "", selector or "") if part
    )
    raise AssertionError(
        f"Pressed {key} {max_presses} times without reaching {target} on {page.url}. "
        "Focus went to:\n  " + "\n  ".join(visited)
    )


def type_into(page: Page, label: str, text: str) -> None:
    """Tab to the field labelled ``label`` and type ``text``, a key at a time."""
    tab_to(page, label)
    page.keyboard.type(text)
