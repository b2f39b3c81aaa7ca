"""Equity of involvement (every member) and the population the service serves (facilitators
enter it, by hand or from a file; every member may download it)."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import get_valid_filename, slugify

from coproduce.commands.tables import CommandError, Source
from coproduce.participation.payments import spreadsheet_safe
from coproduce.web.errors import ActionError

from . import actions_equity as actions
from . import selectors, selectors_equity
from .actions_equity import InvalidPopulation, PopulationRow, RowProblem
from .forms_equity import PopulationForm, PopulationUploadForm, plain_number
from .views import managed_project, project_of, user_of

COLUMNS = ("dimension", "group", "count")


@login_required
def equity(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    return render(
        request,
        "participation/equity/equity.html",
        {
            "project": project,
            "page": selectors_equity.equity_page(project=project),
            **selectors.permissions(project=project, user=request.user),
        },
    )


@login_required
def population(request: HttpRequest, pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    stored = {p.dimension.key: p for p in selectors_equity.population_of(project)}
    return render(
        request,
        "participation/equity/population.html",
        {
            "project": project,
            "dimensions": [
                (dimension, stored.get(dimension.key))
                for dimension in selectors_equity.dimensions_for(project)
            ],
            "any_stored": bool(stored),
        },
    )


def _dimension(project: Any, key: str) -> selectors_equity.Dimension:
    dimension = selectors_equity.dimension_of(project, key)
    if dimension is None:
        raise Http404("No such dimension.")
    return dimension


@login_required
def population_edit(request: HttpRequest, pk: int, dimension: str) -> HttpResponse:
    project = managed_project(request, pk)
    chosen = _dimension(project, dimension)
    stored = selectors_equity.population_dimension(project, chosen.key)
    form = PopulationForm(request.POST or None, dimension=chosen, stored=stored)
    if request.method == "POST" and form.is_valid():
        rows, fields = form.rows()
        try:
            actions.replace_population(
                project=project,
                rows=rows,
                source=form.cleaned_data["source"],
                by=user_of(request),
                via="form",
            )
        except InvalidPopulation as error:
            for problem in error.problems:
                field = None
                if problem.column == "source":
                    field = "source"
                elif problem.column in ("group", "count") and problem.row is not None:
                    field = fields.get(problem.row)
                reason = problem.reason[0].upper() + problem.reason[1:]
                form.add_error(field, reason)
        except ActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Population figures saved: {chosen.title}.")
            return redirect("participation:population", pk=project.pk)
    return render(
        request,
        "participation/equity/population_form.html",
        {"project": project, "form": form, "dimension": chosen, "stored": stored},
    )


@login_required
def population_remove(request: HttpRequest, pk: int, dimension: str) -> HttpResponse:
    project = managed_project(request, pk)
    chosen = _dimension(project, dimension)
    stored = selectors_equity.population_dimension(project, chosen.key)
    if stored is None:
        raise Http404("No figures for this dimension.")
    if request.method == "POST":
        actions.remove_population_dimension(
            project=project, dimension=chosen.key, by=user_of(request)
        )
        messages.success(request, f"Population figures removed: {chosen.title}.")
        return redirect("participation:population", pk=project.pk)
    return render(
        request,
        "participation/equity/population_remove.html",
        {"project": project, "dimension": chosen, "stored": stored},
    )


# -- upload ---------------------------------------------------------------------------------


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _rows_of(path: Path) -> tuple[list[PopulationRow], list[RowProblem]]:
    """The rows of a population file, or the problems that stop it being read.

    Row numbers are as a spreadsheet shows them, the header being row 1.
    """
    try:
        source = Source(path)
    except CommandError as error:
        return [], [RowProblem(None, "file", f"cannot be read: {error}")]
    dimension_column = source.column("dimension")
    group_column = source.column("group")
    count_column = source.column("count") or source.column("share")
    source_column = source.column("source")
    found = {"dimension": dimension_column, "group": group_column, "count": count_column}
    missing = [name for name, column in found.items() if column is None]
    if dimension_column is None or group_column is None or count_column is None:
        shown = ", ".join(f"“{c}”" for c in source.columns[:20]) or "none"
        return [], [
            RowProblem(1, name, f"there is no “{name}” column (the columns are {shown})")
            for name in missing
        ]
    wanted = [dimension_column, group_column, count_column]
    if source_column is not None:
        wanted.append(source_column)
    try:
        table = source.read(wanted, text=wanted)
    except CommandError as error:
        return [], [RowProblem(None, "file", f"cannot be read: {error}")]
    numbers = table.where.rows
    if numbers is None:
        numbers = pl.int_range(1, table.frame.height + 1, eager=True)
    rows = []
    for index, record in enumerate(table.frame.iter_rows(named=True)):
        rows.append(
            PopulationRow(
                dimension=_text(record[dimension_column]),
                group=_text(record[group_column]),
                count=_text(record[count_column]),
                source=_text(record[source_column]) if source_column is not None else "",
                row=int(numbers[index]) + 1,
            )
        )
    return rows, []


def _read_upload(upload: UploadedFile) -> tuple[list[PopulationRow], list[RowProblem], str]:
    """Read an uploaded file through a private temporary folder, deleted straight after."""
    name = get_valid_filename(Path(upload.name or "population.csv").name) or "population.csv"
    with tempfile.TemporaryDirectory(prefix="coproduce-population-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        rows, problems = _rows_of(path)
    return rows, problems, name


@login_required
def population_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a file of figures; any problem is listed by row and column, nothing saved."""
    project = managed_project(request, pk)
    form = PopulationUploadForm(request.POST or None, request.FILES or None)
    problems: list[RowProblem] = []
    file_name = ""
    if request.method == "POST" and form.is_valid():
        rows, problems, file_name = _read_upload(form.cleaned_data["file"])
        if not problems:
            try:
                saved = actions.replace_population(
                    project=project,
                    rows=rows,
                    source=form.cleaned_data["source"],
                    by=user_of(request),
                    via="upload",
                )
            except InvalidPopulation as error:
                problems = error.problems
            except ActionError as error:
                problems = [RowProblem(None, "file", error.message)]
            else:
                titles = {d.key: d.title for d in selectors_equity.dimensions_for(project)}
                messages.success(
                    request,
                    f"Imported {file_name}: "
                    + "; ".join(f"{titles[key]} ({n} groups)" for key, n in saved.items())
                    + ".",
                )
                return redirect("participation:population", pk=project.pk)
    return render(
        request,
        "participation/equity/population_upload.html",
        {
            "project": project,
            "form": form,
            "problems": problems,
            "file_name": file_name,
            "dimensions": selectors_equity.dimensions_for(project),
        },
    )


# -- download -------------------------------------------------------------------------------


@login_required
def population_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The population figures as CSV, in the columns an upload reads back."""
    project = project_of(request, pk)
    name = slugify(project.title) or f"project-{project.pk}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-population.csv"'
    writer = csv.writer(response)
    writer.writerow([*COLUMNS, "source"])
    for dimension, group, count, source in selectors_equity.population_rows(project):
        writer.writerow(
            [dimension, spreadsheet_safe(group), plain_number(count), spreadsheet_safe(source)]
        )
    return response
