"""Big conversations are analysed in the background (docs/adr/0022).

Above ``selectors.BACKGROUND_VOTES`` (50,000) votes the results page does not analyse the
votes itself: it queues one background job, shows the previous analysis marked as being
updated with the job's progress, and the new analysis once the job has run. A failed job is
shown (without the error's text) and not queued again for the same votes.

The conversations here are real: 40 statements and 1,250 or more voters, written with
``bulk_create``. Jobs are run as the worker runs them, with ``jobs.actions.execute``; in these
tests nothing else runs them (the queue is only sent when the test's transaction commits,
which it never does).
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.web.accounts.models import User
from coproduce.web.deliberate import actions, selectors
from coproduce.web.deliberate.models import Analysis, Conversation, Vote
from coproduce.web.jobs import actions as job_actions
from coproduce.web.jobs.models import Job, JobStatus
from coproduce.web.projects.models import Project, Role
from coproduce.web.takepart.models import JoinedVia, Voter
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db

STATEMENTS = 40
#: 40 statements × 1,250 voters = 50,000 votes: exactly the limit, still analysed in the request.
VOTERS = 1_250
CONSTITUENCIES = ("patient", "staff", "carer")
#: Patient text a failing analysis's exception carries: it must never be shown or logged.
PATIENT_TEXT = "Mrs Edith Crabtree, NHS number 943 476 5919, waited four hours"
STALE = "New votes have arrived: the opinion groups are being worked out again in the background."
FAILED = "The opinion groups could not be worked out again for the latest votes."


def analysis_that_fails(**_: Any) -> dict[str, Any]:
    """An analysis whose error quotes patient text (as a real one might, from a statement)."""
    message = PATIENT_TEXT
    raise ValueError(message)


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _hash(n: int) -> float:
    """A cheap, well-mixed number in [0, 1) for ``n`` (the same every run)."""
    h = n * 2_654_435_761 % 2**32
    h ^= h >> 15
    h = h * 2_246_822_519 % 2**32
    h ^= h >> 13
    return h / 2**32


def value(i: int, j: int) -> int:
    """Voter ``i``'s vote on statement ``j``: nearly everyone agrees with statement 0; on the
    others two camps (odd and even voters) take opposite sides, with some noise and passes."""
    draw = _hash(i * 1_000_003 + j)
    if draw < 0.1:
        return 0
    if j == 0:
        return 1
    side = 1 if j % 2 == i % 2 else -1
    return -side if draw > 0.85 else side


def add_voters(conversation: Conversation, first: int, count: int) -> list[int]:
    """``count`` voters (numbered from ``first``), each voting on every statement."""
    project = conversation.project
    before = set(Voter.objects.filter(project=project).values_list("pk", flat=True))
    Voter.objects.bulk_create(
        [
            Voter(
                project=project,
                constituency=CONSTITUENCIES[i % 3],
                joined_via=JoinedVia.CODE,
            )
            for i in range(first, first + count)
        ]
    )
    ids = sorted(set(Voter.objects.filter(project=project).values_list("pk", flat=True)) - before)
    assert len(ids) == count
    statements = list(conversation.statements.order_by("pk").values_list("pk", flat=True))
    Vote.objects.bulk_create(
        [
            Vote(
                conversation_id=conversation.pk,
                statement_id=sid,
                voter_id=vid,
                value=value(i, j),
            )
            for i, vid in enumerate(ids, start=first)
            for j, sid in enumerate(statements)
        ],
        batch_size=10_000,  # PostgreSQL takes at most 65,535 parameters a query
    )
    return ids


@pytest.fixture
def world() -> dict[str, Any]:
    fac = make_user("fac@example.org")
    patient = make_user("pat@example.org")
    project: Project = make_project(fac)
    join(project, patient, Role.PATIENT_PARTNER, by=fac)
    conversation = actions.create_conversation(
        project=project, by=fac, topic="Letters about appointments"
    )
    for j in range(STATEMENTS):
        actions.seed_statement(
            conversation=conversation, by=fac, text=f"Statement number {j} about our letters"
        )
    return {"fac": fac, "patient": patient, "project": project, "c": conversation}


def results_url(w: dict[str, Any]) -> str:
    return reverse("deliberate:results", args=[w["project"].pk, w["c"].pk])


def page(client: Client, w: dict[str, Any]) -> str:
    response = client.get(results_url(w))
    assert response.status_code == 200
    return response.content.decode()


def test_a_big_conversation_is_analysed_by_one_background_job(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    c = world["c"]
    add_voters(c, 0, VOTERS)
    fac = signed_in(world["fac"])

    # Exactly 50,000 votes: analysed in the request, no job.
    first = page(fac, world)
    assert "50000 votes from 1250 people" in first
    assert STALE not in first
    assert not Job.objects.exists()
    previous = Analysis.objects.get(conversation=c)
    assert previous.vote_count == VOTERS * STATEMENTS
    assert len({p["group"] for p in previous.document["participants"].values()}) == 2

    # One more voter: 50,040 votes, over the limit.
    newcomer = add_voters(c, VOTERS, 1)[0]
    stale = page(fac, world)
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED
    assert job.task == "coproduce.web.deliberate.jobs.analyse_conversation"
    assert job.params["conversation_id"] == c.pk
    assert job.params["queued_for"]["votes"] == (VOTERS + 1) * STATEMENTS
    # The previous results, marked as being updated, with the job's progress and its link.
    assert STALE in stale and "These results are from" in stale
    assert "50000 votes from 1250 people" in stale
    assert f'id="job-{job.pk}"' in stale
    assert f'href="{reverse("jobs:detail", args=[job.pk])}"' in stale
    assert "Waiting to start" in stale
    analysis = Analysis.objects.get(conversation=c)
    assert (analysis.job, analysis.vote_count) == (job, VOTERS * STATEMENTS)
    assert analysis.document == previous.document

    # More page views, by the same person or another member, or the live screen's panel, do
    # not queue a second job.
    assert STALE in page(fac, world)
    assert STALE in page(signed_in(world["patient"]), world)
    panel = fac.get(reverse("deliberate:live_panel", args=[world["project"].pk, c.pk]))
    assert "These opinion groups are from before the latest votes." in panel.content.decode()
    assert actions.start_analysis_job(conversation=c, by=world["fac"]) == job
    assert Job.objects.count() == 1

    # The worker runs it; the page then shows the new analysis.
    assert job_actions.execute(job_id=job.pk) == {"job": job.pk, "status": "succeeded"}
    job.refresh_from_db()
    assert job.result == {"votes": (VOTERS + 1) * STATEMENTS, "participants": VOTERS + 1}
    fresh = page(fac, world)
    assert "50040 votes from 1251 people" in fresh
    assert STALE not in fresh and f'id="job-{job.pk}"' not in fresh
    analysis.refresh_from_db()
    assert analysis.vote_count == (VOTERS + 1) * STATEMENTS
    assert str(newcomer) in analysis.document["participants"]
    # Group ids stayed put: every earlier voter is in the group they were in before.
    before = previous.document["participants"]
    after = analysis.document["participants"]
    assert all(after[p]["group"] == g["group"] for p, g in before.items())
    assert Job.objects.count() == 1

    # A changed vote and an analysis that fails: the last results stay, saying so.
    monkeypatch.setattr(selectors, "compute_document", analysis_that_fails)
    seat = Voter.objects.get(pk=newcomer)
    statement = c.statements.order_by("pk").first().pk
    actions.cast_vote(statement_id=statement, conversation_id=c.pk, voter=seat, value=-1)
    assert STALE in page(fac, world)
    failing = Job.objects.exclude(pk=job.pk).get()
    assert job_actions.execute(job_id=failing.pk)["status"] == "failed"
    shown = page(fac, world)
    assert FAILED in shown and "before the latest votes" in shown and "The job failed" in shown
    assert "50040 votes from 1251 people" in shown
    assert PATIENT_TEXT not in shown
    assert Job.objects.count() == 2


def test_a_failed_analysis_is_shown_without_its_text_and_not_retried_for_the_same_votes(
    world: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    c = world["c"]
    ids = add_voters(c, 0, VOTERS + 1)
    fac = signed_in(world["fac"])

    # No analysis yet: the page says the results will come.
    waiting = page(fac, world)
    assert STALE in waiting and "The results will show here when that has finished." in waiting
    assert "These results are from" not in waiting
    job = Job.objects.get()

    monkeypatch.setattr(selectors, "compute_document", analysis_that_fails)
    with caplog.at_level(logging.DEBUG):
        assert job_actions.execute(job_id=job.pk) == {"job": job.pk, "status": "failed"}
    job.refresh_from_db()
    assert "ValueError" in job.error and PATIENT_TEXT not in job.error
    assert PATIENT_TEXT not in caplog.text
    assert not Analysis.objects.get(conversation=c).document

    failed = page(fac, world)
    assert FAILED in failed and "The job failed" in failed and "ValueError" in failed
    assert "There are no results yet." in failed
    assert PATIENT_TEXT not in failed and "Edith" not in failed
    # Viewing again does not queue the same failing work again.
    page(fac, world)
    assert Job.objects.count() == 1
    jobs_page = fac.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "ValueError" in jobs_page and PATIENT_TEXT not in jobs_page

    # A changed vote: a new job is queued for the new votes.
    statement = c.statements.order_by("pk").first().pk
    seats = list(Voter.objects.filter(pk__in=ids[:2]).order_by("pk"))
    actions.cast_vote(statement_id=statement, conversation_id=c.pk, voter=seats[0], value=-1)
    assert STALE in page(fac, world)
    second = Job.objects.exclude(pk=job.pk).get()
    assert second.status == JobStatus.QUEUED
    # A facilitator cancels it: it is not started again for the same votes either.
    job_actions.cancel(job=second, user=world["fac"])
    cancelled = page(fac, world)
    assert FAILED in cancelled and "Cancelled" in cancelled
    assert Job.objects.count() == 2

    # Another vote: queued again, for the new votes.
    actions.cast_vote(statement_id=statement, conversation_id=c.pk, voter=seats[1], value=-1)
    assert STALE in page(fac, world)
    assert Job.objects.filter(status=JobStatus.QUEUED).count() == 1
    assert Job.objects.count() == 3


def test_group_ids_follow_the_previous_analysis(world: dict[str, Any]) -> None:
    """The core keeps group ids stable when given the last groups (ADR 0020): the app passes
    them, so a recomputation does not renumber the groups."""
    c = world["c"]
    add_voters(c, 0, 60)
    fresh = selectors.compute_document(conversation=c)
    groups = {p["group"] for p in fresh["participants"].values()}
    assert groups == {0, 1}
    swapped = {
        "participants": {
            p: {"group": None if g["group"] is None else 1 - g["group"]}
            for p, g in fresh["participants"].items()
        }
    }
    again = selectors.compute_document(conversation=c, previous=swapped)
    assert again["participants"] == swapped["participants"]
    assert selectors.compute_document(conversation=c)["participants"] == fresh["participants"]
