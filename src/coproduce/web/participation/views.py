"""The participation overview, and the helpers every participation page uses."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coproduce.web.accounts.models import User
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project

from . import selectors


def user_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def project_of(request: HttpRequest, pk: int) -> Project:
    """The project if the user is a member (404 otherwise)."""
    return project_selectors.project_for_user(pk=pk, user=request.user)


def recording_project(request: HttpRequest, pk: int) -> Project:
    """The project if the user may record activities and contributions (403 otherwise)."""
    project = project_of(request, pk)
    if not selectors.can_record(project=project, user=request.user):
        raise PermissionDenied("Observers can see participation but not record it.")
    return project


def managed_project(request: HttpRequest, pk: int) -> Project:
    """The project if the user is one of its facilitators (403 otherwise)."""
    project = project_of(request, pk)
    if not selectors.can_manage(project=project, user=request.user):
        raise PermissionDenied("Only the project's facilitators can do this.")
    return project


@login_required
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    return render(
        request,
        "participation/overview.html",
        {
            "project": project,
            "me": selectors.participant_of_user(project=project, user=request.user),
            **selectors.permissions(project=project, user=request.user),
        },
    )
