"""Aims, change ideas, their PDSA cycles (ramps) and IHI progress scores (DOMAIN.md §2)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coproduce.improvement import pdsa
from coproduce.web.measures.models import Measure
from coproduce.web.projects.models import Project, ProjectMembership


class AimDirection(models.TextChoices):
    INCREASE = "increase", "Increase"
    DECREASE = "decrease", "Reduce"


class Aim(models.Model):
    """What the project is trying to accomplish: how much, by when, for whom (§2.2)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="aims")
    what = models.CharField("what will improve", max_length=300)
    for_whom = models.CharField("for whom", max_length=300)
    baseline = models.FloatField()
    unit = models.CharField(max_length=60, blank=True)
    target = models.FloatField()
    direction = models.CharField(max_length=10, choices=AimDirection.choices)
    deadline = models.DateField()
    outcome_measure = models.ForeignKey(
        Measure, on_delete=models.SET_NULL, null=True, blank=True, related_name="aims"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "created_at", "pk"]

    def __str__(self) -> str:
        return self.what


class ChangeIdea(models.Model):
    """A change to test. Its ramp is its cycles in order (§2.5)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="change_ideas")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "title"]
        constraints = [
            models.UniqueConstraint(fields=["project", "title"], name="change_idea_title_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class Purpose(models.TextChoices):
    COLLECT_INFORMATION = "collect_information", "Collect information"
    DEVELOP_CHANGE = "develop_change", "Develop a change"
    TEST_CHANGE = "test_change", "Test a change"
    IMPLEMENT_CHANGE = "implement_change", "Implement a change"


class Decision(models.TextChoices):
    ADOPT = pdsa.Decision.ADOPT.value, "Adopt: the change works, scale it up"
    ADAPT = pdsa.Decision.ADAPT.value, "Adapt: change it and test again"
    ABANDON = pdsa.Decision.ABANDON.value, "Abandon: drop it and test something else"


class PDSACycle(models.Model):
    """One Plan-Do-Study-Act cycle: a worksheet (§2.5). ``number`` counts from 1 in its ramp."""

    change_idea = models.ForeignKey(ChangeIdea, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveIntegerField()
    purpose = models.CharField(max_length=30, choices=Purpose.choices, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    # Plan
    objective = models.TextField()
    plan_who = models.TextField("who", blank=True)
    plan_what = models.TextField("what", blank=True)
    plan_when = models.TextField("when", blank=True)
    plan_where = models.TextField("where", blank=True)
    scale = models.CharField(max_length=200, blank=True)
    data_plan = models.TextField("data collection plan", blank=True)
    measures = models.ManyToManyField(Measure, blank=True, related_name="pdsa_cycles")
    participants = models.ManyToManyField(ProjectMembership, blank=True, related_name="+")
    other_participants = models.PositiveIntegerField(default=0)
    # Do
    carried_out_as_planned = models.BooleanField(null=True, blank=True)
    observations = models.TextField(blank=True)
    # Study
    learning = models.TextField(blank=True)
    # Act
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    next_steps = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["change_idea", "number"]
        constraints = [
            models.UniqueConstraint(fields=["change_idea", "number"], name="one_cycle_number"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="cycle_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"PDSA {self.number}: {self.change_idea.title}"


class PredictionResult(models.TextChoices):
    CONFIRMED = pdsa.Result.CONFIRMED.value, "Confirmed"
    NOT_CONFIRMED = pdsa.Result.NOT_CONFIRMED.value, "Not confirmed"
    PARTLY = pdsa.Result.PARTLY.value, "Partly confirmed"


class Prediction(models.Model):
    """A question the cycle asks, what the team predicts and why, and what happened."""

    cycle = models.ForeignKey(PDSACycle, on_delete=models.CASCADE, related_name="predictions")
    question = models.TextField()
    prediction = models.TextField()
    rationale = models.TextField(blank=True)
    result = models.CharField(max_length=20, choices=PredictionResult.choices, blank=True)

    class Meta:
        ordering = ["cycle", "pk"]

    def __str__(self) -> str:
        return f"Prediction {self.pk} of {self.cycle_id}"


PROGRESS_SCORES = [Decimal(n) / 2 for n in range(1, 11)]


class ProgressScore(models.Model):
    """The IHI progress score (1.0 to 5.0 in steps of 0.5; 0.5 for intent only) on a date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_scores")
    score = models.DecimalField(
        max_digits=2, decimal_places=1, choices=[(s, str(s)) for s in PROGRESS_SCORES]
    )
    note = models.TextField(blank=True)
    recorded_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "-recorded_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=Decimal("0.5")) & Q(score__lte=Decimal("5.0")),
                name="progress_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score} on {self.recorded_on}"


