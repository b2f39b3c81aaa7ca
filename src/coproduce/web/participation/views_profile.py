"""The co-production profile page: every member sees it; recorders get links to evidence."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from . import charts_profile, selectors, selectors_profile
from .selectors_activities import FEEDBACK_DAYS
from .views import project_of


@login_required
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    page = selectors_profile.profile_page(project=project, user=request.user)
    svg = charts_profile.hours_chart_svg(page.chart) if page.has_activities else ""
    return render(
        request,
        "participation/profile/profile.html",
        {
            "project": project,
            "page": page,
            "chart_svg": mark_safe(svg),  # noqa: S308 - drawn by vl-convert from our own spec
            "feedback_days": FEEDBACK_DAYS,
            **selectors.permissions(project=project, user=request.user),
        },
    )
