"""Reads for a measure's chart and the boards: models in, plain SPC results and views out.

Everything is scoped to the reader through ``project_for_user`` (404 for outsiders; a measure
is found with ``selectors.measure_for_user``). The SPC engine (``coproduce.spc``) only ever
sees plain values: the measure's settings become ``SpcOptions``, its whole-measure points
(stratum ``""``) become ``x``, ``y`` and ``n``, its phases become ``split`` values.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import logging
import math
import re
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.cache import caches
from django.db.models import Q, QuerySet
from django.http import Http404

from coproduce.spc import Annotation, SpcInputError, SpcOptions, SpcResult, spc
from coproduce.spc.icons import icon_svg, icon_title
from coproduce.spc.numbers import finite_or_none, fmt_number
from coproduce.spc.reading import format_value, read, read_all, uk_day, uk_month
from coproduce.spc.render import point_signal_text, vegalite_spec
from coproduce.spc.types import ChartType, Direction, RuleSet
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Organisation, Project

from .models import DataPoint, Measure, Phase

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Bump when the drawing changes, so cached SVGs of the old drawing are not served.
SVG_VERSION = "1"
#: The caches of drawings (``settings.CACHES``): on disk, shared by the app's processes and
#: kept across restarts; and a small per-process memory cache in front of it.
CHART_CACHE = "charts"
CHART_MEMORY_CACHE = "charts_memory"
#: Charts of more points than this are not drawn ahead after a change (see ``draw_ahead``).
DRAW_AHEAD_MAX_POINTS = 2000

# --------------------------------------------------------------------------------------------
# Lookups


def phases_of(*, measure: Measure) -> QuerySet[Phase]:
    return Phase.objects.filter(measure=measure).select_related("created_by").order_by("starts")


def phase_in(*, measure: Measure, pk: int) -> Phase:
    try:
        return Phase.objects.get(measure=measure, pk=pk)
    except Phase.DoesNotExist:
        raise Http404("No such phase.") from None


def periods_of(*, measure: Measure) -> list[date]:
    """The periods of the measure as a whole (stratum ``""``), in order."""
    return list(
        DataPoint.objects.filter(measure=measure, stratum="")
        .order_by("period")
        .values_list("period", flat=True)
    )


def organisation_for_user(*, pk: int, user: User | AnonymousUser) -> Organisation:
    """The organisation if ``user`` belongs to it or to one of its projects; else 404."""
    if not user.is_authenticated:
        raise Http404("No such organisation.")
    found = (
        Organisation.objects.filter(pk=pk)
        .filter(Q(memberships__user=user) | Q(projects__memberships__user=user))
        .distinct()
        .first()
    )
    if found is None:
        raise Http404("No such organisation.")
    return found


# --------------------------------------------------------------------------------------------
# PDSA cycles drawn on the chart (from the improvement app, when it is there)


def _cycle_annotations_function() -> Callable[[Measure], list[tuple[date, str, str]]] | None:
    try:
        from coproduce.web.improvement import selectors as improvement_selectors
    except ImportError:  # pragma: no cover - the improvement app is always installed today
        return None
    found = getattr(improvement_selectors, "cycle_annotations", None)
    return found if callable(found) else None


def cycle_annotations(measure: Measure) -> list[tuple[date, str, str]]:
    """The PDSA cycles on ``measure``: (date, label, url); none if the app cannot say."""
    function = _cycle_annotations_function()
    if function is None:
        return []
    return [(d, str(label), str(url)) for d, label, url in function(measure)]


# --------------------------------------------------------------------------------------------
# The chart


@dataclass(frozen=True)
class PlainPoint:
    period: date
    value: float
    denominator: float | None


@dataclass(frozen=True)
class PlainPhase:
    pk: int
    starts: date
    reason: str


@dataclass
class Chart:
    """A measure's chart, computed; ``result`` is None when it cannot be drawn (``problem``)."""

    measure: Measure
    points: list[PlainPoint]
    phases: list[PlainPhase]
    annotations: list[tuple[date, str, str]]
    result: SpcResult | None = None
    problem: str = ""
    reading: tuple[str, ...] = ()  # every sentence of the reading
    headline: str = ""  # the reading's headline and assurance
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def x_format(self) -> Callable[[Any], str]:
        return x_format_for(self.measure)


