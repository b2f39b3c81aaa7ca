"""Schemathesis over the API's OpenAPI schema: no input, valid or not, makes a server error.

Every operation of ``/api/v1`` is called with data generated from the schema (valid data, then
data that breaks the schema), as the demo facilitator with a personal access token, against
the demo's fracture clinic project (measures with 30 months of data, an aim, PDSA ramps,
progress scores). The path parameters are drawn from that project's ids, so valid requests
reach real objects rather than stopping at a 404 (invalid ones, from the negative phase, do).

The app is called in-process through its WSGI handler, in the test's transaction: as Django's
test client does, the handler is kept from closing the database connection at the end of each
request (``close_old_connections``), so the test's transaction and its data survive the calls.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from coproduce.web import demo
from coproduce.web.accounts import actions as account_actions
from coproduce.web.accounts.models import User
from coproduce.web.api.api import api
from coproduce.web.experience.models import Comment
from coproduce.web.improvement.models import Aim, ChangeIdea, PDSACycle, ProgressScore
from coproduce.web.jobs.models import Job
from coproduce.web.journeys.models import Journey
from coproduce.web.measures.models import Measure
from coproduce.web.projects.models import ProjectMembership
from coproduce.web.themes.models import Theme

EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 6}

OPERATIONS = [
    (method.upper(), path)
    for path, methods in api.get_openapi_schema()["paths"].items()
    for method in methods
]


def ids_of(model: Any, **filters: Any) -> list[int]:
    return [*model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)]


@pytest.fixture
def in_process() -> Iterator[None]:
    """Keep the WSGI handler from closing the test's connection (as ``django.test.Client``)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(db: None, in_process: None) -> dict[str, Any]:
    """The demo, a token for its facilitator, and the ids each path parameter may take."""
    loaded = demo.load_demo()
    facilitator = User.objects.get(email=demo.FACILITATOR_EMAIL)
    _, raw = account_actions.create_access_token(user=facilitator, name="schemathesis")
    story = loaded.story
    return {
        "token": raw,
        "ids": {
            "project_id": [story.pk],
            "member_id": ids_of(ProjectMembership, project=story),
            "measure_id": ids_of(Measure, project=story),
            "aim_id": ids_of(Aim, project=story),
            "idea_id": ids_of(ChangeIdea, project=story),
            "cycle_id": ids_of(PDSACycle, change_idea__project=story),
            "score_id": ids_of(ProgressScore, project=story),
            "comment_id": ids_of(Comment, project=story)[:20],
            "theme_id": ids_of(Theme, project=story),
            "journey_id": ids_of(Journey, project=story),
            "job_id": ids_of(Job, project=story),
        },
    }


def schema_for(ids: dict[str, list[int]]) -> Any:
    """The app's OpenAPI schema with each id in a path drawn from ``ids``."""
    raw = copy.deepcopy(api.get_openapi_schema())
    for methods in raw["paths"].values():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] in ids:
                    parameter["schema"] = {"type": "integer", "enum": ids[parameter["name"]]}
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = WSGIHandler()
    return schema


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_request_makes_a_server_error(world: dict[str, Any], method: str, path: str) -> None:
    assert all(world["ids"][name] for name in ("measure_id", "cycle_id", "theme_id", "job_id"))
    operation = schema_for(world["ids"])[path][method]
    headers = {"Authorization": f"Bearer {world['token']}"}
    for mode, examples in EXAMPLES.items():

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        check()


def test_an_invitation_to_an_address_that_is_not_one_is_refused_not_a_crash(
    world: dict[str, Any],
) -> None:
    """Found by schemathesis: sending the invitation email raised ``ValueError`` (a 500)."""
    client = Client(headers={"Authorization": f"Bearer {world['token']}"})
    project = world["ids"]["project_id"][0]
    response = client.post(
        f"/api/v1/projects/{project}/invitations",
        {"email": "ë", "role": "staff"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Enter a valid email address.", "field": "email"}


HUGE = 2**80


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("get", "/api/v1/projects?offset={huge}", None),
        ("get", "/api/v1/projects?limit={huge}", None),
        ("patch", "/api/v1/projects/{project}/cycles/{cycle}", {"measure_ids": [HUGE]}),
        ("patch", "/api/v1/projects/{project}/cycles/{cycle}", {"participant_ids": [HUGE]}),
        ("patch", "/api/v1/projects/{project}/cycles/{cycle}", {"other_participants": HUGE}),
        ("patch", "/api/v1/projects/{project}/measures/{measure}", {"baseline_points": HUGE}),
    ],
)
def test_numbers_too_big_for_the_database_are_refused_not_a_crash(
    world: dict[str, Any], method: str, path: str, payload: dict[str, Any] | None
) -> None:
    """Found by schemathesis: each of these overflowed the database (a 500)."""
    client = Client(headers={"Authorization": f"Bearer {world['token']}"})
    ids = world["ids"]
    url = path.format(
        huge=HUGE,
        project=ids["project_id"][0],
        cycle=ids["cycle_id"][0],
        measure=ids["measure_id"][0],
    )
    response = getattr(client, method)(url, payload, content_type="application/json")
    assert response.status_code in (400, 422)
