"""The one django-tasks task: run a job.

Only the job's id goes through the queue (and so into the task backend's table); the job's
function, parameters and result live on the ``Job`` row. The task never raises for a failure
of the job's function, so the backend never stores an exception's text or traceback (which
may quote patient text): the job records the failure instead (see ``actions.execute``).
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from . import actions


@task()
def run_job(job_id: int) -> dict[str, Any]:
    return actions.execute(job_id=job_id)
