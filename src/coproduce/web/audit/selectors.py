from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import AuditEvent

if TYPE_CHECKING:
    from coproduce.web.projects.models import Project


def events_for_project(*, project: Project) -> QuerySet[AuditEvent]:
    """The project's audit trail, newest first. Callers check the reader facilitates it."""
    return AuditEvent.objects.filter(project=project).select_related("actor")
