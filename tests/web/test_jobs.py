"""Background jobs: queued, run by the database backend's worker, progress, failure, cancelling.

The job functions the tests queue are defined here and named by dotted path
(``tests.web.test_jobs.count_up``), as other apps name theirs.
"""

from __future__ import annotations

import argparse
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.test import Client
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from coproduce.commands import worker as worker_command
from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.jobs import actions, selectors
from coproduce.web.jobs import worker as jobs_worker
from coproduce.web.jobs.models import Job, JobStatus
from coproduce.web.jobs.progress import Cancelled, Progress
from coproduce.web.projects.models import Project, Role
from tests.universe import PASSWORD, join, make_project, make_user

DATABASE = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

#: Patient text a failing job's exception carries: it must never be shown, stored or logged.
PATIENT_TEXT = "Mrs Edith Crabtree, NHS number 943 476 5919, said the nurse ignored her"

#: Called by ``observed`` half-way through, with the job's id (set by a test).
HOOK: dict[str, Callable[[int], None]] = {}

# -- job functions ----------------------------------------------------------------------------


def count_up(progress: Progress, *, steps: int, next_url: str = "") -> dict[str, Any]:
    for step in range(steps):
        progress(step / steps, f"Step {step + 1} of {steps}")
    result: dict[str, Any] = {"steps": steps}
    if next_url:
        result["next_url"] = next_url
    return result


def observed(progress: Progress, *, job_id: int) -> dict[str, Any]:
    progress(0.4, "Themed 40 of 100 comments")
    HOOK["during"](job_id)
    progress.check()
    return {"themes": 7}


def fails(progress: Progress, *, text: str) -> dict[str, Any]:
    progress(0.1, "Reading comments")
    raise ValueError(f"Could not parse the comment: {text}")


def refuses(progress: Progress) -> dict[str, Any]:
    raise ActionError("Row 3: the date is missing.")


def returns_a_list(progress: Progress) -> list[int]:
    return [1, 2, 3]


def until_cancelled(progress: Progress, *, job_id: int) -> dict[str, Any]:
    progress(0.2, "Working")
    HOOK.get("during", lambda job_id: None)(job_id)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        time.sleep(0.02)
        progress.check()
    return {"finished": True}


def not_a_function() -> None:  # referenced as a module attribute that is not callable
    pass


NOT_CALLABLE = 42

# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def facilitator() -> User:
    return make_user("fay@example.org", "Fay Okafor")


@pytest.fixture
def project(facilitator: User) -> Project:
    return make_project(facilitator, title="Outpatient letters")


