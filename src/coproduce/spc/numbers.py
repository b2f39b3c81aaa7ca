"""Numbers written for people, shared by the chart (:mod:`coproduce.spc.render`) and its
reading (:mod:`coproduce.spc.reading`).

Kept apart from the renderer so that the reading, the boards and anything else that only
writes numbers do not import ``vl_convert`` (and start its JavaScript engine's library).
Pure: no Django, no I/O.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["finite_or_none", "fmt_number"]


def finite_or_none(value: Any) -> float | None:
    """A finite float, or None (JSON null) for NaN, infinities and missing values."""
    if value is None:
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def fmt_number(value: float | None) -> str:
    """A number for people: about four significant figures, no exponent; "" when missing."""
    if value is None or not math.isfinite(value):
        return ""
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = min(max(3 - magnitude, 0), 10)
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text
