"""The co-production profile page: every member sees it; recorders get links to evidence."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import charts, selectors, selectors_profile
from .selectors_activities import FEEDBACK_DAYS
from .views import project_of


@login_required
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    page = selectors_profile.profile_page(project=project, user=request.user)
    return render(
        request,
        "participation/profile/profile.html",
        {
            "project": project,
            "page": page,
            "chart_svg": charts.hours_chart(page.chart) if page.has_activities else None,
            "feedback_days": FEEDBACK_DAYS,
            **selectors.permissions(project=project, user=request.user),
        },
    )
