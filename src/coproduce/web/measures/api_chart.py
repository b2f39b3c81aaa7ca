"""The chart of a measure through the API: per-point results, icons and the reading.

A ``Router`` named ``router``, mounted under /api/v1 with the API's authentication. The same
permissions as the page: any member of the project reads it; outsiders get 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from . import selectors
from . import selectors_chart as charts
from .api import request_user

router = Router(tags=["measures"])


class ChartPointOut(Schema):
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


class ChartPhaseOut(Schema):
    id: int
    starts: date
    reason: str


class ChartAnnotationOut(Schema):
    date: date
    label: str
    url: str


class ChartOut(Schema):
    measure_id: int
    title: str
    chart: str
    rules: str
    direction: str
    target: float | None
    unit: str
    variation: str | None
    assurance: str | None
    reading: str
    reading_details: list[str]
    problem: str
    phases: list[ChartPhaseOut]
    annotations: list[ChartAnnotationOut]
    points: list[ChartPointOut]


class ChartError(Schema):
    detail: str


@router.get(
    "/projects/{project_id}/measures/{measure_id}/chart",
    response={200: ChartOut, 404: ChartError},
)
def measure_chart(request: HttpRequest, project_id: int, measure_id: int) -> Any:
    """The measure's chart: one row per plotted point, the MDC icons and the reading."""
    measure = selectors.measure_for_user(
        project_pk=project_id, pk=measure_id, user=request_user(request)
    )
    chart = charts.chart_for(measure)
    result = chart.result
    return {
        "measure_id": measure.pk,
        "title": measure.title,
        "chart": measure.chart,
        "rules": measure.rules,
        "direction": measure.direction,
        "target": measure.target,
        "unit": measure.unit,
        "variation": str(result.variation) if result and result.variation else None,
        "assurance": str(result.assurance) if result and result.assurance else None,
        "reading": chart.headline or chart.problem,
        "reading_details": list(chart.reading),
        "problem": chart.problem,
        "phases": [{"id": p.pk, "starts": p.starts, "reason": p.reason} for p in chart.phases],
        "annotations": [
            {"date": d, "label": label, "url": url} for d, label, url in chart.annotations
        ],
        "points": [vars(row) for row in charts.point_rows(result)] if result else [],
    }
