"""Framework classification, sentiment, the project's own labels and training, the model
cache, and the CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np
import pytest
from django.urls import reverse

from coproduce.web.audit.models import AuditEvent
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.experience.models import Comment
from coproduce.web.themes import actions, classifiers, selectors, tasks
from coproduce.web.themes.models import (
    ClassifierRun,
    CommentLabel,
    CommentTheme,
    LabelSource,
    Scheme,
    Theme,
)
from tests.experience.framework import framework
from tests.web.test_themes import SECRET, Progress, add_comment, other_project, signed_in, world

__all__ = ["world"]

pytestmark = pytest.mark.django_db

#: Comments to classify, each clearly about one framework sub-category.
TO_CLASSIFY: list[tuple[str, int | None]] = [
    ("The food was cold and the tea was awful", None),
    ("Rude staff, terrible service", 4),
    ("Staff were so kind and caring, thank you", 1),
    ("Waited four hours past my appointment time", None),
    ("The ambulance transport was late to pick me up", None),
    ("Lovely clean ward and very friendly nurses", 1),
]


def small_reference(n: int = 600) -> classifiers.Reference:
    """A seeded sample of the framework data, with the labels that have 10+ positives in it."""
    data = framework()
    rows = np.random.default_rng(0).choice(len(data.texts), size=n, replace=False)
    labels = data.labels[rows]
    keep = np.flatnonzero(labels.sum(axis=0) >= 10)
    return classifiers.Reference(
        texts=tuple(data.texts[i] for i in rows),
        label_names=tuple(data.names[j] for j in keep),
        labels=labels[:, keep],
        sentiment=tuple(data.sentiment[i] for i in rows),
    )


@pytest.fixture
def reference(monkeypatch: pytest.MonkeyPatch) -> classifiers.Reference:
    data = small_reference()
    monkeypatch.setattr(classifiers, "reference_set", lambda: data)
    return data


def classified(world: dict[str, Any], **params: Any) -> dict[str, Any]:
    progress = Progress()
    result = tasks.classify_project(
        progress, project_id=world["project"].pk, user_id=world["fac"].pk, **params
    )
    assert progress.calls[-1][0] == 1.0
    return result


# -- framework classification and sentiment --------------------------------------------------


def test_classification_stores_labels_and_sentiment(world: dict, reference: Any) -> None:
    project = world["project"]
    Comment.objects.filter(project=project).update(sentiment=None)
    comments = [add_comment(project, text) for text, _ in TO_CLASSIFY]
    result = classified(world)
    total = Comment.objects.filter(project=project).count()
    assert result["comments"] == total and result["labels"] > 0
    stored = CommentLabel.objects.filter(
        comment__project=project, scheme=Scheme.FRAMEWORK, source=LabelSource.PREDICTED
    )
    assert stored.count() == result["labels"]
    assert set(stored.values_list("label", flat=True)) <= set(reference.label_names)
    food = set(stored.filter(comment=comments[0]).values_list("label", flat=True))
    assert "Food & drink provision & facilities" in food
    kind = set(stored.filter(comment=comments[2]).values_list("label", flat=True))
    assert "Staff manner & personal attributes" in kind
    # Sentiment: every comment scored, the clear ones on the right side of the scale.
    scores = {c.pk: c.sentiment for c in Comment.objects.filter(project=project)}
    assert all(v in (1, 2, 3, 4, 5) for v in scores.values())
    for comment, (_, expected) in zip(comments, TO_CLASSIFY, strict=True):
        if expected is not None:
            assert selectors.three_way_code(scores[comment.pk]) == selectors.three_way_code(
                expected
            )
    event = AuditEvent.objects.get(action="themes.classified")
    assert SECRET not in str(event.data) and "Food" not in event.summary

    # Again: the labels are replaced, not added to.
    again = classified(world)
    assert again["labels"] == result["labels"] == stored.count()


def test_the_framework_model_is_trained_once_and_cached(
    world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = small_reference(300)
    monkeypatch.setattr(classifiers, "reference_set", lambda: reference)
    key = classifiers.framework_key(reference)
    assert not classifiers.is_cached(key)
    classified(world)
    assert classifiers.is_cached(key)
    path = classifiers.model_dir() / f"{key}.pickle"
    assert path.parent.name == "models"

    def no_training(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("trained again")

    monkeypatch.setattr(classifiers, "train_classifier", no_training)
    classified(world)  # loaded from the cache
    # Another training set (or code version) is another key.
    other = classifiers.Reference(
        texts=reference.texts[:-1],
        label_names=reference.label_names,
        labels=reference.labels[:-1],
        sentiment=reference.sentiment[:-1],
    )
    assert classifiers.framework_key(other) != key


def test_a_tampered_model_file_is_not_loaded(world: dict, settings: Any) -> None:
    calls = []

    def build() -> dict[str, int]:
        calls.append(1)
        return {"model": len(calls)}

    key = classifiers.fingerprint("test", [1, 2, 3])
    assert classifiers.cached(key, build) == {"model": 1}
    assert classifiers.cached(key, build) == {"model": 1} and len(calls) == 1
    path = classifiers.model_dir() / f"{key}.pickle"
    data = bytearray(path.read_bytes())
    data[-2] ^= 0xFF
    path.write_bytes(bytes(data))
    assert classifiers.cached(key, build) == {"model": 2}  # rebuilt, not unpickled
    settings.SECRET_KEY = "another secret key that signs differently " * 2
    assert classifiers.cached(key, build) == {"model": 3}


def test_label_pages_show_counts_and_comments(world: dict, reference: Any) -> None:
    project = world["project"]
    add_comment(project, "The food was cold, the hospital food was awful")
    classified(world)
    secret = world["secret"]
    CommentLabel.objects.get_or_create(
        comment=secret,
        scheme=Scheme.FRAMEWORK,
        source=LabelSource.PREDICTED,
        label="Timeliness of care",
    )
    for user, sees in [(world["fac"], True), (world["observer"], False)]:
        client = signed_in(user)
        page = client.get(reverse("themes:labels", args=[project.pk])).content.decode()
        assert "Food &amp; drink provision &amp; facilities" in page
        assert ("Classify the comments" in page) is sees
        summary = {
            s.label: s.size
            for s in selectors.label_summary(user=user, project=project, scheme=Scheme.FRAMEWORK)
        }
        everyone = CommentLabel.objects.filter(
            label="Timeliness of care", scheme=Scheme.FRAMEWORK
        ).count()
        assert summary["Timeliness of care"] == everyone - (not sees)
        address = reverse("themes:label_comments", args=[project.pk])
        response = client.get(address, {"scheme": "framework", "label": "Timeliness of care"})
        assert response.status_code == 200
        assert (SECRET in response.content.decode()) is sees


def test_only_facilitators_classify(world: dict) -> None:
    for user in (world["staff"], world["observer"]):
        with pytest.raises(NotAllowed):
            actions.start_classification(project=world["project"], by=user)
        response = signed_in(user).post(reverse("themes:classify", args=[world["project"].pk]))
        assert response.status_code == 403
    job = actions.start_classification(project=world["project"], by=world["fac"])
    assert job.task == "coproduce.web.themes.tasks.classify_project"
    assert job.params["scheme"] == "framework" and job.params["run_id"] is None


# -- the project's own labels ----------------------------------------------------------------


def label_by_hand(world: dict, per_label: int) -> list[str]:
    project = world["project"]
    fac = world["fac"]
    names = ["Waiting", "Kindness", "Parking"]
    for name in names:
        if not selectors.project_labels(project=project).filter(name=name).exists():
            actions.add_project_label(project=project, name=name, by=fac)
    words = {"Waiting": "wait", "Kindness": "kind", "Parking": "park"}
    for name in names:
        matching = [
            c for c in Comment.objects.filter(project=project, identifying=False)
            if words[name] in c.text
        ][:per_label]  # fmt: skip
        for comment in matching:
            actions.set_hand_labels(comment=comment, labels=[name], by=fac)
    return names


def test_training_is_refused_with_a_reason_when_there_are_too_few_examples(world: dict) -> None:
    project = world["project"]
    with pytest.raises(ActionError, match="Add the project's labels first"):
        actions.start_training(project=project, by=world["fac"])
    label_by_hand(world, per_label=2)
    with pytest.raises(ActionError, match="Label at least 10 comments first"):
        actions.start_training(project=project, by=world["fac"])
    label_by_hand(world, per_label=4)
    with pytest.raises(ActionError, match="fewer than 5"):
        actions.start_training(project=project, by=world["fac"])
    with pytest.raises(ActionError, match="fewer than 5"):
        tasks.train_project_classifier(Progress(), project_id=project.pk, user_id=world["fac"].pk)
    page = signed_in(world["fac"]).get(reverse("themes:own_labels", args=[project.pk]))
    assert "Every label has fewer than 5 comments" in page.content.decode()
    assert "Train on our labels</button>" not in page.content.decode()
    response = signed_in(world["fac"]).post(reverse("themes:train", args=[project.pk]))
    assert response.status_code == 302
    assert not ClassifierRun.objects.exists()


def test_training_on_own_labels_then_using_the_classifier(world: dict) -> None:
    project = world["project"]
    names = label_by_hand(world, per_label=8)
    job = actions.start_training(project=project, by=world["fac"])
    assert job.task.endswith("train_project_classifier")
    result = tasks.train_project_classifier(Progress(), **job.params)
    run = ClassifierRun.objects.get(pk=result["run"])
    assert run.labels == names[::-1] or sorted(run.labels) == sorted(names)
    assert run.examples == 24 and 0.0 <= run.macro_f1 <= 1.0
    assert run.macro_f1 > 0.5  # the topics are easy to tell apart
    assert {s["label"] for s in run.scores} == set(names)
    assert run.used_at is None
    # The page shows the cross-validation before the classifier is used.
    client = signed_in(world["fac"])
    page = client.get(reverse("themes:run", args=[project.pk, run.pk])).content.decode()
    assert f"{run.macro_f1:.2f}" in page and "Use this classifier" in page

    use = actions.start_classification(project=project, run=run, by=world["fac"])
    run.refresh_from_db()
    assert run.used_at is not None and use.params["scheme"] == "project"
    outcome = tasks.classify_project(Progress(), **use.params)
    assert outcome["comments"] == Comment.objects.filter(project=project).count()
    predicted = CommentLabel.objects.filter(scheme=Scheme.PROJECT, source=LabelSource.PREDICTED)
    unlabelled_parking = [
        c for c in Comment.objects.filter(project=project, identifying=False)
        if "park" in c.text and not c.labels.filter(source=LabelSource.HAND).exists()
    ]  # fmt: skip
    assert unlabelled_parking
    hits = predicted.filter(comment__in=unlabelled_parking, label="Parking").count()
    assert hits >= len(unlabelled_parking) // 2


def test_hand_labels_come_from_the_project_list(world: dict) -> None:
    project = world["project"]
    comment = Comment.objects.filter(project=project).first()
    assert comment is not None
    actions.add_project_label(project=project, name="Waiting", by=world["fac"])
    with pytest.raises(ActionError, match="already has this label"):
        actions.add_project_label(project=project, name=" waiting ", by=world["fac"])
    with pytest.raises(ActionError, match="from the project's list"):
        actions.set_hand_labels(comment=comment, labels=["Unknown"], by=world["fac"])
    with pytest.raises(NotAllowed):
        actions.set_hand_labels(comment=comment, labels=["Waiting"], by=world["staff"])
    client = signed_in(world["fac"])
    address = reverse("themes:comment_labels", args=[project.pk, comment.pk])
    assert client.post(address, {"labels": ["Waiting"]}).status_code == 302
    assert list(comment.labels.values_list("label", flat=True)) == ["Waiting"]
    assert signed_in(world["observer"]).get(address).status_code == 403
    response = client.post(reverse("themes:own_labels", args=[project.pk]), {"framework": "yes"})
    assert response.status_code == 302
    # Adopting the framework's labels adds its sub-categories to the project's list.
    assert selectors.project_labels(project=project).count() > 30


# -- export --------------------------------------------------------------------------------


def test_csv_export_has_theme_labels_and_sentiment_and_is_safe(world: dict) -> None:
    project = world["project"]
    formula = add_comment(project, '=HYPERLINK("http://evil")', sentiment=5)
    theme = Theme.objects.create(project=project, label="+Waiting, long")
    CommentTheme.objects.create(comment=formula, theme=theme)
    CommentLabel.objects.create(
        comment=formula,
        scheme=Scheme.FRAMEWORK,
        source=LabelSource.PREDICTED,
        label="Timeliness of care",
    )
    CommentLabel.objects.create(
        comment=formula,
        scheme=Scheme.FRAMEWORK,
        source=LabelSource.PREDICTED,
        label="Staff continuity",
    )
    for user, sees in [(world["fac"], True), (world["observer"], False)]:
        response = signed_in(user).get(reverse("themes:export", args=[project.pk]))
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == selectors.EXPORT_HEADER
        by_id = {r[0]: r for r in rows[1:]}
        assert len(rows) - 1 == Comment.objects.filter(project=project).count() - (not sees)
        row = by_id[str(formula.pk)]
        assert row[4] == '\'=HYPERLINK("http://evil")'
        assert row[5] == "'+Waiting, long"
        assert row[6] == "Staff continuity | Timeliness of care"
        assert row[8:] == ["very negative", "negative"]
        assert (str(world["secret"].pk) in by_id) is sees
    other = other_project(world, "Other")
    assert (
        signed_in(world["observer"]).get(reverse("themes:export", args=[other.pk])).status_code
        == 404
    )


def test_the_shipped_reference_set_is_the_framework_data() -> None:
    data = classifiers.reference_set()
    expected = framework(10)
    assert len(data.texts) == len(expected.texts) == data.labels.shape[0]
    assert data.labels.shape[1] == len(data.label_names)
    assert list(expected.names) == list(data.label_names) and len(data.label_names) == 41
    assert (data.labels == expected.labels).all()
    assert all(s in (None, 1, 2, 3, 4, 5) for s in data.sentiment)
