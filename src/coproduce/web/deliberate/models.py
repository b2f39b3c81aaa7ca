"""Deliberation in the app (issue 7 item 3, docs/adr/0022): conversations, statements, votes.

A ``Conversation`` belongs to a project. Its ``Statement`` s are seeded by a facilitator or
submitted by voters into a moderation queue; only accepted ones are voted on. A ``Vote`` is
one voter's current answer on one statement: one row per (voter, statement), enforced by a
unique constraint and written by an upsert, so a replayed POST or a changed mind never adds a
second row. ``Analysis`` keeps the last opinion-group analysis with the vote count and last
vote time it was computed from, so the results are recomputed only when votes have arrived.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coproduce.web.projects.models import Project
from coproduce.web.takepart.models import Voter

#: Longest statement, in characters (Pol.is allows 140; ours are a little longer).
MAX_STATEMENT = 280
MIN_STATEMENT = 5


class Conversation(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="conversations")
    topic = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_open = models.BooleanField(default=True)
    participants_may_submit = models.BooleanField(
        "people taking part may suggest statements", default=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.topic


class StatementStatus(models.TextChoices):
    PENDING = "pending", "Waiting for moderation"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


#: Pol.is ``moderated`` values of each status.
POLIS_MODERATED = {
    StatementStatus.ACCEPTED: 1,
    StatementStatus.PENDING: 0,
    StatementStatus.REJECTED: -1,
}


class Statement(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    text = models.CharField(max_length=MAX_STATEMENT)
    #: Lower-cased, spaces collapsed, end punctuation dropped: two statements with the same
    #: key in one conversation are duplicates.
    text_key = models.CharField(max_length=MAX_STATEMENT)
    status = models.CharField(
        max_length=10, choices=StatementStatus.choices, default=StatementStatus.PENDING
    )
    author = models.ForeignKey(
        Voter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    seeded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["conversation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "text_key"], name="deliberate_statement_unique_text"
            ),
            models.CheckConstraint(
                condition=Q(status__in=StatementStatus.values),
                name="deliberate_statement_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"statement {self.pk}"


class VoteValue(models.IntegerChoices):
    AGREE = 1, "Agree"
    DISAGREE = -1, "Disagree"
    PASS = 0, "Pass / unsure"


class Vote(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="deliberation_votes")
    value = models.SmallIntegerField(choices=VoteValue.choices)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["conversation_id", "statement_id", "voter_id"]  # ids: no joins to order by
        constraints = [
            models.UniqueConstraint(fields=["voter", "statement"], name="deliberate_one_vote"),
            models.CheckConstraint(
                condition=Q(value__in=[-1, 0, 1]), name="deliberate_vote_value_valid"
            ),
        ]
        indexes = [models.Index(fields=["conversation", "updated_at"])]

    def __str__(self) -> str:
        return f"vote {self.pk}"


class Analysis(models.Model):
    """The last analysis of a conversation and the votes it was computed from."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="analysis"
    )
    vote_count = models.PositiveIntegerField(default=0)
    last_vote_at = models.DateTimeField(null=True, blank=True)
    document = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"analysis of conversation {self.conversation_id}"
