"""Drawing SPC charts, kept apart from computing them.

:func:`vegalite_spec` turns an :class:`~coproduce.spc.types.SpcResult` into a Vega-Lite v5 spec
(a plain ``dict``, data inline) in NHS England's Making Data Count (MDC) style; :func:`to_svg`,
:func:`to_png` and :func:`to_html` render it offline with ``vl_convert`` (no network: external
URLs are refused and the JavaScript for the HTML page is bundled into the page);
:func:`data_table_html` gives the same numbers as an accessible NHS.UK-styled table and
:func:`render_multi` stacks several series into one spec. Nothing here touches files.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import numpy as np
import vl_convert

from coproduce.spc import anhoej
from coproduce.spc.icons import (
    BLUE,
    GREY,
    INK_DARK,
    ORANGE,
    PURPLE,
    icon_info,
    icon_title,
    ink_for,
    unit_path,
)
from coproduce.spc.numbers import finite_or_none, fmt_number
from coproduce.spc.types import (
    Assurance,
    ChartType,
    PhaseSummary,
    PointType,
    Rule,
    RuleSet,
    SpcResult,
    Variation,
)

__all__ = [
    "MAX_CHARTS",
    "NO_SIGNAL",
    "VEGA_LITE_VERSION",
    "data_table_html",
    "describe_result",
    "fmt_number",
    "point_signal_text",
    "render_multi",
    "to_html",
    "to_png",
    "to_svg",
    "vegalite_spec",
]

Spec = dict[str, Any]
XKind = Literal["temporal", "quantitative", "ordinal"]

#: The Vega-Lite library version vl_convert renders with (the spec's ``$schema`` is v5).
VEGA_LITE_VERSION = "5.21"
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
#: Most charts :func:`render_multi` draws in one spec.
MAX_CHARTS = 50
DEFAULT_WIDTH = 640
DEFAULT_HEIGHT = 300

# Lines. The data line, limits and centre line follow MDC; the 2-sigma lines are lighter.
LINE_COLOUR = GREY
CENTRE_COLOUR = INK_DARK
LIMIT_COLOUR = "#5F6162"
SIGMA2_COLOUR = "#9A9C9C"
TARGET_COLOUR = "#D5281B"  # NHS red
RUNS_CENTRE_COLOUR = INK_DARK
ANNOTATION_COLOUR = "#425563"  # NHS dark grey
# Highlights for non-MDC rules (NHS.UK palette; all at least 3:1 on white).
HIGHLIGHTS = ("#D5281B", "#005EB8", "#7C2855", "#AE2573", "#007F3B", "#330072")
HIGHLIGHT_SHAPES = ("diamond", "square", "triangle-up", "triangle-down", "cross", "triangle-right")

_MDC_POINTS: dict[PointType, tuple[str, str, str]] = {
    PointType.COMMON_CAUSE: ("Common cause", GREY, "circle"),
    PointType.IMPROVEMENT: ("Special cause improvement", BLUE, "diamond"),
    PointType.CONCERN: ("Special cause concern", ORANGE, "square"),
    PointType.NEUTRAL_HIGH: ("Special cause neutral (high)", PURPLE, "triangle-up"),
    PointType.NEUTRAL_LOW: ("Special cause neutral (low)", PURPLE, "triangle-down"),
}
NO_SIGNAL = "No signal"

_RULE_SHORT: dict[Rule, str] = {
    Rule.OUTSIDE_LIMITS: "Outside limits",
    Rule.LONG_RUN: "Long run",
    Rule.FEW_CROSSINGS: "Few crossings",
    Rule.SHIFT: "Shift",
    Rule.TREND: "Trend",
    Rule.RUNS_COUNT: "Number of runs",
    Rule.TWO_OF_THREE: "2 of 3 beyond 2 sigma",
}
_RULE_ORDER = {rule: k for k, rule in enumerate(Rule)}

_CHART_NAMES: dict[ChartType, str] = {
    ChartType.RUN: "Run chart",
    ChartType.I: "I chart (individuals)",
    ChartType.MR: "Moving range chart",
    ChartType.XBAR: "Xbar chart (subgroup means)",
    ChartType.S: "S chart (subgroup standard deviations)",
    ChartType.P: "P chart (proportions)",
    ChartType.PP: "Laney P′ chart (proportions)",
    ChartType.U: "U chart (rates)",
    ChartType.UP: "Laney U′ chart (rates)",
    ChartType.C: "C chart (counts)",
    ChartType.G: "G chart (cases between events)",
    ChartType.T: "T chart (time between events)",
    ChartType.IP: "I′ chart (standardised individuals)",
}

_ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


# --------------------------------------------------------------------------------------------
# Values


_num = finite_or_none


def _as_datetime(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):  # datetime.datetime is a date too
        return value
    if isinstance(value, np.datetime64):
        item = value.astype("datetime64[us]").item()
        return item if isinstance(item, dt.datetime) else None
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _temporal(value: dt.date) -> tuple[str, str]:
    """(value for Vega, label for people). Dates are UTC days; naive times are read as UTC."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        if value.time() == dt.time(0):
            day = value.date().isoformat()
            return day, day
        label = value.strftime("%Y-%m-%d %H:%M" + (":%S" if value.second else ""))
        return value.isoformat(timespec="seconds") + "Z", label
    return value.isoformat(), value.isoformat()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _x_kind(xs: Sequence[Any], funnel: bool) -> XKind:
    if funnel or not xs:
        return "ordinal"
    if all(_as_datetime(v) is not None for v in xs):
        return "temporal"
    if all(_is_number(v) and math.isfinite(float(v)) for v in xs):
        return "quantitative"
    return "ordinal"


