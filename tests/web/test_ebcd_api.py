"""The EBCD API: state, events, priorities, votes and their tally, with the pages' permissions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from coproduce.web.accounts import actions as account_actions
from coproduce.web.accounts.models import User
from coproduce.web.ebcd import actions
from coproduce.web.ebcd.models import VoteCount
from coproduce.web.projects.models import Role
from tests.universe import join, make_project, make_user

pytestmark = pytest.mark.django_db


def api_client(user: User) -> Client:
    _, raw = account_actions.create_access_token(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def team() -> dict[str, Any]:
    fac = make_user("fac@example.org")
    patient = make_user("pat@example.org")
    observer = make_user("obs@example.org")
    outsider = make_user("out@example.org")
    project = make_project(fac)
    join(project, patient, Role.PATIENT_PARTNER, by=fac)
    join(project, observer, Role.OBSERVER, by=fac)
    actions.start_ebcd(project=project, by=fac)
    return {
        "fac": fac,
        "patient": patient,
        "observer": observer,
        "outsider": outsider,
        "project": project,
        "base": f"/api/v1/projects/{project.pk}/ebcd",
    }


def put(client: Client, url: str, data: Any) -> Any:
    return client.put(url, data, content_type="application/json")


def test_the_state_shows_the_checklist_and_progress(team: dict[str, Any]) -> None:
    response = api_client(team["observer"]).get(team["base"])
    assert response.status_code == 200
    body = response.json()
    assert body["variant"] == "standard"
    assert body["trigger_film_source"] == "local"
    assert (body["stages_done"], body["stages_total"], body["percent_done"]) == (0, 10, 0)
    assert body["next_stage"] == "set_up"
    assert body["stages"][2]["stage"] == "patient_experience"
    assert api_client(team["outsider"]).get(team["base"]).status_code == 404


def test_the_voting_flow_through_the_api(team: dict[str, Any]) -> None:
    client = api_client(team["patient"])
    base = team["base"]
    for kind in ("staff", "patient", "joint"):
        response = put(client, f"{base}/events/{kind}", {"date": "2026-01-10", "notes": ""})
        assert response.status_code == 200, response.content
    assert [e["kind"] for e in client.get(f"{base}/events").json()] == [
        "staff",
        "patient",
        "joint",
    ]
    ids = {}
    for kind, title in (("patient", "Information"), ("staff", "Waits"), ("staff", "Parking")):
        response = client.post(
            f"{base}/events/{kind}/priorities", {"title": title}, content_type="application/json"
        )
        assert response.status_code == 201, response.content
        ids[title] = response.json()["id"]
    assert [p["title"] for p in client.get(f"{base}/priorities").json()] == [
        "Information",
        "Waits",
        "Parking",
    ]

    def votes(kind: str, group: str, counts: dict[str, int]) -> Any:
        rows = [{"priority_id": ids[t], "votes": n} for t, n in counts.items()]
        return put(client, f"{base}/events/{kind}/votes/{group}", {"votes": rows})

    assert (
        votes("patient", "patients", {"Information": 9, "Waits": 6, "Parking": 1}).status_code
        == 200
    )
    assert votes("staff", "staff", {"Information": 2, "Waits": 7, "Parking": 8}).status_code == 200
    refused = votes("staff", "patients", {"Information": 1})
    assert refused.status_code == 400
    assert refused.json()["field"] == "group"
    assert votes("joint", "patients", {"Information": 5, "Waits": 4}).status_code == 200
    assert votes("joint", "staff", {"Information": 3, "Waits": 6, "Parking": 1}).status_code == 200

    tally = client.get(f"{base}/tally").json()
    separate = {r["group"]: [x["priority"] for x in r["ranked"]] for r in tally["separate"]}
    assert separate == {
        "patients": ["Information", "Waits", "Parking"],
        "staff": ["Parking", "Waits", "Information"],
    }
    assert tally["agreement"]["rank_correlation"] == pytest.approx(-1.0)
    assert [(r["priority"], r["score"], r["rank"]) for r in tally["joint"]["ranked"]] == [
        ("Waits", 10.0, 1),
        ("Information", 8.0, 2),
        ("Parking", 1.0, 3),
    ]
    assert {r["group"] for r in tally["joint_by_group"]} == {"patients", "staff"}


def test_observers_cannot_record_and_bad_votes_are_refused_whole(team: dict[str, Any]) -> None:
    base = team["base"]
    fac = api_client(team["fac"])
    put(fac, f"{base}/events/joint", {})
    priority = fac.post(
        f"{base}/events/joint/priorities", {"title": "Info"}, content_type="application/json"
    ).json()
    observer = api_client(team["observer"])
    assert put(observer, f"{base}/events/staff", {}).status_code == 403
    row = {"priority_id": priority["id"], "votes": 2}
    assert put(observer, f"{base}/events/joint/votes/staff", {"votes": [row]}).status_code == 403
    response = put(
        fac,
        f"{base}/events/joint/votes/staff",
        {"votes": [row, {"priority_id": priority["id"], "votes": -1}]},
    )
    assert response.status_code == 400
    negative = put(fac, f"{base}/events/joint/votes/staff", {"votes": [{**row, "votes": -1}]})
    assert negative.status_code == 400
    assert "Info" in negative.json()["detail"]
    assert not VoteCount.objects.exists()
    assert fac.get(f"{base}/events/nonsense").status_code in (404, 405)


def test_the_tally_is_empty_before_any_priority(team: dict[str, Any]) -> None:
    body = api_client(team["fac"]).get(f"{team['base']}/tally").json()
    assert body["priorities"] == [] and body["joint"] is None


def test_a_project_without_ebcd_is_404(team: dict[str, Any]) -> None:
    other = make_project(team["fac"], title="Other", organisation=team["project"].organisation)
    assert api_client(team["fac"]).get(f"/api/v1/projects/{other.pk}/ebcd").status_code == 404
