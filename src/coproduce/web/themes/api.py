"""API endpoints of themes, labels and sentiment, mounted under /api/v1 (docs/adr/0016).

The same permissions as the pages: outsiders get 404; every member reads themes, a theme's
comments and comment labels, counted and listed over the comments they may see (identifying
comments only for facilitators); facilitators rename, merge, split and move, and start
theming, classification and training jobs (403 for others). Starting a job answers 202 with
the job's id: follow it at ``/api/v1/jobs/{job_id}`` or on the job's page.

No ``from __future__ import annotations`` here: ninja reads the annotations of the paginated
views in its own module (see participation/api.py).
"""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.experience.models import Comment, FeedbackBatch
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project

from . import actions, selectors
from .models import LabelSource, Scheme, Theme

router = Router(tags=["themes"])

BASE = "/projects/{project_id}/themes"

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
MAX_PAGE_NUMBER = 2**31 - 1


class Pages(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE_NUMBER)
        offset: int = Field(0, ge=0, le=MAX_PAGE_NUMBER)


class ThemesError(Schema):
    detail: str
    field: str | None = None


READ_ERRORS: dict[int, Any] = {403: ThemesError, 404: ThemesError}
ERRORS: dict[int, Any] = {400: ThemesError, **READ_ERRORS}


def _user(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        user = request.user
    assert isinstance(user, User)
    return user


def _project(request: HttpRequest, project_id: int) -> Project:
    return project_selectors.project_for_user(pk=project_id, user=_user(request))


def _edited_project(request: HttpRequest, project_id: int) -> Project:
    project = _project(request, project_id)
    if not selectors.can_edit(project=project, user=_user(request)):
        raise NotAllowed(actions.FACILITATORS_ONLY)
    return project


# -- schemas ---------------------------------------------------------------------------------


class SentimentOut(Schema):
    """Counts of comments by three-way sentiment (over the comments the reader may see)."""

    positive: int
    neutral: int
    negative: int
    unscored: int
    negative_share: float | None


class ThemeOut(Schema):
    id: int
    label: str
    description: str
    terms: list[str]
    size: int = Field(description="Comments in the theme that the reader may see.")
    sentiment: SentimentOut
    edited: bool = Field(description="Changed by a facilitator since it was found.")


class CommentOut(Schema):
    """A comment, redacted (the original is never sent)."""

    id: int
    text: str
    date: dt.date | None
    service: str
    source: str
    sentiment: int | None = Field(description="1 very positive … 5 very negative")
    sentiment_words: str
    theme_id: int | None
    framework_labels: list[str]
    project_labels: list[str]
    hand_labels: list[str]


class LabelOut(Schema):
    label: str
    size: int
    sentiment: SentimentOut


class JobOut(Schema):
    job_id: int
    title: str


class RenameIn(Schema):
    label: str
    description: str = ""


class MergeIn(Schema):
    theme_ids: list[Id]
    label: str = ""


class MoveIn(Schema):
    """Move comments to ``theme_id``, or to a new theme called ``new_label``."""

    comment_ids: list[Id]
    theme_id: Id | None = None
    new_label: str = ""


class FindIn(Schema):
    keep_edited: bool = True
    batch_id: Id | None = None


class HandLabelsIn(Schema):
    labels: list[str]


def _sentiment(counts: selectors.SentimentCounts) -> dict[str, Any]:
    return {
        "positive": counts.positive,
        "neutral": counts.neutral,
        "negative": counts.negative,
        "unscored": counts.unscored,
        "negative_share": counts.negative_share,
    }


def _theme_out(summary: selectors.ThemeSummary) -> dict[str, Any]:
    return {
        "id": summary.id,
        "label": summary.label,
        "description": summary.description,
        "terms": list(summary.terms),
        "size": summary.size,
        "sentiment": _sentiment(summary.sentiment),
        "edited": summary.edited,
    }


def _comments_out(comments: list[Comment]) -> list[dict[str, Any]]:
    labels = selectors.labels_by_comment(comments)
    hand = selectors.labels_by_comment(comments, source=LabelSource.HAND)
    predicted = selectors.labels_by_comment(comments, source=LabelSource.PREDICTED)
    themes = dict(
        Comment.objects.filter(pk__in=[c.pk for c in comments]).values_list(
            "pk", "theme_link__theme_id"
        )
    )
    return [
        {
            "id": c.pk,
            "text": c.text,
            "date": c.date,
            "service": c.service,
            "source": c.source,
            "sentiment": c.sentiment,
            "sentiment_words": selectors.sentiment_words(c.sentiment),
            "theme_id": themes.get(c.pk),
            "framework_labels": labels.get(c.pk, {}).get(Scheme.FRAMEWORK, []),
            "project_labels": predicted.get(c.pk, {}).get(Scheme.PROJECT, []),
            "hand_labels": hand.get(c.pk, {}).get(Scheme.PROJECT, []),
        }
        for c in comments
    ]


class _Converted:
    def __init__(self, rows: Any) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return int(self.rows.count())

    def __getitem__(self, part: slice) -> list[dict[str, Any]]:
        return _comments_out(list(self.rows[part]))


def _theme(project: Project, theme_id: int) -> Theme:
    return selectors.theme_in(project=project, pk=theme_id)


def _summary_of(request: HttpRequest, project: Project, theme: Theme) -> dict[str, Any]:
    for summary in selectors.theme_summary(_user(request), project):
        if summary.id == theme.pk:
            return _theme_out(summary)
    raise AssertionError("an edited theme is in the summary of its editor")


# -- themes ----------------------------------------------------------------------------------


@router.get(BASE, response={200: list[ThemeOut], **READ_ERRORS})
def list_themes(request: HttpRequest, project_id: int) -> Any:
    """The project's themes, largest first, with sizes and sentiment counts."""
    project = _project(request, project_id)
    return [_theme_out(s) for s in selectors.theme_summary(_user(request), project)]


@router.get(BASE + "/{int:theme_id}/comments", response={200: list[CommentOut], **READ_ERRORS})
@paginate(Pages)
def theme_comments(request: HttpRequest, project_id: int, theme_id: int) -> Any:
    """The theme's comments that the reader may see, most typical first."""
    project = _project(request, project_id)
    theme = selectors.visible_theme_in(user=_user(request), project=project, pk=theme_id)
    return _Converted(selectors.theme_comments(user=_user(request), theme=theme))


@router.patch(BASE + "/{int:theme_id}", response={200: ThemeOut, **ERRORS})
def rename_theme(request: HttpRequest, project_id: int, theme_id: int, payload: RenameIn) -> Any:
    project = _edited_project(request, project_id)
    theme = _theme(project, theme_id)
    actions.rename_theme(theme=theme, by=_user(request), **payload.dict())
    return _summary_of(request, project, theme)


@router.post(BASE + "/merge", response={200: ThemeOut, **ERRORS})
def merge_themes(request: HttpRequest, project_id: int, payload: MergeIn) -> Any:
    project = _edited_project(request, project_id)
    theme = actions.merge_themes(
        project=project, themes=payload.theme_ids, label=payload.label, by=_user(request)
    )
    return _summary_of(request, project, theme)


@router.post(BASE + "/{int:theme_id}/split", response={200: list[ThemeOut], **ERRORS})
def split_theme(request: HttpRequest, project_id: int, theme_id: int) -> Any:
    project = _edited_project(request, project_id)
    parts = actions.split_theme(theme=_theme(project, theme_id), by=_user(request))
    return [_summary_of(request, project, part) for part in parts]


@router.post(BASE + "/reassign", response={200: ThemeOut, **ERRORS})
def reassign(request: HttpRequest, project_id: int, payload: MoveIn) -> Any:
    """Move comments to another theme, or to a new one."""
    project = _edited_project(request, project_id)
    target = _theme(project, payload.theme_id) if payload.theme_id else None
    theme = actions.move_comments(
        project=project,
        comments=payload.comment_ids,
        to=target,
        new_label=payload.new_label,
        by=_user(request),
    )
    return _summary_of(request, project, theme)


# -- jobs ------------------------------------------------------------------------------------


@router.post(BASE + "/find", response={202: JobOut, **ERRORS})
def find_themes(request: HttpRequest, project_id: int, payload: FindIn) -> Any:
    """Start finding themes in the background."""
    project = _edited_project(request, project_id)
    batch = None
    if payload.batch_id is not None:
        batch = FeedbackBatch.objects.filter(project=project, pk=payload.batch_id).first()
        if batch is None:
            raise ActionError("Choose one of this project's imports", field="batch_id")
    job = actions.start_theming(
        project=project, batch=batch, keep_edited=payload.keep_edited, by=_user(request)
    )
    return Status(202, {"job_id": job.pk, "title": job.title})


@router.post(BASE + "/classify", response={202: JobOut, **ERRORS})
def classify(request: HttpRequest, project_id: int, classifier_id: int | None = None) -> Any:
    """Start classifying the comments in the background: into the framework (with
    sentiment), or with the project's classifier ``classifier_id``."""
    project = _edited_project(request, project_id)
    run = selectors.classifier_run_in(project=project, pk=classifier_id) if classifier_id else None
    job = actions.start_classification(project=project, run=run, by=_user(request))
    return Status(202, {"job_id": job.pk, "title": job.title})


@router.post(BASE + "/train", response={202: JobOut, **ERRORS})
def train(request: HttpRequest, project_id: int) -> Any:
    """Start training on the project's hand labels (400 with the reason if too few)."""
    project = _edited_project(request, project_id)
    job = actions.start_training(project=project, by=_user(request))
    return Status(202, {"job_id": job.pk, "title": job.title})


# -- labels ----------------------------------------------------------------------------------


@router.get(BASE + "/labels", response={200: list[LabelOut], **READ_ERRORS})
def label_counts(request: HttpRequest, project_id: int, scheme: Scheme = Scheme.FRAMEWORK) -> Any:
    """Per predicted label, how many comments (that the reader may see) have it."""
    project = _project(request, project_id)
    return [
        {"label": s.label, "size": s.size, "sentiment": _sentiment(s.sentiment)}
        for s in selectors.label_summary(user=_user(request), project=project, scheme=scheme)
    ]


@router.get(BASE + "/comments/{int:comment_id}", response={200: CommentOut, **READ_ERRORS})
def comment_labels(request: HttpRequest, project_id: int, comment_id: int) -> Any:
    """A comment with its theme, labels and sentiment."""
    project = _project(request, project_id)
    comment = selectors.comment_in(user=_user(request), project=project, pk=comment_id)
    return _comments_out([comment])[0]


@router.put(BASE + "/comments/{int:comment_id}/hand-labels", response={200: CommentOut, **ERRORS})
def set_hand_labels(
    request: HttpRequest, project_id: int, comment_id: int, payload: HandLabelsIn
) -> Any:
    """Give a comment labels from the project's own list (replacing its hand labels)."""
    project = _edited_project(request, project_id)
    comment = selectors.comment_in(user=_user(request), project=project, pk=comment_id)
    actions.set_hand_labels(comment=comment, labels=payload.labels, by=_user(request))
    return _comments_out([comment])[0]
