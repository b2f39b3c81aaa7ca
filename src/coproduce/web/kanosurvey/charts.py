"""The Better–Worse diagram of a Kano survey, drawn on the server as SVG (ADR 0008, 0023).

The spec is the core's (:func:`coproduce.kano.vegalite_spec`), with segment names in words,
the participation charts' theme, and the segment shown by point shape as well as colour (so
nothing is told by colour alone). The drawing is one image named by its title; the page puts
the results table and a plain-English reading beside it as the text alternative. Segments
with fewer than five respondents are left out (the selector has dropped them already).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from django.utils.safestring import SafeString

from coproduce import kano
from coproduce.spc.render import HIGHLIGHTS
from coproduce.web.participation import charts as participation_charts

from .selectors import OVERALL, segment_name

SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down")


def better_worse_spec(
    points: Sequence[kano.BetterWorsePoint], *, title: str
) -> dict[str, Any] | None:
    """The diagram's spec, or None when there is nothing to draw."""
    if not points:
        return None
    named = [dataclasses.replace(p, segment=segment_name(p.segment or OVERALL)) for p in points]
    spec = kano.vegalite_spec(named, title=f"Better–Worse diagram: {title}", width=420, height=420)
    segments = list(dict.fromkeys(p.segment for p in named))
    for layer in spec["layer"]:
        mark = layer["mark"]
        mark["aria"] = False
        if mark["type"] == "point":
            layer["encoding"]["color"] = {
                "field": "segment",
                "type": "nominal",
                "title": "Who answered",
                "scale": {"domain": segments, "range": list(HIGHLIGHTS[: len(segments)])},
            }
            layer["encoding"]["shape"] = {
                "field": "segment",
                "type": "nominal",
                "title": "Who answered",
                "scale": {"domain": segments, "range": list(SHAPES[: len(segments)])},
            }
            layer["encoding"].pop("tooltip", None)
            mark["opacity"] = 1
        elif mark["type"] == "text":
            mark["fontSize"] = 10
    spec["description"] = (
        "Each point is an attribute as one group answered it: across, how much its absence "
        "dissatisfies (|Worse|); up, how much its presence satisfies (Better). Lines at 0.5 "
        "split the four quadrants. The same values are in the table."
    )
    spec["config"] = participation_charts._config()
    return spec


def better_worse_svg(points: Sequence[kano.BetterWorsePoint], *, title: str) -> SafeString | None:
    spec = better_worse_spec(points, title=title)
    return participation_charts.draw(spec) if spec else None
