"""Formatting numbers of the Kano results table."""

from __future__ import annotations

import math

from django import template

register = template.Library()


@register.filter
def kano_number(value: float | None, places: int = 2) -> str:
    """``0.43``; an en dash when there is no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{places}f}"


@register.filter
def kano_percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0%}"


@register.filter
def kano_count(cell: object, category: str) -> str:
    """The count of ``category`` in a results cell, or "<5" when the cell is suppressed."""
    result = getattr(cell, "result", None)
    if getattr(cell, "suppressed", False) or result is None:
        return getattr(cell, "n_shown", "–")
    return str(result.counts[category])
