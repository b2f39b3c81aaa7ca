"""The journey map, drawn on the server as SVG (ADR 0008), like the participation charts.

Two panels share the pathway from left to right: the emotion curve (the mean feeling at each
touchpoint, weighted by intensity, −2 … +2; the point's size is the mean intensity and
hotspots are drawn as downward triangles with the word "Hotspot" above them), and the agency
profile (patient and professional agency per stage, 0 … 1, told apart by line style and point
shape as well as colour). Nothing is shown by colour alone. The drawing is one image named by
its title (marks carry no ARIA roles of their own, as in the SPC charts); the page puts the
data tables and the plain-English reading beside it: they are its text alternative.
"""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString

from coproduce.experience.journey import JourneySummary
from coproduce.spc.icons import INK_DARK as INK
from coproduce.spc.render import HIGHLIGHTS, SCHEMA
from coproduce.web.participation import charts as participation_charts

# The journey map is drawn exactly as the participation charts are (same theme, same cached
# SVG drawing). participation.charts exposes ``draw`` but keeps its theme private; rather than
# copy it, these two thin public names are the one place this app reaches into it. Moving
# ``_config`` to a public shared helper belongs to the participation app (noted in review).
chart_config = participation_charts._config
draw = participation_charts.draw

BLUE, PURPLE, RED = HIGHLIGHTS[1], HIGHLIGHTS[2], HIGHLIGHTS[0]
HOTSPOT = "Hotspot"
NOT_HOTSPOT = "Not a hotspot"
PATIENT = "Patient agency"
PROFESSIONAL = "Professional agency"

Spec = dict[str, Any]


def _touchpoint_label(position: int, name: str) -> str:
    short = name if len(name) <= 28 else name[:27] + "…"
    return f"{position}. {short}"


def emotion_spec(summary: JourneySummary) -> Spec | None:
    """The emotion panel, or None when nothing has been recorded."""
    labels = [_touchpoint_label(t.position, t.name) for t in summary.touchpoints]
    rows = [
        {
            "touchpoint": _touchpoint_label(t.position, t.name),
            "stage": t.stage_name,
            "valence": round(t.weighted_valence, 2),
            "intensity": round(t.mean_intensity or 1.0, 2),
            "records": t.count,
            "hotspot": HOTSPOT if t.hotspot else NOT_HOTSPOT,
        }
        for t in summary.touchpoints
        if t.weighted_valence is not None
    ]
    if not rows:
        return None
    x = {
        "field": "touchpoint",
        "type": "ordinal",
        "sort": labels,
        "scale": {"domain": labels},
        "title": "Touchpoints along the pathway",
        "axis": {"labelAngle": -30, "labelLimit": 180},
    }
    y = {
        "field": "valence",
        "type": "quantitative",
        "title": "Feeling (−2 very negative … +2 very positive)",
        "scale": {"domain": [-2, 2]},
        "axis": {"values": [-2, -1, 0, 1, 2]},
    }
    return {
        "width": 600,
        "height": 220,
        "title": {"text": "Feeling at each touchpoint"},
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"aria": False, "type": "rule", "color": "#768692", "strokeDash": [4, 4]},
                "encoding": {"y": {"datum": 0, "type": "quantitative"}},
            },
            {"mark": {"aria": False, "type": "line", "color": BLUE}, "encoding": {"x": x, "y": y}},
            {
                "mark": {
                    "aria": False,
                    "type": "point",
                    "filled": True,
                    "color": BLUE,
                    "opacity": 1,
                },
                "encoding": {
                    "x": x,
                    "y": y,
                    "size": {
                        "field": "intensity",
                        "type": "quantitative",
                        "title": "Mean intensity (1–5)",
                        "scale": {"domain": [1, 5], "range": [40, 400]},
                    },
                    "shape": {
                        "field": "hotspot",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": [HOTSPOT, NOT_HOTSPOT],
                            "range": ["triangle-down", "circle"],
                        },
                    },
                },
            },
            {
                "transform": [{"filter": f"datum.hotspot == '{HOTSPOT}'"}],
                "mark": {
                    "aria": False,
                    "type": "text",
                    "dy": -16,
                    "color": INK,
                    "fontWeight": "bold",
                },
                "encoding": {"x": x, "y": y, "text": {"value": HOTSPOT}},
            },
        ],
    }


def agency_spec(summary: JourneySummary) -> Spec | None:
    """The agency panel, or None when no stage has agency recorded."""
    labels = [f"{s.position}. {s.name}" for s in summary.stages]
    rows = []
    for stage in summary.stages:
        label = f"{stage.position}. {stage.name}"
        if stage.patient_agency is not None:
            rows.append({"stage": label, "who": PATIENT, "agency": stage.patient_agency})
        if stage.professional_agency is not None:
            rows.append({"stage": label, "who": PROFESSIONAL, "agency": stage.professional_agency})
    if not rows:
        return None
    x = {
        "field": "stage",
        "type": "ordinal",
        "sort": labels,
        "scale": {"domain": labels},
        "title": "Stages along the pathway",
        "axis": {"labelAngle": -30, "labelLimit": 180},
    }
    y = {
        "field": "agency",
        "type": "quantitative",
        "title": "Agency (0 none … 1 full)",
        "scale": {"domain": [0, 1]},
    }
    who = {"field": "who", "type": "nominal", "title": None}
    return {
        "width": 600,
        "height": 180,
        "title": {"text": "Patient and professional agency at each stage"},
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"aria": False, "type": "line"},
                "encoding": {
                    "x": x,
                    "y": y,
                    "color": {
                        **who,
                        "scale": {"domain": [PATIENT, PROFESSIONAL], "range": [PURPLE, INK]},
                    },
                    "strokeDash": {
                        **who,
                        "scale": {"domain": [PATIENT, PROFESSIONAL], "range": [[1, 0], [6, 4]]},
                    },
                },
            },
            {
                "mark": {"aria": False, "type": "point", "filled": True, "size": 90, "opacity": 1},
                "encoding": {
                    "x": x,
                    "y": y,
                    "color": {
                        **who,
                        "scale": {"domain": [PATIENT, PROFESSIONAL], "range": [PURPLE, INK]},
                    },
                    "shape": {
                        **who,
                        "scale": {"domain": [PATIENT, PROFESSIONAL], "range": ["circle", "square"]},
                    },
                },
            },
        ],
    }


def map_spec(summary: JourneySummary) -> Spec | None:
    """Both panels, one above the other, or None when there is nothing to draw."""
    panels = [spec for spec in (emotion_spec(summary), agency_spec(summary)) if spec]
    if not panels:
        return None
    return {
        "$schema": SCHEMA,
        "title": {"text": f"Journey map: {summary.title}"},
        "description": "Feeling at each touchpoint, with hotspots, and patient and "
        "professional agency at each stage. The same values are in the tables below.",
        "vconcat": panels,
        "resolve": {
            "scale": {
                "shape": "independent",
                "color": "independent",
                "strokeDash": "independent",
                "size": "independent",
            },
            "legend": {
                "shape": "independent",
                "color": "independent",
                "size": "independent",
                "strokeDash": "independent",
            },
        },
        "config": chart_config(),
    }


def journey_map(summary: JourneySummary) -> SafeString | None:
    spec = map_spec(summary)
    return draw(spec) if spec else None
