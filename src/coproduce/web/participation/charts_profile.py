"""A small chart of the hours given at each rung of the ladder, drawn on the server.

The Vega-Lite spec is rendered to SVG with ``coproduce.spc.render.to_svg`` (vl-convert,
offline), the same conversion the measure charts use, and kept in the in-memory chart cache
by the spec's content. The page puts the same figures in a table beside it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from typing import Any

from django.core.cache import caches

from coproduce.participation.profile import row_label

from .selectors_profile import ChartBar

CACHE = "charts_memory"
NHS_BLUE = "#005EB8"
INK = "#212B32"
GRID = "#E8EDEE"
AXIS = "#4C6272"


def hours_spec(bars: Sequence[ChartBar]) -> dict[str, Any]:
    """Horizontal bars, one per rung, the top of the ladder at the top (and activities not
    yet assessed at the bottom)."""
    unassessed = row_label(None)
    order = [bar.rung for bar in reversed(bars) if bar.rung != unassessed]
    order += [bar.rung for bar in bars if bar.rung == unassessed]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "Hours given at each rung of the ladder",
        "description": "; ".join(f"{bar.rung}: {bar.hours:g} hours" for bar in bars),
        "width": 480,
        "height": {"step": 28},
        "data": {"values": [{"rung": bar.rung, "hours": bar.hours} for bar in bars]},
        "layer": [
            {
                "mark": {"type": "bar", "color": NHS_BLUE},
                "encoding": {
                    "y": {"field": "rung", "type": "nominal", "sort": order, "title": None},
                    "x": {"field": "hours", "type": "quantitative", "title": "Hours"},
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "color": INK},
                "encoding": {
                    "y": {"field": "rung", "type": "nominal", "sort": order},
                    "x": {"field": "hours", "type": "quantitative"},
                    "text": {"field": "hours", "type": "quantitative", "format": ".1f"},
                },
            },
        ],
        "config": {
            "font": "Arial, Liberation Sans, Helvetica, sans-serif",
            "view": {"stroke": None},
            "axis": {
                "gridColor": GRID,
                "domainColor": AXIS,
                "tickColor": AXIS,
                "labelColor": INK,
                "titleColor": INK,
                "labelFontSize": 12,
                "titleFontSize": 12,
            },
            "title": {"color": INK, "fontSize": 15},
        },
    }


def _tidy(svg: str) -> str:
    """Drop the root's fixed size (the viewBox stays, so it scales); mark it as one image."""
    start = svg.find("<svg")
    end = svg.find(">", start)
    if start < 0 or end < 0:
        return svg
    root = re.sub(r' (width|height)="[^"]*"', "", svg[start:end], count=2)
    root += ' role="img" focusable="false" aria-labelledby="hours-chart-caption"'
    return svg[:start] + root + svg[end:]


def hours_chart_svg(bars: Sequence[ChartBar]) -> str:
    """The chart as SVG markup, or "" when no hours have been given."""
    if not any(bar.hours for bar in bars):
        return ""
    from coproduce.spc.render import to_svg

    spec = hours_spec(bars)
    key = (
        "participation-hours-"
        + hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    )
    cache = caches[CACHE]
    found = cache.get(key)
    if isinstance(found, str):
        return found
    svg = _tidy(to_svg(spec))
    cache.set(key, svg)
    return svg
