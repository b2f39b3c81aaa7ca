"""The demo's experience story: feedback with comments held back for review, themes, the
clinic's journey with a hotspot at the waiting room, and an EBCD run whose joint ranking puts
the wait first; built through the actions, loaded once, labels left queued for the worker."""

from __future__ import annotations

import pytest

from coproduce.web import demo, demo_experience
from coproduce.web.ebcd import selectors as ebcd_selectors
from coproduce.web.ebcd.models import (
    CoDesignGroup,
    EBCDProject,
    Event,
    EventKind,
    FilmEntry,
    Priority,
    VoteCount,
)
from coproduce.web.experience.models import Comment
from coproduce.web.jobs.models import Job, JobStatus
from coproduce.web.journeys import selectors as journey_selectors
from coproduce.web.journeys.models import EmotionRecord, Journey, Stage, Touchpoint
from coproduce.web.projects.models import Project

pytestmark = pytest.mark.django_db

MODELS = [
    Comment,
    Journey,
    Stage,
    Touchpoint,
    EmotionRecord,
    EBCDProject,
    Event,
    Priority,
    VoteCount,
    FilmEntry,
    CoDesignGroup,
    Job,
]


@pytest.fixture(scope="module")
def loaded(django_db_setup: object, django_db_blocker: object) -> object:
    """The demo loaded twice in one database (the second load must add nothing)."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        from django.db import transaction

        with transaction.atomic():
            first = demo.load_demo()
            counts = {model.__name__: model.objects.count() for model in MODELS}
            demo.load_demo()
            again = {model.__name__: model.objects.count() for model in MODELS}
            story = Project.objects.get(pk=first.story.pk)
            facts = _facts(story)
            transaction.set_rollback(True)
    return counts, again, facts


def _facts(story: Project) -> dict[str, object]:
    journey = Journey.objects.get(project=story, title=demo_experience.JOURNEY)
    summary = journey_selectors.journey_summary(journey=journey)
    ebcd = EBCDProject.objects.get(project=story)
    results = ebcd_selectors.results_of(ebcd)
    assert results.tally is not None and results.tally.joint is not None
    return {
        "comments": Comment.objects.filter(project=story).count(),
        "held_back": Comment.objects.filter(project=story, identifying=True).count(),
        "hotspots": [t.name for t in summary.hotspots],
        "stages": [s.name for s in summary.stages],
        "joint_first": [r.priority for r in results.tally.joint.ranked if r.rank == 1],
        "patients_first": [r.priority for r in results.tally.separate[0].ranked if r.rank == 1],
        "jobs": list(
            Job.objects.filter(project=story).values_list("kind", "status").order_by("pk")
        ),
        "film": FilmEntry.objects.filter(ebcd=ebcd).count(),
        "event_dates": {e.kind: e.date for e in Event.objects.filter(ebcd=ebcd)},
        "steps_done": {s.stage: s.done_on for s in ebcd.steps.all() if s.done_on is not None},
    }


def test_loading_twice_adds_nothing(loaded: tuple) -> None:
    counts, again, _ = loaded
    assert counts == again
    assert counts["Journey"] == 1
    assert counts["EBCDProject"] == 1


def test_the_story_has_its_comments_and_four_wait_for_review(loaded: tuple) -> None:
    _, _, facts = loaded
    # 364 made-up FFT comments (those dated up to today) and two stories typed on
    # someone's behalf; the four with made-up identifiers are held back.
    assert 300 < facts["comments"] <= 366
    assert facts["held_back"] == 4


def test_the_waiting_room_is_a_hotspot_on_the_clinics_journey(loaded: tuple) -> None:
    _, _, facts = loaded
    assert "Waiting room" in facts["hotspots"]
    assert "Reception" not in facts["hotspots"]
    assert facts["stages"] == [stage[0] for stage in demo_experience.STAGES]


def test_patients_and_staff_agree_the_wait_comes_first_at_the_joint_event(
    loaded: tuple,
) -> None:
    _, _, facts = loaded
    assert facts["patients_first"] == ["Offer pain relief while people wait"]
    assert facts["joint_first"] == ["Tell people how long the wait is and why"]
    assert facts["film"] == 3


def test_the_events_are_held_when_the_checklist_says(loaded: tuple) -> None:
    _, _, facts = loaded
    dates, done = facts["event_dates"], facts["steps_done"]
    assert dates[EventKind.STAFF] == done["staff_feedback_event"]
    assert dates[EventKind.PATIENT] == done["patient_feedback_event"]
    assert dates[EventKind.JOINT] == done["joint_event"]
    assert dates[EventKind.STAFF] < dates[EventKind.PATIENT] < dates[EventKind.JOINT]


def test_labels_and_sentiment_are_left_queued_for_the_worker(loaded: tuple) -> None:
    _, _, facts = loaded
    assert ("classify", JobStatus.QUEUED) in facts["jobs"]
