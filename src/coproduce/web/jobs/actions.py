"""Writes for background jobs: queue one, cancel one, and (in the worker) run one.

Other apps start long work with :func:`enqueue`::

    job = jobs_actions.enqueue(
        project=project, user=user, kind="themes", title="Find themes in 100,000 comments",
        task="coproduce.web.themes.jobs.find_themes", params={"batch_id": batch.pk},
        next_url=reverse("themes:list", args=[project.pk]),
    )

The worker later calls ``find_themes(progress, batch_id=…)`` (see :mod:`.progress`); what it
returns (a JSON-serialisable dict, without patient text) becomes ``job.result``. A ``next_url``
key in it (a path on this site) replaces the job's ``next_url``.

If the function raises, the job fails with a message that names the kind of error only: the
exception's own text is never shown, stored or logged, since it may quote patient text. The
exception is ``ActionError`` (and ``NotAllowed``): its message is written for the person, by
the rule that such messages name rows and fields, never their contents, so it is shown.
"""

from __future__ import annotations

import json
import logging
import traceback
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string

from coproduce.web.audit.actions import record
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.projects.models import ProjectMembership

from .models import Job, JobStatus
from .progress import Cancelled, Interrupted, Progress
from .selectors import can_cancel

if TYPE_CHECKING:
    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Project

logger = logging.getLogger(__name__)

ERROR_LENGTH = Job._meta.get_field("error").max_length or 300
INTERRUPTED = (
    "Stopped because the server or its worker was shut down before the job finished. "
    "Start it again."
)
NOT_QUEUED = "The job could not be queued. Try again; if it fails again, tell your administrator."


def safe_next_url(url: str) -> bool:
    """Is ``url`` a path on this site (not another host, not a script)?"""
    return (
        url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
        and url_has_allowed_host_and_scheme(url, allowed_hosts=set())
    )


def enqueue(
    *,
    project: Project | None,
    user: User | None,
    kind: str,
    title: str,
    task: str,
    params: dict[str, Any],
    next_url: str = "",
) -> Job:
    """Record a queued job and queue its task once the current transaction commits.

    ``task`` is the dotted path of a module-level function ``fn(progress, **params)``;
    ``params`` must be JSON-serialisable (they are stored on the job, not sent to the queue).
    Callers check that ``user`` may start this work; here ``user`` must at least belong to
    ``project``.
    """
    try:
        function = import_string(task)
    except ImportError as error:
        raise ValueError(f"No job function at {task!r}.") from error
    if not callable(function):
        raise ValueError(f"{task!r} is not a function.")
    if not isinstance(params, dict):
        raise TypeError("Job params must be a dict of keyword arguments.")
    try:
        stored = json.loads(json.dumps(params, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise TypeError("Job params must be JSON-serialisable.") from error
    if next_url and not safe_next_url(next_url):
        raise ValueError("next_url must be a path on this site, such as /projects/1/themes/.")
    if (
        project is not None
        and user is not None
        and not ProjectMembership.objects.filter(project=project, user=user).exists()
    ):
        raise NotAllowed("Only the project's members can start work in it.")
    now = timezone.now()
    with transaction.atomic():
        job = Job.objects.create(
            project=project,
            kind=kind[:60],
            title=title[:200],
            task=task,
            params=stored,
            next_url=next_url,
            created_by=user,
            created_at=now,
            updated_at=now,
        )
        record(
            action="jobs.enqueue",
            by=user,
            summary=f"Started the job “{job.title}” ({job.kind})",
            target=job,
            project=project,
        )
        job_id = job.pk
        transaction.on_commit(lambda: _send(job_id))
    return job


def _send(job_id: int) -> None:
    """Queue the task of a committed job (with the immediate backend, run it now)."""
    from .tasks import run_job

    try:
        result = run_job.enqueue(job_id=job_id)
    except Exception as error:
        logger.error("Job %s could not be queued (%s)", job_id, type(error).__name__)
        _finish(job_id, JobStatus.FAILED, error=NOT_QUEUED, only_from=JobStatus.QUEUED)
        return
    Job.objects.filter(pk=job_id).update(task_result_id=str(result.id)[:64])


def cancel(*, job: Job, user: User) -> Job:
    """Cancel a job: at once if it is waiting, at its next progress report if it runs.

    The person who started it and the project's facilitators may cancel it.
    """
    if not can_cancel(job=job, user=user):
        raise NotAllowed("Only the person who started this job, or a facilitator, can cancel it.")
    now = timezone.now()
    with transaction.atomic():
        waiting = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.CANCELLED,
            cancel_requested=True,
            message="",
            finished_at=now,
            updated_at=now,
        )
        running = 0
        if not waiting:
            running = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                cancel_requested=True, updated_at=now
            )
        if not waiting and not running:
            raise ActionError("This job has already finished.")
        record(
            action="jobs.cancel",
            by=user,
            summary=f"Cancelled the job “{job.title}”"
            + ("" if waiting else " (stops at its next step)"),
            target=job,
            project=job.project,
        )
    job.refresh_from_db()
    return job


