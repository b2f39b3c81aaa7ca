"""Themes in the web app: finding them in the background, storing them, the facilitator's
edits (rename, merge, split, move comments), who sees what, and the pages."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.experience.models import Comment, FeedbackBatch, Source
from coproduce.web.projects.models import Project, Role
from coproduce.web.themes import actions, selectors, tasks
from coproduce.web.themes.models import CommentTheme, Theme
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db

#: Four topics a reader would tell apart; each comment mixes a topic's words.
TOPICS = {
    "waiting": ["long wait", "waiting room", "waited hours", "appointment delayed", "wait time"],
    "staff": ["kind nurses", "caring staff", "friendly nurses", "staff listened", "kind staff"],
    "parking": ["car park", "parking charges", "parking spaces", "car park full", "parking fees"],
    "food": ["cold food", "hospital food", "food tasted", "tea and food", "food menu"],
}
SECRET = "Mrs Jones at 12 Acacia Avenue"


def corpus(per_topic: int = 12) -> list[tuple[str, str]]:
    """(topic, text) pairs: each text joins two phrases of one topic with filler."""
    out = []
    for topic, phrases in TOPICS.items():
        pairs = itertools.cycle(itertools.combinations(phrases, 2))
        for n in range(per_topic):
            first, second = next(pairs)
            out.append((topic, f"The {first} and the {second} on visit {n}."))
    return out


def add_comment(
    project: Project,
    text: str,
    *,
    identifying: bool = False,
    sentiment: int | None = None,
    batch: FeedbackBatch | None = None,
) -> Comment:
    return Comment.objects.create(
        project=project,
        batch=batch,
        source=Source.FFT,
        text=text,
        identifying=identifying,
        sentiment=sentiment,
        fingerprint=hashlib.sha256(f"{project.pk}:{text}".encode()).hexdigest(),
    )


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


class Progress:
    """Records what a task reports."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, str]] = []

    def __call__(self, fraction: float, message: str) -> None:
        assert 0.0 <= fraction <= 1.0
        self.calls.append((fraction, message))


@pytest.fixture
def world() -> dict[str, Any]:
    fac = make_user("fac@example.org", "Fay Facilitator")
    staff = make_user("staff@example.org", "Sam Staff")
    observer = make_user("obs@example.org", "Olu Observer")
    outsider = make_user("out@example.org", "Otto Outsider")
    project = make_project(fac)
    join(project, staff, Role.STAFF, by=fac)
    join(project, observer, Role.OBSERVER, by=fac)
    comments = {}
    for n, (topic, text) in enumerate(corpus()):
        comments[text] = (
            topic,
            add_comment(project, text, sentiment=4 if topic == "waiting" else 1 + n % 2),
        )
    secret = add_comment(
        project, f"{SECRET} had a long wait in the waiting room", identifying=True, sentiment=5
    )
    return {
        "fac": fac,
        "staff": staff,
        "observer": observer,
        "outsider": outsider,
        "project": project,
        "comments": comments,
        "secret": secret,
    }


def themed(world: dict[str, Any], **params: Any) -> dict[str, Any]:
    progress = Progress()
    result = tasks.find_project_themes(
        progress, project_id=world["project"].pk, user_id=world["fac"].pk, **params
    )
    assert progress.calls[-1][0] == 1.0
    assert all(SECRET not in message for _, message in progress.calls)
    return result


def other_project(world: dict[str, Any], title: str) -> Project:
    return make_project(world["fac"], title=title, organisation=world["project"].organisation)


def theme_of(comment: Comment) -> Theme:
    return CommentTheme.objects.get(comment=comment).theme


# -- the theming task ----------------------------------------------------------------------


def test_the_task_finds_the_topics_and_stores_themes_and_assignments(world: dict) -> None:
    result = themed(world, k=4)
    assert result == {"themes": 4, "comments": 49, "unassigned": 0}
    themes = list(Theme.objects.filter(project=world["project"]))
    assert len(themes) == 4
    assert CommentTheme.objects.filter(theme__project=world["project"]).count() == 49
    # Each topic's comments share one theme, and different topics have different themes.
    by_topic: dict[str, set[int]] = {}
    for topic, comment in world["comments"].values():
        by_topic.setdefault(topic, set()).add(theme_of(comment).pk)
    assert all(len(ids) == 1 for ids in by_topic.values()), by_topic
    assert len({next(iter(ids)) for ids in by_topic.values()}) == 4
    parking = theme_of(next(c for t, c in world["comments"].values() if t == "parking"))
    assert "parking" in parking.label or "car park" in parking.label
    assert parking.terms and parking.found_automatically and not parking.edited
    assert len(parking.examples) == 3
    weights = list(parking.comment_links.values_list("weight", flat=True))
    assert all(0 < w <= 1 for w in weights)
    event = AuditEvent.objects.get(action="themes.found")
    assert "4 themes in 49 comments" in event.summary
    assert SECRET not in str(event.data) and parking.label not in event.summary


