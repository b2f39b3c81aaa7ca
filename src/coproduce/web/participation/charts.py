"""Charts of the participation pages, drawn on the server as SVG, like the measures' charts.

Each chart is a Vega-Lite spec turned into SVG by ``coproduce.spc.render.to_svg`` (vl-convert,
offline), in the SPC charts' palette (``coproduce.spc.render.HIGHLIGHTS``, NHS.UK colours), so
pages need no JavaScript: the hours given at each rung of the ladder (the co-production
profile), a group's stage over time, and the self-assessments over time. Every chart sits
beside a data table holding the same values: that table is the text alternative. Drawings are
kept in the per-process chart cache, keyed by a hash of the spec (which holds everything they
show), so they are never stale and nothing has to be invalidated.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.utils.safestring import SafeString, mark_safe

from coproduce.participation import ladders
from coproduce.participation import team as core_team
from coproduce.spc.icons import INK_DARK as INK
from coproduce.spc.render import HIGHLIGHTS, SCHEMA, VEGA_LITE_VERSION, to_svg

CACHE = "charts_memory"
WIDTH = 560
HEIGHT = 220
FONT = "Arial, Liberation Sans, Helvetica, sans-serif"
BLUE, GREEN, PURPLE = HIGHLIGHTS[1], HIGHLIGHTS[4], HIGHLIGHTS[5]  # the SPC charts' NHS colours
GRID = "#E8EDEE"

Spec = dict[str, Any]


def _config() -> Spec:
    return {
        "font": FONT,
        "view": {"stroke": None},
        "axis": {
            "gridColor": GRID,
            "domainColor": "#4C6272",
            "tickColor": "#4C6272",
            "labelColor": INK,
            "titleColor": INK,
            "labelFontSize": 11,
            "titleFontSize": 12,
        },
        "legend": {"labelColor": INK, "titleColor": INK, "labelFontSize": 12, "labelLimit": 0},
        "title": {"color": INK, "fontSize": 15, "anchor": "start"},
        "header": {"labelColor": INK, "labelFontSize": 12, "labelLimit": 0},
    }


def _scalable(svg: str) -> str:
    """Let the drawing scale with the page (the viewBox stays), and mark it as one image
    whose name is its ``<title>``."""
    start = svg.find("<svg")
    end = svg.find(">", start)
    if start < 0 or end < 0:
        return svg
    root = re.sub(r' (width|height)="[^"]*"', "", svg[start:end], count=2)
    root = root.replace(' class="marks"', "", 1)
    root += ' class="coproduce-chart__svg" role="img" focusable="false"'
    return svg[:start] + root + svg[end:]


def draw(spec: Spec) -> SafeString:
    """The spec as inline SVG markup (drawn by ``coproduce.spc.render.to_svg``), cached.

    The SVG is one image (``role="img"``) named by its ``<title>``, the spec's title.
    """
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str)
    key = "participation:" + hashlib.sha256(f"{VEGA_LITE_VERSION}:{text}".encode()).hexdigest()
    cache = caches[CACHE]
    found = cache.get(key)
    if not isinstance(found, str):
        found = _scalable(to_svg(spec))
        cache.set(key, found)
    # vl-convert escapes every text it draws, and the spec's texts are escaped by to_svg.
    return mark_safe(found)  # noqa: S308


def _date_axis() -> Spec:
    return {
        "field": "date",
        "type": "temporal",
        "title": "Date",
        "axis": {"format": "%d %b %Y", "labelAngle": 0, "tickCount": 6},
    }


# -- hours given at each rung of the ladder (the co-production profile) ----------------------


@dataclass(frozen=True)
class HoursBar:
    """One bar of the profile's chart: a row of the hours table and its total."""

    label: str  # "6. Co-design", or "Not yet assessed"
    hours: float
    assessed: bool = True


def hours_spec(bars: Sequence[HoursBar]) -> Spec:
    """Horizontal bars, one per rung, given lowest first (as the table's rows): drawn with the
    top of the ladder at the top, and activities not yet assessed at the bottom."""
    order = [bar.label for bar in reversed(bars) if bar.assessed]
    order += [bar.label for bar in bars if not bar.assessed]
    y = {"field": "rung", "type": "nominal", "sort": order, "title": None}
    return {
        "$schema": SCHEMA,
        "title": {"text": "Hours given at each rung of the ladder"},
        "description": "; ".join(f"{bar.label}: {bar.hours:.1f} hours" for bar in bars),
        "width": 480,
        "height": {"step": 28},
        "data": {"values": [{"rung": bar.label, "hours": bar.hours} for bar in bars]},
        "layer": [
            {
                "mark": {"type": "bar", "color": BLUE},
                "encoding": {
                    "y": y,
                    "x": {"field": "hours", "type": "quantitative", "title": "Hours"},
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "color": INK},
                "encoding": {
                    "y": y,
                    "x": {"field": "hours", "type": "quantitative"},
                    "text": {"field": "hours", "type": "quantitative", "format": ".1f"},
                },
            },
        ],
        "config": _config(),
    }