def x_format_for(measure: Measure) -> Callable[[Any], str]:
    return uk_day if measure.frequency in ("daily", "weekly") else uk_month


def options_for(
    measure: Measure, phases: Sequence[PlainPhase], periods: Sequence[date]
) -> SpcOptions:
    return SpcOptions(
        freeze=measure.baseline_points or None,
        split=split_values(phases, periods),
        direction=Direction(measure.direction),
        target=measure.target,
        rules=RuleSet(measure.rules),
        multiply=measure.multiply or 1.0,
    )


def splitting_phases(
    phases: Iterable[PlainPhase], periods: Sequence[date]
) -> list[tuple[date, PlainPhase]]:
    """The phases that split the chart, each with the period its new limits start at.

    A phase starts at the first period on or after its ``starts`` (a period may have been
    deleted since the phase was added). A phase that would start at the first period, or after
    the last one, splits nothing; of phases that would start at the same period, the earliest
    counts. ``periods`` are in order."""
    if len(periods) < 2:
        return []
    found: dict[date, PlainPhase] = {}
    for phase in sorted(phases, key=lambda p: p.starts):
        k = bisect_left(periods, phase.starts)
        if k == 0 or k == len(periods) or periods[k] in found:
            continue
        found[periods[k]] = phase
    return sorted(found.items(), key=lambda item: item[0])


def split_values(phases: Iterable[PlainPhase], periods: Sequence[date]) -> list[date]:
    """The periods where the phases that split the chart start (:func:`splitting_phases`)."""
    return [first for first, _ in splitting_phases(phases, periods)]


def chart_for(measure: Measure) -> Chart:
    """Compute the measure's chart (fewer than 2 points: no result, and ``problem`` says why)."""
    started = time.perf_counter()
    points = [
        PlainPoint(period, value, denominator)
        for period, value, denominator in DataPoint.objects.filter(measure=measure, stratum="")
        .order_by("period")
        .values_list("period", "value", "denominator")
    ]
    phases = [PlainPhase(p.pk, p.starts, p.reason) for p in phases_of(measure=measure)]
    chart = Chart(measure, points, phases, cycle_annotations(measure))
    chart.timings["query"] = time.perf_counter() - started
    compute(chart)
    return chart


def compute(chart: Chart) -> None:
    measure, points = chart.measure, chart.points
    if len(points) < 2:
        chart.problem = "There is not enough data to draw a chart: it needs at least 2 values."
        return
    kind = ChartType(measure.chart)
    if kind.needs_n and any(p.denominator is None for p in points):
        chart.problem = (
            "Some periods have no denominator, which this chart needs: enter the missing "
            "denominators to draw it."
        )
        return
    started = time.perf_counter()
    periods = [p.period for p in points]
    notes = [Annotation(d, label, url) for d, label, url in chart.annotations]
    for first, phase in splitting_phases(chart.phases, periods):
        reason = " ".join(phase.reason.split())
        short = reason if len(reason) <= 40 else reason[:39].rstrip() + "…"
        notes.append(Annotation(first, f"New phase: {short}"))
    try:
        chart.result = spc(
            [p.value for p in points],
            x=periods,
            n=[p.denominator for p in points] if kind.needs_n else None,
            chart=kind,
            options=options_for(measure, chart.phases, periods),
            annotations=notes,
        )
    except SpcInputError as error:
        chart.problem = f"The chart cannot be drawn: {error.reason}."
        return
    chart.timings["spc"] = time.perf_counter() - started
    chart.reading = read_all(chart.result, unit=measure.unit, x_format=chart.x_format)
    chart.headline = read(chart.result, unit=measure.unit, x_format=chart.x_format)


def phase_descriptions(chart: Chart) -> list[str]:
    """ "Limits recalculated from March 2026: <reason>" for each phase that splits the chart."""
    periods = [p.period for p in chart.points]
    return [
        f"Limits recalculated from {chart.x_format(first)}: {phase.reason}"
        for first, phase in splitting_phases(chart.phases, periods)
    ]