def test_finding_again_keeps_edited_themes_and_hand_moves_unless_told(world: dict) -> None:
    themed(world, k=4)
    comments = [c for _, c in world["comments"].values()]
    staff_theme = theme_of(next(c for t, c in world["comments"].values() if t == "staff"))
    actions.rename_theme(theme=staff_theme, label="Kindness of staff", by=world["fac"])
    moved = comments[0]
    food = theme_of(next(c for t, c in world["comments"].values() if t == "food"))
    actions.move_comments(project=world["project"], comments=[moved], to=food, by=world["fac"])

    themed(world, k=3)
    staff_theme.refresh_from_db()
    assert staff_theme.label == "Kindness of staff" and staff_theme.edited
    assert theme_of(moved).pk == food.pk  # moved by hand: kept
    assert CommentTheme.objects.filter(theme__project=world["project"]).count() == 49

    themed(world, k=4, keep_edited=False)
    assert not Theme.objects.filter(label="Kindness of staff").exists()
    assert not Theme.objects.filter(project=world["project"], edited=True).exists()
    assert not CommentTheme.objects.filter(assigned_by_hand=True).exists()
    assert Theme.objects.filter(project=world["project"]).count() == 4


def test_a_batch_is_themed_alone(world: dict) -> None:
    themed(world, k=4)
    before = set(Theme.objects.values_list("pk", flat=True))
    batch = FeedbackBatch.objects.create(project=world["project"], source=Source.FFT)
    new = [add_comment(world["project"], text + " again", batch=batch) for _, text in corpus(4)]
    result = themed(world, batch_id=batch.pk, k=2)
    assert result["comments"] == len(new)
    assert before <= set(Theme.objects.values_list("pk", flat=True))
    assert all(CommentTheme.objects.filter(comment=c).exists() for c in new)


def test_starting_theming_queues_a_job_for_facilitators_only(world: dict) -> None:
    job = actions.start_theming(project=world["project"], by=world["fac"], keep_edited=False)
    assert job.task == "coproduce.web.themes.tasks.find_project_themes"
    assert job.params == {
        "project_id": world["project"].pk,
        "user_id": world["fac"].pk,
        "batch_id": None,
        "keep_edited": False,
        "k": None,
    }
    assert job.kind == "themes" and job.title == "Finding themes in 49 comments"
    assert job.next_url == reverse("themes:list", args=[world["project"].pk])
    with pytest.raises(NotAllowed):
        actions.start_theming(project=world["project"], by=world["staff"])
    empty = other_project(world, "Empty")
    with pytest.raises(ActionError, match="no comments"):
        actions.start_theming(project=empty, by=world["fac"])
    # The job's function runs with its params as the worker would call it.
    progress = Progress()
    assert tasks.find_project_themes(progress, **job.params)["themes"] >= 2


# -- edits ---------------------------------------------------------------------------------


@pytest.fixture
def four(world: dict) -> dict[str, Theme]:
    themed(world, k=4)
    return {
        topic: theme_of(next(c for t, c in world["comments"].values() if t == topic))
        for topic in TOPICS
    }


def test_rename(world: dict, four: dict) -> None:
    theme = actions.rename_theme(
        theme=four["food"], label="  Food  ", description="Meals on the ward", by=world["fac"]
    )
    theme.refresh_from_db()
    assert (theme.label, theme.description, theme.edited) == ("Food", "Meals on the ward", True)
    with pytest.raises(ActionError, match="Enter a name") as error:
        actions.rename_theme(theme=theme, label=" ", by=world["fac"])
    assert error.value.field == "label"
    with pytest.raises(NotAllowed):
        actions.rename_theme(theme=theme, label="Mine", by=world["staff"])
    event = AuditEvent.objects.get(action="themes.renamed")
    assert "Food" not in event.summary and "Meals" not in str(event.data)