# -- driver diagrams (§2.4, docs/adr/0007) ------------------------------------------------


class DriverDiagram(models.Model):
    """The team's theory of change for one aim: primary and secondary drivers, change ideas."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="driver_diagrams")
    aim = models.ForeignKey(
        Aim, on_delete=models.SET_NULL, null=True, blank=True, related_name="driver_diagrams"
    )
    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "title", "pk"]

    def __str__(self) -> str:
        return self.title


class DriverLevel(models.TextChoices):
    PRIMARY = "primary", "Primary driver"
    SECONDARY = "secondary", "Secondary driver"


class LinkStrength(models.TextChoices):
    STRONG = "strong", "Strong (solid line)"
    WEAK = "weak", "Weak (dashed line)"


class Driver(models.Model):
    """A primary or secondary driver, with the measure that shows whether it is moving."""

    diagram = models.ForeignKey(DriverDiagram, on_delete=models.CASCADE, related_name="drivers")
    level = models.CharField(max_length=10, choices=DriverLevel.choices)
    text = models.CharField(max_length=300)
    measure = models.ForeignKey(
        Measure, on_delete=models.SET_NULL, null=True, blank=True, related_name="drivers"
    )
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["diagram", "level", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class DriverLink(models.Model):
    """An arrow of the theory: primary → secondary driver, or secondary driver → change idea.

    Exactly one of ``to_driver`` and ``to_idea`` is set; the levels are checked by the actions.
    """

    diagram = models.ForeignKey(DriverDiagram, on_delete=models.CASCADE, related_name="links")
    from_driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="links_out")
    to_driver = models.ForeignKey(
        Driver, on_delete=models.CASCADE, null=True, blank=True, related_name="links_in"
    )
    to_idea = models.ForeignKey(
        ChangeIdea, on_delete=models.CASCADE, null=True, blank=True, related_name="driver_links"
    )
    strength = models.CharField(
        max_length=10, choices=LinkStrength.choices, default=LinkStrength.STRONG
    )

    class Meta:
        ordering = ["diagram", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(to_driver__isnull=False) & Q(to_idea__isnull=True))
                | (Q(to_driver__isnull=True) & Q(to_idea__isnull=False)),
                name="driver_link_one_target",
            ),
            models.UniqueConstraint(
                fields=["from_driver", "to_driver"],
                condition=Q(to_driver__isnull=False),
                name="driver_link_unique_driver",
            ),
            models.UniqueConstraint(
                fields=["from_driver", "to_idea"],
                condition=Q(to_idea__isnull=False),
                name="driver_link_unique_idea",
            ),
        ]

    def __str__(self) -> str:
        return f"Link {self.pk} of diagram {self.diagram_id}"

    @property
    def target_name(self) -> str:
        if self.to_driver is not None:
            return self.to_driver.text
        return self.to_idea.title if self.to_idea is not None else ""


class DiagramVersion(models.Model):
    """The whole diagram after one edit: numbered from 1, with what changed since the last."""

    diagram = models.ForeignKey(DriverDiagram, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    description = models.CharField(max_length=300)
    snapshot = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["diagram", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["diagram", "number"], name="one_diagram_version"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.diagram_id}"
