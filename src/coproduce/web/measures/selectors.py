"""Reads for measures and their data, scoped to the reader through the project.

Every lookup goes through ``project_for_user`` first, so a project's measures are 404 to
outsiders exactly like a missing project.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl
from django.db.models import Count, Max, QuerySet, Sum
from django.http import Http404

from coproduce.improvement.data_import import Rules
from coproduce.spc.types import ChartType
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project, Role

from .models import DataPoint, DataType, Measure

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User

#: Counts below this are never shown in a display of counts by stratum.
SUPPRESS_BELOW = 5


def can_edit(*, project: Project, user: User | AnonymousUser) -> bool:
    """Members other than observers may add and change measures and their data."""
    role = project_selectors.role_in(project=project, user=user)
    return role is not None and role != Role.OBSERVER


def can_delete(*, project: Project, user: User | AnonymousUser) -> bool:
    return project_selectors.is_facilitator(project=project, user=user)


def measures_of(*, project: Project) -> QuerySet[Measure]:
    """The project's measures with ``point_count`` and ``latest_period``."""
    return Measure.objects.filter(project=project).annotate(
        point_count=Count("points"), latest_period=Max("points__period")
    )


def measure_in(*, project: Project, pk: int) -> Measure:
    try:
        return Measure.objects.select_related("project").get(project=project, pk=pk)
    except Measure.DoesNotExist:
        raise Http404("No such measure.") from None


def measure_for_user(*, project_pk: int, pk: int, user: User | AnonymousUser) -> Measure:
    project = project_selectors.project_for_user(pk=project_pk, user=user)
    return measure_in(project=project, pk=pk)


def points_of(*, measure: Measure) -> QuerySet[DataPoint]:
    return DataPoint.objects.filter(measure=measure).order_by("stratum", "period")


def rules_for(measure: Measure) -> Rules:
    """What the measure's chart needs of each data point."""
    chart = ChartType(measure.chart)
    return Rules(
        needs_denominator=chart.needs_n,
        proportion=measure.data_type == DataType.PROPORTION or chart in (ChartType.P, ChartType.PP),
    )


def suppressed(count: float | int | None) -> str:
    """A count for display by stratum: "fewer than 5" when it is below 5 (but not 0)."""
    if count is None:
        return ""
    if 0 < count < SUPPRESS_BELOW:
        return f"fewer than {SUPPRESS_BELOW}"
    return f"{count:,.0f}" if float(count).is_integer() else f"{count:,}"


#: Data types whose values are counts of people or events, so small totals are suppressed.
COUNTED = (DataType.COUNT, DataType.PROPORTION, DataType.RATE)


@dataclass(frozen=True)
class StratumSummary:
    stratum: str
    periods: int
    total: float | None  # sum of the values, for data types that count people or events

    @property
    def total_shown(self) -> str:
        return suppressed(self.total) if self.total is not None else "–"


def strata_of(*, measure: Measure) -> list[StratumSummary]:
    """Each stratum of the measure with its number of periods and, for counts, the total
    count (shown as "fewer than 5" when small)."""
    rows = (
        DataPoint.objects.filter(measure=measure)
        .exclude(stratum="")
        .values("stratum")
        .annotate(n=Count("pk"), total=Sum("value"))
        .order_by("stratum")
    )
    counted = measure.data_type in COUNTED
    return [
        StratumSummary(row["stratum"], row["n"], row["total"] if counted else None) for row in rows
    ]


def existing_count(*, measure: Measure, rows: pl.DataFrame) -> int:
    """How many of ``rows`` (with ``period`` and ``stratum``) are already stored."""
    stored = pl.DataFrame(
        list(DataPoint.objects.filter(measure=measure).values_list("period", "stratum")),
        schema={"period": pl.Date, "stratum": pl.String},
        orient="row",
    )
    if stored.height == 0 or rows.height == 0:
        return 0
    return rows.join(stored, on=["period", "stratum"], how="semi").height
