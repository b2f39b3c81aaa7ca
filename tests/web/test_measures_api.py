"""The measures API: the same permissions as the pages, and an all-or-nothing bulk upsert."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from coproduce.web.accounts import actions as account_actions
from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.measures.models import DataPoint, Measure
from coproduce.web.projects.models import Project, Role
from tests.universe import join, make_project, make_user

pytestmark = pytest.mark.django_db

NEW = {
    "title": "On-time discharge",
    "kind": "outcome",
    "data_type": "proportion",
    "direction": "increase",
}


def api_client(user: User) -> Client:
    _, raw = account_actions.create_access_token(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def people() -> tuple[Project, Client, Client, Client, Client]:
    fac = make_user("fac@example.org")
    project = make_project(fac)
    staff, obs, out = (make_user(f"{n}@example.org") for n in ("staff", "obs", "out"))
    join(project, staff, Role.STAFF, by=fac)
    join(project, obs, Role.OBSERVER, by=fac)
    return project, api_client(fac), api_client(staff), api_client(obs), api_client(out)


def base(project: Project) -> str:
    return f"/api/v1/projects/{project.pk}/measures"


def test_members_create_list_get_and_patch_measures(people: tuple) -> None:  # type: ignore[type-arg]
    project, _fac, staff, obs, _out = people
    created = staff.post(base(project), NEW, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["chart"] == "p"  # suggested from the data type
    mid = body["id"]
    assert [m["title"] for m in obs.get(base(project)).json()] == ["On-time discharge"]
    assert obs.get(f"{base(project)}/{mid}").json()["kind"] == "outcome"
    patched = staff.patch(
        f"{base(project)}/{mid}", {"target": 0.9, "chart": "pp"}, content_type="application/json"
    )
    assert patched.status_code == 200
    assert patched.json()["target"] == 0.9 and patched.json()["chart"] == "pp"
    assert Measure.objects.get(pk=mid).title == "On-time discharge"


def test_same_permissions_as_the_pages(people: tuple) -> None:  # type: ignore[type-arg]
    project, fac, staff, obs, out = people
    mid = staff.post(base(project), NEW, content_type="application/json").json()["id"]
    assert (
        obs.post(base(project), NEW | {"title": "x"}, content_type="application/json").status_code
        == 403
    )
    assert (
        obs.patch(
            f"{base(project)}/{mid}", {"target": 1}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        obs.put(f"{base(project)}/{mid}/points", [], content_type="application/json").status_code
        == 403
    )
    assert staff.delete(f"{base(project)}/{mid}").status_code == 403
    for path in (base(project), f"{base(project)}/{mid}", f"{base(project)}/{mid}/points"):
        assert out.get(path).status_code == 404
    assert (
        out.put(f"{base(project)}/{mid}/points", [], content_type="application/json").status_code
        == 404
    )
    assert fac.delete(f"{base(project)}/{mid}").status_code == 204
    assert not Measure.objects.filter(pk=mid).exists()


def test_a_duplicate_title_is_a_400(people: tuple) -> None:  # type: ignore[type-arg]
    project, fac, *_ = people
    fac.post(base(project), NEW, content_type="application/json")
    again = fac.post(base(project), NEW, content_type="application/json")
    assert again.status_code == 400
    assert "already has a measure" in again.json()["detail"]


def test_bulk_upsert_adds_then_updates_never_duplicates(people: tuple) -> None:  # type: ignore[type-arg]
    project, _fac, staff, obs, _out = people
    mid = staff.post(base(project), NEW, content_type="application/json").json()["id"]
    points = f"{base(project)}/{mid}/points"
    rows = [
        {"period": "2026-01-01", "value": 8, "denominator": 10},
        {"period": "01/02/2026", "value": 9, "denominator": 10, "stratum": "Ward 7"},
    ]
    first = staff.put(points, rows, content_type="application/json")
    assert first.status_code == 200, first.content
    assert first.json() == {"added": 2, "updated": 0, "unchanged": 0}
    rows[0]["value"] = 7
    second = staff.put(points, rows, content_type="application/json")
    assert second.json() == {"added": 0, "updated": 1, "unchanged": 1}
    listed = obs.get(points).json()
    assert [(p["period"], p["value"], p["stratum"]) for p in listed] == [
        ("2026-01-01", 7.0, ""),
        ("2026-02-01", 9.0, "Ward 7"),
    ]
    assert AuditEvent.objects.filter(action="measure.data_saved").count() == 2


def test_bulk_upsert_is_all_or_nothing_with_row_errors(people: tuple) -> None:  # type: ignore[type-arg]
    project, _fac, staff, *_ = people
    mid = staff.post(base(project), NEW, content_type="application/json").json()["id"]
    response = staff.put(
        f"{base(project)}/{mid}/points",
        [
            {"period": "2026-01-01", "value": 8, "denominator": 10},
            {"period": "2026-01-01", "value": 8, "denominator": 10},
            {"period": "2026-03-01", "value": 12, "denominator": 10},
            {"period": "someday", "value": "many", "denominator": None},
        ],
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    found = {(e["row"], e["column"]) for e in body["errors"]}
    assert {(2, "period"), (3, "value"), (4, "period"), (4, "value"), (4, "denominator")} <= found
    assert body["error_count"] == len(body["errors"])
    assert not DataPoint.objects.exists()


def test_points_of_a_measure_in_another_project_are_404(people: tuple) -> None:  # type: ignore[type-arg]
    project, fac, *_ = people
    other = make_project(make_user("else@example.org"), title="Other")
    mid = (
        api_client(other.memberships.get().user)
        .post(base(other), NEW, content_type="application/json")
        .json()["id"]
    )
    assert fac.get(f"{base(project)}/{mid}/points").status_code == 404


def test_settings_a_database_could_not_store_or_a_chart_could_not_use_are_400s(
    people: tuple,  # type: ignore[type-arg]
) -> None:
    project, fac, *_ = people
    for bad, field in (
        ('{"target": NaN}', "target"),
        ('{"multiply": Infinity}', "multiply"),
        ('{"title": "' + "x" * 201 + '"}', "title"),
        ('{"unit": "' + "u" * 61 + '"}', "unit"),
    ):
        body = json.dumps(NEW)[:-1] + ", " + bad[1:]
        response = fac.post(base(project), body, content_type="application/json")
        assert response.status_code == 400, (field, response.content)
        assert not Measure.objects.exists()
    mid = fac.post(base(project), NEW, content_type="application/json").json()["id"]
    patched = fac.patch(
        f"{base(project)}/{mid}", '{"target": NaN}', content_type="application/json"
    )
    assert patched.status_code == 400
    assert Measure.objects.get(pk=mid).target is None
