"""A project's family of measures, their data points and the phases of their charts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from coproduce.spc.types import ChartType, Direction, RuleSet
from coproduce.web.projects.models import Project


class MeasureKind(models.TextChoices):
    OUTCOME = "outcome", "Outcome"
    PROCESS = "process", "Process"
    BALANCING = "balancing", "Balancing"


class DataType(models.TextChoices):
    """What kind of number is collected; it suggests the chart (DOMAIN.md §3.5)."""

    MEASUREMENT = "measurement", "Measurement (e.g. minutes, age, weight)"
    COUNT = "count", "Count of events (equal opportunity each period)"
    PROPORTION = "proportion", "Proportion (numerator of a denominator, e.g. % seen in 4 hours)"
    RATE = "rate", "Rate (events per unit of exposure, e.g. falls per 1,000 bed days)"
    TIME_BETWEEN = "time_between", "Time between rare events (e.g. days between infections)"
    CASES_BETWEEN = "cases_between", "Cases between rare events (e.g. operations between deaths)"


#: The chart each data type suggests.
SUGGESTED_CHART: dict[str, ChartType] = {
    DataType.MEASUREMENT: ChartType.I,
    DataType.COUNT: ChartType.C,
    DataType.PROPORTION: ChartType.P,
    DataType.RATE: ChartType.U,
    DataType.TIME_BETWEEN: ChartType.T,
    DataType.CASES_BETWEEN: ChartType.G,
}


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"


class ChartChoices(models.TextChoices):
    RUN = ChartType.RUN.value, "Run chart"
    I = ChartType.I.value, "I chart (individual values, XmR)"  # noqa: E741
    XBAR = ChartType.XBAR.value, "X-bar chart (subgroup means)"
    S = ChartType.S.value, "S chart (subgroup spread)"
    P = ChartType.P.value, "P chart (proportions)"
    PP = ChartType.PP.value, "P′ chart (Laney: proportions, large denominators)"
    U = ChartType.U.value, "U chart (rates)"
    UP = ChartType.UP.value, "U′ chart (Laney: rates, large denominators)"
    C = ChartType.C.value, "C chart (counts)"
    G = ChartType.G.value, "G chart (cases between events)"
    T = ChartType.T.value, "T chart (time between events)"


class DirectionChoices(models.TextChoices):
    INCREASE = Direction.INCREASE.value, "Higher is better"
    DECREASE = Direction.DECREASE.value, "Lower is better"
    NEUTRAL = Direction.NEUTRAL.value, "Neither (watch for change)"


class RulesChoices(models.TextChoices):
    MDC = RuleSet.MDC.value, "Making Data Count (NHS England)"
    ANHOEJ = RuleSet.ANHOEJ.value, "Anhøj runs rules"
    IHI = RuleSet.IHI.value, "IHI run-chart rules"


class Measure(models.Model):
    """One measure of a project's family of measures (DOMAIN.md §2.3)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=MeasureKind.choices)
    definition = models.TextField("operational definition", blank=True)
    numerator = models.CharField(max_length=300, blank=True)
    denominator = models.CharField(max_length=300, blank=True)
    unit = models.CharField(max_length=60, blank=True)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default="monthly")
    data_type = models.CharField(max_length=20, choices=DataType.choices)
    chart = models.CharField(max_length=10, choices=ChartChoices.choices)
    rules = models.CharField(max_length=10, choices=RulesChoices.choices, default="mdc")
    direction = models.CharField(max_length=10, choices=DirectionChoices.choices)
    target = models.FloatField(null=True, blank=True)
    multiply = models.FloatField(
        default=1.0, help_text="Show rates per this many units, e.g. 1000 for per 1,000 bed days."
    )
    baseline_points = models.PositiveIntegerField(
        null=True, blank=True, help_text="Freeze the limits on the first N points of each phase."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "kind", "title"]
        constraints = [
            models.UniqueConstraint(fields=["project", "title"], name="measure_title_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def needs_denominator(self) -> bool:
        return ChartType(self.chart).needs_n


class DataPoint(models.Model):
    """The value of a measure for one period (and optionally one stratum).

    ``period`` is the first day of the period. A period appears once per stratum, so
    re-uploading a period updates it rather than adding a duplicate. The empty stratum is the
    measure as a whole."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="points")
    period = models.DateField()
    stratum = models.CharField(max_length=100, blank=True, default="")
    value = models.FloatField()
    denominator = models.FloatField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measure", "stratum", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period", "stratum"], name="one_point_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.period}"


class Phase(models.Model):
    """A recalculation of a measure's limits from a period on, with the reason for it."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="phases")
    starts = models.DateField(help_text="The first period of the new phase.")
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measure", "starts"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "starts"], name="one_phase_per_start"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} from {self.starts}"
