"""The improvement API: aims, change ideas, cycles with predictions, progress scores."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coproduce.web.accounts import actions as account_actions
from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.measures.models import Measure
from coproduce.web.projects.models import Role
from tests.universe import join, make_project, make_user

pytestmark = pytest.mark.django_db

NEXT_YEAR = (timezone.localdate() + timedelta(days=365)).isoformat()


def api_client(user: User) -> Client:
    _, raw = account_actions.create_access_token(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def setup() -> dict[str, Any]:
    fac = make_user("fac@example.org")
    carer = make_user("carer@example.org")
    observer = make_user("obs@example.org")
    project = make_project(fac)
    carer_membership = join(project, carer, Role.CARER_PARTNER, by=fac)
    join(project, observer, Role.OBSERVER, by=fac)
    measure = Measure.objects.create(
        project=project,
        title="Did not attend",
        kind="outcome",
        data_type="proportion",
        chart="p",
        direction="decrease",
    )
    return {
        "project": project,
        "base": f"/api/v1/projects/{project.pk}",
        "carer": api_client(carer),
        "observer": api_client(observer),
        "outsider": api_client(make_user("out@example.org")),
        "measure": measure,
        "carer_membership": carer_membership,
    }


AIM = {
    "what": "missed appointments",
    "for_whom": "families in Northtown",
    "baseline": 18,
    "target": 9,
    "unit": "%",
    "direction": "decrease",
    "deadline": NEXT_YEAR,
}


def test_aims_list_create_get_patch(setup: dict[str, Any]) -> None:
    carer, base = setup["carer"], setup["base"]
    created = carer.post(
        f"{base}/aims",
        {**AIM, "outcome_measure_id": setup["measure"].pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["statement"].startswith("Reduce missed appointments from 18% to 9% by")
    assert body["problems"] == []
    aim_id = body["id"]

    assert [a["id"] for a in carer.get(f"{base}/aims").json()] == [aim_id]
    assert carer.get(f"{base}/aims/{aim_id}").json()["target"] == 9

    patched = carer.patch(f"{base}/aims/{aim_id}", {"target": 6}, content_type="application/json")
    assert patched.status_code == 200
    assert patched.json()["target"] == 6
    assert patched.json()["outcome_measure_id"] == setup["measure"].pk

    vague = carer.patch(
        f"{base}/aims/{aim_id}", {"target": "some"}, content_type="application/json"
    )
    assert vague.status_code == 400
    assert vague.json() == {
        "detail": "A target must be a number (“some is not a number”)",
        "field": "target",
    }


def test_permissions_match_the_pages(setup: dict[str, Any]) -> None:
    base = setup["base"]
    observer, outsider = setup["observer"], setup["outsider"]
    assert observer.get(f"{base}/aims").status_code == 200
    refused = observer.post(f"{base}/aims", AIM, content_type="application/json")
    assert refused.status_code == 403
    refused = observer.post(
        f"{base}/change-ideas", {"title": "Mine"}, content_type="application/json"
    )
    assert refused.status_code == 403
    for path in ("aims", "change-ideas", "progress-scores"):
        assert outsider.get(f"{base}/{path}").status_code == 404
    assert outsider.post(f"{base}/aims", AIM, content_type="application/json").status_code == 404
    assert Client().get(f"{base}/aims").status_code == 401


def test_change_ideas_and_cycles_with_predictions(setup: dict[str, Any]) -> None:
    carer, base = setup["carer"], setup["base"]
    idea = carer.post(
        f"{base}/change-ideas", {"title": "Text reminders"}, content_type="application/json"
    ).json()
    assert idea["status"] == "active"

    cycle = carer.post(
        f"{base}/change-ideas/{idea['id']}/cycles",
        {
            "start_date": "2026-01-05",
            "objective": "Try a text the day before",
            "scale": "1 clinic",
            "measure_ids": [setup["measure"].pk],
            "participant_ids": [setup["carer_membership"].pk],
            "predictions": [{"question": "Fewer DNAs?", "prediction": "Half", "rationale": "x"}],
        },
        content_type="application/json",
    )
    assert cycle.status_code == 201, cycle.content
    body = cycle.json()
    assert body["number"] == 1 and body["label"] == "PDSA 1: Text reminders"
    assert body["measure_ids"] == [setup["measure"].pk]
    assert body["predictions"][0]["result"] is None
    cycle_id, prediction_id = body["id"], body["predictions"][0]["id"]

    no_study = carer.patch(
        f"{base}/cycles/{cycle_id}", {"decision": "adopt"}, content_type="application/json"
    )
    assert no_study.status_code == 400
    assert "without a Study" in no_study.json()["detail"]
    assert no_study.json()["field"] == "decision"

    adopted = carer.patch(
        f"{base}/cycles/{cycle_id}",
        {
            "decision": "adopt",
            "predictions": [
                {
                    "id": prediction_id,
                    "question": "Fewer DNAs?",
                    "prediction": "Half",
                    "result": "confirmed",
                }
            ],
        },
        content_type="application/json",
    )
    assert adopted.status_code == 200, adopted.content
    assert adopted.json()["decision"] == "adopt"
    assert adopted.json()["predictions"][0]["id"] == prediction_id
    assert adopted.json()["measure_ids"] == [setup["measure"].pk]  # untouched when not sent

    assert carer.get(f"{base}/change-ideas/{idea['id']}").json()["status"] == "adopted"
    listed = carer.get(f"{base}/change-ideas/{idea['id']}/cycles").json()
    assert [c["id"] for c in listed] == [cycle_id]
    assert AuditEvent.objects.filter(action="pdsa.updated").count() == 1

    other = make_project(make_user("else@example.org"), title="Else")
    foreign = Measure.objects.create(
        project=other, title="X", kind="process", data_type="count", chart="c", direction="decrease"
    )
    wrong = carer.patch(
        f"{base}/cycles/{cycle_id}",
        {"measure_ids": [foreign.pk]},
        content_type="application/json",
    )
    assert wrong.status_code == 400


def test_progress_scores(setup: dict[str, Any]) -> None:
    carer, base = setup["carer"], setup["base"]
    today = timezone.localdate().isoformat()
    created = carer.post(
        f"{base}/progress-scores",
        {"score": "1.5", "recorded_on": today},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    score_id = created.json()["id"]
    bad = carer.post(
        f"{base}/progress-scores",
        {"score": "1.7", "recorded_on": today},
        content_type="application/json",
    )
    assert bad.status_code == 400
    patched = carer.patch(
        f"{base}/progress-scores/{score_id}", {"score": "2.0"}, content_type="application/json"
    )
    assert patched.status_code == 200
    assert float(patched.json()["score"]) == 2.0
    assert float(carer.get(f"{base}/progress-scores/{score_id}").json()["score"]) == 2.0
    assert len(carer.get(f"{base}/progress-scores").json()) == 1


def test_listing_a_ramp_takes_the_same_queries_however_many_cycles_it_has(
    setup: dict[str, Any],
) -> None:
    carer, base = setup["carer"], setup["base"]
    idea = carer.post(
        f"{base}/change-ideas", {"title": "Text reminders"}, content_type="application/json"
    ).json()
    cycles = f"{base}/change-ideas/{idea['id']}/cycles"

    def add_cycle() -> None:
        response = carer.post(
            cycles,
            {
                "start_date": "2026-01-05",
                "objective": "Try it",
                "measure_ids": [setup["measure"].pk],
                "participant_ids": [setup["carer_membership"].pk],
                "predictions": [{"question": "Fewer DNAs?", "prediction": "Half"}],
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = carer.get(cycles)
        assert response.status_code == 200
        return len(captured)

    add_cycle()
    one = queries()
    add_cycle()
    add_cycle()
    assert queries() == one
    listed = carer.get(cycles).json()
    assert [c["number"] for c in listed] == [1, 2, 3]
    assert all(c["measure_ids"] == [setup["measure"].pk] for c in listed)
    assert all(c["predictions"][0]["question"] == "Fewer DNAs?" for c in listed)


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("aims", {**AIM, "what": "x" * 301}, "what"),
        ("aims", {**AIM, "for_whom": "x" * 301}, "for_whom"),
        ("aims", {**AIM, "unit": "x" * 61}, "unit"),
        ("change-ideas", {"title": "x" * 201}, "title"),
    ],
)
def test_text_longer_than_its_column_is_refused_not_a_crash(
    setup: dict[str, Any], path: str, payload: dict[str, Any], field: str
) -> None:
    """SQLite would store it; PostgreSQL would fail with a server error."""
    response = setup["carer"].post(
        f"{setup['base']}/{path}", payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_a_cycles_scale_longer_than_its_column_is_refused(setup: dict[str, Any]) -> None:
    carer, base = setup["carer"], setup["base"]
    idea = carer.post(
        f"{base}/change-ideas", {"title": "Text reminders"}, content_type="application/json"
    ).json()
    response = carer.post(
        f"{base}/change-ideas/{idea['id']}/cycles",
        {"start_date": "2026-01-05", "objective": "Try it", "scale": "x" * 201},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The scale must be 200 characters or fewer",
        "field": "scale",
    }
