"""Feedback and stories as the project keeps them for analysis (issue 6, DOMAIN.md §5).

Only redacted text is stored for analysis (``Comment.text``): direct identifiers are replaced by
tags before anything is saved (``coproduce.experience.redact``). The original is kept only where
the teller's consent allows, in ``Comment.original_text``, and only facilitators see it. A
comment flagged as identifying is held back from every shared view. Free text never goes into
audit summaries or logs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coproduce.web.projects.models import Project


class Source(models.TextChoices):
    FFT = "fft", "Friends and Family Test"
    SURVEY = "survey", "Survey"
    STORY = "story", "Story (assisted capture)"
    INTERVIEW = "interview", "Interview"
    ARCHIVE = "archive", "Narrative archive"
    COMPLAINT = "complaint", "Complaint or compliment"
    OTHER = "other", "Other"


class Consent(models.TextChoices):
    """What the person agreed to when they gave the comment or story."""

    ANALYSIS = "analysis", "Analysis only, redacted text"
    SHARE = "share", "Redacted text may be shared with the project"
    KEEP_ORIGINAL = "keep_original", "Redacted text shared; original kept for facilitators"


class FeedbackBatch(models.Model):
    """One import (a file) or one typed story: the unit that is added or rejected whole."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="feedback_batches")
    source = models.CharField(max_length=20, choices=Source.choices)
    filename = models.CharField(max_length=255, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    consent = models.CharField(max_length=20, choices=Consent.choices, default=Consent.ANALYSIS)
    rows_read = models.PositiveIntegerField(default=0)
    rows_added = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "-created_at", "-pk"]
        verbose_name_plural = "feedback batches"

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.created_at:%Y-%m-%d}"


class Comment(models.Model):
    """A feedback comment or a story, redacted before it was saved."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    batch = models.ForeignKey(
        FeedbackBatch, on_delete=models.CASCADE, related_name="comments", null=True, blank=True
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    external_id = models.CharField("id in the source", max_length=100, blank=True)
    date = models.DateField(null=True, blank=True)
    service = models.CharField(max_length=200, blank=True)
    question = models.CharField(max_length=500, blank=True)
    # FFT answer: 1 very good ... 5 very poor, 6 don't know; empty when not asked.
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    teller_role = models.CharField("who told it", max_length=40, blank=True)
    consent = models.CharField(max_length=20, choices=Consent.choices, default=Consent.ANALYSIS)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="who typed it on the teller's behalf (assisted capture)",
    )
    text = models.TextField("redacted text")
    original_text = models.TextField(blank=True)
    # One {"kind", "start", "end"} a tag, in the coordinates of ``text`` (the redacted text);
    # with "original_start"/"original_end" too when ``original_text`` is kept (ADR 0015).
    redaction_spans = models.JSONField(default=list, blank=True)
    redaction_count = models.PositiveIntegerField(
        default=0, help_text="how many tags ``text`` holds: comments with any go to review"
    )
    redaction_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    redaction_reviewed_at = models.DateTimeField(null=True, blank=True)
    identifying = models.BooleanField(
        default=False, help_text="held back from shared views: only facilitators see it"
    )
    # sha256 of the normalised original text with date and service: finds duplicates
    fingerprint = models.CharField(max_length=64)
    sentiment = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 very positive ... 5 very negative"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "-date", "-pk"]
        indexes = [
            models.Index(fields=["project", "fingerprint"], name="comment_fingerprint"),
            models.Index(fields=["project", "date"], name="comment_date"),
            models.Index(fields=["project", "identifying"], name="comment_identifying"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=6)),
                name="comment_rating_1_to_6",
            ),
            models.CheckConstraint(
                condition=Q(sentiment__isnull=True) | (Q(sentiment__gte=1) & Q(sentiment__lte=5)),
                name="comment_sentiment_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk}"
