"""The GRIPP2 short-form report of a project: the team's words, the rest from the record."""

from __future__ import annotations

import datetime

from django.utils import timezone

from coproduce.participation import gripp2 as core_gripp2
from coproduce.web.projects.models import Project

from . import selectors_profile
from .models import Gripp2Report

#: The items a team may rewrite; blank means "use the draft from the record".
DRAFTED = ("ppi_methods", "ppi_results", "ppi_influence")


def stored_report(*, project: Project) -> Gripp2Report | None:
    return Gripp2Report.objects.filter(project=project).first()


def gripp2_of(*, project: Project, today: datetime.date | None = None) -> core_gripp2.Gripp2Report:
    """The report as it stands: the stored aim and reflections, the team's rewrites where
    there are any, and drafts from the record for the rest."""
    today = today or timezone.localdate()
    activities, _decisions, contributions = selectors_profile.core_records_of(project=project)
    profile = selectors_profile.profile_of(project=project, today=today)
    stored = stored_report(project=project)
    edits = {}
    pages: dict[str, str] = {}
    if stored is not None:
        edits = {key: getattr(stored, key) for key in DRAFTED if getattr(stored, key).strip()}
        pages = {str(k): str(v) for k, v in stored.pages.items() if str(v).strip()}
    return core_gripp2.draft_report(
        project_title=project.title,
        ppi_aim_text=stored.ppi_aim if stored else "",
        profile=profile,
        activities=activities,
        contributions=contributions,
        reflections_text=stored.ppi_reflection if stored else "",
        edits=edits,
        pages=pages,
    )


def drafts_of(*, project: Project, today: datetime.date | None = None) -> dict[str, str]:
    """What the record alone says for the drafted items (shown beside the team's rewrite)."""
    today = today or timezone.localdate()
    activities, _decisions, contributions = selectors_profile.core_records_of(project=project)
    profile = selectors_profile.profile_of(project=project, today=today)
    return {
        "ppi_methods": core_gripp2.draft_methods(profile, activities),
        "ppi_results": core_gripp2.draft_results(profile, contributions),
        "ppi_influence": core_gripp2.draft_influence(profile),
    }