def _client(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _enqueue(project: Project, user: User, task: str, **params: Any) -> Job:
    return actions.enqueue(
        project=project,
        user=user,
        kind="test",
        title="Find themes",
        task=f"tests.web.test_jobs.{task}",
        params=params,
    )


def _ordinary_transaction(using: str | None = None) -> Any:
    return transaction.atomic(using=using)


@pytest.fixture
def dirty_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Let threads read the shared in-memory SQLite test database while another writes.

    Django's in-memory test database is shared between connections with SQLite's shared
    cache, whose table locks fail a reader at once ("database table is locked") instead of
    waiting; and two connections writing at once fail too, so tests queue their jobs before
    the worker starts. A file database in WAL mode (what `coproduce serve` uses) has no such
    locks. For
    the same reason the worker takes its next task in an ordinary (IMMEDIATE) transaction
    rather than an EXCLUSIVE one, which would lock the whole shared cache against readers.
    """
    monkeypatch.setattr(db_worker, "exclusive_transaction", _ordinary_transaction)

    def dirty(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection.vendor == "sqlite":
            connection.cursor().execute("PRAGMA read_uncommitted = 1")

    connection_created.connect(dirty)
    connection.ensure_connection()
    dirty(None, connection)
    yield
    connection_created.disconnect(dirty)


# -- queued, run by the real database backend and `coproduce worker` -------------------------


@pytest.mark.django_db(transaction=True)
def test_a_job_is_queued_in_the_database_and_run_by_the_worker_command(
    settings: Any, facilitator: User, project: Project
) -> None:
    settings.TASKS = DATABASE
    job = _enqueue(project, facilitator, "count_up", steps=5, next_url="/projects/")

    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"
    assert str(queued.id) == job.task_result_id
    # Only the job's id goes through the queue; its parameters stay on the job.
    assert queued.args_kwargs == {"args": [], "kwargs": {"job_id": job.pk}}

    parser = argparse.ArgumentParser(prog="coproduce")
    worker_command.add_parser(parser.add_subparsers())
    with pytest.raises(SystemExit):
        parser.parse_args(["worker", "--interval", "-1"])
    args = parser.parse_args(["worker", "--batch", "--interval", "0"])
    assert args.func(args) == 0

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.progress == 1.0
    assert job.result == {"steps": 5}
    assert job.next_url == "/projects/"
    assert job.started_at is not None and job.finished_at is not None
    assert job.finished_at >= job.started_at
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert queued.return_value == {"job": job.pk, "status": "succeeded"}
    actions_logged = set(
        AuditEvent.objects.filter(target_type="jobs.job", target_id=str(job.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions_logged == {"jobs.enqueue", "jobs.succeeded"}


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_refuses_the_immediate_backend(
    settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.TASKS = IMMEDIATE
    assert worker_command.run(argparse.Namespace(batch=True, interval=0.0, for_serve=False)) == 2
    assert "COPRODUCE_TASKS_BACKEND" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_a_failure_shows_a_safe_message_and_keeps_patient_text_out_of_everything(
    settings: Any, facilitator: User, project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    settings.TASKS = DATABASE
    job = _enqueue(project, facilitator, "fails", text=PATIENT_TEXT)
    with caplog.at_level(logging.DEBUG):
        # The loop itself (the command would set Django up again, and so the logging).
        jobs_worker.run(batch=True, interval=0.0, signals=False)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "ValueError" in job.error
    assert f"job {job.pk}" in job.error
    assert "Edith" not in job.error and "943 476 5919" not in job.error
    # The task itself succeeded (it recorded the failure), so the backend keeps no traceback.
    task_result = DBTaskResult.objects.get()
    assert task_result.status == "SUCCESSFUL"
    assert task_result.traceback == ""
    assert "Edith" not in str(task_result.return_value)
    # The log says which job failed, and where in the code, but not the exception's text.
    failures = [r for r in caplog.records if r.name == "coproduce.web.jobs.actions"]
    assert failures and f"Job {job.pk} failed (ValueError)" in failures[0].getMessage()
    assert "in fails" in failures[0].getMessage()
    assert "Edith" not in caplog.text and "Crabtree" not in caplog.text
    for event in AuditEvent.objects.all():
        assert "Edith" not in event.summary and "Edith" not in str(event.data)
    page = _client(facilitator).get(reverse("jobs:detail", args=[job.pk]))
    assert "The job failed" in page.content.decode()
    assert "ValueError" in page.content.decode()
    assert "Edith" not in page.content.decode()


@pytest.mark.django_db
def test_an_action_error_shows_its_message_written_for_people(
    settings: Any, facilitator: User, project: Project, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        job = _enqueue(project, facilitator, "refuses")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Row 3: the date is missing."


@pytest.mark.django_db
def test_a_function_returning_something_other_than_a_dict_fails(
    settings: Any, facilitator: User, project: Project, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        job = _enqueue(project, facilitator, "returns_a_list")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "TypeError" in job.error


# -- progress ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_progress_is_visible_through_the_status_view_while_the_job_runs(
    settings: Any, facilitator: User, project: Project, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    client = _client(facilitator)
    seen: dict[str, str] = {}

    def look(job_id: int) -> None:
        seen["during"] = client.get(reverse("jobs:status", args=[job_id])).content.decode()

    HOOK["during"] = look
    job = Job(pk=None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = actions.enqueue(
            project=project,
            user=facilitator,
            kind="themes",
            title="Find themes",
            task="tests.web.test_jobs.observed",
            params={"job_id": 0},
            next_url=reverse("jobs:project_list", args=[project.pk]),
        )
    # The job's own id is a parameter here, so set it before the task runs.
    Job.objects.filter(pk=job.pk).update(params={"job_id": job.pk})
    before = client.get(reverse("jobs:status", args=[job.pk])).content.decode()
    assert "Waiting to start" in before and "data-job-poll" in before
    for callback in callbacks:
        callback()

    during = seen["during"]
    assert "40% done: Themed 40 of 100 comments" in during
    assert 'value="40"' in during
    assert "data-job-poll" in during  # the page keeps polling
    assert "Check progress again" in during  # the no-JavaScript way
    after = client.get(reverse("jobs:status", args=[job.pk]))
    assert after["Cache-Control"].startswith("max-age=0")
    html = after.content.decode()
    assert "data-job-poll" not in html  # finished: polling stops
    assert "Finished" in html
    assert f'href="{reverse("jobs:project_list", args=[project.pk])}"' in html
    assert 'role="status"' in html and 'aria-live="polite"' in html
    job.refresh_from_db()
    assert job.result == {"themes": 7}


def test_progress_writes_are_throttled_and_clamped(monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[tuple[float, str]] = []
    now = [100.0]
    progress = Progress(1, interval=0.5, clock=lambda: now[0])
    monkeypatch.setattr(
        Progress, "_write", lambda self: writes.append((self._fraction, self._message))
    )
    for step in range(1000):  # a loop reporting every comment in 0.4 s
        now[0] += 0.0004
        progress(step / 1000, f"{step} done")
    assert writes == [(0.0, "0 done")]
    now[0] += 0.5
    progress(0.75, "Most done")
    assert writes[-1] == (0.75, "Most done")
    now[0] += 1
    progress(7, "x" * 1000)
    assert writes[-1] == (1.0, "x" * 300)
    now[0] += 1
    progress(float("nan"), "still")
    assert writes[-1] == (1.0, "still")
    with pytest.raises(TypeError):
        progress(True, "")  # type: ignore[arg-type]


@pytest.mark.django_db
def test_progress_raises_cancelled_once_cancel_is_requested(
    facilitator: User, project: Project
) -> None:
    job = Job.objects.create(project=project, kind="t", title="T", task="x.y", status="running")
    now = [0.0]
    progress = Progress(job.pk, clock=lambda: now[0])
    progress(0.5, "Half")
    job.refresh_from_db()
    assert (job.progress, job.message) == (0.5, "Half")
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    progress(0.6, "More")  # within the interval: not checked yet
    now[0] += 1
    with pytest.raises(Cancelled):
        progress(0.7, "More")
    job.refresh_from_db()
    assert job.progress == 0.5


# -- cancelling -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_cancelling_a_waiting_job_means_it_never_runs(
    settings: Any, facilitator: User, project: Project
) -> None:
    settings.TASKS = DATABASE
    job = _enqueue(project, facilitator, "count_up", steps=3)
    client = _client(facilitator)
    confirm = client.get(reverse("jobs:cancel", args=[job.pk]))
    assert "Cancel the job" in confirm.content.decode()
    response = client.post(reverse("jobs:cancel", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED

    worker_command.run(argparse.Namespace(batch=True, interval=0.0, for_serve=False))
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert job.result == {}
    assert DBTaskResult.objects.get().return_value == {"job": job.pk, "status": "skipped"}
    # Cancelling again is refused with a reason.
    again = client.post(reverse("jobs:cancel", args=[job.pk]))
    assert "This job has already finished." in again.content.decode()


@pytest.mark.django_db
def test_cancelling_a_running_job_stops_it_at_its_next_step(
    settings: Any, facilitator: User, project: Project, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    client = _client(facilitator)

    def cancel(job_id: int) -> None:
        response = client.post(reverse("jobs:cancel", args=[job_id]))
        assert response.status_code == 302
        html = client.get(reverse("jobs:status", args=[job_id])).content.decode()
        assert "Cancelling" in html

    HOOK["during"] = cancel
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = _enqueue(project, facilitator, "until_cancelled", job_id=0)
    Job.objects.filter(pk=job.pk).update(params={"job_id": job.pk})
    started = time.monotonic()
    for callback in callbacks:
        callback()
    assert time.monotonic() - started < 5  # stopped well before its 10 s loop ended
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert job.result == {}
    assert AuditEvent.objects.filter(action="jobs.cancel", target_id=str(job.pk)).exists()


# -- permissions ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_outsiders_get_404_and_only_the_starter_or_a_facilitator_may_cancel(
    facilitator: User, project: Project, django_capture_on_commit_callbacks: Any
) -> None:
    staff = make_user("sam@example.org", "Sam Staff")
    observer = make_user("olu@example.org", "Olu Observer")
    outsider = make_user("out@example.org", "Otto Outsider")
    join(project, staff, Role.STAFF, by=facilitator)
    join(project, observer, Role.OBSERVER, by=facilitator)
    with django_capture_on_commit_callbacks(execute=False):
        job = _enqueue(project, staff, "count_up", steps=1)
        other = _enqueue(project, facilitator, "count_up", steps=1)

    urls = [
        reverse("jobs:detail", args=[job.pk]),
        reverse("jobs:status", args=[job.pk]),
        reverse("jobs:cancel", args=[job.pk]),
        reverse("jobs:project_list", args=[project.pk]),
    ]
    for url in urls:
        assert _client(outsider).get(url).status_code == 404, url
        assert Client().get(url).status_code == 302, url  # to sign in
    assert _client(outsider).post(urls[2]).status_code == 404
    with pytest.raises(Exception, match="No such job"):
        selectors.job_for(outsider, job.pk)
    with pytest.raises(Exception, match="No such project"):
        selectors.jobs_of_project(outsider, project)

    viewer = _client(observer)
    assert viewer.get(urls[0]).status_code == 200
    assert "Cancel" not in viewer.get(urls[1]).content.decode()
    assert viewer.get(urls[2]).status_code == 403
    assert viewer.post(urls[2]).status_code == 403
    with pytest.raises(NotAllowed):
        actions.cancel(job=job, user=observer)
    # Staff may cancel their own job, not someone else's; the facilitator may cancel both.
    assert _client(staff).get(reverse("jobs:cancel", args=[other.pk])).status_code == 403
    assert 'href="/jobs/' in _client(staff).get(urls[1]).content.decode()
    assert selectors.can_cancel(job=job, user=staff)
    assert selectors.can_cancel(job=job, user=facilitator)
    assert not selectors.can_cancel(job=other, user=staff)


@pytest.mark.django_db
def test_a_job_without_a_project_is_seen_by_its_starter_only(facilitator: User) -> None:
    someone = make_user("someone@example.org")
    job = actions.enqueue(
        project=None,
        user=facilitator,
        kind="k",
        title="T",
        task="tests.web.test_jobs.count_up",
        params={"steps": 1},
    )
    assert selectors.job_for(facilitator, job.pk) == job
    assert _client(someone).get(reverse("jobs:detail", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_enqueue_refuses_bad_arguments(facilitator: User, project: Project) -> None:
    outsider = make_user("out@example.org")
    base: dict[str, Any] = {
        "project": project,
        "user": facilitator,
        "kind": "k",
        "title": "T",
        "task": "tests.web.test_jobs.count_up",
        "params": {"steps": 1},
    }
    with pytest.raises(ValueError, match="No job function"):
        actions.enqueue(**{**base, "task": "tests.web.test_jobs.nothing_here"})
    with pytest.raises(ValueError, match="not a function"):
        actions.enqueue(**{**base, "task": "tests.web.test_jobs.NOT_CALLABLE"})
    with pytest.raises(TypeError, match="JSON"):
        actions.enqueue(**{**base, "params": {"when": object()}})
    for url in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        with pytest.raises(ValueError, match="next_url"):
            actions.enqueue(**{**base, "next_url": url})
    with pytest.raises(NotAllowed):
        actions.enqueue(**{**base, "user": outsider})
    assert not Job.objects.exists()


# -- pages ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_project_list_pages_jobs_and_says_when_there_are_none(
    facilitator: User, project: Project, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(facilitator)
    url = reverse("jobs:project_list", args=[project.pk])
    assert "No background jobs yet" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        for number in range(27):
            actions.enqueue(
                project=project,
                user=facilitator,
                kind="k",
                title=f"Job number {number:02}",
                task="tests.web.test_jobs.count_up",
                params={"steps": 1},
            )
    first = client.get(url).content.decode()
    assert "Job number 26" in first and "Job number 01" not in first
    second = client.get(url + "?page=2").content.decode()
    assert "Job number 01" in second and "Job number 26" not in second


# -- the worker `coproduce serve` runs ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_background_worker_runs_jobs_and_stops_a_running_one_when_told(
    settings: Any, facilitator: User, project: Project, dirty_reads: None
) -> None:
    settings.TASKS = DATABASE
    started = threading.Event()
    HOOK["during"] = lambda job_id: started.set()
    # Both are queued before the worker starts: afterwards this thread only reads (see
    # dirty_reads: two connections writing at once fail on the shared in-memory database).
    quick = _enqueue(project, facilitator, "count_up", steps=3)
    slow = _enqueue(project, facilitator, "until_cancelled", job_id=0)
    background = jobs_worker.BackgroundWorker(interval=0.2).start()
    try:
        assert jobs_worker.wait_for(quick.pk).status == JobStatus.SUCCEEDED
        assert started.wait(10)
    finally:
        assert background.stop(timeout=10)
    slow.refresh_from_db()
    assert slow.status == JobStatus.FAILED
    assert slow.error == actions.INTERRUPTED


@pytest.mark.django_db
def test_serve_marks_jobs_its_killed_worker_left_running_as_failed(
    facilitator: User, project: Project
) -> None:
    prefix = jobs_worker.worker_prefix(jobs_worker.SERVE)
    results = {}
    jobs = {}
    for name, worker_id in (("ours", prefix + "abc"), ("theirs", "worker-elsewhere-xyz")):
        results[name] = DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="coproduce.web.jobs.tasks.run_job",
            backend_name="default",
            status="RUNNING",
            worker_ids=[worker_id],
        )
        jobs[name] = Job.objects.create(
            project=project,
            kind="k",
            title=name,
            task="x.y",
            status=JobStatus.RUNNING,
            task_result_id=str(results[name].id),
        )
    assert jobs_worker.recover_interrupted(prefix=prefix) == 1
    for name in jobs:
        jobs[name].refresh_from_db()
        results[name].refresh_from_db()
    assert jobs["ours"].status == JobStatus.FAILED
    assert jobs["ours"].error == actions.INTERRUPTED
    assert results["ours"].status == "FAILED"
    assert jobs["theirs"].status == JobStatus.RUNNING
    assert results["theirs"].status == "RUNNING"
