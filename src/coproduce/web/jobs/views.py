"""Pages of background jobs: one job's progress (and its polled status block), cancelling,
and the list of a project's jobs. Reads through ``selectors``, writes through ``actions``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.projects import selectors as project_selectors

from . import actions, selectors

PER_PAGE = 25


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@never_cache
def detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.job_for(request.user, job_id)
    return render(
        request,
        "jobs/detail.html",
        {
            "job": job,
            "project": job.project,
            "can_cancel": selectors.can_cancel(job=job, user=request.user),
        },
    )


@login_required
@require_GET
@never_cache
def status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The status block alone, fetched every second by the page while the job runs."""
    job = selectors.job_for(request.user, job_id)
    return render(
        request,
        "jobs/_progress.html",
        {"job": job, "job_can_cancel": selectors.can_cancel(job=job, user=request.user)},
    )


@login_required
def cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    """Ask before cancelling (GET), then cancel (POST)."""
    job = selectors.job_for(request.user, job_id)
    if not selectors.can_cancel(job=job, user=request.user):
        raise PermissionDenied(
            "Only the person who started this job, or a facilitator, can cancel it."
        )
    error = ""
    if request.method == "POST":
        try:
            job = actions.cancel(job=job, user=_user(request))
        except NotAllowed:
            raise
        except ActionError as refusal:
            error = refusal.message
        else:
            messages.success(
                request,
                f"“{job.title}” is cancelled."
                if job.is_finished
                else f"“{job.title}” will stop at its next step.",
            )
            return redirect("jobs:detail", job_id=job.pk)
    return render(request, "jobs/cancel.html", {"job": job, "project": job.project, "error": error})


@login_required
def project_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_selectors.project_for_user(pk=pk, user=request.user)
    page = Paginator(selectors.jobs_of_project(request.user, project), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "jobs/project_list.html", {"project": project, "page": page})
