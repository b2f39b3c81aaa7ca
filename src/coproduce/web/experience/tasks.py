"""Background work of the experience app, run by ``coproduce.web.jobs``'s worker (ADR 0014).

:func:`import_feedback_file` imports a large staged feedback file: the same action as an
import in the request (:func:`actions.import_feedback`), with progress, as the user who
started it (whose role is checked again). The result and the messages carry counts only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.urls import reverse

from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError
from coproduce.web.projects.models import Project

from . import actions, uploads

Progress = Callable[[float, str], None]

FILE_GONE = (
    "The uploaded file is no longer kept (files are deleted a day after they are uploaded). "
    "Upload it again."
)


def import_feedback_file(
    progress: Progress,
    *,
    project_id: int,
    user_id: int | None,
    upload: str,
    name: str,
    source: str,
    consent: str,
    columns: Mapping[str, str | None],
    skip_empty: bool = False,
) -> dict[str, Any]:
    """Import the staged file ``upload``/``name`` into the project, all or nothing, then
    delete the file (whether or not the import succeeded: a failed one is uploaded again)."""
    try:
        project = Project.objects.get(pk=project_id)
        user = User.objects.filter(pk=user_id).first() if user_id is not None else None
        path = uploads.job_file(upload, name)
        if path is None:
            raise ActionError(FILE_GONE)
        try:
            report = actions.import_feedback(
                project=project,
                user=user,
                file=path,
                columns=dict(columns),
                source=source,
                consent=consent,
                skip_empty=skip_empty,
                progress=progress,
            )
        except actions.InvalidFeedback as refused:
            first = refused.report.errors[0] if refused.report.errors else None
            where = f" The first: row {first.row}, {first.column}: {first.reason}." if first else ""
            raise ActionError(
                f"{refused.message}{where} Correct the file and upload it again."
            ) from None
    finally:
        uploads.remove(upload)
    return {
        "batch": report.batch.pk if report.batch else None,
        "rows_read": report.rows_read,
        "added": report.added,
        "duplicates": report.duplicate_count,
        "empty_skipped": report.empty_skipped,
        "identifying": report.identifying,
        "next_url": reverse("experience:list", args=[project_id]),
    }
