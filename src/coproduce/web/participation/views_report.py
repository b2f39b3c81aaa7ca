"""The GRIPP2 short-form report: read by every member, written by facilitators, exported as
a printable page and as PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from coproduce.participation.gripp2 import Gripp2Key
from coproduce.reports import gripp2 as report_gripp2
from coproduce.reports.pdf import render_pdf
from coproduce.web.forms import save_or_show
from coproduce.web.projects.models import Project

from . import actions_report, selectors, selectors_report
from .forms_report import Gripp2Form
from .views import managed_project, project_of, user_of


def _filename(project: Project, extension: str) -> str:
    return f"gripp2-{slugify(project.title)[:60] or project.pk}.{extension}"


@login_required
def gripp2(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    report = selectors_report.gripp2_of(project=project)
    return render(
        request,
        "participation/report/gripp2.html",
        {
            "project": project,
            "report": report,
            "status": report_gripp2.status_line(report),
            **selectors.permissions(project=project, user=request.user),
        },
    )


@login_required
def gripp2_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    report, drafts = selectors_report.report_and_drafts(project=project)
    stored = selectors_report.stored_report(project=project)
    labels = {item.key.value: f"{item.number}. {item.section}" for item in report.items}
    initial: dict[str, str] = {}
    if stored is not None:
        initial = {key.value: getattr(stored, key.value) for key in Gripp2Key}
        initial |= {f"page_{k}": str(v) for k, v in stored.pages.items()}
    form = Gripp2Form(request.POST or None, initial=initial, labels=labels)
    if response := save_or_show(
        request,
        form,
        lambda: actions_report.save_gripp2(
            project=project, by=user_of(request), **form.action_values()
        ),
        done="GRIPP2 report saved.",
        next_url=reverse("participation:gripp2", args=[project.pk]),
    ):
        return response
    items = [
        {
            "item": item,
            "field": form[item.key.value],
            "page": form[f"page_{item.key.value}"],
            "draft": drafts.get(item.key.value, ""),
        }
        for item in report.items
    ]
    return render(
        request,
        "participation/report/gripp2_form.html",
        {"project": project, "form": form, "items": items},
    )


@login_required
def gripp2_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A standalone page to print or save: no navigation, the report only."""
    project = project_of(request, pk)
    report = selectors_report.gripp2_of(project=project)
    today = timezone.localdate()
    response = render(
        request,
        "participation/report/gripp2_print.html",
        {
            "project": project,
            "document": report_gripp2.gripp2_document(report, generated_on=today),
        },
    )
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{_filename(project, "html")}"'
    return response


@login_required
def gripp2_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    report = selectors_report.gripp2_of(project=project)
    document = report_gripp2.gripp2_document(report, generated_on=timezone.localdate())
    response = HttpResponse(render_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(project, "pdf")}"'
    return response
