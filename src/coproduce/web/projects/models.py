"""Organisations, the projects they own, and who belongs to each."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class OrganisationKind(models.TextChoices):
    TRUST = "trust", "NHS trust"
    PRACTICE = "practice", "GP practice"
    COUNCIL = "council", "Council"
    CHARITY = "charity", "Charity"


class Organisation(models.Model):
    """A trust, practice, council or charity that owns improvement projects."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationMembership(models.Model):
    """Belonging to an organisation. Admins may start projects in it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    is_admin = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation}"


class ProjectStatus(models.TextChoices):
    PLANNING = "planning", "Planning"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    CLOSED = "closed", "Closed"


class Project(models.Model):
    """An improvement project: the workspace patients, carers and staff share."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(max_length=200)
    service = models.CharField("service or pathway", max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNING
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "title"], name="project_title_unique_in_org"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Role(models.TextChoices):
    FACILITATOR = "facilitator", "Facilitator"
    STAFF = "staff", "Staff member"
    PATIENT_PARTNER = "patient_partner", "Patient partner"
    CARER_PARTNER = "carer_partner", "Carer partner"
    OBSERVER = "observer", "Observer"


class ProjectMembership(models.Model):
    """A person's role in one project. The same person may hold other roles elsewhere."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_role_per_project"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.project}"


class Invitation(models.Model):
    """An invitation to join a project in a role, sent by a facilitator.

    The link carries a random token; only its SHA-256 digest is stored. An
    invitation is used once, expires, and may be revoked.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_both_accepted_and_revoked",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.project} as {self.get_role_display()}"

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