def _x_value(value: Any, kind: XKind) -> tuple[Any, str] | None:
    """(value for Vega, label for people) of an x value, or None if it cannot be placed."""
    if kind == "temporal":
        d = _as_datetime(value)
        return None if d is None else _temporal(d)
    if kind == "quantitative":
        if not _is_number(value) or not math.isfinite(float(value)):
            return None
        v = float(value)
        if v.is_integer() and abs(v) < 2**53:
            return int(v), str(int(v))
        return v, fmt_number(v) if abs(v) >= 1e-4 else repr(v)
    return str(value), str(value)


def _safe_href(href: str | None) -> str | None:
    """Links in charts may only be http(s) or relative: never ``javascript:`` and the like."""
    if not href:
        return None
    scheme = urlsplit(href.strip()).scheme.lower()
    return href.strip() if scheme in {"", "http", "https"} else None


# --------------------------------------------------------------------------------------------
# Signals in words


def _phase_labels(result: SpcResult) -> dict[int, int]:
    """Phases numbered 1, 2, ... in order, whatever numbers the engine gave them."""
    return {int(p): k + 1 for k, p in enumerate(sorted({int(v) for v in result.phase}))}


def _phase_summary(result: SpcResult, i: int) -> PhaseSummary | None:
    phase = int(result.phase[i])
    for ps in result.phases:
        if ps.phase == phase:
            return ps
    for ps in result.phases:
        if ps.start <= i < ps.stop:
            return ps
    return None


def _point_rules(result: SpcResult, i: int) -> tuple[Rule, ...]:
    rules = set(result.signal_rules[i]) if i < len(result.signal_rules) else set()
    if bool(result.sigma_signal[i]):
        rules.add(Rule.OUTSIDE_LIMITS)
    return tuple(sorted(rules, key=_RULE_ORDER.__getitem__))


def _point_type(result: SpcResult, i: int) -> PointType | None:
    if result.point_type is None or i >= len(result.point_type):
        return None
    return result.point_type[i]


def _is_signal(result: SpcResult, i: int) -> bool:
    pt = _point_type(result, i)
    if pt is not None:
        return pt is not PointType.COMMON_CAUSE
    return bool(_point_rules(result, i))


def _rule_words(result: SpcResult, i: int, rule: Rule) -> str:
    rule_set = result.options.rules
    ps = _phase_summary(result, i)
    if rule is Rule.OUTSIDE_LIMITS:
        y, ucl, lcl = _num(result.y[i]), _num(result.ucl[i]), _num(result.lcl[i])
        if y is not None and ucl is not None and y > ucl:
            return "Above upper limit"
        if y is not None and lcl is not None and y < lcl:
            return "Below lower limit"
        return "Outside the limits"
    if rule is Rule.LONG_RUN:
        if ps is not None and ps.longest_run is not None and ps.longest_run_max is not None:
            return f"Part of a run of {ps.longest_run} (limit {ps.longest_run_max})"
        return "Part of an unusually long run on one side of the centre line"
    if rule is Rule.FEW_CROSSINGS:
        if ps is not None and ps.n_crossings is not None and ps.n_crossings_min is not None:
            return (
                f"Too few crossings of the centre line in this phase "
                f"({ps.n_crossings}, fewest expected {ps.n_crossings_min})"
            )
        return "Too few crossings of the centre line in this phase"
    if rule is Rule.SHIFT:
        k = anhoej.MDC_SHIFT if rule_set is RuleSet.MDC else anhoej.IHI_SHIFT
        side = "the mean" if rule_set is RuleSet.MDC else "the centre line"
        return f"Part of a shift ({k} or more points in a row on one side of {side})"
    if rule is Rule.TREND:
        k = anhoej.MDC_TREND if rule_set is RuleSet.MDC else anhoej.IHI_TREND
        return f"Part of a trend ({k} or more points in a row all going up or all going down)"
    if rule is Rule.RUNS_COUNT:
        return "Too few or too many runs in this phase"
    if rule is Rule.TWO_OF_THREE:
        return "2 of 3 points in a row beyond 2 sigma on the same side"
    return str(rule)  # pragma: no cover - every Rule is handled above


_POINT_TYPE_WORDS: dict[PointType, str] = {
    PointType.IMPROVEMENT: "Special cause improvement",
    PointType.CONCERN: "Special cause concern",
    PointType.NEUTRAL_HIGH: "Special cause variation, neutral (high)",
    PointType.NEUTRAL_LOW: "Special cause variation, neutral (low)",
}


def point_signal_text(result: SpcResult, i: int) -> str:
    """What is special about point ``i``, in words ("" when nothing is)."""
    parts: list[str] = []
    if not bool(result.include[i]):
        parts.append("Excluded from the calculations")
    pt = _point_type(result, i)
    if pt is not None and pt is not PointType.COMMON_CAUSE:
        parts.append(_POINT_TYPE_WORDS[pt])
    parts.extend(_rule_words(result, i, rule) for rule in _point_rules(result, i))
    if not parts and pt is PointType.COMMON_CAUSE:
        return "Common cause"
    return "; ".join(parts)


