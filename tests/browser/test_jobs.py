"""A background job, run by the worker `coproduce serve` runs, seen in the browser: its
progress moves on the page without reloading, it finishes with a link to its results; another
is cancelled after a confirmation. Every page is checked with axe, before and after updates."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django_tasks_db.management.commands import db_worker
from playwright.sync_api import expect

from coproduce.web.jobs import actions
from coproduce.web.jobs import worker as jobs_worker
from coproduce.web.jobs.models import Job, JobStatus
from coproduce.web.jobs.progress import Progress
from tests import universe

from .axe import check_accessibility, goto, navigation
from .conftest import NewPage
from .people import FACILITATOR_EMAIL, make_facilitator, sign_in

#: Gates the job below waits at, opened by the test.
GATES: dict[str, threading.Event] = {}


def gated(progress: Progress, *, steps: list[str]) -> dict[str, Any]:
    """Report each step, then wait at its gate (checking for cancellation meanwhile)."""
    for number, gate in enumerate(steps):
        progress(number / len(steps), f"Step {number + 1} of {len(steps)}")
        deadline = time.monotonic() + 20
        while not GATES[gate].wait(0.05):
            progress.check()
            if time.monotonic() > deadline:
                raise TimeoutError
    return {"steps": len(steps)}


def _ordinary_transaction(using: str | None = None) -> Any:
    return transaction.atomic(using=using)


@pytest.fixture
def worker(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[jobs_worker.BackgroundWorker]:
    """The database backend and a worker thread, as `coproduce serve` runs them.

    Threads read the shared in-memory SQLite test database with read_uncommitted, since its
    shared cache fails a reader at once while another connection writes (a file database in
    WAL mode, as served, has no such locks). Two connections writing at once fail there too,
    so the tests sign in and queue their jobs before they start the worker, and while it runs
    the site only reads, but for the cancel, made while the job waits (and so writes
    nothing). For the same reason the worker takes its next
    task in an ordinary (IMMEDIATE) transaction rather than an EXCLUSIVE one, which would
    lock the whole shared cache against every reader.
    """
    monkeypatch.setattr(db_worker, "exclusive_transaction", _ordinary_transaction)

    def dirty(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection.vendor == "sqlite":
            connection.cursor().execute("PRAGMA read_uncommitted = 1")

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    connection_created.connect(dirty)
    connection.ensure_connection()
    dirty(None, connection)
    GATES.clear()
    background = jobs_worker.BackgroundWorker(interval=0.2)
    yield background
    for gate in GATES.values():
        gate.set()
    if background.thread.is_alive():
        assert background.stop(timeout=10)
    connection_created.disconnect(dirty)


def _wait_until(job: Job, status: str) -> None:
    deadline = time.monotonic() + 10
    while Job.objects.get(pk=job.pk).status != status:
        assert time.monotonic() < deadline, f"job {job.pk} never became {status}"
        time.sleep(0.05)


@pytest.mark.browser
def test_progress_updates_in_place_and_the_job_leads_to_its_results(
    new_page: NewPage, worker: jobs_worker.BackgroundWorker
) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Clearer outpatient letters")
    page = new_page()
    sign_in(page, FACILITATOR_EMAIL)
    GATES.update(first=threading.Event(), second=threading.Event())
    job = actions.enqueue(
        project=project,
        user=facilitator,
        kind="themes",
        title="Find themes in 2,000 comments",
        task="tests.browser.test_jobs.gated",
        params={"steps": ["first", "second"]},
        next_url=f"/jobs/project/{project.pk}/",
    )
    worker.start()
    _wait_until(job, JobStatus.RUNNING)
    goto(page, f"/jobs/{job.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find themes in 2,000 comments")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Running")
    expect(page.get_by_text("0% done: Step 1 of 2")).to_be_visible()

    GATES["first"].set()  # the page updates itself: no reload
    expect(page.get_by_text("50% done: Step 2 of 2")).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("value", "50")
    check_accessibility(page)

    GATES["second"].set()
    expect(status).to_contain_text("Finished")
    expect(page.locator("[data-job-poll]")).to_have_count(0)
    check_accessibility(page)
    with navigation(page):
        page.get_by_role("link", name="See the results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Background jobs")
    expect(page.get_by_role("cell", name="Find themes in 2,000 comments")).to_be_visible()
    expect(page.get_by_role("cell", name="Finished")).to_be_visible()


@pytest.mark.browser
def test_a_running_job_is_cancelled_after_confirmation(
    new_page: NewPage, worker: jobs_worker.BackgroundWorker
) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Clearer outpatient letters")
    page = new_page()
    sign_in(page, FACILITATOR_EMAIL)
    GATES.update(never=threading.Event())
    job = actions.enqueue(
        project=project,
        user=facilitator,
        kind="themes",
        title="Train the classifier",
        task="tests.browser.test_jobs.gated",
        params={"steps": ["never"]},
    )
    worker.start()
    _wait_until(job, JobStatus.RUNNING)
    goto(page, f"/jobs/project/{project.pk}/")
    with navigation(page):
        page.get_by_role("link", name="Train the classifier").click()
    with navigation(page):
        page.get_by_role("link", name="Cancel Train the classifier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel “Train the classifier”?")
    with navigation(page):
        page.get_by_role("button", name="Cancel the job").click()
    expect(page.get_by_text("“Train the classifier” will stop at its next step.")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Cancelled")
    check_accessibility(page)
    assert Job.objects.get(pk=job.pk).status == JobStatus.CANCELLED