def hours_chart(bars: Sequence[HoursBar]) -> SafeString | None:
    """The profile's chart, or ``None`` when no hours have been given."""
    if not any(bar.hours for bar in bars):
        return None
    return draw(hours_spec(bars))


# -- a group's stage over time --------------------------------------------------------------

PULSE_MEDIAN = "Members' pulse: middle answer (median)"
PULSE_MODE = "Members' pulse: most chosen"
LOG = "Facilitator's log"
_SOURCES = [LOG, PULSE_MEDIAN, PULSE_MODE]
_SHAPES = ["square", "circle", "triangle-up"]
_COLOURS = [BLUE, PURPLE, GREEN]


@dataclass(frozen=True)
class StagePoint:
    """One point of the stage chart: a date, a stage, and where the reading came from."""

    date: datetime.date
    stage: ladders.Stage
    source: str  # LOG, PULSE_MEDIAN or PULSE_MODE


def stage_spec(points: Sequence[StagePoint], *, title: str, description: str) -> Spec:
    """Stage (forming … adjourning) against date: the facilitator's log as a step line with
    squares, the pulse's median as circles and its mode as triangles. Shapes and colours
    both tell the sources apart, and a legend names them."""
    rows = [
        {
            "date": point.date.isoformat(),
            "stage": int(point.stage),
            "label": point.stage.label,
            "source": point.source,
        }
        for point in sorted(points, key=lambda p: (p.date, _SOURCES.index(p.source)))
    ]
    # The legend names only the sources drawn: no pulse symbols for a group without pulses.
    drawn = [i for i, source in enumerate(_SOURCES) if any(p.source == source for p in points)]
    sources = [_SOURCES[i] for i in drawn]
    labels = "['', " + ", ".join(f"'{stage.label}'" for stage in ladders.Stage) + "]"
    y = {
        "field": "stage",
        "type": "quantitative",
        "title": "Stage",
        "scale": {"domain": [0.5, len(ladders.Stage) + 0.5], "nice": False},
        "axis": {
            "values": [int(stage) for stage in ladders.Stage],
            "labelExpr": f"{labels}[datum.value]",
            "grid": True,
        },
    }
    legend = {
        "field": "source",
        "type": "nominal",
        "title": None,
        "legend": {"orient": "bottom", "direction": "vertical"},
    }
    shapes = {"domain": sources, "range": [_SHAPES[i] for i in drawn]}
    colours = {"domain": sources, "range": [_COLOURS[i] for i in drawn]}
    return {
        "$schema": SCHEMA,
        "title": {"text": title},
        "description": description,
        "width": WIDTH,
        "height": HEIGHT,
        "data": {"values": rows},
        "layer": [
            {
                "transform": [{"filter": {"field": "source", "equal": LOG}}],
                "mark": {"type": "line", "interpolate": "step-after", "color": BLUE},
                "encoding": {"x": _date_axis(), "y": y},
            },
            {
                "mark": {"type": "point", "filled": True, "size": 90, "opacity": 1},
                "encoding": {
                    "x": _date_axis(),
                    "y": y,
                    "shape": {**legend, "scale": shapes},
                    "color": {**legend, "scale": colours},
                    "tooltip": [
                        {"field": "date", "type": "temporal", "format": "%d %b %Y"},
                        {"field": "label", "title": "Stage"},
                        {"field": "source", "title": "From"},
                    ],
                },
            },
        ],
        "config": _config(),
    }


# -- self-assessments over time ---------------------------------------------------------------


def assessment_spec(series: core_team.AssessmentSeries, *, title: str, description: str) -> Spec:
    """One small chart per principle or capability: its score (0–4) at each assessment."""
    rows = [
        {"date": day.isoformat(), "score": score, "item": key_series.title}
        for key_series in series.series
        for day, score in key_series.points
    ]
    order = [key_series.title for key_series in series.series]
    x = {**_date_axis(), "axis": {"format": "%b %Y", "tickCount": 4, "labelAngle": 0}}
    y = {
        "field": "score",
        "type": "quantitative",
        "title": "Score",
        "scale": {"domain": [0, core_team.SCORE_MAX]},
        "axis": {"values": list(range(core_team.SCORE_MAX + 1)), "format": "d"},
    }
    return {
        "$schema": SCHEMA,
        "title": {"text": title},
        "description": description,
        "data": {"values": rows},
        "facet": {
            "field": "item",
            "type": "nominal",
            "title": None,
            "sort": order,
            "header": {"labelAnchor": "start", "labelFontWeight": "bold"},
        },
        "columns": 2,
        "spacing": {"row": 24, "column": 32},
        "spec": {
            "width": 280,
            "height": 120,
            "layer": [
                {
                    "mark": {"type": "line", "color": BLUE, "point": False},
                    "encoding": {"x": x, "y": y},
                },
                {
                    "mark": {"type": "point", "filled": True, "size": 60, "color": BLUE},
                    "encoding": {
                        "x": x,
                        "y": y,
                        "tooltip": [
                            {"field": "item", "title": "Item"},
                            {"field": "date", "type": "temporal", "format": "%d %b %Y"},
                            {"field": "score", "title": "Score"},
                        ],
                    },
                },
            ],
        },
        "config": _config(),
    }
