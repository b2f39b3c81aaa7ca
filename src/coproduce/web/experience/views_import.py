"""Importing a feedback file: upload, preview with the columns guessed, check, import.

The file is staged under the data directory (``uploads``) between the steps. The preview
shows the first rows with identifiers already hidden, so nothing identifying is put on screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coproduce.experience import feedback_import as core
from coproduce.experience.redact import redact_many
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.projects.models import Project

from . import actions, selectors, uploads
from .forms import ColumnsForm, UploadForm
from .views import capturing_project, user_of

PREVIEW_ROWS = 10
SHOWN_DUPLICATES = 100


@login_required
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    project = capturing_project(request, pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        path = uploads.stage(request.session, form.cleaned_data["file"], project_pk=project.pk)
        try:
            selectors.read_file(path)
        except core.FeedbackFileError as error:
            uploads.discard(request.session)
            form.add_error("file", f"The file could not be read: {error}")
        else:
            return redirect("experience:import_columns", pk=project.pk)
    return render(request, "experience/import_upload.html", {"project": project, "form": form})


class _StartAgain(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _staged(request: HttpRequest, project: Project) -> tuple[Path, core.Table]:
    path = uploads.staged(request.session, project_pk=project.pk)
    if path is None:
        raise _StartAgain("Upload the file again: it is kept for a day at most.")
    try:
        return path, selectors.read_file(path)
    except core.FeedbackFileError:
        uploads.discard(request.session)
        raise _StartAgain("The file could not be read again. Upload it again.") from None


def _start_again(request: HttpRequest, project: Project, why: _StartAgain) -> HttpResponse:
    messages.info(request, why.message)
    return redirect("experience:import", pk=project.pk)


def _preview(table: core.Table) -> list[list[str]]:
    """The first rows with identifiers in every cell hidden."""
    rows = table.rows[:PREVIEW_ROWS]
    cells = [cell for row in rows for cell in row]
    hidden = [r.text for r in redact_many(cells)]
    width = len(table.columns)
    return [hidden[i * width : (i + 1) * width] for i in range(len(rows))]


def _context(project: Project, path: Path, table: core.Table, form: ColumnsForm) -> dict[str, Any]:
    return {
        "project": project,
        "form": form,
        "file_name": path.name,
        "encoding": table.encoding,
        "row_count": len(table.rows),
        "background": len(table.rows) > actions.BACKGROUND_ROWS,
        "columns": table.columns,
        "preview": _preview(table),
    }


def _check(project: Project, path: Path, form: ColumnsForm) -> actions.ImportReport:
    return actions.check_feedback(
        project=project,
        file=path,
        columns=form.mapping(),
        skip_empty=bool(form.cleaned_data.get("skip_empty")),
    )


@login_required
def columns(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview the file and map its columns; on POST, check every row and report."""
    project = capturing_project(request, pk)
    try:
        path, table = _staged(request, project)
    except _StartAgain as why:
        return _start_again(request, project, why)
    form = ColumnsForm(
        request.POST or None,
        initial={k: v for k, v in core.guess_columns(table.columns).items() if v},
        columns=table.columns,
    )
    context = _context(project, path, table, form)
    if request.method == "POST" and form.is_valid():
        report = _check(project, path, form)
        context |= {
            "report": report,
            "hidden": form.hidden_values(),
            "duplicates": report.duplicates[:SHOWN_DUPLICATES],
        }
        return render(request, "experience/import_check.html", context)
    return render(request, "experience/import_columns.html", context)


def _import_in_background(
    request: HttpRequest, project: Project, table: core.Table, form: ColumnsForm
) -> HttpResponse:
    """Hand the staged file to a background job and show its progress (ADR 0015)."""
    upload, name = uploads.hand_over(request.session)
    try:
        job = actions.start_import(
            project=project,
            user=user_of(request),
            upload=upload,
            name=name,
            rows=len(table.rows),
            columns=form.mapping(),
            source=form.cleaned_data["source"],
            consent=form.cleaned_data["consent"],
            skip_empty=bool(form.cleaned_data.get("skip_empty")),
        )
    except NotAllowed as refused:
        uploads.remove(upload)
        raise PermissionDenied(refused.message) from None
    except ActionError as error:
        uploads.remove(upload)
        messages.error(request, error.message)
        return redirect("experience:import", pk=project.pk)
    messages.success(
        request,
        "The import has started. This page shows how far it has got; the comments appear "
        "all at once when it has finished.",
    )
    return redirect("jobs:detail", job_id=job.pk)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    project = capturing_project(request, pk)
    try:
        path, table = _staged(request, project)
    except _StartAgain as why:
        return _start_again(request, project, why)
    form = ColumnsForm(request.POST, columns=table.columns)
    if not form.is_valid():
        return redirect("experience:import_columns", pk=project.pk)
    if len(table.rows) > actions.BACKGROUND_ROWS:
        return _import_in_background(request, project, table, form)
    try:
        report = actions.import_feedback(
            project=project,
            user=user_of(request),
            file=path,
            columns=form.mapping(),
            source=form.cleaned_data["source"],
            consent=form.cleaned_data["consent"],
            skip_empty=bool(form.cleaned_data.get("skip_empty")),
        )
    except NotAllowed as refused:
        raise PermissionDenied(refused.message) from None
    except actions.InvalidFeedback as error:
        context = _context(project, path, table, form) | {
            "report": error.report,
            "hidden": form.hidden_values(),
        }
        return render(request, "experience/import_check.html", context)
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("experience:import_columns", pk=project.pk)
    uploads.discard(request.session)
    parts = [f"Imported {path.name}: {report.added} comment{'s' if report.added != 1 else ''}"]
    if report.duplicate_count:
        many = "s" if report.duplicate_count != 1 else ""
        parts.append(f"{report.duplicate_count} duplicate{many} left out")
    if report.empty_skipped:
        parts.append(f"{report.empty_skipped} without a comment left out")
    if report.identifying:
        parts.append(f"{report.identifying} held back for review")
    messages.success(request, ", ".join(parts) + ".")
    return redirect("experience:list", pk=project.pk)