def _point_category(result: SpcResult, i: int) -> str:
    pt = _point_type(result, i)
    if pt is not None:
        return _MDC_POINTS[pt][0]
    rules = _point_rules(result, i)
    return " + ".join(_RULE_SHORT[r] for r in rules) if rules else NO_SIGNAL


def _runs_phases(result: SpcResult) -> set[int]:
    """Phases (engine numbers) with a runs signal: drawn with a dashed centre line."""
    if result.point_type is not None:
        return set()  # MDC judges points, not phases
    out = {ps.phase for ps in result.phases if ps.runs_signal}
    out.update(int(p) for p, s in zip(result.phase, result.runs_signal, strict=True) if s)
    return out


def _phase_signal_words(ps: PhaseSummary | None) -> str:
    if ps is None or not ps.runs_signal:
        return ""
    parts = []
    if (
        ps.longest_run is not None
        and ps.longest_run_max is not None
        and ps.longest_run > ps.longest_run_max
    ):
        parts.append(f"longest run {ps.longest_run} (limit {ps.longest_run_max})")
    if (
        ps.n_crossings is not None
        and ps.n_crossings_min is not None
        and ps.n_crossings < ps.n_crossings_min
    ):
        parts.append(f"{ps.n_crossings} crossings (fewest expected {ps.n_crossings_min})")
    return "Runs signal in this phase" + (f": {', '.join(parts)}" if parts else "")


def _plural(k: int, word: str) -> str:
    return f"{k} {word}" if k == 1 else f"{k} {word}s"


def describe_result(result: SpcResult) -> str:
    """One sentence that says what the chart shows (for ``description`` and captions)."""
    n = len(result)
    name = _CHART_NAMES.get(result.chart, f"{result.chart} chart")
    if result.options.funnel:
        name = f"Funnel plot ({name})"
    n_phases = len(_phase_labels(result))
    head = f"{name} of {_plural(n, 'point')}"
    if n_phases > 1:
        head += f" in {n_phases} phases"
    clauses = [head]
    counts: dict[str, int] = {}
    for i in range(n):
        if _is_signal(result, i) and _num(result.y[i]) is not None:
            cat = _point_category(result, i)
            counts[cat] = counts.get(cat, 0) + 1
    if counts:
        listed = ", ".join(f"{cat.lower()} at {_plural(k, 'point')}" for cat, k in counts.items())
        clauses.append(f"signals: {listed}")
    else:
        clauses.append("no point signals special cause variation")
    labels = _phase_labels(result)
    runs = sorted(labels[p] for p in _runs_phases(result) if p in labels)
    if runs:
        clauses.append(f"runs signal in phase {', '.join(map(str, runs))}")
    target = _target(result, None)
    if target is not None:
        clauses.append(f"target {fmt_number(target)}")
    if result.variation is not None:
        clauses.append(icon_title(result.variation).lower())
    if result.assurance is not None:
        clauses.append(icon_title(result.assurance).lower())
    return "; ".join(clauses) + "."


def _target(result: SpcResult, series_key: Any) -> float | None:
    target = result.options.target
    if isinstance(target, Mapping):
        target = target.get(series_key) if series_key is not None else None
    return _num(target) if target is not None else None


# --------------------------------------------------------------------------------------------
# The Vega-Lite spec


@dataclass(frozen=True, slots=True)
class _Frame:
    rows: list[dict[str, Any]]
    kind: XKind
    categories: list[str]  # colour/shape legend domain, in order
    colours: list[str]
    shapes: list[str]
    has_runs: bool  # some phase has a runs signal (its centre line is dashed)


