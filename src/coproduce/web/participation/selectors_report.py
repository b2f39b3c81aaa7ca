"""The GRIPP2 short-form report of a project: the team's words, the rest from the record."""

from __future__ import annotations

import datetime

from django.utils import timezone

from coproduce.participation import gripp2 as core_gripp2
from coproduce.participation import profile as core_profile
from coproduce.web.projects.models import Project

from . import selectors_profile
from .models import Gripp2Report

#: The items a team may rewrite; blank means "use the draft from the record".
DRAFTED = ("ppi_methods", "ppi_results", "ppi_influence")


def stored_report(*, project: Project) -> Gripp2Report | None:
    return Gripp2Report.objects.filter(project=project).first()


def _record(
    project: Project, today: datetime.date | None
) -> tuple[selectors_profile.CoreRecords, core_profile.Profile]:
    """The project's records and profile, read once for the report and its drafts."""
    records = selectors_profile.core_records_of(project)
    profile = selectors_profile.profile_of(project, today or timezone.localdate(), records=records)
    return records, profile


def _report(
    project: Project,
    records: selectors_profile.CoreRecords,
    profile: core_profile.Profile,
) -> core_gripp2.Gripp2Report:
    stored = stored_report(project=project)
    edits: dict[str, str] = {}
    pages: dict[str, str] = {}
    if stored is not None:
        edits = {key: getattr(stored, key) for key in DRAFTED if getattr(stored, key).strip()}
        pages = {str(k): str(v) for k, v in stored.pages.items() if str(v).strip()}
    return core_gripp2.draft_report(
        project_title=project.title,
        ppi_aim_text=stored.ppi_aim if stored else "",
        profile=profile,
        activities=records.activities,
        contributions=records.contributions,
        reflections_text=stored.ppi_reflection if stored else "",
        edits=edits,
        pages=pages,
    )


def _drafts(
    records: selectors_profile.CoreRecords, profile: core_profile.Profile
) -> dict[str, str]:
    """The drafted items from the record alone, by item key."""
    return {
        "ppi_methods": core_gripp2.draft_methods(profile, records.activities),
        "ppi_results": core_gripp2.draft_results(profile, records.contributions),
        "ppi_influence": core_gripp2.draft_influence(profile),
    }


def gripp2_of(*, project: Project, today: datetime.date | None = None) -> core_gripp2.Gripp2Report:
    """The report as it stands: the stored aim and reflections, the team's rewrites where
    there are any, and drafts from the record for the rest."""
    return _report(project, *_record(project, today))


def report_and_drafts(
    *, project: Project, today: datetime.date | None = None
) -> tuple[core_gripp2.Gripp2Report, dict[str, str]]:
    """The report as :func:`gripp2_of` gives it, and what the record alone says for the
    drafted items (shown beside the team's rewrite on the edit page), reading the record
    once."""
    records, profile = _record(project, today)
    return _report(project, records, profile), _drafts(records, profile)
