"""Errors that actions raise when a request breaks a rule of the domain.

Views show ``message`` to the person (it is written for them); the API returns
it with status 400, or 403 for ``NotAllowed``.
"""

from __future__ import annotations


class ActionError(Exception):
    """The request is understood but breaks a rule; nothing was written."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ActionError):
    """The actor may see the object but lacks the role this change needs."""


def clean_text(value: object, *, field: str, required: str | None = None, limit: int = 0) -> str:
    """``value`` stripped (anything not a string counts as empty), refused with
    :class:`ActionError` on ``field`` when ``required`` (the message) and empty, or when longer
    than ``limit`` characters (0: no limit)."""
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise ActionError(required, field=field)
    if limit and len(text) > limit:
        raise ActionError(f"This must be {limit:,} characters or fewer", field=field)
    return text
