"""API endpoints of the measures app, mounted under /api/v1 by coproduce.web.api.api.

The same permissions as the pages: outsiders get 404, observers 403 on writes, and only
facilitators may delete a measure. A bulk upsert of data points is all or nothing: any bad row
gives 400 with every error (row, column, reason; rows counted from 1) and saves nothing. As on
the pages, members who cannot edit get a stratum's counts under 5 as null, ``suppressed``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import polars as pl
from django.http import HttpRequest
from ninja import Router, Schema, Status

from coproduce.improvement import data_import
from coproduce.web.accounts.models import User
from coproduce.web.projects import selectors as project_selectors

from . import actions, selectors
from .models import (
    ChartChoices,
    DataType,
    DirectionChoices,
    Frequency,
    Measure,
    MeasureKind,
    RulesChoices,
)

router = Router(tags=["measures"])


def request_user(request: HttpRequest) -> User:
    """The user of a token (``request.auth``) or of the session."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        user = request.user
    assert isinstance(user, User)
    return user


class Error(Schema):
    detail: str


class RowErrorOut(Schema):
    row: int
    column: str
    reason: str


class PointsError(Schema):
    detail: str
    errors: list[RowErrorOut]
    error_count: int


class MeasureOut(Schema):
    id: int
    project_id: int
    title: str
    kind: MeasureKind
    definition: str
    numerator: str
    denominator: str
    unit: str
    frequency: Frequency
    data_type: DataType
    chart: ChartChoices
    rules: RulesChoices
    direction: DirectionChoices
    target: float | None
    multiply: float
    baseline_points: int | None
    created_at: datetime
    updated_at: datetime


class MeasureIn(Schema):
    title: str
    kind: MeasureKind
    data_type: DataType
    direction: DirectionChoices
    chart: ChartChoices | None = None  # None: the chart the data type suggests
    definition: str = ""
    numerator: str = ""
    denominator: str = ""
    unit: str = ""
    frequency: Frequency = Frequency.MONTHLY
    rules: RulesChoices = RulesChoices.MDC
    target: float | None = None
    multiply: float = 1.0
    baseline_points: int | None = None


class MeasurePatch(Schema):
    title: str | None = None
    kind: MeasureKind | None = None
    data_type: DataType | None = None
    direction: DirectionChoices | None = None
    chart: ChartChoices | None = None
    definition: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    unit: str | None = None
    frequency: Frequency | None = None
    rules: RulesChoices | None = None
    target: float | None = None
    multiply: float | None = None
    baseline_points: int | None = None


class PointOut(Schema):
    id: int
    period: date
    value: float | None  # None only when suppressed
    denominator: float | None
    stratum: str
    note: str
    suppressed: bool = False  # a count of a stratum under 5, hidden from this reader


class PointIn(Schema):
    period: str  # ISO (2026-01-01) or UK (01/01/2026, Jan 2026): the first day of the period
    value: float | str
    denominator: float | str | None = None
    stratum: str = ""
    note: str = ""


class PointsSaved(Schema):
    added: int
    updated: int
    unchanged: int


def _measure(request: HttpRequest, project_id: int, measure_id: int) -> Measure:
    return selectors.measure_for_user(
        project_pk=project_id, pk=measure_id, user=request_user(request)
    )


@router.get("/projects/{project_id}/measures", response={200: list[MeasureOut], 404: Error})
def list_measures(request: HttpRequest, project_id: int) -> Any:
    project = project_selectors.project_for_user(pk=project_id, user=request_user(request))
    return list(selectors.measures_of(project=project))


@router.post(
    "/projects/{project_id}/measures",
    response={201: MeasureOut, 400: Error, 403: Error, 404: Error},
)
def create_measure(request: HttpRequest, project_id: int, payload: MeasureIn) -> Any:
    user = request_user(request)
    project = project_selectors.project_for_user(pk=project_id, user=user)
    fields = payload.dict()
    fields["chart"] = fields["chart"] or ""
    measure = actions.create_measure(project=project, by=user, **fields)
    return Status(201, measure)


@router.get("/projects/{project_id}/measures/{measure_id}", response={200: MeasureOut, 404: Error})
def get_measure(request: HttpRequest, project_id: int, measure_id: int) -> Any:
    return _measure(request, project_id, measure_id)


@router.patch(
    "/projects/{project_id}/measures/{measure_id}",
    response={200: MeasureOut, 400: Error, 403: Error, 404: Error},
)
def update_measure(
    request: HttpRequest, project_id: int, measure_id: int, payload: MeasurePatch
) -> Any:
    measure = _measure(request, project_id, measure_id)
    changes = payload.dict(exclude_unset=True)
    for required in ("title", "kind", "data_type", "direction", "chart", "frequency", "rules"):
        if required in changes and changes[required] is None:
            del changes[required]
    for text in ("definition", "numerator", "denominator", "unit"):
        if text in changes and changes[text] is None:
            changes[text] = ""
    if changes.get("multiply", 1.0) is None:
        del changes["multiply"]
    return actions.update_measure(measure=measure, by=request_user(request), **changes)


@router.delete(
    "/projects/{project_id}/measures/{measure_id}",
    response={204: None, 403: Error, 404: Error},
)
def delete_measure(request: HttpRequest, project_id: int, measure_id: int) -> Any:
    measure = _measure(request, project_id, measure_id)
    actions.delete_measure(measure=measure, by=request_user(request))
    return Status(204, None)


@router.get(
    "/projects/{project_id}/measures/{measure_id}/points",
    response={200: list[PointOut], 404: Error},
)
def list_points(request: HttpRequest, project_id: int, measure_id: int) -> Any:
    measure = _measure(request, project_id, measure_id)
    access = selectors.access_for(project=measure.project, user=request_user(request))
    hide = selectors.hides_small_counts(measure=measure, access=access)
    out = []
    for point in selectors.points_of(measure=measure):
        hide_value, hide_denominator = selectors.hidden_in_stratum(point, hide=hide)
        out.append(
            {
                "id": point.pk,
                "period": point.period,
                "value": None if hide_value else point.value,
                "denominator": None if hide_denominator else point.denominator,
                "stratum": point.stratum,
                "note": point.note,
                "suppressed": hide_value or hide_denominator,
            }
        )
    return out


def _cell(value: object) -> str | None:
    return None if value is None else str(value)


@router.put(
    "/projects/{project_id}/measures/{measure_id}/points",
    response={200: PointsSaved, 400: PointsError, 403: Error, 404: Error},
)
def upsert_points(
    request: HttpRequest, project_id: int, measure_id: int, payload: list[PointIn]
) -> Any:
    """Add or update data points by period and stratum, all or nothing."""
    measure = _measure(request, project_id, measure_id)
    frame = pl.DataFrame(
        {
            "period": [p.period for p in payload],
            "value": [_cell(p.value) for p in payload],
            "denominator": [_cell(p.denominator) for p in payload],
            "stratum": [p.stratum for p in payload],
            "note": [p.note for p in payload],
        },
        schema=dict.fromkeys(data_import.FIELDS, pl.String),
    )
    try:
        saved = actions.save_points(
            measure=measure,
            frame=frame,
            columns={name: name for name in data_import.FIELDS},
            by=request_user(request),
            source="the API",
        )
    except actions.InvalidRows as error:
        checked = error.checked
        return Status(
            400,
            {
                "detail": error.message,
                "errors": [
                    {"row": e.row, "column": e.column, "reason": e.reason} for e in checked.errors
                ],
                "error_count": checked.error_count,
            },
        )
    return {"added": saved.added, "updated": saved.updated, "unchanged": saved.unchanged}
