"""Background work of the themes app, run by ``coproduce.web.jobs``'s worker.

Each task is a plain function ``task(progress, **params) -> dict``: ``progress(fraction,
message)`` reports how far it has got (messages never quote a comment), the dict is the
job's result. Tasks read the comments, run the pure core (``coproduce.experience``) and
write through ``actions`` as the user who started the job, whose role is checked again
when the results are saved.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from coproduce.experience import analyse
from coproduce.experience.classify import (
    ClassifierOptions,
    cross_validate,
    predict_labels,
    train_classifier,
)
from coproduce.experience.text import tokenise
from coproduce.experience.themes import ThemeOptions, Themes, find_themes
from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError
from coproduce.web.experience.models import Comment, FeedbackBatch
from coproduce.web.projects.models import Project

from . import actions, classifiers, selectors
from .models import CommentLabel, CommentTheme, LabelSource, Scheme

Progress = Callable[[float, str], None]

#: Comments are classified and stored this many at a time.
CHUNK = 5000


def _context(project_id: int, user_id: int | None) -> tuple[Project, User | None]:
    project = Project.objects.get(pk=project_id)
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    return project, user


def theme_weights(themes: Themes, texts: dict[str, str]) -> dict[str, float]:
    """How typical each comment is of its theme: the share of the theme's terms (words and
    two-word phrases) that the comment uses, 0 to 1. (The core does not return its NMF
    weights; this is the stored ``CommentTheme.weight`` and orders a theme's comments.)"""
    weights: dict[str, float] = {}
    for theme in themes.themes:
        terms = [t for t in theme.terms if t]
        if not terms:
            continue
        for member in theme.members:
            tokens = tokenise(texts.get(member, ""))
            grams = set(tokens) | {" ".join(p) for p in itertools.pairwise(tokens)}
            weights[member] = sum(1 for t in terms if t in grams) / len(terms)
    return weights


def find_project_themes(
    progress: Progress,
    *,
    project_id: int,
    user_id: int | None = None,
    batch_id: int | None = None,
    keep_edited: bool = True,
    k: int | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Find themes in the project's comments (or a batch's) and store them.

    With ``keep_edited`` the comments in themes a facilitator edited, and comments they
    moved by hand, keep their theme; the others are themed afresh.
    """
    project, user = _context(project_id, user_id)
    batch = FeedbackBatch.objects.get(pk=batch_id, project=project) if batch_id else None
    progress(0.05, "Reading the comments")
    scope = actions.theming_scope(project=project, batch=batch)
    if keep_edited:
        kept = CommentTheme.objects.filter(comment__in=scope).filter(
            assigned_by_hand=True
        ) | CommentTheme.objects.filter(comment__in=scope, theme__edited=True)
        scope = scope.exclude(pk__in=kept.values("comment_id"))
    rows = list(scope.order_by("pk").values_list("pk", "text"))
    ids = [str(pk) for pk, _ in rows]
    texts = [text for _, text in rows]
    progress(0.15, f"Finding themes in {len(rows):,} comments")
    found = find_themes(texts, ids=ids, options=ThemeOptions(k=k, seed=seed))
    progress(0.8, f"Saving {len(found.themes):,} themes")
    made = actions.save_found_themes(
        project=project,
        found=found,
        weights=theme_weights(found, dict(zip(ids, texts, strict=True))),
        themed=[pk for pk, _ in rows],
        keep_edited=keep_edited,
        by=user,
    )
    progress(1.0, "Done")
    return {
        "themes": len(made),
        "comments": len(rows),
        "unassigned": len(found.unassigned),
    }


def _comment_chunks(project: Project) -> Iterator[list[tuple[int, str]]]:
    """The project's comments (id, redacted text), :data:`CHUNK` at a time in id order:
    one chunk in memory at a time, each read by id (no growing offset), whatever the size."""
    last = 0
    while True:
        chunk = list(
            Comment.objects.filter(project=project, pk__gt=last)
            .order_by("pk")
            .values_list("pk", "text")[:CHUNK]
        )
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]


def _names(table: np.ndarray, labels: Sequence[str]) -> list[list[str]]:
    return [[labels[int(j)] for j in np.flatnonzero(row)] for row in table]


def classify_project(
    progress: Progress,
    *,
    project_id: int,
    user_id: int | None = None,
    scheme: str = Scheme.FRAMEWORK,
    run_id: int | None = None,
) -> dict[str, Any]:
    """Label every comment of the project.

    ``framework``: with the classifier trained on the framework reference set (trained once,
    then loaded from the model cache), and score each comment's sentiment. ``project``:
    with the project's own classifier ``run_id``.
    """
    project, user = _context(project_id, user_id)
    if scheme == Scheme.PROJECT:
        run = selectors.classifier_run_in(project=project, pk=int(run_id or 0))
        progress(0.05, "Loading the project's classifier")
        model = classifiers.cached(run.key, _missing_model)
        framework = None
    else:
        progress(0.05, "Loading the framework classifier (training it the first time)")
        framework = classifiers.framework_models(classifiers.reference_set())
        model = framework.classifier
    stored = done = 0
    total = Comment.objects.filter(project=project).count() or 1
    for chunk in _comment_chunks(project):
        ids = [pk for pk, _ in chunk]
        texts = [text for _, text in chunk]
        if framework is not None:
            table, sentiment = analyse(
                texts, classifier=framework.classifier, sentiment=framework.sentiment
            )
            actions.save_sentiment(
                project=project,
                sentiment={pk: int(v) or None for pk, v in zip(ids, sentiment.five, strict=True)},
                by=user,
            )
        else:
            table = predict_labels(model, texts)
        stored += actions.save_predicted_labels(
            project=project,
            scheme=scheme,
            labels=dict(zip(ids, _names(table, model.labels), strict=True)),
            by=user,
        )
        done += len(chunk)
        progress(0.1 + 0.85 * done / total, f"Classified {done:,} of {total:,} comments")
    actions.record_classified(project=project, scheme=scheme, comments=done, labels=stored, by=user)
    progress(1.0, "Done")
    return {"comments": done, "labels": stored, "scheme": str(scheme)}


def _missing_model() -> Any:
    raise ActionError("This classifier is no longer stored: train it again.")


def train_project_classifier(
    progress: Progress, *, project_id: int, user_id: int | None = None, folds: int = 5
) -> dict[str, Any]:
    """Train a classifier on the project's hand labels and cross-validate it.

    Labels with fewer than ``actions.MIN_POSITIVES`` positives are left out (and named);
    the classifier is stored in the model cache and recorded as a ``ClassifierRun``, not
    used until a facilitator chooses to (after seeing its macro-F1).
    """
    project, user = _context(project_id, user_id)
    progress(0.05, "Reading the labelled comments")
    counts = selectors.hand_label_counts(project=project)
    labelled = selectors.hand_labelled_count(project=project)
    reason = actions.training_refusal(counts, labelled)
    if reason:
        raise ActionError(reason)
    names = sorted(n for n, c in counts.items() if c >= actions.MIN_POSITIVES)
    left_out = sorted(n for n, c in counts.items() if c < actions.MIN_POSITIVES)
    rows = (
        CommentLabel.objects.filter(
            comment__project=project, scheme=Scheme.PROJECT, source=LabelSource.HAND
        )
        .order_by("comment_id")
        .values_list("comment_id", "label")
    )
    by_comment: dict[int, set[str]] = {}
    for comment_id, label in rows:
        by_comment.setdefault(comment_id, set()).add(label)
    ids = sorted(by_comment)
    text_of = dict(Comment.objects.filter(pk__in=ids).values_list("pk", "text"))
    texts = [text_of[i] for i in ids]
    table = np.array(
        [[1 if n in by_comment[i] else 0 for n in names] for i in ids], dtype=np.int8
    ).reshape(len(ids), len(names))
    options = ClassifierOptions(jobs=1, threshold_folds=min(5, len(ids)) if len(ids) >= 2 else 0)
    progress(0.15, f"Cross-validating on {len(ids):,} comments")
    evaluation = cross_validate(
        texts,
        table,
        names,
        options=options,
        folds=min(folds, len(ids)),
        min_positives=actions.MIN_POSITIVES,
    )
    progress(0.7, "Training on every labelled comment")
    key = classifiers.project_key(texts, table, names)
    classifiers.cached(key, lambda: train_classifier(texts, table, names, options=options))
    run = actions.save_classifier_run(
        project=project,
        key=key,
        labels=names,
        left_out=left_out,
        examples=len(ids),
        macro_f1=evaluation.macro_f1,
        scores=[
            {
                "label": s.label,
                "positives": s.positives,
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "f1": round(s.f1, 4),
            }
            for s in evaluation.scores
        ],
        by=user,
    )
    progress(1.0, "Done")
    return {"run": run.pk, "macro_f1": round(evaluation.macro_f1, 4), "labels": len(names)}
