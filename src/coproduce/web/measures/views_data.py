"""Pages for a project's measures and their data: the list, the measure form, the data grid,
uploads of CSV, Excel and ODS files, and the CSV download."""

from __future__ import annotations

import csv
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import get_valid_filename, slugify
from django.views.decorators.http import require_POST

from coproduce.commands.tables import CommandError, Source, Table
from coproduce.improvement import data_import
from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project

from . import actions, selectors
from .forms import EXTRA_ROWS, SUGGESTED, ColumnsForm, DataGrid, MeasureForm, UploadForm
from .models import Measure

SESSION_KEY = "measures.upload"
UPLOAD_DIR = Path(tempfile.gettempdir()) / "coproduce-uploads"
UPLOAD_MAX_AGE_SECONDS = 24 * 60 * 60
PREVIEW_ROWS = 10
GRID_WARN_ROWS = 1000


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _project(request: HttpRequest, pk: int, *, edit: bool = False) -> Project:
    """The project for a member (404 for anyone else); 403 for observers if ``edit``."""
    project = project_selectors.project_for_user(pk=pk, user=request.user)
    if edit and not selectors.can_edit(project=project, user=request.user):
        raise PermissionDenied("Observers can look at measures but not change them.")
    return project


def _measure(request: HttpRequest, pk: int, measure_pk: int, *, edit: bool = False) -> Measure:
    project = _project(request, pk, edit=edit)
    return selectors.measure_in(project=project, pk=measure_pk)


# --------------------------------------------------------------------------- measures


@login_required
def measure_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return render(
        request,
        "measures/list.html",
        {
            "project": project,
            "measures": selectors.measures_of(project=project),
            "can_edit": selectors.can_edit(project=project, user=request.user),
            "can_delete": selectors.can_delete(project=project, user=request.user),
        },
    )


def _measure_values(form: MeasureForm) -> dict[str, Any]:
    values = dict(form.cleaned_data)
    if values.get("chart") == SUGGESTED:
        values["chart"] = ""
    return values


@login_required
def measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, edit=True)
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            measure = actions.create_measure(
                project=project, by=_user(request), **_measure_values(form)
            )
        except ActionError as error:
            form.add_action_error(error)
        else:
            messages.success(
                request,
                f"Measure “{measure.title}” added. Chart: {measure.get_chart_display()}. "
                "Now add its data.",
            )
            return redirect("measures:data", pk=project.pk, measure_pk=measure.pk)
    return render(request, "measures/form.html", {"form": form, "project": project})


