"""Recording audit events. Called by every other app's actions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from .models import AuditEvent

if TYPE_CHECKING:
    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Organisation, Project


def record(
    *,
    action: str,
    by: User | None,
    summary: str,
    target: models.Model | None = None,
    project: Project | None = None,
    organisation: Organisation | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event.

    ``summary`` and ``data`` must not contain patient free text: name things by
    title, role and id only.
    """
    if project is not None and organisation is None:
        organisation = project.organisation
    return AuditEvent.objects.create(
        action=action,
        actor=by,
        actor_label=by.email if by is not None else "system",
        summary=summary[:300],
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        project=project,
        organisation=organisation,
        data=data or {},
    )