def _rows(result: SpcResult, *, two_sigma: bool) -> _Frame:
    """One row per point with the fields the layers, tooltips and descriptions use, and only
    those: the spec is inlined in every page and parsed by vl-convert on every drawing, so
    fields no layer reads (the 2-sigma limits without ``two_sigma``, ``n`` of a chart without
    denominators, the runs-signal fields when no phase has one) are left out."""
    kind = _x_kind(result.x, result.options.funnel)
    phase_no = _phase_labels(result)
    runs_phases = _runs_phases(result)
    has_runs = any(int(p) in runs_phases for p in result.phase)
    rows: list[dict[str, Any]] = []
    seen: dict[str, None] = {}
    for i, x in enumerate(result.x):
        placed = _x_value(x, kind)
        xv, xl = placed if placed is not None else (str(x), str(x))
        y = _num(result.y[i])
        cl, lcl, ucl = _num(result.cl[i]), _num(result.lcl[i]), _num(result.ucl[i])
        phase = int(result.phase[i])
        cat = _point_category(result, i)
        seen.setdefault(cat, None)
        row: dict[str, Any] = {
            "x": xv,
            "x_label": xl,
            "y": y,
            "cl": cl,
            "lcl": lcl,
            "ucl": ucl,
            "phase": phase_no[phase],
            "category": cat,
            "signal": _is_signal(result, i),
            "excluded": not bool(result.include[i]),
            "y_text": fmt_number(y) or "–",
            "cl_text": fmt_number(cl) or "–",
            "lcl_text": fmt_number(lcl) or "–",
            "ucl_text": fmt_number(ucl) or "–",
            "signal_text": point_signal_text(result, i) or NO_SIGNAL,
        }
        if result.n is not None:
            row["n"] = _num(result.n[i])
        if two_sigma:
            lcl95, ucl95 = _num(result.lcl_95[i]), _num(result.ucl_95[i])
            row |= {
                "lcl_95": lcl95,
                "ucl_95": ucl95,
                "lcl_95_text": fmt_number(lcl95) or "–",
                "ucl_95_text": fmt_number(ucl95) or "–",
            }
        if has_runs:
            row["runs_phase"] = phase in runs_phases
            row["phase_signal"] = (
                _phase_signal_words(_phase_summary(result, i)) if phase in runs_phases else ""
            )
        row["aria"] = _point_aria(row)
        rows.append(row)
    if result.point_type is not None:
        order = [style[0] for style in _MDC_POINTS.values()]
        categories = [c for c in order if c in seen]
        style = {label: (colour, shape) for label, colour, shape in _MDC_POINTS.values()}
        colours = [style[c][0] for c in categories]
        shapes = [style[c][1] for c in categories]
    else:
        highlighted = [c for c in seen if c != NO_SIGNAL]
        categories = ([NO_SIGNAL] if NO_SIGNAL in seen else []) + highlighted
        colours = ([GREY] if NO_SIGNAL in seen else []) + [
            HIGHLIGHTS[k % len(HIGHLIGHTS)] for k in range(len(highlighted))
        ]
        shapes = (["circle"] if NO_SIGNAL in seen else []) + [
            HIGHLIGHT_SHAPES[k % len(HIGHLIGHT_SHAPES)] for k in range(len(highlighted))
        ]
    return _Frame(rows, kind, categories, colours, shapes, has_runs)


def _point_aria(row: Mapping[str, Any]) -> str:
    text = f"{row['x_label']}: {row['y_text']}"
    if row["signal_text"] != NO_SIGNAL:
        text += f", {row['signal_text']}"
    return text


def _x_title(kind: XKind, funnel: bool, given: str) -> str:
    if given:
        return given
    if funnel:
        return "Unit"
    return "Date" if kind == "temporal" else "x"


def _x_encoding(kind: XKind, title: str) -> Spec:
    enc: Spec = {"field": "x", "type": kind, "title": title}
    if kind == "temporal":
        enc["scale"] = {"type": "utc"}
        enc["axis"] = {"labelOverlap": True}
    elif kind == "ordinal":
        enc["sort"] = None  # keep the order of the data
        enc["axis"] = {"labelAngle": -45, "labelOverlap": True, "labelLimit": 120}
    else:
        enc["scale"] = {"zero": False, "nice": False}
    return enc


def _y_encoding(field_name: str, title: str) -> Spec:
    return {"field": field_name, "type": "quantitative", "title": title, "scale": {"zero": False}}


def _step_layer(
    name: str,
    field_name: str,
    *,
    x: Spec,
    y_title: str,
    colour: str,
    dash: list[int] | None,
    width: float,
    filter_expr: str | None = None,
    tooltip: list[Spec] | None = None,
) -> Spec:
    """A per-point step line, one path per phase (``detail``), broken where values are missing."""
    mark: Spec = {
        "type": "line",
        "interpolate": "step",
        "color": colour,
        "strokeWidth": width,
        "invalid": "break-paths-show-domains",
        "aria": False,
    }
    if dash:
        mark["strokeDash"] = dash
    layer: Spec = {
        "name": name,
        "mark": mark,
        "encoding": {
            "x": x,
            "y": _y_encoding(field_name, y_title),
            "detail": {"field": "phase", "type": "ordinal"},
        },
    }
    if filter_expr:
        layer["transform"] = [{"filter": filter_expr}]
    if tooltip:
        layer["encoding"]["tooltip"] = tooltip
    return layer


def _has_values(rows: Iterable[Mapping[str, Any]], field_name: str) -> bool:
    return any(r[field_name] is not None for r in rows)


def _spread(positions: list[float], gap: float) -> list[float]:
    """Nudge sorted pixel positions apart so that neighbours are at least ``gap`` apart."""
    out = list(positions)
    for k in range(1, len(out)):
        out[k] = max(out[k], out[k - 1] + gap)
    return out


def _end_labels(
    frame: _Frame, target: float | None, *, x: Spec, y_title: str, height: int
) -> list[Spec]:
    """Direct labels at the right-hand end of the centre line, limits and target, nudged apart
    where they would overlap."""
    if frame.kind == "ordinal" or not frame.rows:
        return []
    last = frame.rows[-1]
    candidates: list[tuple[str, float | None, str]] = [
        ("Centre", last["cl"], CENTRE_COLOUR),
        ("Upper limit", last["ucl"], LIMIT_COLOUR),
        ("Lower limit", last["lcl"], LIMIT_COLOUR),
        ("Target", target, TARGET_COLOUR),
    ]
    labels = [(t, v, c) for t, v, c in candidates if v is not None]
    if not labels:
        return []
    values = [r[f] for r in frame.rows for f in ("y", "cl", "lcl", "ucl") if r[f] is not None] + [
        v for _, v, _ in labels
    ]
    lo, hi = min(values), max(values)
    scale = height / (hi - lo) if hi > lo else 0.0
    # Pixel rows from the top, approximately (Vega-Lite "nices" the domain a little).
    labels.sort(key=lambda item: -item[1])
    natural = [(hi - v) * scale for _, v, _ in labels]
    placed = _spread(natural, 11.0)
    layers = []
    for (text, value, colour), want, got in zip(labels, natural, placed, strict=True):
        layers.append(
            {
                "name": f"label-{text.lower().replace(' ', '-')}",
                "data": {"values": [{"x": last["x"], "v": value, "text": text}]},
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "middle",
                    "dx": 6,
                    "dy": round(got - want, 1),
                    "fontSize": 10,
                    "color": colour,
                    "aria": False,
                },
                "encoding": {
                    "x": x,
                    "y": _y_encoding("v", y_title),
                    "text": {"field": "text"},
                },
            }
        )
    return layers