@login_required
def measure_edit(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    measure = _measure(request, pk, measure_pk, edit=True)
    form = MeasureForm(request.POST or None, initial=MeasureForm.initial_for(measure))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_measure(measure=measure, by=_user(request), **_measure_values(form))
        except ActionError as error:
            form.add_action_error(error)
        else:
            messages.success(request, "Measure saved.")
            return redirect("measures:detail", pk=pk, measure_pk=measure.pk)
    return render(
        request,
        "measures/form.html",
        {
            "form": form,
            "project": measure.project,
            "measure": measure,
            "can_delete": selectors.can_delete(project=measure.project, user=request.user),
        },
    )


@login_required
def measure_delete(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    measure = _measure(request, pk, measure_pk)
    if not selectors.can_delete(project=measure.project, user=request.user):
        raise PermissionDenied("Only the project's facilitators can delete a measure.")
    if request.method == "POST":
        title = measure.title
        actions.delete_measure(measure=measure, by=_user(request))
        messages.success(request, f"Measure “{title}” and its data were deleted.")
        return redirect("measures:list", pk=pk)
    return render(
        request,
        "measures/delete.html",
        {
            "project": measure.project,
            "measure": measure,
            "point_count": measure.points.count(),
        },
    )


# --------------------------------------------------------------------------- the grid


@login_required
def data(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    measure = _measure(request, pk, measure_pk)
    can_edit = selectors.can_edit(project=measure.project, user=request.user)
    points = list(selectors.points_of(measure=measure))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Observers can look at measures but not change them.")
        grid = DataGrid(points=points, data=request.POST)
        frame, rows, delete = grid.to_save()
        try:
            saved = actions.save_points(
                measure=measure,
                frame=frame,
                columns={name: name for name in data_import.FIELDS},
                rows=rows,
                delete_ids=delete,
                by=_user(request),
                source="data entry",
            )
        except actions.InvalidRows as error:
            grid.show_errors(error.checked.errors, error.checked.error_count)
        else:
            messages.success(request, f"Data saved: {saved}.")
            return redirect("measures:data", pk=pk, measure_pk=measure.pk)
    else:
        try:
            extra = max(1, min(int(request.GET.get("extra", EXTRA_ROWS)), 100))
        except ValueError:
            extra = EXTRA_ROWS
        grid = DataGrid(points=points, extra=extra)
    return render(
        request,
        "measures/data.html",
        {
            "project": measure.project,
            "measure": measure,
            "grid": grid,
            "form": grid,
            "can_edit": can_edit,
            "needs_denominator": measure.needs_denominator,
            "show_denominator": measure.needs_denominator or any(p.denominator for p in points),
            "strata": selectors.strata_of(measure=measure),
            "many": len(points) > GRID_WARN_ROWS,
        },
    )


# --------------------------------------------------------------------------- upload


def _clear_old_uploads() -> None:
    if not UPLOAD_DIR.is_dir():
        return
    cutoff = time.time() - UPLOAD_MAX_AGE_SECONDS
    for folder in UPLOAD_DIR.iterdir():
        try:
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _store(upload: UploadedFile) -> dict[str, str]:
    _clear_old_uploads()
    token = secrets.token_urlsafe(16)
    folder = UPLOAD_DIR / token
    folder.mkdir(parents=True, mode=0o700)
    name = get_valid_filename(Path(upload.name or "upload.csv").name) or "upload.csv"
    with (folder / name).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return {"token": token, "name": name}


def _stored_path(request: HttpRequest, measure: Measure) -> Path | None:
    stored = request.session.get(SESSION_KEY)
    if not stored or stored.get("measure") != measure.pk:
        return None
    token, name = str(stored.get("token", "")), str(stored.get("name", ""))
    if not token.replace("-", "").replace("_", "").isalnum():
        return None
    path = UPLOAD_DIR / token / get_valid_filename(name)
    return path if path.is_file() else None


def _forget(request: HttpRequest, path: Path | None) -> None:
    request.session.pop(SESSION_KEY, None)
    if path is not None:
        shutil.rmtree(path.parent, ignore_errors=True)


def _read(path: Path) -> Table:
    source = Source(path)
    return source.read(source.columns, text=source.columns)


def _file_rows(table: Table) -> pl.Series:
    """Row numbers as a spreadsheet shows them: the header is row 1."""
    rows = table.where.rows
    if rows is None:
        rows = pl.int_range(1, table.frame.height + 1, eager=True)
    return (rows.cast(pl.Int64) + 1).alias("row")


@login_required
def upload(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    measure = _measure(request, pk, measure_pk, edit=True)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _forget(request, _stored_path(request, measure))
        stored = _store(form.cleaned_data["file"])
        path = UPLOAD_DIR / stored["token"] / stored["name"]
        try:
            _read(path)
        except CommandError as error:
            shutil.rmtree(path.parent, ignore_errors=True)
            form.add_error("file", f"The file could not be read: {error}")
        else:
            request.session[SESSION_KEY] = {**stored, "measure": measure.pk}
            return redirect("measures:upload_columns", pk=pk, measure_pk=measure.pk)
    return render(
        request,
        "measures/upload.html",
        {"project": measure.project, "measure": measure, "form": form},
    )


def _upload_context(request: HttpRequest, measure: Measure) -> tuple[Path, Table] | HttpResponse:
    path = _stored_path(request, measure)
    if path is None:
        messages.info(request, "Upload the file again: it is kept for a day at most.")
        return redirect("measures:upload", pk=measure.project_id, measure_pk=measure.pk)
    try:
        return path, _read(path)
    except CommandError:
        _forget(request, path)
        messages.info(request, "The file could not be read again. Upload it again.")
        return redirect("measures:upload", pk=measure.project_id, measure_pk=measure.pk)


@login_required
def upload_columns(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    """Preview the file and map its columns; on POST, check every row and report."""
    measure = _measure(request, pk, measure_pk, edit=True)
    found = _upload_context(request, measure)
    if isinstance(found, HttpResponse):
        return found
    path, table = found
    columns = table.frame.columns
    form = ColumnsForm(
        request.POST or None,
        initial=data_import.guess_columns(columns),
        columns=columns,
        needs_denominator=measure.needs_denominator,
    )
    context: dict[str, Any] = {
        "project": measure.project,
        "measure": measure,
        "form": form,
        "file_name": path.name,
        "row_count": table.frame.height,
        "columns": columns,
        "preview": [
            ["" if cell is None else str(cell) for cell in row]
            for row in table.frame.head(PREVIEW_ROWS).iter_rows()
        ],
    }
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        checked = data_import.check(
            table.frame, mapping, selectors.rules_for(measure), rows=_file_rows(table)
        )
        context |= {"checked": checked, "mapping": mapping}
        if checked.ok:
            existing = selectors.existing_count(measure=measure, rows=checked.rows)
            ready = checked.rows.height
            context |= {"updates": existing, "additions": ready - existing, "ready": ready}
        return render(request, "measures/upload_check.html", context)
    return render(request, "measures/upload_columns.html", context)


@login_required
@require_POST
def upload_import(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    measure = _measure(request, pk, measure_pk, edit=True)
    found = _upload_context(request, measure)
    if isinstance(found, HttpResponse):
        return found
    path, table = found
    form = ColumnsForm(
        request.POST,
        columns=table.frame.columns,
        needs_denominator=measure.needs_denominator,
    )
    if not form.is_valid():
        return redirect("measures:upload_columns", pk=pk, measure_pk=measure.pk)
    try:
        saved = actions.save_points(
            measure=measure,
            frame=table.frame,
            columns=form.mapping(),
            rows=_file_rows(table),
            by=_user(request),
            source="file upload",
        )
    except actions.InvalidRows as error:
        return render(
            request,
            "measures/upload_check.html",
            {
                "project": measure.project,
                "measure": measure,
                "form": form,
                "file_name": path.name,
                "row_count": table.frame.height,
                "checked": error.checked,
                "mapping": form.mapping(),
            },
        )
    _forget(request, path)
    messages.success(request, f"Imported {path.name}: {saved}.")
    return redirect("measures:data", pk=pk, measure_pk=measure.pk)


# --------------------------------------------------------------------------- download


def _safe_cell(text: str) -> str:
    """Text that a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def download(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    measure = _measure(request, pk, measure_pk)
    name = slugify(measure.title) or f"measure-{measure.pk}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(["period", "value", "denominator", "stratum", "note"])
    for period, value, denominator, stratum, note in selectors.points_of(
        measure=measure
    ).values_list("period", "value", "denominator", "stratum", "note"):
        writer.writerow(
            [
                period.isoformat(),
                repr(value) if not float(value).is_integer() else int(value),
                ""
                if denominator is None
                else repr(denominator)
                if not float(denominator).is_integer()
                else int(denominator),
                _safe_cell(stratum),
                _safe_cell(note),
            ]
        )
    return response
