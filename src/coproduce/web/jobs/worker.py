"""Running queued jobs: ``coproduce worker``, and the worker ``coproduce serve`` runs beside it.

Both use django-tasks-db's worker loop (the one behind its ``db_worker`` command): it takes
the oldest ready task in one short exclusive transaction, runs it, and polls again after
``interval`` seconds when there is nothing to do.

Stopping (Ctrl-C, or the server stopping): the running job is asked to stop at its next
progress report (``progress.Interrupted``) and is recorded as failed with a message saying to
start it again; the worker then exits. A worker killed outright leaves its job "running";
``coproduce serve`` marks the jobs its own earlier worker left so as failed when it starts
(:func:`recover_interrupted`), since a local server has that worker only.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from types import FrameType

from django.db import connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker

from .actions import INTERRUPTED
from .models import Job, JobStatus
from .progress import clear_stop, request_stop

logger = logging.getLogger(__name__)

SERVE = "serve"


def uses_database_backend() -> bool:
    """Are tasks queued in the database (so that a worker has something to run)?"""
    return isinstance(task_backends["default"], DatabaseBackend)


def worker_prefix(kind: str) -> str:
    """The start of the ids of ``kind``'s workers on this machine (e.g. ``serve-host-``)."""
    return f"{kind}-{socket.gethostname()[:40]}-"


def new_worker_id(kind: str) -> str:
    return worker_prefix(kind) + get_random_string(12)


class Worker(DatabaseWorker):
    """django-tasks-db's worker, asking the running job to stop when it is told to stop."""

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        request_stop()
        super().shutdown(signum, frame)


def make_worker(
    *, kind: str, batch: bool = False, interval: float = 1.0, max_tasks: int | None = None
) -> Worker:
    return Worker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=new_worker_id(kind),
        excluded_queue_names=[],
    )


def run(
    *, batch: bool = False, interval: float = 1.0, signals: bool = True, kind: str = "worker"
) -> int:
    """Run jobs in this thread until stopped (or, with ``batch``, until none is waiting).

    ``kind`` starts the worker's id: ``coproduce serve --processes`` runs its job process
    with ``SERVE``'s, so that the next ``serve`` recovers the jobs it left running."""
    clear_stop()
    worker = make_worker(kind=kind, batch=batch, interval=interval)
    if signals:
        worker.configure_signals()
    try:
        worker.run()
    finally:
        clear_stop()
        if signals:
            worker.reset_signals()
    return 0


class BackgroundWorker:
    """A worker in a daemon thread of this process (``coproduce serve``'s)."""

    def __init__(self, *, interval: float = 1.0, kind: str = SERVE) -> None:
        self.worker = make_worker(kind=kind, interval=interval)
        self._stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="coproduce-worker", daemon=True)

    def start(self) -> BackgroundWorker:
        clear_stop()
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            while not self._stopped.is_set():
                try:
                    self.worker.run()
                except Exception as error:  # keep serving jobs after a database hiccup
                    logger.error(
                        "The background worker stopped with %s; restarting in 5 s",
                        type(error).__name__,
                    )
                    self._stopped.wait(5)
                else:
                    return
        finally:
            connections.close_all()

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop taking jobs, ask the running one to stop, and wait for it. True if stopped."""
        self._stopped.set()
        self.worker.running = False
        request_stop()
        self.thread.join(timeout)
        if self.thread.is_alive():
            return False
        clear_stop()
        return True


def start_in_background(*, interval: float = 1.0) -> BackgroundWorker:
    return BackgroundWorker(interval=interval).start()


def recover_interrupted(*, prefix: str) -> int:
    """Mark as failed the jobs left running by workers whose ids start with ``prefix``.

    Call it only when no such worker can be running (``coproduce serve`` does, before it
    starts its own). Returns the number of jobs marked.
    """
    from django_tasks_db.models import DBTaskResult

    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("id", "worker_ids")
    stale = [
        result
        for result in running
        if result.worker_ids and str(result.worker_ids[-1]).startswith(prefix)
    ]
    if not stale:
        return 0
    now = timezone.now()
    with transaction.atomic():
        DBTaskResult.objects.filter(id__in=[result.id for result in stale]).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path="",
            traceback="",
        )
        return Job.objects.filter(
            task_result_id__in=[str(result.id) for result in stale], status=JobStatus.RUNNING
        ).update(status=JobStatus.FAILED, error=INTERRUPTED, finished_at=now, updated_at=now)


def wait_for(job_id: int, *, timeout: float = 30.0, poll: float = 0.05) -> Job:
    """Wait until a job has finished (for tests and scripts); returns it as it ended."""
    deadline = time.monotonic() + timeout
    while True:
        job = Job.objects.get(pk=job_id)
        if job.is_finished or time.monotonic() > deadline:
            return job
        time.sleep(poll)
