"""Decisions for co-design groups (issue 7 item 4; docs/adr/0024).

A facilitator asks a question of a co-design group (or the whole project) as a dot vote,
score, ranked choice, consent proposal or sense check. Voters (``takepart.Voter``: members
with accounts and people without one) respond once each, and may change their response
until the decision closes. The tallies are in the pure core ``coproduce.deliberation.decisions``.
When the facilitator records the outcome it is linked to a change idea and to the
participation influence log: a participation ``Decision`` and a ``Contribution`` ("you said,
we did") from the participants among the voters.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coproduce.web.ebcd.models import CoDesignGroup
from coproduce.web.improvement.models import ChangeIdea
from coproduce.web.participation.models import Contribution
from coproduce.web.participation.models import Decision as InfluenceDecision
from coproduce.web.projects.models import Project
from coproduce.web.takepart.models import Voter


class Kind(models.TextChoices):
    DOT = "dot", "Dot vote"
    SCORE = "score", "Score each option"
    RANKED = "ranked", "Ranked choice"
    CONSENT = "consent", "Consent to a proposal"
    SENSE = "sense", "Sense check"


KINDS_WITH_OPTIONS = {Kind.DOT, Kind.SCORE, Kind.RANKED}


class Answer(models.TextChoices):
    """Single answers: consent responses, then sense-check responses."""

    CONSENT = "consent", "Consent: I can live with it"
    CONCERN = "concern", "Concern: I can live with it, but want to say something"
    OBJECTION = "objection", "Objection: it needs changing before I can consent"
    BLOCK = "block", "Block: it must not go ahead"
    AGREE = "agree", "Agree"
    UNSURE = "unsure", "Unsure"
    DISAGREE = "disagree", "Disagree"


CONSENT_ANSWERS = (Answer.CONSENT, Answer.CONCERN, Answer.OBJECTION, Answer.BLOCK)
SENSE_ANSWERS = (Answer.AGREE, Answer.UNSURE, Answer.DISAGREE)
NEEDS_REASON = {Answer.OBJECTION, Answer.BLOCK}


class GroupDecision(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="group_decisions")
    group = models.ForeignKey(
        CoDesignGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    question = models.CharField(max_length=300)
    details = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    dots = models.PositiveSmallIntegerField(default=3)
    score_max = models.PositiveSmallIntegerField(default=5)
    is_open = models.BooleanField(default=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.TextField("what was decided", blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    change_idea = models.ForeignKey(
        ChangeIdea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    influence = models.ForeignKey(
        InfluenceDecision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: "You said, we did": what the group said, in the influence log (participation).
    contribution = models.ForeignKey(
        Contribution, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["project", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="group_decision_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(dots__gte=1, dots__lte=20), name="group_decision_dots_range"
            ),
            models.CheckConstraint(
                condition=Q(score_max__gte=1, score_max__lte=10),
                name="group_decision_score_max_range",
            ),
        ]

    def __str__(self) -> str:
        return f"decision {self.pk}"

    @property
    def has_options(self) -> bool:
        return self.kind in KINDS_WITH_OPTIONS


class Option(models.Model):
    decision = models.ForeignKey(GroupDecision, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["decision", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "text"], name="decide_option_unique")
        ]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One voter's response to one decision: changed in place until the decision closes."""

    decision = models.ForeignKey(GroupDecision, on_delete=models.CASCADE, related_name="responses")
    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="decision_responses")
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    reason = models.TextField(blank=True)
    resolved = models.BooleanField(default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decision", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "voter"], name="decide_one_response_per_voter"
            ),
            models.CheckConstraint(
                condition=~Q(answer__in=["objection", "block"]) | ~Q(reason=""),
                name="decide_objection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"response {self.pk}"


class Choice(models.Model):
    """Dots, score or rank (1 = first) that a response gives one option."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["response", "option__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "option"], name="decide_choice_unique")
        ]

    def __str__(self) -> str:
        return f"choice {self.pk}"
