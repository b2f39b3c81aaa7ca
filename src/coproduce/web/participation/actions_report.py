"""Writing the parts of the GRIPP2 short-form report that the team writes (DOMAIN.md §1.8)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from coproduce.web.accounts.models import User
from coproduce.web.audit import actions as audit
from coproduce.web.errors import NotAllowed
from coproduce.web.projects.models import Project

from . import selectors
from .models import Gripp2Report

TEXT_FIELDS = ("ppi_aim", "ppi_methods", "ppi_results", "ppi_influence", "ppi_reflection")
PAGE_MAX = 20


@transaction.atomic
def save_gripp2(
    *,
    project: Project,
    by: User,
    ppi_aim: str,
    ppi_methods: str,
    ppi_results: str,
    ppi_influence: str,
    ppi_reflection: str,
    pages: dict[str, str],
) -> Gripp2Report:
    """Save the team's text. Blank methods, results or influence mean "use the draft"."""
    if not selectors.can_manage(project=project, user=by):
        raise NotAllowed("Only the project's facilitators can edit the GRIPP2 report.")
    values = {
        "ppi_aim": ppi_aim.strip(),
        "ppi_methods": ppi_methods.strip(),
        "ppi_results": ppi_results.strip(),
        "ppi_influence": ppi_influence.strip(),
        "ppi_reflection": ppi_reflection.strip(),
        "pages": {
            key: value.strip()[:PAGE_MAX]
            for key, value in pages.items()
            if key in TEXT_FIELDS and value.strip()
        },
    }
    report, created = Gripp2Report.objects.select_for_update().get_or_create(
        project=project, defaults={**values, "created_by": by, "updated_by": by}
    )
    changed = (
        sorted(values) if created else [k for k, v in values.items() if getattr(report, k) != v]
    )
    if not created:
        for key, value in values.items():
            setattr(report, key, value)
        report.updated_by = by
        report.updated_at = timezone.now()
        report.save()
    audit.record(
        action="gripp2.saved",
        by=by,
        summary=(
            f"GRIPP2 report of project {project.pk} saved ({', '.join(changed) or 'no change'})"
        ),
        target=report,
        project=project,
        data={"fields": changed},
    )
    return report