# -- the worker's side ----------------------------------------------------------------------


def execute(*, job_id: int) -> dict[str, Any]:
    """Run a queued job's function and record how it ended. Never raises an ``Exception``.

    Called by the task :func:`coproduce.web.jobs.tasks.run_job` in the worker. What it returns
    is stored by the task backend, so it carries the job's id and status only.
    """
    now = timezone.now()
    started = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, updated_at=now
    )
    if not started:
        # Cancelled while it waited (or already run): nothing to do.
        return {"job": job_id, "status": "skipped"}
    job = Job.objects.get(pk=job_id)
    progress = Progress(job_id)
    try:
        function = import_string(job.task)
        returned = function(progress, **job.params)
        result, next_url = _checked_result(returned)
    except Interrupted:
        status = _finish(job_id, JobStatus.FAILED, error=INTERRUPTED)
    except Cancelled:
        status = _finish(job_id, JobStatus.CANCELLED)
    except Exception as error:
        _log_failure(job_id, error)
        status = _finish(job_id, JobStatus.FAILED, error=failure_message(error, job_id=job_id))
    except BaseException:
        # The worker is being killed (a second Ctrl-C): say so, then let it go.
        _finish(job_id, JobStatus.FAILED, error=INTERRUPTED)
        raise
    else:
        if progress.cancelled:
            # The function caught Cancelled and returned: what it did may be partial.
            status = _finish(job_id, JobStatus.CANCELLED)
        else:
            status = _finish(job_id, JobStatus.SUCCEEDED, result=result, next_url=next_url)
    return {"job": job_id, "status": status}


def failure_message(error: BaseException, *, job_id: int) -> str:
    """What the person sees when the job's function raised ``error``: never its text."""
    if isinstance(error, ActionError):
        return error.message[:ERROR_LENGTH]
    return (
        f"The job stopped because of an error ({type(error).__name__}). Try again; if it "
        f"happens again, tell your administrator (job {job_id})."
    )[:ERROR_LENGTH]


def _log_failure(job_id: int, error: BaseException) -> None:
    # The kind of error and where it happened (file, line, code), never its message or any
    # value: those may quote patient text.
    where = "".join(traceback.format_tb(error.__traceback__))
    logger.error("Job %s failed (%s)\n%s", job_id, type(error).__name__, where)


def _checked_result(returned: Any) -> tuple[dict[str, Any], str | None]:
    if returned is None:
        returned = {}
    if not isinstance(returned, dict):
        raise TypeError("A job function must return a dict.")
    result = json.loads(json.dumps(returned, allow_nan=False))
    next_url = result.pop("next_url", None)
    if next_url is not None and not (isinstance(next_url, str) and safe_next_url(next_url)):
        raise ValueError("A job's next_url must be a path on this site.")
    return result, next_url


def _finish(
    job_id: int,
    status: JobStatus,
    *,
    error: str = "",
    result: dict[str, Any] | None = None,
    next_url: str | None = None,
    only_from: JobStatus = JobStatus.RUNNING,
) -> str:
    now = timezone.now()
    changes: dict[str, Any] = {
        "status": status,
        "error": error[:ERROR_LENGTH],
        "finished_at": now,
        "updated_at": now,
    }
    if status == JobStatus.SUCCEEDED:
        changes.update(progress=1.0, result=result or {})
        if next_url:
            changes["next_url"] = next_url
    with transaction.atomic():
        if not Job.objects.filter(pk=job_id, status=only_from).update(**changes):
            return str(Job.objects.filter(pk=job_id).values_list("status", flat=True).first())
        job = Job.objects.select_related("project").get(pk=job_id)
        record(
            action=f"jobs.{status}",
            by=None,
            summary=f"The job “{job.title}” {_ENDED[status]}",
            target=job,
            project=job.project,
        )
    return str(status)


_ENDED = {
    JobStatus.SUCCEEDED: "finished",
    JobStatus.FAILED: "failed",
    JobStatus.CANCELLED: "was cancelled",
}