def _annotation_layers(result: SpcResult, kind: XKind, x: Spec, known: set[str]) -> list[Spec]:
    values: list[Spec] = []
    for k, note in enumerate(result.annotations):
        placed = _x_value(note.x, kind)
        if placed is None or (kind == "ordinal" and placed[0] not in known):
            continue
        value: Spec = {"x": placed[0], "x_label": placed[1], "label": note.label, "row": k % 3}
        href = _safe_href(note.href)
        if href:
            value["href"] = href
        values.append(value)
    if not values:
        return []
    tooltip = [
        {"field": "x_label", "title": x.get("title") or "x"},
        {"field": "label", "title": "Note"},
    ]
    rule_layer: Spec = {
        "name": "annotation-rules",
        "data": {"values": values},
        "mark": {"type": "rule", "color": ANNOTATION_COLOUR, "strokeDash": [2, 2]},
        "encoding": {"x": x, "tooltip": tooltip},
    }
    layers = [rule_layer]
    for row in sorted({v["row"] for v in values}):
        text_enc: Spec = {
            "x": x,
            "y": {"value": 2 + 13 * row},
            "text": {"field": "label"},
            "tooltip": tooltip,
        }
        if any("href" in v for v in values):
            text_enc["href"] = {"field": "href"}
        layers.append(
            {
                "name": f"annotation-labels-{row + 1}",
                "data": {"values": [v for v in values if v["row"] == row]},
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "top",
                    "dx": 3,
                    "fontSize": 10,
                    "color": ANNOTATION_COLOUR,
                    "limit": 160,
                },
                "encoding": text_enc,
            }
        )
    return layers


def _icon_layers(result: SpcResult, width: int, size: int = 36) -> list[Spec]:
    """The variation and assurance icons above the top right of the plot, drawn with Vega
    symbols from the same paths as :func:`~coproduce.spc.icons.icon_svg` (image marks would
    be far slower to rasterise)."""
    kinds: list[Variation | Assurance] = [
        k for k in (result.variation, result.assurance) if k is not None
    ]
    layers: list[Spec] = []
    gap = 6
    for k, kind in enumerate(kinds):
        info = icon_info(kind)
        ink = ink_for(info.fill)
        centre_x = width - size / 2 - (len(kinds) - 1 - k) * (size + gap)
        centre_y = -size / 2 - 8
        prefix = "icon-variation" if isinstance(kind, Variation) else "icon-assurance"
        position = {"x": {"value": centre_x}, "y": {"value": centre_y}}
        layers.append(
            {
                "name": prefix,
                "data": {"values": [{"title": info.title, "kind": str(kind)}]},
                "mark": {
                    "type": "point",
                    "shape": "circle",
                    "size": (size * 0.92) ** 2,  # r = 46 in the icon's 100 x 100 box
                    "filled": True,
                    "fill": info.fill,
                    "stroke": INK_DARK,
                    "strokeWidth": max(size * 0.03, 1),
                    "opacity": 1,
                },
                "encoding": {
                    **position,
                    "description": {"field": "title"},
                    "tooltip": {"field": "title", "type": "nominal"},
                },
            }
        )
        for j, path in enumerate(info.paths):
            layers.append(
                {
                    "name": f"{prefix}-glyph-{j + 1}",
                    "data": {"values": [{}]},
                    "mark": {
                        "type": "point",
                        "shape": unit_path(path),
                        "size": size**2,
                        "filled": False,
                        "stroke": ink,
                        "strokeWidth": size * 0.09,
                        "strokeCap": "round",
                        "strokeJoin": "round",
                        "opacity": 1,
                        "aria": False,
                    },
                    "encoding": position,
                }
            )
        if info.dot:
            layers.append(
                {
                    "name": f"{prefix}-dot",
                    "data": {"values": [{}]},
                    "mark": {
                        "type": "point",
                        "shape": "circle",
                        "size": (size * 0.11) ** 2,
                        "filled": True,
                        "fill": ink,
                        "opacity": 1,
                        "aria": False,
                    },
                    "encoding": {
                        "x": {"value": centre_x},
                        "y": {"value": centre_y + size * 0.25},
                    },
                }
            )
    return layers


