"""Taking part without an account (issue 7): voters, one-time invitation links, event codes.

A ``Voter`` is one person's seat in a project's surveys, conversations and decisions. Members
with accounts take part as themselves; anyone else comes in by a one-time invitation link or
an event code and is recognised afterwards by a random key kept in a cookie (only its SHA-256
is stored). A pseudonym is optional. A facilitator may record someone's answers on their
behalf (assisted mode): the voter is then marked as assisted, with who assisted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coproduce.web.participation.models import Participant
from coproduce.web.projects.models import Project


class Constituency(models.TextChoices):
    """Who someone speaks as; bridging weights each constituency equally (ADR 0020)."""

    PATIENT = "patient", "Patient"
    CARER = "carer", "Carer or family"
    STAFF = "staff", "Staff"
    OTHER = "other", "Other"


class JoinedVia(models.TextChoices):
    ACCOUNT = "account", "Their account"
    LINK = "link", "Invitation link"
    CODE = "code", "Event code"
    ASSISTED = "assisted", "Recorded by a facilitator"


class Voter(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="voters")
    pseudonym = models.CharField(max_length=80, blank=True)
    constituency = models.CharField(max_length=20, choices=Constituency.choices)
    joined_via = models.CharField(max_length=20, choices=JoinedVia.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="voter_seats",
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="voter_seats"
    )
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"],
                condition=Q(user__isnull=False),
                name="one_voter_seat_per_member",
            ),
            models.CheckConstraint(
                condition=Q(constituency__in=Constituency.values), name="voter_constituency_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym or f"voter {self.pk}"

    @property
    def is_assisted(self) -> bool:
        """Answers of an assisted seat were recorded by a facilitator on the person's behalf."""
        return self.assisted_by_id is not None or self.joined_via == JoinedVia.ASSISTED


class InvitationLink(models.Model):
    """A one-time link: the first person to open it gets a seat; a replay is refused."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="voter_links")
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField("who it is for (optional, for your list)", max_length=100, blank=True)
    constituency = models.CharField(max_length=20, choices=Constituency.choices)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    voter = models.OneToOneField(
        Voter, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"link {self.pk}"


class EventCode(models.Model):
    """A short code shown at an event: whoever types it gets a seat while it is open."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="event_codes")
    code = models.CharField(max_length=12, unique=True)
    label = models.CharField(max_length=100)
    constituency = models.CharField(
        max_length=20,
        choices=Constituency.choices,
        blank=True,
        help_text="empty: each person says who they speak as",
    )
    opens_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField()
    uses = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.code
