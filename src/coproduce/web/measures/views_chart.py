"""The measure page (its chart, reading, data table and phases), exports, and the boards."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from coproduce.spc.icons import icon_svg, icon_title
from coproduce.spc.reading import format_value
from coproduce.spc.render import data_table_html
from coproduce.web.projects import selectors as project_selectors

from . import actions_chart, selectors
from . import selectors_chart as charts
from .forms_chart import PhaseForm
from .models import Measure
from .views_shared import submit, timed, user_of


def _facilitated_measure(request: HttpRequest, pk: int, measure_pk: int) -> Measure:
    """The measure, if the user facilitates its project: 404 outsiders, 403 other members."""
    measure = selectors.measure_for_user(project_pk=pk, pk=measure_pk, user=request.user)
    if not selectors.access_for(project=measure.project, user=request.user).is_facilitator:
        raise PermissionDenied("Only the project's facilitators can change the phases.")
    return measure


@login_required
def measure_detail(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    started = time.perf_counter()
    measure = selectors.measure_for_user(project_pk=pk, pk=measure_pk, user=request.user)
    project = measure.project
    access = selectors.access_for(project=project, user=request.user)
    chart = charts.chart_for(measure)
    context: dict[str, object] = {
        "project": project,
        "measure": measure,
        "chart": chart,
        "points_count": len(chart.points),
        # Each phase with its first period written as the chart writes periods.
        "phases": [(phase, chart.x_format(phase.starts)) for phase in chart.phases],
        "is_facilitator": access.is_facilitator,
        "can_edit": access.can_edit,
        "target": format_value(measure.target, measure.unit) if measure.target is not None else "",
    }
    if chart.result is not None:
        result = chart.result
        context["svg"] = mark_safe(charts.chart_svg(chart))  # noqa: S308 - vl-convert escapes text
        context["table"] = mark_safe(  # noqa: S308 - data_table_html escapes every value
            data_table_html(
                result,
                caption=f"{measure.title}: the chart's values",
                x_title="Period",
                y_title=measure.unit or "Value",
            )
        )
        context["phase_notes"] = charts.phase_descriptions(chart)
        if result.variation is not None:
            context["variation_svg"] = mark_safe(icon_svg(result.variation, size=48))  # noqa: S308
            context["variation_text"] = icon_title(result.variation)
        if result.assurance is not None:
            context["assurance_svg"] = mark_safe(icon_svg(result.assurance, size=48))  # noqa: S308
            context["assurance_text"] = icon_title(result.assurance)
    return timed(render(request, "measures/measure_detail.html", context), started)


_CONTENT_TYPES = {"png": "image/png", "svg": "image/svg+xml", "csv": "text/csv; charset=utf-8"}


@login_required
def measure_export(request: HttpRequest, pk: int, measure_pk: int, fmt: str) -> HttpResponse:
    measure = selectors.measure_for_user(project_pk=pk, pk=measure_pk, user=request.user)
    if fmt not in _CONTENT_TYPES:
        raise Http404("No such format.")
    chart = charts.chart_for(measure)
    if chart.result is None:
        raise Http404("There is no chart to export yet.")
    body: str | bytes
    if fmt == "png":
        body = charts.chart_png(chart)
    elif fmt == "svg":
        body = charts.chart_svg(chart)
    else:
        body = charts.chart_csv(chart.result)
    response = HttpResponse(body, content_type=_CONTENT_TYPES[fmt])
    name = slugify(measure.title) or f"measure-{measure.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def phase_add(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    measure = _facilitated_measure(request, pk, measure_pk)
    label = charts.x_format_for(measure)
    periods = charts.periods_of(measure=measure)
    taken = [p.starts for p in charts.phases_of(measure=measure)]
    form = PhaseForm(request.POST or None, periods=periods, taken=taken, label=label)
    phase = submit(
        request,
        form,
        lambda cleaned: actions_chart.add_phase(
            measure=measure, starts=cleaned["starts"], reason=cleaned["reason"], by=user_of(request)
        ),
    )
    if phase is not None:
        messages.success(request, f"The limits are now recalculated from {label(phase.starts)}.")
        return redirect("measures:detail", pk=measure.project.pk, measure_pk=measure.pk)
    return render(
        request,
        "measures/phase_form.html",
        {
            "project": measure.project,
            "measure": measure,
            "form": form,
            "enough_data": len(periods) >= 2,
        },
    )


@login_required
def phase_delete(request: HttpRequest, pk: int, measure_pk: int, phase_pk: int) -> HttpResponse:
    measure = _facilitated_measure(request, pk, measure_pk)
    phase = charts.phase_in(measure=measure, pk=phase_pk)
    label = charts.x_format_for(measure)(phase.starts)
    if request.method == "POST":
        actions_chart.delete_phase(phase=phase, by=user_of(request))
        messages.success(request, f"The phase from {label} was removed.")
        return redirect("measures:detail", pk=measure.project.pk, measure_pk=measure.pk)
    return render(
        request,
        "measures/phase_delete.html",
        {"project": measure.project, "measure": measure, "phase": phase, "label": label},
    )


@login_required
def board(request: HttpRequest, pk: int) -> HttpResponse:
    started = time.perf_counter()
    project = project_selectors.project_for_user(pk=pk, user=request.user)
    rows = charts.project_board(project=project)
    response = render(
        request,
        "measures/board.html",
        {
            "project": project,
            "rows": _safe_rows(rows),
            "organisation_board_url": _organisation_board_url(project.organisation_id),
        },
    )
    return timed(response, started)


@login_required
def organisation_board(request: HttpRequest, org_pk: int) -> HttpResponse:
    started = time.perf_counter()
    organisation = charts.organisation_for_user(pk=org_pk, user=request.user)
    projects, rows = charts.organisation_board(organisation=organisation, user=request.user)
    response = render(
        request,
        "measures/board_organisation.html",
        {"organisation": organisation, "projects": projects, "rows": _safe_rows(rows)},
    )
    return timed(response, started)


def _organisation_board_url(org_pk: int) -> str:
    return reverse("organisation_board", kwargs={"org_pk": org_pk})


def _safe_rows(rows: list[charts.BoardRow]) -> list[charts.BoardRow]:
    """Mark the generated SVGs safe: icons and sparklines escape every text they carry."""
    for row in rows:
        row.variation_svg = mark_safe(row.variation_svg)  # noqa: S308
        row.assurance_svg = mark_safe(row.assurance_svg)  # noqa: S308
        row.sparkline = mark_safe(row.sparkline)  # noqa: S308
    return rows