def _config() -> Spec:
    return {
        "font": "Arial, Liberation Sans, Helvetica, sans-serif",
        "view": {"stroke": None},
        "axis": {
            "gridColor": "#E8EDEE",
            "domainColor": "#4C6272",
            "tickColor": "#4C6272",
            "labelColor": INK_DARK,
            "titleColor": INK_DARK,
            "labelFontSize": 11,
            "titleFontSize": 12,
        },
        "legend": {"labelColor": INK_DARK, "titleColor": INK_DARK, "labelFontSize": 11},
        "title": {"color": INK_DARK, "subtitleColor": "#4C6272", "fontSize": 15},
    }


def vegalite_spec(
    result: SpcResult,
    *,
    title: str = "",
    y_title: str = "",
    x_title: str = "",
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    two_sigma: bool = False,
    series_key: Any = None,
) -> Spec:
    """A Vega-Lite v5 spec of one chart, data inline, in Making Data Count style.

    Points are coloured by their MDC type (grey common cause, blue improvement, orange concern,
    purple neutral) or, without MDC rules, by which rule fired; special-cause points also have a
    different shape and a dark outline, so colour is never the only cue. The centre line and the
    limits are per-point step lines, one per phase. ``two_sigma`` adds the 2-sigma lines.
    ``series_key`` picks the target when ``options.target`` is a mapping from series key.
    """
    frame = _rows(result, two_sigma=two_sigma)
    x_label = _x_title(frame.kind, result.options.funnel, x_title)
    y_label = y_title or "Value"
    x = _x_encoding(frame.kind, x_label)
    rows = frame.rows
    target = _target(result, series_key)

    tooltip: list[Spec] = [
        {"field": "x_label", "title": x_label},
        {"field": "y_text", "title": y_label},
    ]
    if result.n is not None:
        tooltip.append({"field": "n", "title": "n", "format": ","})
    tooltip.append({"field": "cl_text", "title": "Centre"})
    if _has_values(rows, "lcl") or _has_values(rows, "ucl"):
        tooltip += [
            {"field": "lcl_text", "title": "Lower limit"},
            {"field": "ucl_text", "title": "Upper limit"},
        ]
    if two_sigma and (_has_values(rows, "lcl_95") or _has_values(rows, "ucl_95")):
        tooltip += [
            {"field": "lcl_95_text", "title": "Lower 2-sigma"},
            {"field": "ucl_95_text", "title": "Upper 2-sigma"},
        ]
    tooltip += [
        {"field": "phase", "title": "Phase"},
        {"field": "signal_text", "title": "Signal"},
    ]

    layers: list[Spec] = []
    if two_sigma:
        for fld in ("ucl_95", "lcl_95"):
            if _has_values(rows, fld):
                layers.append(
                    _step_layer(
                        f"two-sigma-{'upper' if fld == 'ucl_95' else 'lower'}",
                        fld,
                        x=x,
                        y_title=y_label,
                        colour=SIGMA2_COLOUR,
                        dash=[2, 3],
                        width=1,
                    )
                )
    for fld in ("ucl", "lcl"):
        if _has_values(rows, fld):
            layers.append(
                _step_layer(
                    f"limit-{'upper' if fld == 'ucl' else 'lower'}",
                    fld,
                    x=x,
                    y_title=y_label,
                    colour=LIMIT_COLOUR,
                    dash=[6, 4],
                    width=1.3,
                )
            )
    if _has_values(rows, "cl"):
        has_runs = frame.has_runs
        layers.append(
            _step_layer(
                "centre",
                "cl",
                x=x,
                y_title=y_label,
                colour=CENTRE_COLOUR,
                dash=None,
                width=1.5,
                filter_expr="!datum.runs_phase" if has_runs else None,
            )
        )
        if has_runs:
            layers.append(
                _step_layer(
                    "centre-runs-signal",
                    "cl",
                    x=x,
                    y_title=y_label,
                    colour=RUNS_CENTRE_COLOUR,
                    dash=[8, 4],
                    width=2,
                    filter_expr="datum.runs_phase",
                    tooltip=[
                        {"field": "phase", "title": "Phase"},
                        {"field": "cl_text", "title": "Centre"},
                        {"field": "phase_signal", "title": "Signal"},
                    ],
                )
            )
    if target is not None:
        layers.append(
            {
                "name": "target",
                "data": {"values": [{"target": target, "text": fmt_number(target)}]},
                "mark": {
                    "type": "rule",
                    "color": TARGET_COLOUR,
                    "strokeDash": [10, 3, 2, 3],
                    "strokeWidth": 1.5,
                },
                "encoding": {
                    "y": _y_encoding("target", y_label),
                    "tooltip": [{"field": "text", "title": "Target"}],
                },
            }
        )
    if not result.options.funnel:  # a funnel plot's units are not a sequence: no line
        layers.append(
            {
                "name": "data-line",
                "mark": {
                    "type": "line",
                    "color": LINE_COLOUR,
                    "strokeWidth": 1.5,
                    "invalid": "break-paths-show-domains",
                    "aria": False,
                },
                "encoding": {"x": x, "y": _y_encoding("y", y_label)},
            }
        )
    legend: Spec = {
        "title": "Points",
        "orient": "bottom",
        "direction": "horizontal",
        "symbolStrokeColor": INK_DARK,
        "symbolStrokeWidth": 0.8,
    }
    layers.append(
        {
            "name": "points",
            "transform": [{"filter": "isValid(datum.y) && isFinite(datum.y)"}],
            "mark": {
                "type": "point",
                "filled": True,
                "size": 55,
                "opacity": 1,
                "stroke": INK_DARK,
            },
            "encoding": {
                "x": x,
                "y": _y_encoding("y", y_label),
                "color": {
                    "field": "category",
                    "type": "nominal",
                    "scale": {"domain": frame.categories, "range": frame.colours},
                    "legend": legend,
                },
                "shape": {
                    "field": "category",
                    "type": "nominal",
                    "scale": {"domain": frame.categories, "range": frame.shapes},
                    "legend": legend,
                },
                "strokeWidth": {"condition": {"test": "datum.signal", "value": 1}, "value": 0},
                "fillOpacity": {"condition": {"test": "datum.excluded", "value": 0.35}, "value": 1},
                "tooltip": tooltip,
                "description": {"field": "aria"},
            },
        }
    )
    layers += _end_labels(frame, target, x=x, y_title=y_label, height=height)
    known = {str(r["x"]) for r in rows}
    layers += _annotation_layers(result, frame.kind, x, known)
    layers += _icon_layers(result, width)

    summary = describe_result(result)
    spec: Spec = {
        "$schema": SCHEMA,
        "description": f"{title}. {summary}" if title else summary,
        "width": width,
        "height": height,
        "data": {"values": rows},
        "layer": layers,
        "config": _config(),
    }
    if title or frame.has_runs:
        heading: Spec = {"text": title or " ", "anchor": "start", "offset": 14}
        if frame.has_runs:
            heading["subtitle"] = (
                "Dashed centre line: a runs signal (non-random pattern) in that phase"
            )
        spec["title"] = heading
    return spec


