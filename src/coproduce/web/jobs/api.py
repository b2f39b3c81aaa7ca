"""API endpoints of background jobs, mounted under /api/v1 by coproduce.web.api.api.

A project's jobs (newest first) and one job's status, for scripts that start long work
through another endpoint and wait for it; and cancelling. Same permissions as the pages:
outsiders get 404; the person who started a job and the project's facilitators may cancel
it (403 for others).
"""

import datetime as dt
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from coproduce.web.accounts.models import User
from coproduce.web.projects import selectors as project_selectors

from . import actions, selectors
from .models import Job, JobStatus

router = Router(tags=["jobs"])

BASE = "/projects/{project_id}/jobs"

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class JobError(Schema):
    detail: str
    field: str | None = None


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: JobStatus
    progress: float = Field(description="From 0 to 1.")
    message: str
    error: str = Field(description="Why it failed (never the text of the data).")
    result: dict[str, Any]
    next_url: str
    cancel_requested: bool
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class Pages(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=2**31 - 1)
        offset: int = Field(0, ge=0, le=2**31 - 1)


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        user = request.user
    assert isinstance(user, User)
    return user


def _job(request: HttpRequest, project_id: int, job_id: int) -> Job:
    project = project_selectors.project_for_user(pk=project_id, user=_user(request))
    job = selectors.job_for(_user(request), job_id)
    if job.project_id != project.pk:
        raise Http404("No such job.")
    return job


@router.get(BASE, response=list[JobOut])
@paginate(Pages)
def list_jobs(request: HttpRequest, project_id: Id) -> Any:
    project = project_selectors.project_for_user(pk=project_id, user=_user(request))
    return selectors.jobs_of_project(_user(request), project)


@router.get(BASE + "/{job_id}", response={200: JobOut, 404: JobError})
def get_job(request: HttpRequest, project_id: Id, job_id: Id) -> Any:
    return _job(request, project_id, job_id)


@router.post(
    BASE + "/{job_id}/cancel", response={200: JobOut, 400: JobError, 403: JobError, 404: JobError}
)
def cancel_job(request: HttpRequest, project_id: Id, job_id: Id) -> Any:
    return actions.cancel(job=_job(request, project_id, job_id), user=_user(request))