def test_merge(world: dict, four: dict) -> None:
    sizes = {k: t.comment_links.count() for k, t in four.items()}
    keep = min(four["food"].pk, four["parking"].pk)
    merged = actions.merge_themes(
        project=world["project"],
        themes=[four["food"], four["parking"]],
        label="Hotel services",
        by=world["fac"],
    )
    assert merged.pk == keep and merged.label == "Hotel services" and merged.edited
    assert merged.comment_links.count() == sizes["food"] + sizes["parking"]
    assert Theme.objects.filter(project=world["project"]).count() == 3
    assert set(merged.terms) & {"food", "parking", "car park"}
    with pytest.raises(ActionError, match="at least two"):
        actions.merge_themes(project=world["project"], themes=[merged], by=world["fac"])
    other = other_project(world, "Other")
    with pytest.raises(ActionError, match="this project"):
        actions.merge_themes(project=other, themes=[merged, four["staff"]], by=world["fac"])


def test_split_automatically_and_by_choosing(world: dict, four: dict) -> None:
    merged = actions.merge_themes(
        project=world["project"], themes=[four["food"], four["parking"]], by=world["fac"]
    )
    parts = actions.split_theme(theme=merged, by=world["fac"])
    assert len(parts) == 2 and parts[0].pk == merged.pk
    food = {c.pk for t, c in world["comments"].values() if t == "food"}
    for part in parts:
        members = set(part.comment_links.values_list("comment_id", flat=True))
        assert members <= food or not members & food  # the split separates the topics
    assert all(p.edited for p in parts)

    chosen = list(parts[0].comment_links.values_list("comment_id", flat=True)[:3])
    new = actions.move_comments(
        project=world["project"], comments=chosen, new_label="Small group", by=world["fac"]
    )
    assert new.label == "Small group" and not new.found_automatically
    assert set(new.comment_links.values_list("comment_id", flat=True)) == set(chosen)
    assert all(link.assigned_by_hand for link in new.comment_links.all())
    with pytest.raises(ActionError, match="Choose a theme, or enter a name"):
        actions.move_comments(project=world["project"], comments=chosen, by=world["fac"])


def test_reassign_a_comment(world: dict, four: dict) -> None:
    comment = next(c for t, c in world["comments"].values() if t == "waiting")
    actions.move_comments(
        project=world["project"], comments=[comment], to=four["staff"], by=world["fac"]
    )
    assert theme_of(comment).pk == four["staff"].pk
    four["waiting"].refresh_from_db()
    assert comment.pk not in four["waiting"].examples and four["waiting"].edited
    other = other_project(world, "Other")
    stranger = add_comment(other, "A comment elsewhere")
    with pytest.raises(ActionError, match="comments of this project"):
        actions.move_comments(
            project=world["project"], comments=[stranger], to=four["staff"], by=world["fac"]
        )


# -- who sees what -------------------------------------------------------------------------


def test_identifying_comments_are_never_shown_to_others(world: dict, four: dict) -> None:
    waiting = theme_of(world["secret"])
    # Make the identifying comment the theme's first example.
    waiting.examples = [world["secret"].pk, *waiting.examples]
    waiting.save()
    for user, sees in [(world["fac"], True), (world["staff"], False), (world["observer"], False)]:
        summary = {
            s.id: s for s in selectors.theme_summary(user, world["project"], with_examples=True)
        }
        examples = summary[waiting.pk].examples
        assert (world["secret"] in examples) is sees
        assert len(examples) == 3
        assert summary[waiting.pk].size == 12 + sees
        client = signed_in(user)
        for address in [
            reverse("themes:list", args=[world["project"].pk]),
            reverse("themes:detail", args=[world["project"].pk, waiting.pk]),
            reverse("themes:export", args=[world["project"].pk]),
        ]:
            response = client.get(address)
            assert response.status_code == 200
            body = response.content.decode()
            assert (SECRET in body) is sees, address


def test_theme_summary_counts_sentiment(world: dict, four: dict) -> None:
    summary = {s.id: s for s in selectors.theme_summary(world["observer"], world["project"])}
    waiting = summary[four["waiting"].pk]
    assert waiting.sentiment.negative == 12 and waiting.negative_share == 1.0
    staff = summary[four["staff"].pk]
    assert staff.sentiment.negative == 0 and staff.sentiment.positive == 12