def render_multi(
    results: Sequence[tuple[str, SpcResult]],
    *,
    y_title: str = "",
    x_title: str = "",
    width: int = DEFAULT_WIDTH,
    height: int = 220,
    two_sigma: bool = False,
    title: str = "",
) -> Spec:
    """One spec with a chart per series, stacked (``vconcat``), each with its own scales.

    At most :data:`MAX_CHARTS` charts: more than that is unreadable and slow to render, so it is
    a ``ValueError``. The series name is each chart's title and picks its target when the
    target is a mapping.
    """
    if not results:
        raise ValueError("render_multi needs at least one series to draw")
    if len(results) > MAX_CHARTS:
        raise ValueError(
            f"too many series to draw in one chart: {len(results)} (at most {MAX_CHARTS}); "
            "filter the series or draw them in batches"
        )
    charts: list[Spec] = []
    descriptions: list[str] = []
    for name, result in results:
        spec = vegalite_spec(
            result,
            title=str(name),
            y_title=y_title,
            x_title=x_title,
            width=width,
            height=height,
            two_sigma=two_sigma,
            series_key=name,
        )
        spec.pop("$schema", None)
        spec.pop("config", None)
        # Vega-Lite names datasets and marks after a view's name: they must be unique.
        for layer in spec["layer"]:
            layer["name"] = f"chart{len(charts) + 1}-{layer['name']}"
        descriptions.append(spec["description"])
        charts.append(spec)
    lead = f"{title}. " if title else ""
    multi: Spec = {
        "$schema": SCHEMA,
        "description": f"{lead}{_plural(len(results), 'chart')}: " + " ".join(descriptions),
        "vconcat": charts,
        "spacing": 36,
        "resolve": {"scale": {"color": "independent", "shape": "independent"}},
        "config": _config(),
    }
    if title:
        multi["title"] = {"text": title, "anchor": "start", "fontSize": 17}
    return multi


# --------------------------------------------------------------------------------------------
# Rendering (offline)


def to_svg(spec: Mapping[str, Any]) -> str:
    """The chart as an SVG document, with a ``<title>`` and ``<desc>`` for screen readers.

    No network: external data URLs are refused.
    """
    svg = vl_convert.vegalite_to_svg(dict(spec), vl_version=VEGA_LITE_VERSION, allowed_base_urls=[])
    title = _spec_title(spec) or "SPC chart"
    desc = str(spec.get("description", ""))
    head = f"<title>{html.escape(title)}</title><desc>{html.escape(desc)}</desc>"
    end = svg.find(">", svg.find("<svg")) + 1
    return svg[:end] + head + svg[end:] if end > 0 else svg


def to_png(spec: Mapping[str, Any], scale: float = 2) -> bytes:
    """The chart as PNG bytes (``scale`` 2 for sharp text on high-density screens)."""
    return vl_convert.vegalite_to_png(
        dict(spec), vl_version=VEGA_LITE_VERSION, scale=scale, allowed_base_urls=[]
    )


_EMBED_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"


@functools.lru_cache(maxsize=1)
def _javascript_bundle() -> str:
    bundle = vl_convert.javascript_bundle(_EMBED_SNIPPET, vl_version=VEGA_LITE_VERSION)
    if "</script" in bundle.lower():  # pragma: no cover - would break out of the script tag
        raise RuntimeError("the bundled Vega JavaScript cannot be inlined in a <script> tag")
    return bundle


def _script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>``, ``<!--``, U+2028)."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


