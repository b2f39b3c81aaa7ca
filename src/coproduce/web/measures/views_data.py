"""Pages for a project's measures and their data: the list, the measure form, the data grid,
uploads of CSV, Excel and ODS files, and the CSV download."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from coproduce.commands.tables import CommandError, Source, Table
from coproduce.improvement import data_import
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project

from . import actions, selectors, uploads
from .forms import EXTRA_ROWS, SUGGESTED, ColumnsForm, DataGrid, MeasureForm, UploadForm
from .models import Measure
from .views_shared import submit, user_of

PREVIEW_ROWS = 10
GRID_WARN_ROWS = 1000
CANNOT_EDIT = "Observers can look at measures but not change them."


def _project(request: HttpRequest, pk: int, *, edit: bool = False) -> Project:
    """The project for a member (404 for anyone else); 403 for observers if ``edit``."""
    project = project_selectors.project_for_user(pk=pk, user=request.user)
    if edit and not selectors.can_edit(project=project, user=request.user):
        raise PermissionDenied(CANNOT_EDIT)
    return project


def _measure(request: HttpRequest, pk: int, measure_pk: int, *, edit: bool = False) -> Measure:
    project = _project(request, pk, edit=edit)
    return selectors.measure_in(project=project, pk=measure_pk)


# --------------------------------------------------------------------------- measures


@login_required
def measure_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    access = selectors.access_for(project=project, user=request.user)
    return render(
        request,
        "measures/list.html",
        {
            "project": project,
            "measures": selectors.measures_of(project=project),
            "can_edit": access.can_edit,
            "can_delete": access.is_facilitator,
        },
    )


def _measure_values(cleaned: dict[str, Any]) -> dict[str, Any]:
    values = dict(cleaned)
    if values.get("chart") == SUGGESTED:
        values["chart"] = ""
    return values


@login_required
def measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, edit=True)
    form = MeasureForm(request.POST or None)
    measure = submit(
        request,
        form,
        lambda cleaned: actions.create_measure(
            project=project, by=user_of(request), **_measure_values(cleaned)
        ),
    )
    if measure is not None:
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
    saved = submit(
        request,
        form,
        lambda cleaned: actions.update_measure(
            measure=measure, by=user_of(request), **_measure_values(cleaned)
        ),
    )
    if saved is not None:
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
        actions.delete_measure(measure=measure, by=user_of(request))
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
    """The data grid: every stored point and empty rows to add more, for members who can edit;
    the points alone, small stratum counts hidden, for observers."""
    measure = _measure(request, pk, measure_pk)
    access = selectors.access_for(project=measure.project, user=request.user)
    hide = selectors.hides_small_counts(measure=measure, access=access)
    points = list(selectors.points_of(measure=measure))
    if request.method == "POST":
        if not access.can_edit:
            raise PermissionDenied(CANNOT_EDIT)
        grid = DataGrid(points=points, data=request.POST)
        frame, rows, delete = grid.to_save()
        try:
            saved = actions.save_points(
                measure=measure,
                frame=frame,
                columns={name: name for name in data_import.FIELDS},
                rows=rows,
                delete_ids=delete,
                by=user_of(request),
                source="data entry",
            )
        except actions.InvalidRows as error:
            grid.show_errors(error.checked.errors, error.checked.error_count)
        else:
            messages.success(request, f"Data saved: {saved}.")
            return redirect("measures:data", pk=pk, measure_pk=measure.pk)
    elif access.can_edit:
        try:
            extra = max(1, min(int(request.GET.get("extra", EXTRA_ROWS)), 100))
        except ValueError:
            extra = EXTRA_ROWS
        grid = DataGrid(points=points, extra=extra)
    else:
        grid = DataGrid(points=points, extra=0, hide_small_counts=hide)
    show_denominator = measure.needs_denominator or any(p.denominator for p in points)
    return render(
        request,
        "measures/data.html",
        {
            "project": measure.project,
            "measure": measure,
            "grid": grid,
            "form": grid,
            "can_edit": access.can_edit,
            "needs_denominator": measure.needs_denominator,
            "show_denominator": show_denominator,
            "columns": 5 + show_denominator + access.can_edit,
            "strata": selectors.strata_of(measure=measure),
            "hides_small_counts": hide,
            "many": len(points) > GRID_WARN_ROWS,
        },
    )


# --------------------------------------------------------------------------- upload


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
        path = uploads.stage(request.session, form.cleaned_data["file"], measure_pk=measure.pk)
        try:
            _read(path)
        except CommandError as error:
            uploads.discard(request.session)
            form.add_error("file", f"The file could not be read: {error}")
        else:
            return redirect("measures:upload_columns", pk=pk, measure_pk=measure.pk)
    return render(
        request,
        "measures/upload.html",
        {"project": measure.project, "measure": measure, "form": form},
    )


class _StartAgain(Exception):
    """The staged file is gone or unreadable: the person has to upload it again."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _staged_table(request: HttpRequest, measure: Measure) -> tuple[Path, Table]:
    """The file this session staged for ``measure``, read; else :class:`_StartAgain`."""
    path = uploads.staged(request.session, measure_pk=measure.pk)
    if path is None:
        raise _StartAgain("Upload the file again: it is kept for a day at most.")
    try:
        return path, _read(path)
    except CommandError:
        uploads.discard(request.session)
        raise _StartAgain("The file could not be read again. Upload it again.") from None


def _start_again(request: HttpRequest, measure: Measure, why: _StartAgain) -> HttpResponse:
    messages.info(request, why.message)
    return redirect("measures:upload", pk=measure.project_id, measure_pk=measure.pk)


@login_required
def upload_columns(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    """Preview the file and map its columns; on POST, check every row and report."""
    measure = _measure(request, pk, measure_pk, edit=True)
    try:
        path, table = _staged_table(request, measure)
    except _StartAgain as why:
        return _start_again(request, measure, why)
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
    try:
        path, table = _staged_table(request, measure)
    except _StartAgain as why:
        return _start_again(request, measure, why)
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
            by=user_of(request),
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
    uploads.discard(request.session)
    messages.success(request, f"Imported {path.name}: {saved}.")
    return redirect("measures:data", pk=pk, measure_pk=measure.pk)


# --------------------------------------------------------------------------- download


def _safe_cell(text: str) -> str:
    """Text that a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_number(value: float | None, *, hidden: bool = False) -> str | int:
    if value is None:
        return ""
    if hidden:
        return f"<{selectors.SUPPRESS_BELOW}"
    return int(value) if float(value).is_integer() else repr(value)


@login_required
def download(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    """Every data point as CSV; small stratum counts as "<5" for members who cannot edit."""
    measure = _measure(request, pk, measure_pk)
    access = selectors.access_for(project=measure.project, user=request.user)
    hide = selectors.hides_small_counts(measure=measure, access=access)
    name = slugify(measure.title) or f"measure-{measure.pk}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(["period", "value", "denominator", "stratum", "note"])
    for point in selectors.points_of(measure=measure):
        hide_value, hide_denominator = selectors.hidden_in_stratum(point, hide=hide)
        writer.writerow(
            [
                point.period.isoformat(),
                _csv_number(point.value, hidden=hide_value),
                _csv_number(point.denominator, hidden=hide_denominator),
                _safe_cell(point.stratum),
                _safe_cell(point.note),
            ]
        )
    return response