def test_outsiders_get_404_and_non_facilitators_403(world: dict, four: dict) -> None:
    pk = world["project"].pk
    theme = four["food"].pk
    pages = [
        ("get", reverse("themes:list", args=[pk])),
        ("get", reverse("themes:detail", args=[pk, theme])),
        ("get", reverse("themes:export", args=[pk])),
        ("get", reverse("themes:rename", args=[pk, theme])),
        ("get", reverse("themes:merge", args=[pk])),
        ("get", reverse("themes:split", args=[pk, theme])),
        ("post", reverse("themes:move", args=[pk, theme])),
        ("post", reverse("themes:find", args=[pk])),
    ]
    outsider = signed_in(world["outsider"])
    for method, address in pages:
        assert getattr(outsider, method)(address).status_code == 404, address
    for user in (world["observer"], world["staff"]):
        client = signed_in(user)
        for method, address in pages[3:]:
            assert getattr(client, method)(address).status_code == 403, address
        assert client.get(pages[0][1]).status_code == 200
    assert Theme.objects.get(pk=theme).label == four["food"].label


# -- pages ---------------------------------------------------------------------------------


def test_the_themes_page_has_an_empty_state(world: dict) -> None:
    body = signed_in(world["fac"]).get(reverse("themes:list", args=[world["project"].pk]))
    assert "No themes have been found yet" in body.content.decode()
    body = signed_in(world["observer"]).get(reverse("themes:list", args=[world["project"].pk]))
    text = body.content.decode()
    assert "No themes have been found yet" in text and "Find themes" not in text


def test_rename_merge_and_move_through_the_pages(world: dict, four: dict) -> None:
    client = signed_in(world["fac"])
    pk = world["project"].pk
    response = client.post(
        reverse("themes:rename", args=[pk, four["food"].pk]), {"label": "", "description": ""}
    )
    assert "Enter a name for the theme" in response.content.decode()
    response = client.post(
        reverse("themes:rename", args=[pk, four["food"].pk]),
        {"label": "Food", "description": "Meals"},
    )
    assert response.status_code == 302
    assert Theme.objects.get(pk=four["food"].pk).label == "Food"

    # Merge: choose, then confirm.
    merge = reverse("themes:merge", args=[pk])
    response = client.post(merge, {"themes": [four["food"].pk]})
    assert "Choose at least two themes" in response.content.decode()
    ids = [four["food"].pk, four["parking"].pk]
    response = client.post(merge, {"themes": ids, "label": "Hotel services"})
    assert response.status_code == 200 and "Merge 2 themes" in response.content.decode()
    assert Theme.objects.filter(project=world["project"]).count() == 4  # not yet
    response = client.post(merge, {"themes": ids, "label": "Hotel services", "confirm": "yes"})
    assert response.status_code == 302
    assert Theme.objects.filter(project=world["project"]).count() == 3
    merged = Theme.objects.get(label="Hotel services")

    # Move two comments to a new theme from the theme's page.
    chosen = list(merged.comment_links.values_list("comment_id", flat=True)[:2])
    response = client.post(
        reverse("themes:move", args=[pk, merged.pk]),
        {"comments": chosen, "to": "new", "new_label": "Car parking"},
    )
    assert response.status_code == 302
    assert set(
        Theme.objects.get(label="Car parking").comment_links.values_list("comment_id", flat=True)
    ) == set(chosen)

    # Split automatically after a confirmation.
    split = reverse("themes:split", args=[pk, merged.pk])
    assert "Split" in client.get(split).content.decode()
    assert client.post(split).status_code == 302
    assert Theme.objects.filter(project=world["project"]).count() == 5


def test_the_detail_page_is_paginated(world: dict, four: dict) -> None:
    theme = four["food"]
    for n in range(30):
        comment = add_comment(world["project"], f"More food comment {n}")
        CommentTheme.objects.create(comment=comment, theme=theme)
    client = signed_in(world["observer"])
    address = reverse("themes:detail", args=[world["project"].pk, theme.pk])
    first = client.get(address).content.decode()
    second = client.get(address + "?page=2").content.decode()
    assert 'aria-label="Pagination"' in first
    assert first.count('<blockquote class="theme-comment') == 25
    assert second.count('<blockquote class="theme-comment') == 42 - 25


