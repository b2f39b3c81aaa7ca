"""Template filters for the EBCD pages."""

from __future__ import annotations

from django import template

from coproduce.experience import ebcd as core

register = template.Library()


@register.filter
def timecode(seconds: int | None) -> str:
    """Seconds as mm:ss (or h:mm:ss from an hour)."""
    if seconds is None:
        return ""
    return core.format_timecode(int(seconds))


@register.filter
def percent(share: float | None) -> str:
    """A share (0..1) as a whole percent."""
    if share is None:
        return ""
    return f"{round(share * 100)}%"