def spec_for(chart: Chart) -> dict[str, Any]:
    assert chart.result is not None
    measure = chart.measure
    spec = vegalite_spec(
        chart.result,
        title=measure.title,
        y_title=measure.unit or "Value",
        x_title="Period",
    )
    extra = " ".join([chart.headline, *(f"{d}." for d in phase_descriptions(chart))])
    if extra:
        spec["description"] = f"{spec['description']} {extra}"
    return spec


def _cache_key(spec: dict[str, Any], kind: str) -> str:
    """A key derived from the Vega-Lite spec itself, which holds everything the drawing shows
    (points, limits, phases, PDSA cycles, titles, the reading in its description), plus the
    renderer's version and :data:`SVG_VERSION`: a changed chart gets a new key, so a stale
    drawing can never be served, and nothing has to be invalidated."""
    import vl_convert

    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256(
        f"{SVG_VERSION}|{kind}|{getattr(vl_convert, '__version__', '')}|{text}".encode()
    ).hexdigest()
    return f"coproduce:chart:{kind}:{digest}"


def _cached(key: str, kind: type[T], *, in_memory: bool = True) -> tuple[T | None, str]:
    """A drawing from the memory cache, else from the disk cache (then kept in memory too,
    if ``in_memory``): ``(drawing, "memory" | "disk")``, or ``(None, "")``. A disk cache that
    cannot be read is a miss: the chart is drawn again rather than the page failing."""
    memory = caches[CHART_MEMORY_CACHE]
    found = memory.get(key) if in_memory else None
    if isinstance(found, kind):
        return found, "memory"
    try:
        found = caches[CHART_CACHE].get(key)
    except Exception as error:
        logger.warning("Could not read a chart from the disk cache (%s)", type(error).__name__)
        return None, ""
    if isinstance(found, kind):
        if in_memory:
            memory.set(key, found)
        return found, "disk"
    return None, ""


def _keep(key: str, drawing: str | bytes, *, in_memory: bool = True) -> None:
    """Keep a drawing on disk and, if ``in_memory``, in memory; a disk cache that cannot be
    written is only logged."""
    if in_memory:
        caches[CHART_MEMORY_CACHE].set(key, drawing)
    try:
        caches[CHART_CACHE].set(key, drawing)
    except OSError as error:
        logger.warning("Could not write a chart to the disk cache (%s)", type(error).__name__)


_VEGA_BASE = re.compile(r'(xlink:href|href)="https://vega\.github\.io/vega-datasets/+')


def _tidy_svg(svg: str) -> str:
    """vl-convert resolves relative links against Vega's data site: make them relative again.
    The root's fixed width and height go, so the chart scales with the page (viewBox stays)."""
    svg = _VEGA_BASE.sub(r'\1="/', svg)
    start = svg.find("<svg")
    end = svg.find(">", start)
    root = svg[start:end]
    root = re.sub(r' (width|height)="[^"]*"', "", root, count=2)
    root += ' class="coproduce-chart__svg" role="img" focusable="false"'
    root = root.replace(' class="marks"', "", 1)
    return svg[:start] + root + svg[end:]


def chart_svg(chart: Chart) -> str:
    """The chart as SVG (server-rendered with vl-convert), cached by its spec's content.

    ``chart.timings`` records where it came from: ``svg_cached`` (and ``svg_from_disk`` when
    the memory cache did not have it), or ``svg``, the seconds vl-convert took."""
    from coproduce.spc.render import to_svg

    spec = spec_for(chart)
    key = _cache_key(spec, "svg")
    found, tier = _cached(key, str)
    if found is not None:
        chart.timings["svg_cached"] = 1.0
        if tier == "disk":
            chart.timings["svg_from_disk"] = 1.0
        return found
    started = time.perf_counter()
    svg = _tidy_svg(to_svg(spec))
    chart.timings["svg"] = time.perf_counter() - started
    _keep(key, svg)
    return svg