def test_the_find_page_warns_before_replacing_edited_themes(world: dict, four: dict) -> None:
    from coproduce.web.jobs.models import Job

    actions.rename_theme(theme=four["food"], label="Food", by=world["fac"])
    client = signed_in(world["fac"])
    address = reverse("themes:find", args=[world["project"].pk])
    page = client.get(address).content.decode()
    assert "The current themes will be replaced" in page
    assert "You have changed 1 theme" in page
    assert "Replace every theme" in page
    response = client.post(address, {"k": "60"})
    assert "less than or equal to 50" in response.content.decode()
    assert not Job.objects.exists()
    response = client.post(address, {"k": "3", "keep_edited": "no"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.params["k"] == 3 and job.params["keep_edited"] is False
    client.post(address, {"k": ""})
    latest = Job.objects.order_by("-pk").first()
    assert (
        latest is not None and latest.params["keep_edited"] is True and latest.params["k"] is None
    )
    # The themes page shows the job while it waits.
    page = client.get(reverse("themes:list", args=[world["project"].pk])).content.decode()
    assert f'id="job-{latest.pk}"' in page


def test_merge_keeps_touchpoints_mapped_and_a_rerun_keeps_mapped_themes(
    world: dict, four: dict
) -> None:
    from coproduce.web.journeys import actions as journey_actions
    from coproduce.web.journeys.models import TouchpointTheme

    fac = world["fac"]
    journey = journey_actions.create_journey(project=world["project"], title="Clinic", by=fac)
    stage = journey_actions.add_stage(journey=journey, name="Arriving", by=fac)
    car_park = journey_actions.add_touchpoint(stage=stage, name="Car park", by=fac)
    canteen = journey_actions.add_touchpoint(stage=stage, name="Canteen", by=fac)
    journey_actions.map_theme(touchpoint=car_park, theme=four["parking"], by=fac)
    journey_actions.map_theme(touchpoint=canteen, theme=four["food"], by=fac)
    journey_actions.map_theme(touchpoint=canteen, theme=four["parking"], by=fac)

    merged = actions.merge_themes(
        project=world["project"], themes=[four["food"], four["parking"]], by=fac
    )
    links = sorted(TouchpointTheme.objects.values_list("touchpoint__name", "theme_id"))
    assert links == [("Canteen", merged.pk), ("Car park", merged.pk)]

    # Re-theming from scratch does not drop a theme a touchpoint points at, even empty.
    comments = list(Comment.objects.filter(project=world["project"]))
    actions.save_found_themes(
        project=world["project"],
        found=tasks_core_themes([c.text for c in comments], [str(c.pk) for c in comments]),
        weights={},
        themed=[c.pk for c in comments],
        keep_edited=False,
        by=fac,
    )
    assert Theme.objects.filter(pk=merged.pk).exists()
    assert TouchpointTheme.objects.count() == 2


def tasks_core_themes(texts: list[str], ids: list[str]) -> Any:
    from coproduce.experience.themes import ThemeOptions, find_themes

    return find_themes(texts, ids=ids, options=ThemeOptions(k=2, seed=0))


def test_a_theme_of_held_back_comments_only_is_not_shown_to_others(world: dict, four: dict) -> None:
    pk = world["project"].pk
    hidden = actions.move_comments(
        project=world["project"], comments=[world["secret"]], new_label="Acacia", by=world["fac"]
    )
    hidden.label, hidden.terms = "Mrs Jones acacia avenue", ["jones", "acacia"]
    hidden.save()
    detail = reverse("themes:detail", args=[pk, hidden.pk])
    api = f"/api/v1/projects/{pk}/themes/{hidden.pk}/comments"
    assert signed_in(world["fac"]).get(detail).status_code == 200
    for user in (world["staff"], world["observer"]):
        client = signed_in(user)
        assert hidden.pk not in {s.id for s in selectors.theme_summary(user, world["project"])}
        response = client.get(detail)
        assert response.status_code == 404
        assert "Jones" not in response.content.decode()
        assert client.get(api).status_code == 404
        # A theme with a comment they may see is still theirs to read.
        assert client.get(reverse("themes:detail", args=[pk, four["food"].pk])).status_code == 200


def test_the_themes_page_reads_examples_and_labels_in_a_fixed_number_of_queries(
    world: dict, django_assert_max_num_queries: Any
) -> None:
    themed(world, k=4)
    # No stored examples: each theme's are topped up from its heaviest comments.
    Theme.objects.filter(project=world["project"]).update(examples=[])
    client = signed_in(world["observer"])
    url = reverse("themes:list", args=[world["project"].pk])
    client.get(url)
    with django_assert_max_num_queries(16):
        page = client.get(url)
    assert sum(len(t["rows"]) for t in page.context["themes"]) == 4 * selectors.EXAMPLES
    more = [add_comment(world["project"], f"{text} {n}") for n, (_, text) in enumerate(corpus(3))]
    themed(world, k=8)
    Theme.objects.filter(project=world["project"]).update(examples=[])
    assert Comment.objects.filter(pk__in=[c.pk for c in more]).count() == len(more)
    with django_assert_max_num_queries(16):
        page = client.get(url)
    assert len(page.context["themes"]) == 8
