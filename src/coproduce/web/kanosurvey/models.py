"""Kano surveys in a project (issue 7, item 2; docs/adr/0023; DOMAIN.md §4).

A facilitator writes a survey: its attributes, each with the functional and dysfunctional
questions the core (:func:`coproduce.kano.question_pair`) words and the facilitator may
reword. Voters (``takepart.Voter``: members' own seats, people who came by a link or an event
code, or someone a facilitator assisted) answer each attribute once and may change their
answers while the survey is open. A response's segment is the voter's constituency (patients,
carers, staff), copied when it is saved. Responses uploaded from a file (the CLI's input
format) have no voter: they are keyed by the file's respondent label, so uploading the same
file again updates them rather than counting them twice.

Optional equality questions (age band, sex, ethnic group, disability, area deprivation) that a
facilitator turns on for a survey are answered, or skipped, by each voter once per survey and
kept apart from the answers, in ``KanoEqualityAnswer``: nothing shows a row of it; the results
use it only in aggregate, with small-number and complementary suppression (docs/adr/0023).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coproduce.web.projects.models import Project
from coproduce.web.takepart.models import Voter

MAX_TITLE = 200
MAX_INTRO = 5_000
MAX_LABEL = 200
MAX_DESCRIPTION = 2_000
MAX_QUESTION = 500
MAX_RESPONDENT = 100
MAX_SEGMENT = 40
IMPORTANCE_MIN = 1
IMPORTANCE_MAX = 9


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Draft (not yet open)"
    OPEN = "open", "Open for answers"
    CLOSED = "closed", "Closed"


class KanoSurvey(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="kano_surveys")
    title = models.CharField(max_length=MAX_TITLE)
    introduction = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    ask_importance = models.BooleanField(default=False)
    #: Keys of the optional equality questions asked (``coproduce.kano.EQUALITY_QUESTIONS``).
    equality_questions = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SurveyStatus.values), name="kano_survey_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == SurveyStatus.OPEN


class KanoAttribute(models.Model):
    survey = models.ForeignKey(KanoSurvey, on_delete=models.CASCADE, related_name="attributes")
    label = models.CharField(max_length=MAX_LABEL)
    description = models.TextField(blank=True)
    functional = models.CharField("question if the service has it", max_length=MAX_QUESTION)
    dysfunctional = models.CharField(
        "question if the service does not have it", max_length=MAX_QUESTION
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["survey", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "label"], name="kano_attribute_label_unique_in_survey"
            )
        ]

    def __str__(self) -> str:
        return self.label


class KanoAnswerRecord(models.Model):
    """One respondent's two answers (and optional importance) about one attribute."""

    attribute = models.ForeignKey(KanoAttribute, on_delete=models.CASCADE, related_name="responses")
    voter = models.ForeignKey(
        Voter, on_delete=models.CASCADE, null=True, blank=True, related_name="kano_responses"
    )
    #: For uploaded rows: the file's respondent label (empty for voters' answers).
    respondent = models.CharField(max_length=MAX_RESPONDENT, blank=True)
    segment = models.CharField(max_length=MAX_SEGMENT)
    functional = models.PositiveSmallIntegerField()
    dysfunctional = models.PositiveSmallIntegerField()
    importance = models.PositiveSmallIntegerField(null=True, blank=True)
    assisted = models.BooleanField(default=False)
    uploaded = models.BooleanField(default=False)
    answered_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["attribute", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["attribute", "voter"],
                condition=Q(voter__isnull=False),
                name="kano_one_response_per_voter_and_attribute",
            ),
            models.UniqueConstraint(
                fields=["attribute", "respondent"],
                condition=Q(voter__isnull=True),
                name="kano_one_uploaded_response_per_respondent",
            ),
            models.CheckConstraint(
                condition=Q(voter__isnull=False) | ~Q(respondent=""),
                name="kano_response_has_a_respondent",
            ),
            models.CheckConstraint(
                condition=Q(functional__gte=1, functional__lte=5)
                & Q(dysfunctional__gte=1, dysfunctional__lte=5),
                name="kano_answers_in_range",
            ),
            models.CheckConstraint(
                condition=Q(importance__isnull=True)
                | Q(importance__gte=IMPORTANCE_MIN, importance__lte=IMPORTANCE_MAX),
                name="kano_importance_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"response {self.pk}"

    @property
    def respondent_key(self) -> str:
        return f"voter-{self.voter_id}" if self.voter_id is not None else f"file:{self.respondent}"


class KanoEqualityAnswer(models.Model):
    """One voter's answer to one optional equality question of a survey, stored apart.

    Never shown row by row, never exported: the results read it only to put respondents in
    segments, shown with suppression. The voter themself (not someone assisting them) sees
    their own answer when they come back to the survey. Deleted with the survey, the voter,
    or when the facilitator stops asking the question.
    """

    survey = models.ForeignKey(KanoSurvey, on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="+")
    question = models.CharField(max_length=20)
    answer = models.CharField(max_length=80)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "voter", "question"], name="kano_one_equality_answer"
            )
        ]

    def __str__(self) -> str:
        return f"equality answer {self.pk}"
