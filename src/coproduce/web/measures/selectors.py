"""Reads for measures and their data, scoped to the reader through the project.

Every lookup goes through ``project_for_user`` first, so a project's measures are 404 to
outsiders exactly like a missing project. What a member may do is :func:`access_for`.

Small numbers: a stratum is a group of people (a deprivation quintile, an ethnic group), so a
count of fewer than :data:`SUPPRESS_BELOW` in a stratum could identify someone. Summaries by
stratum never show one; stratum values and denominators of a counted measure are shown as
"fewer than 5" to members who cannot change the data (:func:`hides_small_counts`). Members who
enter the data see what they entered.
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

#: Counts below this (and above 0) are never shown in a stratum to people who cannot edit.
SUPPRESS_BELOW = 5
#: Data types whose values are counts of people or events, so small counts are suppressed.
COUNTED = (DataType.COUNT, DataType.PROPORTION, DataType.RATE)


# --------------------------------------------------------------------------------------------
# Who may do what


@dataclass(frozen=True)
class Access:
    """A member's rights on a project's measures, from their role (None: not a member)."""

    role: str | None

    @property
    def can_edit(self) -> bool:
        """Members other than observers add and change measures and their data."""
        return self.role is not None and self.role != Role.OBSERVER

    @property
    def is_facilitator(self) -> bool:
        """Facilitators also delete measures and start and remove phases."""
        return self.role == Role.FACILITATOR


def access_for(*, project: Project, user: User | AnonymousUser) -> Access:
    """The reader's rights on ``project`` (one query)."""
    return Access(project_selectors.role_in(project=project, user=user))


def can_edit(*, project: Project, user: User | AnonymousUser) -> bool:
    return access_for(project=project, user=user).can_edit


def can_delete(*, project: Project, user: User | AnonymousUser) -> bool:
    return access_for(project=project, user=user).is_facilitator


# --------------------------------------------------------------------------------------------
# Lookups


def measure_in(*, project: Project, pk: int) -> Measure:
    """The measure of ``project`` (already scoped to the reader); otherwise ``Http404``."""
    try:
        measure = Measure.objects.get(project=project, pk=pk)
    except Measure.DoesNotExist:
        raise Http404("No such measure.") from None
    measure.project = project  # the reader's copy, with its organisation: no second fetch
    return measure


def measure_for_user(*, project_pk: int, pk: int, user: User | AnonymousUser) -> Measure:
    """The measure if ``user`` belongs to its project; otherwise ``Http404``."""
    project = project_selectors.project_for_user(pk=project_pk, user=user)
    return measure_in(project=project, pk=pk)


def measures_of(*, project: Project) -> QuerySet[Measure]:
    """The project's measures with ``point_count`` and ``latest_period``."""
    return Measure.objects.filter(project=project).annotate(
        point_count=Count("points"), latest_period=Max("points__period")
    )


def points_of(*, measure: Measure) -> QuerySet[DataPoint]:
    return DataPoint.objects.filter(measure=measure).order_by("stratum", "period")


def rules_for(measure: Measure) -> Rules:
    """What the measure's chart needs of each data point."""
    chart = ChartType(measure.chart)
    return Rules(
        needs_denominator=chart.needs_n,
        proportion=measure.data_type == DataType.PROPORTION or chart in (ChartType.P, ChartType.PP),
    )


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


# --------------------------------------------------------------------------------------------
# Small numbers


def suppressed(count: float | None) -> str:
    """A count for display by stratum: "fewer than 5" when it is below 5 (but not 0)."""
    if count is None:
        return ""
    if is_small(count):
        return f"fewer than {SUPPRESS_BELOW}"
    return f"{count:,.0f}" if float(count).is_integer() else f"{count:,}"


def is_small(count: float | None) -> bool:
    """A count that could identify someone: more than 0 and fewer than 5."""
    return count is not None and 0 < count < SUPPRESS_BELOW


def hides_small_counts(*, measure: Measure, access: Access) -> bool:
    """Whether this reader sees a counted measure's small stratum values as "fewer than 5"."""
    return measure.data_type in COUNTED and not access.can_edit


def hidden_in_stratum(point: DataPoint, *, hide: bool) -> tuple[bool, bool]:
    """Whether ``point``'s value and denominator are hidden from a reader for whom ``hide``
    (:func:`hides_small_counts`) holds: only small counts of a stratum are."""
    if not hide or not point.stratum:
        return False, False
    return is_small(point.value), is_small(point.denominator)


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
