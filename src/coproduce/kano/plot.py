"""The Better–Worse diagram ("Kano diagram") and the DuMouchel plot, as data first.

:func:`better_worse_points` gives one labelled point per attribute and segment: x = |Worse|
(how much its absence dissatisfies), y = Better (how much its presence satisfies), the
quadrant split at 0.5 on each axis (design choice, DOMAIN.md §4.5), and the DuMouchel means
(D̄, F̄) for the continuous plot (DOMAIN.md §4.6). :func:`vegalite_spec` turns the points into
a Vega-Lite v5 spec (a dict) that the web app or ``vl-convert`` can draw. No I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from coproduce.kano.analysis import KanoAnalysis, KanoResult
from coproduce.kano.answers import CATEGORY_NAMES, Category

__all__ = ["BetterWorsePoint", "better_worse_points", "vegalite_spec"]

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"

#: How the web app and the spec name each quadrant of the Better–Worse diagram.
QUADRANT_LABELS: dict[Category, str] = {
    Category.O: "One-dimensional (high Better, high |Worse|)",
    Category.A: "Attractive (high Better, low |Worse|)",
    Category.M: "Must-be (low Better, high |Worse|)",
    Category.I: "Indifferent (low Better, low |Worse|)",
}


@dataclass(frozen=True, slots=True)
class BetterWorsePoint:
    """One point of the Better–Worse diagram.

    Attributes:
        attribute, segment: the label.
        better: y, in [0, 1].
        dissatisfaction: x = |Worse|, in [0, 1].
        worse: Worse itself, in [−1, 0].
        category: the category by mode (the tie rule applied).
        quadrant: the quadrant the point falls in.
        n: respondents behind the point.
        functional_mean, dysfunctional_mean: the DuMouchel means (F̄, D̄).
    """

    attribute: str
    segment: str
    better: float
    dissatisfaction: float
    worse: float
    category: Category
    quadrant: Category
    n: int
    functional_mean: float
    dysfunctional_mean: float

    @property
    def label(self) -> str:
        """``attribute`` alone, or ``attribute (segment)``."""
        return self.attribute if not self.segment else f"{self.attribute} ({self.segment})"


def _point(result: KanoResult, *, with_segment: bool) -> BetterWorsePoint | None:
    if result.better is None or result.worse is None or result.quadrant is None:
        return None
    return BetterWorsePoint(
        attribute=result.attribute,
        segment=result.segment if with_segment else "",
        better=result.better,
        dissatisfaction=-result.worse or 0.0,
        worse=result.worse,
        category=result.category,
        quadrant=result.quadrant,
        n=result.n,
        functional_mean=result.functional_mean,
        dysfunctional_mean=result.dysfunctional_mean,
    )


def better_worse_points(
    analysis: KanoAnalysis, *, segments: Iterable[str] | None = None
) -> tuple[BetterWorsePoint, ...]:
    """Points for the given segments (default: the overall rows only, labelled by attribute).

    With several segments each point is labelled ``attribute (segment)``, so that patients'
    and staff's views of one attribute can be drawn side by side. Attributes whose Better and
    Worse are undefined (only R and Q answers) are left out.
    """
    wanted = [analysis.options.overall] if segments is None else list(segments)
    known = {*analysis.segments, analysis.options.overall}
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise KeyError(unknown[0])
    with_segment = len(wanted) > 1 or wanted != [analysis.options.overall]
    points = []
    for segment in wanted:
        for r in analysis.results:
            if r.segment == segment:
                p = _point(r, with_segment=with_segment)
                if p is not None:
                    points.append(p)
    return tuple(points)


def vegalite_spec(
    points: Iterable[BetterWorsePoint],
    *,
    title: str | None = None,
    split: float = 0.5,
    width: int = 480,
    height: int = 480,
) -> dict[str, Any]:
    """A Vega-Lite v5 scatter of Better against |Worse|, labelled, with the quadrant lines.

    Colour shows the segment when the points carry one; the tooltip gives the counts behind
    each point. Axes run from 0 to 1 so that diagrams from different surveys compare.
    """
    rows = [
        {
            "attribute": p.attribute,
            "segment": p.segment,
            "label": p.label,
            "better": round(p.better, 4),
            "dissatisfaction": round(p.dissatisfaction, 4),
            "worse": round(p.worse, 4),
            "category": CATEGORY_NAMES[p.category],
            "quadrant": QUADRANT_LABELS[p.quadrant],
            "n": p.n,
        }
        for p in points
    ]
    segmented = any(r["segment"] for r in rows)
    x = {
        "field": "dissatisfaction",
        "type": "quantitative",
        "title": "|Worse|: dissatisfaction if absent",
        "scale": {"domain": [0, 1]},
    }
    y = {
        "field": "better",
        "type": "quantitative",
        "title": "Better: satisfaction if present",
        "scale": {"domain": [0, 1]},
    }
    colour: dict[str, Any] = (
        {"field": "segment", "type": "nominal", "title": "Segment"}
        if segmented
        else {"value": "#005eb8"}
    )
    tooltip = [
        {"field": "label", "title": "Attribute"},
        {"field": "category", "title": "Category"},
        {"field": "quadrant", "title": "Quadrant"},
        {"field": "better", "title": "Better"},
        {"field": "worse", "title": "Worse"},
        {"field": "n", "title": "Respondents"},
    ]
    spec: dict[str, Any] = {
        "$schema": SCHEMA,
        "width": width,
        "height": height,
        "data": {"values": rows},
        "layer": [
            {"mark": {"type": "rule", "color": "#768692"}, "encoding": {"x": {"datum": split}}},
            {"mark": {"type": "rule", "color": "#768692"}, "encoding": {"y": {"datum": split}}},
            {
                "mark": {"type": "point", "filled": True, "size": 80},
                "encoding": {"x": x, "y": y, "color": colour, "tooltip": tooltip},
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 7, "dy": -7},
                "encoding": {"x": x, "y": y, "text": {"field": "label"}},
            },
        ],
    }
    if title:
        spec["title"] = title
    return spec
