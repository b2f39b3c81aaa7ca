"""Themes found in a project's comments, and labels from a framework classifier (issue 6).

A theme starts from ``coproduce.experience.themes.find_themes`` and is then the facilitator's:
renamed, merged, split, comments reassigned. Labels hold the framework classification of each
comment, the labels a facilitator gives by hand, and the predictions of a model trained on
them (docs/adr/0016).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from coproduce.web.experience.models import Comment
from coproduce.web.projects.models import Project


class Theme(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="themes")
    label = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    terms = models.JSONField(default=list, blank=True)
    found_automatically = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Added in 0002: whether a facilitator has changed it (renamed, merged, split, or moved
    # comments into or out of it); finding themes again keeps such themes unless told not to.
    edited = models.BooleanField(default=False)
    # The ids of its most typical comments, most typical first (from the core).
    examples = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["project", "label"]

    def __str__(self) -> str:
        return self.label


class CommentTheme(models.Model):
    """A comment's theme. One theme per comment; reassigning replaces it."""

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="theme_link")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="comment_links")
    weight = models.FloatField(default=0.0)
    assigned_by_hand = models.BooleanField(default=False)

    class Meta:
        ordering = ["theme", "-weight"]

    def __str__(self) -> str:
        return f"{self.comment_id} -> {self.theme_id}"


class Scheme(models.TextChoices):
    """Which set of labels a comment label belongs to."""

    FRAMEWORK = "framework", "NHS patient experience framework (v6)"
    PROJECT = "project", "The project's own labels"


class LabelSource(models.TextChoices):
    PREDICTED = "predicted", "Predicted by a classifier"
    HAND = "hand", "Given by a facilitator"


class ProjectLabel(models.Model):
    """One label of the project's own list, which facilitators give comments by hand."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comment_labels")
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="project_label_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class CommentLabel(models.Model):
    """A comment has this label in this scheme, given by hand or predicted."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="labels")
    scheme = models.CharField(max_length=20, choices=Scheme.choices)
    label = models.CharField(max_length=200)
    source = models.CharField(max_length=20, choices=LabelSource.choices)

    class Meta:
        ordering = ["comment", "scheme", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "scheme", "source", "label"], name="comment_label_unique"
            ),
        ]
        indexes = [models.Index(fields=["scheme", "source", "label"], name="comment_label_find")]

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.label}"


class ClassifierRun(models.Model):
    """A classifier trained on the project's own hand labels, with its cross-validation.

    It is not used until a facilitator has seen its macro-F1 and chosen to use it
    (``used_at``). The fitted model itself lives in the model cache on disk, under ``key``.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="classifier_runs")
    key = models.CharField(max_length=64)
    labels = models.JSONField(default=list)
    left_out = models.JSONField(default=list, blank=True)
    examples = models.PositiveIntegerField(default=0)
    macro_f1 = models.FloatField()
    scores = models.JSONField(default=list)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    trained_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "-trained_at", "-pk"]

    def __str__(self) -> str:
        return f"classifier {self.pk} ({self.macro_f1:.2f})"
