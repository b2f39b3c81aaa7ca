"""Reads of background jobs, scoped to the reader.

Every member of a project sees its jobs (title, kind, progress, outcome: never patient text).
A job without a project is seen by the person who started it only. Anyone else gets 404, so a
job's existence is not revealed. The person who started a job, and the project's
facilitators, may cancel it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from coproduce.web.projects.models import ProjectMembership, Role

from .models import Job

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Project


def _member(*, project: Project, user: User | AnonymousUser) -> ProjectMembership | None:
    if not user.is_authenticated:
        return None
    return ProjectMembership.objects.filter(project=project, user=user).first()


def job_for(user: User | AnonymousUser, job_id: int) -> Job:
    """The job if ``user`` may see it; otherwise ``Http404``."""
    job = Job.objects.select_related("project", "created_by").filter(pk=job_id).first()
    if job is None or not user.is_authenticated:
        raise Http404("No such job.")
    if job.project is None:
        if job.created_by_id != user.pk:
            raise Http404("No such job.")
    elif _member(project=job.project, user=user) is None:
        raise Http404("No such job.")
    return job


def jobs_of_project(user: User | AnonymousUser, project: Project) -> QuerySet[Job]:
    """The project's jobs, newest first; ``Http404`` if ``user`` is not a member."""
    if _member(project=project, user=user) is None:
        raise Http404("No such project.")
    return Job.objects.filter(project=project).select_related("created_by")


def can_cancel(*, job: Job, user: User | AnonymousUser) -> bool:
    """The person who started the job, and the project's facilitators, may cancel it."""
    if not user.is_authenticated:
        return False
    if job.created_by_id is not None and job.created_by_id == user.pk:
        return True
    if job.project is None:
        return False
    membership = _member(project=job.project, user=user)
    return membership is not None and membership.role == Role.FACILITATOR