_PAGE_CSS = """
body{font-family:Arial,"Liberation Sans",Helvetica,sans-serif;color:#212b32;background:#fff;
margin:0;line-height:1.5}
main{max-width:1000px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:1.6rem;margin:0 0 8px}
.chart-description{color:#4c6272;margin:0 0 16px}
.nhsuk-table-container{overflow-x:auto;margin-top:32px}
.nhsuk-table{border-collapse:collapse;border-spacing:0;width:100%;font-size:0.95rem}
.nhsuk-table__caption{font-weight:bold;font-size:1.1rem;text-align:left;padding-bottom:8px}
.nhsuk-table th,.nhsuk-table td{border-bottom:1px solid #d8dde0;padding:6px 12px 6px 0;
text-align:left;vertical-align:top}
.nhsuk-table thead th{border-bottom:2px solid #212b32}
.nhsuk-table__cell--numeric,.nhsuk-table__header--numeric{text-align:right !important;
font-variant-numeric:tabular-nums}
#vis:focus{outline:3px solid #ffeb3b}
"""


def _spec_title(spec: Mapping[str, Any]) -> str:
    title = spec.get("title")
    if isinstance(title, Mapping):
        title = title.get("text")
    return str(title).strip() if isinstance(title, str) else ""


def to_html(
    spec: Mapping[str, Any],
    *,
    table_html: str = "",
    page_title: str | None = None,
) -> str:
    """A standalone, offline HTML page: the interactive chart and the data table.

    The Vega, Vega-Lite and Vega-Embed JavaScript is inlined (nothing is loaded from a CDN) and
    the spec is embedded as script-safe JSON. ``table_html`` is inserted as given: pass the
    output of :func:`data_table_html` (already escaped), never untrusted markup.
    """
    heading = page_title if page_title is not None else (_spec_title(spec) or "SPC chart")
    description = str(spec.get("description", ""))
    if description.startswith(f"{heading}. "):
        description = description[len(heading) + 2 :]  # the heading says it already
    options = {"renderer": "svg", "actions": False}
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(heading)}</title>\n"
        f"<style>{_PAGE_CSS}</style>\n"
        f'<script type="text/javascript">{_javascript_bundle()}</script>\n'
        "</head>\n<body>\n<main>\n"
        f"<h1>{html.escape(heading)}</h1>\n"
        f'<p class="chart-description">{html.escape(description)}</p>\n'
        '<figure style="margin:0">\n<div id="vis"></div>\n'
        "<noscript><p>The interactive chart needs JavaScript. "
        "The same numbers are in the table below.</p></noscript>\n</figure>\n"
        f"{table_html}\n"
        "</main>\n"
        '<script type="text/javascript">\n'
        f"vegaEmbed('#vis', {_script_json(dict(spec))}, {_script_json(options)})"
        ".catch(console.error);\n"
        "</script>\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------------------------
# The data table


def data_table_html(
    result: SpcResult,
    *,
    caption: str,
    x_title: str = "",
    y_title: str = "",
) -> str:
    """The chart's numbers as an accessible HTML table using NHS.UK frontend classes.

    One row per point: x (a row header), value, centre, limits, phase and the signal in words.
    Every value is escaped.
    """
    kind = _x_kind(result.x, result.options.funnel)
    x_label = _x_title(kind, result.options.funnel, x_title)
    phase_no = _phase_labels(result)
    has_limits = bool(np.isfinite(result.lcl).any() or np.isfinite(result.ucl).any())
    columns: list[tuple[str, bool]] = [(x_label, False), (y_title or "Value", True)]
    if result.n is not None:
        columns.append(("n", True))
    columns.append(("Centre", True))
    if has_limits:
        columns += [("Lower limit", True), ("Upper limit", True)]
    columns += [("Phase", True), ("Signal", False)]

    esc = html.escape
    head = "".join(
        f'<th scope="col" class="nhsuk-table__header'
        f'{" nhsuk-table__header--numeric" if numeric else ""}">{esc(name)}</th>'
        for name, numeric in columns
    )
    body: list[str] = []
    num_cell = '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td>'
    for i, x in enumerate(result.x):
        placed = _x_value(x, kind)
        label = placed[1] if placed is not None else str(x)
        cells = [
            f'<th scope="row" class="nhsuk-table__header">{esc(label)}</th>',
            num_cell.format(esc(fmt_number(_num(result.y[i])))),
        ]
        if result.n is not None:
            cells.append(num_cell.format(esc(fmt_number(_num(result.n[i])))))
        cells.append(num_cell.format(esc(fmt_number(_num(result.cl[i])))))
        if has_limits:
            cells.append(num_cell.format(esc(fmt_number(_num(result.lcl[i])))))
            cells.append(num_cell.format(esc(fmt_number(_num(result.ucl[i])))))
        cells.append(num_cell.format(phase_no[int(result.phase[i])]))
        signal = point_signal_text(result, i) or NO_SIGNAL
        cells.append(f'<td class="nhsuk-table__cell">{esc(signal)}</td>')
        body.append(f'<tr class="nhsuk-table__row">{"".join(cells)}</tr>')
    return (
        '<div class="nhsuk-table-container">\n'
        '<table class="nhsuk-table">\n'
        f'<caption class="nhsuk-table__caption">{esc(caption)}</caption>\n'
        f'<thead class="nhsuk-table__head"><tr class="nhsuk-table__row">{head}</tr></thead>\n'
        f'<tbody class="nhsuk-table__body">\n' + "\n".join(body) + "\n</tbody>\n</table>\n</div>"
    )