def chart_png(chart: Chart) -> bytes:
    """The chart as PNG, cached on disk only: exports are rare, and a PNG is five times the
    size of its SVG (about 0.5 MB for 200 points), too big to keep in every process."""
    from coproduce.spc.render import to_png

    spec = spec_for(chart)
    key = _cache_key(spec, "png")
    found, _ = _cached(key, bytes, in_memory=False)
    if found is not None:
        return found
    png = to_png(spec)
    _keep(key, png, in_memory=False)
    return png


def draw_ahead(measure_pk: int) -> bool:
    """Draw a measure's chart into the cache now, so its page need not wait for vl-convert.

    Called after a change commits (see ``actions_chart``). Measures of more than
    :data:`DRAW_AHEAD_MAX_POINTS` points are left to be drawn on their first view, so a large
    import does not wait for a drawing nobody asked for. True if a drawing was made or found.
    """
    try:
        measure = Measure.objects.select_related("project", "project__organisation").get(
            pk=measure_pk
        )
    except Measure.DoesNotExist:
        return False
    count = DataPoint.objects.filter(measure=measure, stratum="").count()
    if count < 2 or count > DRAW_AHEAD_MAX_POINTS:
        return False
    chart = chart_for(measure)
    if chart.result is None:
        return False
    chart_svg(chart)
    return True


_num = finite_or_none


@dataclass(frozen=True)
class PointRow:
    period: date
    value: float | None
    n: float | None
    cl: float | None
    lcl: float | None
    ucl: float | None
    lcl_95: float | None
    ucl_95: float | None
    phase: int
    signals: list[str]
    point_type: str | None
    signal_text: str


def point_rows(result: SpcResult) -> list[PointRow]:
    """One row per plotted point, phases numbered 1, 2, … in order."""
    numbers = {p: k + 1 for k, p in enumerate(sorted({int(v) for v in result.phase}))}
    rows = []
    for i, x in enumerate(result.x):
        rules = {str(r) for r in result.signal_rules[i]}
        if bool(result.sigma_signal[i]):
            rules.add("outside_limits")
        rows.append(
            PointRow(
                period=x,
                value=_num(result.y[i]),
                n=_num(result.n[i]) if result.n is not None else None,
                cl=_num(result.cl[i]),
                lcl=_num(result.lcl[i]),
                ucl=_num(result.ucl[i]),
                lcl_95=_num(result.lcl_95[i]),
                ucl_95=_num(result.ucl_95[i]),
                phase=numbers[int(result.phase[i])],
                signals=sorted(rules),
                point_type=str(result.point_type[i]) if result.point_type is not None else None,
                signal_text=point_signal_text(result, i),
            )
        )
    return rows


CSV_COLUMNS = ("period", "value", "n", "cl", "lcl", "ucl", "phase", "signals", "point_type")


def _csv_number(value: float | None) -> str:
    return "" if value is None else repr(value)


def chart_csv(result: SpcResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in point_rows(result):
        writer.writerow(
            [
                row.period.isoformat() if isinstance(row.period, date) else row.period,
                *(_csv_number(v) for v in (row.value, row.n, row.cl, row.lcl, row.ucl)),
                row.phase,
                ";".join(row.signals),
                row.point_type or "",
            ]
        )
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# Boards


SPARK_WIDTH = 120
SPARK_HEIGHT = 32


def sparkline_svg(values: Sequence[float], *, label: str) -> str:
    """A tiny line of the values, drawn directly (no Vega): fast enough for a board of 50."""
    finite = [v for v in values if math.isfinite(v)]
    title = html.escape(label)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="coproduce-sparkline" '
        f'width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" viewBox="0 0 {SPARK_WIDTH} '
        f'{SPARK_HEIGHT}" role="img" aria-label="{title}" focusable="false"><title>{title}</title>'
    )
    if len(finite) < 2:
        return head + "</svg>"
    lo, hi = min(finite), max(finite)
    span = hi - lo or 1.0
    pad = 3
    step = (SPARK_WIDTH - 2 * pad) / (len(values) - 1)
    coords = []
    for k, v in enumerate(values):
        if not math.isfinite(v):
            continue
        x = pad + k * step
        y = SPARK_HEIGHT - pad - (v - lo) / span * (SPARK_HEIGHT - 2 * pad)
        coords.append(f"{x:.1f},{y:.1f}")
    last_x, last_y = coords[-1].split(",")
    return (
        head + f'<polyline points="{" ".join(coords)}" fill="none" stroke="#425563" '
        'stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>'
        + f'<circle cx="{last_x}" cy="{last_y}" r="2.5" fill="#005eb8"/></svg>'
    )


