"""Journeys: stages and touchpoints along a pathway, with emotions and agency (issue 6 item 5).

DOMAIN.md §5.2 (touchpoints and emotional mapping) and §1.2 (Batalden: patient and professional
agency, product-like and service-like work); docs/adr/0017-journeys.md. The calculations
(hotspots, stage summaries, the agency profile, method suggestions, the plain-English reading)
live in the pure core, ``coproduce.experience.journey``; these tables keep the record.

Valence is on a five-point scale, −2 (very negative) to +2 (very positive), 0 neutral. It maps
one to one onto the five-point comment sentiment the project already uses (``Comment.sentiment``
1 very positive … 5 very negative: valence = 3 − sentiment) and onto the POSITIVE / NEUTRAL /
NEGATIVE of the EBD emotion cards (DOMAIN.md §5.2) by its sign.

An emotion record's excerpt is patient (or staff) text: it is redacted with
``coproduce.experience.redact.redact`` before it is stored, and never goes into audit summaries
or logs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coproduce.web.experience.models import Comment
from coproduce.web.projects.models import Project
from coproduce.web.themes.models import Theme

VALENCE_MIN = -2
VALENCE_MAX = 2
INTENSITY_MIN = 1
INTENSITY_MAX = 5


class StageNature(models.TextChoices):
    """Batalden's classification of a step (DOMAIN.md §1.2); values are the core's enum values."""

    PRODUCT_LIKE = "product_like", "Product-like"
    SERVICE_LIKE = "service_like", "Service-like"
    MIXED = "mixed", "Mixed"
    UNCLASSIFIED = "unclassified", "Not yet classified"


class EmotionSource(models.TextChoices):
    INTERVIEW = "interview", "Interview"
    OBSERVATION = "observation", "Observation"
    EVENT = "event", "Event (emotional mapping)"
    FEEDBACK = "feedback", "Feedback"


class TellerRole(models.TextChoices):
    PATIENT = "patient", "Patient"
    CARER = "carer", "Carer"
    STAFF = "staff", "Staff"


class Journey(models.Model):
    """A pathway through a service, as the project maps it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="journeys")
    title = models.CharField(max_length=200)
    pathway = models.CharField("pathway or service", max_length=200, blank=True)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "title"], name="journey_title_unique")
        ]

    def __str__(self) -> str:
        return self.title


class Stage(models.Model):
    """A stage of the journey (e.g. referral, diagnosis, discharge), with agency and nature."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Batalden: both can be high in co-production, so they are recorded separately.
    patient_agency = models.FloatField(null=True, blank=True)
    professional_agency = models.FloatField(null=True, blank=True)
    agency_note = models.TextField(blank=True)
    nature = models.CharField(
        max_length=20, choices=StageNature.choices, default=StageNature.UNCLASSIFIED
    )
    nature_note = models.TextField(blank=True)

    class Meta:
        ordering = ["journey", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(patient_agency__isnull=True)
                | (Q(patient_agency__gte=0) & Q(patient_agency__lte=1)),
                name="stage_patient_agency_0_to_1",
            ),
            models.CheckConstraint(
                condition=Q(professional_agency__isnull=True)
                | (Q(professional_agency__gte=0) & Q(professional_agency__lte=1)),
                name="stage_professional_agency_0_to_1",
            ),
            models.CheckConstraint(
                condition=Q(nature__in=StageNature.values), name="stage_nature_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Touchpoint(models.Model):
    """A moment where a person meets the service (DOMAIN.md §5.2)."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="touchpoints")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    marked_hotspot = models.BooleanField(
        "marked as a hotspot", default=False, help_text="marked by hand, whatever the records say"
    )

    class Meta:
        ordering = ["stage", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class EmotionRecord(models.Model):
    """How someone felt at a touchpoint: valence −2..+2, intensity 1..5, emotion words."""

    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.CASCADE, related_name="emotion_records"
    )
    valence = models.SmallIntegerField(help_text="−2 very negative … 0 neutral … +2 very positive")
    intensity = models.PositiveSmallIntegerField(help_text="1 mild … 5 very strong")
    emotion_words = models.JSONField(default=list, blank=True)
    excerpt = models.TextField("excerpt (redacted)", blank=True)
    source = models.CharField(max_length=20, choices=EmotionSource.choices)
    teller_role = models.CharField(
        "who told it", max_length=20, choices=TellerRole.choices, default=TellerRole.PATIENT
    )
    comment = models.ForeignKey(
        Comment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emotion_records",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["touchpoint", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valence__gte=VALENCE_MIN) & Q(valence__lte=VALENCE_MAX),
                name="emotion_valence_range",
            ),
            models.CheckConstraint(
                condition=Q(intensity__gte=INTENSITY_MIN) & Q(intensity__lte=INTENSITY_MAX),
                name="emotion_intensity_range",
            ),
            models.CheckConstraint(
                condition=Q(source__in=EmotionSource.values), name="emotion_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(teller_role__in=TellerRole.values), name="emotion_teller_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"emotion {self.pk} at {self.touchpoint_id}"

    @property
    def valence_label(self) -> str:
        """−2, −1, 0, +1, +2: signed, with a true minus sign."""
        if self.valence < 0:
            return f"\u2212{-self.valence}"
        return f"+{self.valence}" if self.valence > 0 else "0"


class TouchpointTheme(models.Model):
    """A theme (from the project's comments) mapped to a touchpoint."""

    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.CASCADE, related_name="theme_links")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="touchpoint_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["touchpoint", "theme__label", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["touchpoint", "theme"], name="touchpoint_theme_once")
        ]

    def __str__(self) -> str:
        return f"{self.touchpoint_id} ~ {self.theme_id}"
