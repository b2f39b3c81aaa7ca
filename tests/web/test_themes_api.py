"""The themes API: themes with sizes, a theme's comments, rename, merge, split, reassign,
starting jobs, and labels per comment; with the pages' permissions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from coproduce.web.accounts import actions as account_actions
from coproduce.web.accounts.models import User
from coproduce.web.jobs.models import Job
from coproduce.web.themes.models import CommentLabel, LabelSource, Scheme, Theme
from tests.web.test_themes import SECRET, four, other_project, theme_of, world

__all__ = ["four", "world"]

pytestmark = pytest.mark.django_db


def api(user: User) -> Client:
    _, raw = account_actions.create_access_token(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def base(world: dict[str, Any]) -> str:
    return f"/api/v1/projects/{world['project'].pk}/themes"


def test_list_themes_with_sizes_and_sentiment(world: dict, four: dict) -> None:
    for user, extra in [(world["fac"], 1), (world["observer"], 0)]:
        response = api(user).get(base(world))
        assert response.status_code == 200
        themes = {t["id"]: t for t in response.json()}
        assert len(themes) == 4
        waiting = themes[four["waiting"].pk]
        assert waiting["size"] == 12 + extra
        assert waiting["sentiment"]["negative"] == 12 + extra
        assert waiting["sentiment"]["negative_share"] == 1.0
    assert api(world["outsider"]).get(base(world)).status_code == 404


def test_a_themes_comments_hold_back_identifying_ones(world: dict, four: dict) -> None:
    theme = theme_of(world["secret"])
    address = f"{base(world)}/{theme.pk}/comments?limit=5"
    for user, sees in [(world["fac"], True), (world["staff"], False)]:
        response = api(user).get(address)
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 12 + sees and len(body["items"]) == 5
        everything = api(user).get(f"{base(world)}/{theme.pk}/comments?limit=100").json()
        assert any(SECRET in c["text"] for c in everything["items"]) is sees
        assert all(c["theme_id"] == theme.pk for c in everything["items"])
    secret = f"{base(world)}/comments/{world['secret'].pk}"
    assert api(world["staff"]).get(secret).status_code == 404
    assert api(world["fac"]).get(secret).json()["sentiment_words"] == "Very negative (negative)"


def test_rename_merge_split_and_reassign(world: dict, four: dict) -> None:
    fac = api(world["fac"])
    response = fac.patch(
        f"{base(world)}/{four['food'].pk}",
        {"label": "Food", "description": "Meals"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["label"] == "Food"
    assert response.json()["edited"] is True
    response = fac.patch(
        f"{base(world)}/{four['food'].pk}", {"label": " "}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["field"] == "label"

    response = fac.post(
        f"{base(world)}/merge",
        {"theme_ids": [four["food"].pk, four["parking"].pk], "label": "Hotel"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["size"] == 24
    merged = response.json()["id"]

    response = fac.post(f"{base(world)}/{merged}/split")
    assert response.status_code == 200 and len(response.json()) == 2
    assert sum(t["size"] for t in response.json()) == 24

    comment = next(c for t, c in world["comments"].values() if t == "staff")
    response = fac.post(
        f"{base(world)}/reassign",
        {"comment_ids": [comment.pk], "new_label": "Mine"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["size"] == 1
    assert theme_of(comment).label == "Mine"
    other = other_project(world, "Other")
    response = api(world["fac"]).post(
        f"/api/v1/projects/{other.pk}/themes/reassign",
        {"comment_ids": [comment.pk], "new_label": "Theirs"},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_only_facilitators_edit_or_start_jobs(world: dict, four: dict) -> None:
    theme = four["food"].pk
    for user in (world["staff"], world["observer"]):
        client = api(user)
        assert (
            client.patch(
                f"{base(world)}/{theme}", {"label": "X"}, content_type="application/json"
            ).status_code
            == 403
        )
        assert (
            client.post(
                f"{base(world)}/merge",
                {"theme_ids": [theme, four["parking"].pk]},
                content_type="application/json",
            ).status_code
            == 403
        )
        assert (
            client.post(f"{base(world)}/find", {}, content_type="application/json").status_code
            == 403
        )
        assert client.post(f"{base(world)}/classify").status_code == 403
    assert Theme.objects.get(pk=theme).label == four["food"].label
    assert not Job.objects.exists()


def test_starting_jobs_returns_their_ids(world: dict) -> None:
    fac = api(world["fac"])
    response = fac.post(
        f"{base(world)}/find", {"keep_edited": False}, content_type="application/json"
    )
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["job_id"])
    assert job.kind == "themes" and job.params["keep_edited"] is False
    response = fac.post(f"{base(world)}/classify")
    assert response.status_code == 202
    assert Job.objects.get(pk=response.json()["job_id"]).kind == "classify"
    response = fac.post(f"{base(world)}/train")
    assert response.status_code == 400
    assert "labels first" in response.json()["detail"]


def test_labels_per_comment_and_counts(world: dict) -> None:
    comment = next(c for t, c in world["comments"].values() if t == "food")
    for label in ("Food & drink provision & facilities", "Staff continuity"):
        CommentLabel.objects.create(
            comment=comment, scheme=Scheme.FRAMEWORK, source=LabelSource.PREDICTED, label=label
        )
    CommentLabel.objects.create(
        comment=world["secret"],
        scheme=Scheme.FRAMEWORK,
        source=LabelSource.PREDICTED,
        label="Staff continuity",
    )
    body = api(world["observer"]).get(f"{base(world)}/comments/{comment.pk}").json()
    assert body["framework_labels"] == ["Food & drink provision & facilities", "Staff continuity"]
    counts = {
        r["label"]: r["size"] for r in api(world["observer"]).get(f"{base(world)}/labels").json()
    }
    assert counts == {"Food & drink provision & facilities": 1, "Staff continuity": 1}
    counts = {r["label"]: r["size"] for r in api(world["fac"]).get(f"{base(world)}/labels").json()}
    assert counts["Staff continuity"] == 2