@dataclass
class BoardRow:
    measure: Measure
    project: Project
    latest_period: str = ""
    latest_value: str = ""
    target: str = ""
    variation_svg: str = ""
    variation_text: str = ""
    assurance_svg: str = ""
    assurance_text: str = ""
    sparkline: str = ""
    reading: str = ""
    problem: str = ""


def _board_row(measure: Measure, points: list[PlainPoint], phases: list[PlainPhase]) -> BoardRow:
    row = BoardRow(measure=measure, project=measure.project)
    if measure.target is not None:
        row.target = format_value(measure.target, measure.unit)
    chart = Chart(measure, points, phases, [])
    if points:
        row.latest_period = chart.x_format(points[-1].period)
        row.latest_value = format_value(points[-1].value, measure.unit)
    compute(chart)
    if chart.result is None:
        row.problem = chart.problem
        return row
    result = chart.result  # drawn, so there are at least 2 points
    # The plotted value (a rate or proportion after multiply) is the latest value.
    row.latest_value = format_value(_num(result.y[-1]), measure.unit)
    if result.variation is not None:
        row.variation_svg = icon_svg(result.variation, size=36)
        row.variation_text = icon_title(result.variation)
    if result.assurance is not None:
        row.assurance_svg = icon_svg(result.assurance, size=36)
        row.assurance_text = icon_title(result.assurance)
    values = [float(v) for v in result.y]
    finite = [v for v in values if math.isfinite(v)] or [math.nan]
    row.sparkline = sparkline_svg(
        values,
        label=(
            f"Trend of {len(values)} values from {chart.x_format(points[0].period)} to "
            f"{chart.x_format(points[-1].period)}: lowest "
            f"{fmt_number(min(finite))}, highest {fmt_number(max(finite))}"
        ),
    )
    row.reading = chart.reading[0] if chart.reading else ""
    return row


def board_rows(measures: Iterable[Measure]) -> list[BoardRow]:
    """A row per measure, each charted with ``spc`` (three queries in all)."""
    measures = list(measures)
    ids = [m.pk for m in measures]
    points: dict[int, list[PlainPoint]] = {pk: [] for pk in ids}
    for measure_id, period, value, denominator in (
        DataPoint.objects.filter(measure_id__in=ids, stratum="")
        .order_by("measure_id", "period")
        .values_list("measure_id", "period", "value", "denominator")
    ):
        points[measure_id].append(PlainPoint(period, value, denominator))
    phases: dict[int, list[PlainPhase]] = {pk: [] for pk in ids}
    for pk, measure_id, starts, reason in (
        Phase.objects.filter(measure_id__in=ids)
        .order_by("starts")
        .values_list("pk", "measure_id", "starts", "reason")
    ):
        phases[measure_id].append(PlainPhase(pk, starts, reason))
    return [_board_row(m, points[m.pk], phases[m.pk]) for m in measures]


def project_board(*, project: Project) -> list[BoardRow]:
    measures = Measure.objects.filter(project=project).select_related(
        "project", "project__organisation"
    )
    return board_rows(measures.order_by("kind", "title"))


def organisation_board(
    *, organisation: Organisation, user: User | AnonymousUser
) -> tuple[list[Project], list[BoardRow]]:
    """The projects of ``organisation`` that ``user`` belongs to, and all their measures."""
    projects = list(project_selectors.visible_projects_for(user).filter(organisation=organisation))
    measures = (
        Measure.objects.filter(project__in=projects)
        .select_related("project", "project__organisation")
        .order_by("project__title", "kind", "title")
    )
    return projects, board_rows(measures)
