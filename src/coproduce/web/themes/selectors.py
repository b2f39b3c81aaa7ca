"""Reads for themes, labels and sentiment, scoped to the reader (docs/adr/0016).

Who may do what:

* every member of the project sees its themes, label counts and sentiment, and the comments
  under a theme or label; every figure a member sees is counted over the comments they may
  see, so the counts and the lists agree;
* comments flagged as identifying are held back from everyone but the project's
  facilitators: from lists, from a theme's examples, from counts and from the CSV export;
* facilitators find themes, edit them, classify, label comments by hand and train.

Callers first get the project through ``projects.selectors.project_for_user`` (404 for
outsiders); lookups here are then confined to that project.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from coproduce.experience.sentiment import FIVE_POINT, THREE_WAY
from coproduce.web.experience import selectors as experience_selectors
from coproduce.web.experience.models import Comment
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Role

from .models import (
    ClassifierRun,
    CommentLabel,
    CommentTheme,
    LabelSource,
    ProjectLabel,
    Scheme,
    Theme,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Project

#: How many example comments a theme shows.
EXAMPLES = 3


# --------------------------------------------------------------------------- permissions


def can_edit(*, project: Project, user: User | AnonymousUser) -> bool:
    """Facilitators find, edit and train; everyone else reads."""
    return project_selectors.role_in(project=project, user=user) == Role.FACILITATOR


def permissions(*, project: Project, user: User | AnonymousUser) -> dict[str, bool]:
    """The flags every themes template reads."""
    return {"can_edit": can_edit(project=project, user=user)}


def visible_comments(*, user: User | AnonymousUser, project: Project) -> QuerySet[Comment]:
    """The project's comments this reader may see: identifying ones for facilitators only
    (the experience app's rule)."""
    return experience_selectors.visible_comments(user, project)


# --------------------------------------------------------------------------- sentiment


def sentiment_words(code: int | None) -> str:
    """ "Very negative (negative)": the 5-point word and its three-way group; "" if none."""
    if code is None or not 1 <= code <= 5:
        return ""
    five = FIVE_POINT[code - 1]
    three = THREE_WAY[three_way_code(code) - 1]
    return five.capitalize() if five == three else f"{five.capitalize()} ({three})"


def three_way_code(code: int) -> int:
    """1–2 → 1 positive, 3 → 2 neutral or mixed, 4–5 → 3 negative."""
    return 1 if code <= 2 else 2 if code == 3 else 3


@dataclass(frozen=True)
class SentimentCounts:
    """How many comments are positive, neutral or mixed, negative, or not scored."""

    positive: int = 0
    neutral: int = 0
    negative: int = 0
    unscored: int = 0

    @property
    def scored(self) -> int:
        return self.positive + self.neutral + self.negative

    @property
    def negative_share(self) -> float | None:
        """The share of scored comments that are negative; None if none is scored."""
        return self.negative / self.scored if self.scored else None


def _sentiment_counts(prefix: str = "") -> dict[str, Any]:
    """Aggregate expressions: counts per three-way group of ``{prefix}sentiment``."""
    name = f"{prefix}sentiment"
    return {
        "positive": Count("pk", filter=Q(**{f"{name}__in": (1, 2)}), distinct=True),
        "neutral": Count("pk", filter=Q(**{name: 3}), distinct=True),
        "negative": Count("pk", filter=Q(**{f"{name}__in": (4, 5)}), distinct=True),
        "unscored": Count("pk", filter=Q(**{f"{name}__isnull": True}), distinct=True),
    }


def sentiment_of(comments: QuerySet[Comment]) -> SentimentCounts:
    """The sentiment counts of these comments."""
    counts = comments.aggregate(**_sentiment_counts())
    return SentimentCounts(**{k: int(v or 0) for k, v in counts.items()})


# --------------------------------------------------------------------------- themes


@dataclass(frozen=True)
class ThemeSummary:
    """A theme as a reader sees it: counted over the comments they may see.

    Other apps (journeys) use it through :func:`theme_summary`.
    """

    id: int
    label: str
    description: str
    terms: tuple[str, ...]
    size: int
    sentiment: SentimentCounts
    edited: bool
    examples: tuple[Comment, ...] = field(default=(), compare=False)

    @property
    def negative_share(self) -> float | None:
        return self.sentiment.negative_share


def themes_of(*, project: Project) -> QuerySet[Theme]:
    return Theme.objects.filter(project=project)


def theme_in(*, project: Project, pk: int) -> Theme:
    """The project's theme ``pk`` (404 otherwise)."""
    try:
        return themes_of(project=project).get(pk=pk)
    except Theme.DoesNotExist:
        raise Http404("No such theme.") from None


def visible_theme_in(*, user: User | AnonymousUser, project: Project, pk: int) -> Theme:
    """The project's theme ``pk`` as this reader may see it: facilitators see every theme;
    others only a theme with a comment they may see (its label and terms come from its
    comments' words, so a theme of held-back comments only is not theirs to see). 404
    otherwise, as :func:`theme_summary` leaves such a theme out."""
    theme = theme_in(project=project, pk=pk)
    if can_edit(project=project, user=user):
        return theme
    if not visible_comments(user=user, project=project).filter(theme_link__theme=theme).exists():
        raise Http404("No such theme.")
    return theme


def theme_summary(
    user: User | AnonymousUser, project: Project, *, with_examples: bool = False
) -> list[ThemeSummary]:
    """Every theme of the project, largest first, with its size and sentiment counts over the
    comments ``user`` may see (a theme none of whose comments they may see is left out,
    unless they edit themes). ``with_examples``: up to :data:`EXAMPLES` example comments."""
    visible = visible_comments(user=user, project=project)
    editor = can_edit(project=project, user=user)
    counts: dict[int, dict[str, int]] = {}
    for row in (
        CommentTheme.objects.filter(comment__in=visible, theme__project=project)
        .order_by()  # no default ordering: it would join the project table into the count
        .values("theme_id")
        .annotate(size=Count("pk"), **_sentiment_counts("comment__"))
    ):
        counts[row.pop("theme_id")] = row
    themes = list(themes_of(project=project))
    examples = _examples(themes, visible) if with_examples else {}
    result = []
    for theme in themes:
        found = counts.get(theme.pk)
        if found is None and not editor:
            continue
        sentiment = dict(found or {"size": 0})
        size = sentiment.pop("size")
        result.append(
            ThemeSummary(
                id=theme.pk,
                label=theme.label,
                description=theme.description,
                terms=tuple(theme.terms),
                size=size,
                sentiment=SentimentCounts(**sentiment),
                edited=theme.edited,
                examples=tuple(examples.get(theme.pk, ())),
            )
        )
    result.sort(key=lambda s: (-s.size, s.label.casefold(), s.id))
    return result


def _examples(themes: Sequence[Theme], visible: QuerySet[Comment]) -> dict[int, list[Comment]]:
    """Up to EXAMPLES visible comments per theme: its stored examples first (those the
    reader may see), then its heaviest visible members. Two queries, however many themes."""
    wanted = {t.pk: [int(c) for c in t.examples] for t in themes}
    stored = {
        c.pk: c
        for c in visible.filter(pk__in=[c for ids in wanted.values() for c in ids]).filter(
            theme_link__theme__in=[t.pk for t in themes]
        )
    }
    result: dict[int, list[Comment]] = {
        t.pk: [stored[c] for c in wanted[t.pk] if c in stored][:EXAMPLES] for t in themes
    }
    short = [t.pk for t in themes if len(result[t.pk]) < EXAMPLES]
    if short:
        # The heaviest few of each short theme, ranked in the database (a window function,
        # in SQLite 3.25+ and PostgreSQL alike), so a theme of 10,000 comments sends three.
        rank = Window(
            RowNumber(),
            partition_by=[F("theme_link__theme_id")],
            order_by=[F("theme_link__weight").desc(), F("pk").asc()],
        )
        heaviest = (
            visible.filter(theme_link__theme__in=short)
            .annotate(theme_id=F("theme_link__theme_id"), rank=rank)
            .filter(rank__lte=2 * EXAMPLES)
            .order_by("theme_id", "rank")
        )
        for comment in heaviest:
            chosen = result[comment.theme_id]
            if len(chosen) < EXAMPLES and all(c.pk != comment.pk for c in chosen):
                chosen.append(comment)
    return result


def theme_comments(*, user: User | AnonymousUser, theme: Theme) -> QuerySet[Comment]:
    """The theme's comments this reader may see, most typical first."""
    return (
        visible_comments(user=user, project=theme.project)
        .filter(theme_link__theme=theme)
        .select_related("theme_link")
        .order_by("-theme_link__weight", "pk")
    )


def unthemed_count(*, user: User | AnonymousUser, project: Project) -> int:
    return visible_comments(user=user, project=project).filter(theme_link__isnull=True).count()


def edited_themes(*, project: Project) -> QuerySet[Theme]:
    """Themes a facilitator has changed: finding themes again asks before replacing them."""
    return themes_of(project=project).filter(edited=True)


def hand_assigned_count(*, project: Project) -> int:
    return CommentTheme.objects.filter(theme__project=project, assigned_by_hand=True).count()


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class LabelSummary:
    """A label with how many comments (that the reader may see) have it."""

    label: str
    size: int
    sentiment: SentimentCounts


def predicted_labels(*, scheme: str) -> Q:
    return Q(scheme=scheme, source=LabelSource.PREDICTED)


def label_summary(
    *, user: User | AnonymousUser, project: Project, scheme: str, source: str = "predicted"
) -> list[LabelSummary]:
    """Per label of ``scheme`` (given by ``source``), how many comments the reader may see
    have it and their sentiment; the most used first."""
    visible = visible_comments(user=user, project=project)
    rows = (
        CommentLabel.objects.filter(comment__in=visible, scheme=scheme, source=source)
        .order_by()  # no default ordering: it would join every comment into the count
        .values("label")
        .annotate(size=Count("pk"), **_sentiment_counts("comment__"))
    )
    result = []
    for row in rows:
        label = row.pop("label")
        size = row.pop("size")
        result.append(LabelSummary(label=label, size=size, sentiment=SentimentCounts(**row)))
    result.sort(key=lambda s: (-s.size, s.label.casefold()))
    return result


def labelled_comments(
    *,
    user: User | AnonymousUser,
    project: Project,
    scheme: str,
    label: str,
    source: str = "predicted",
) -> QuerySet[Comment]:
    """The comments the reader may see that have ``label``."""
    return (
        visible_comments(user=user, project=project)
        .filter(labels__scheme=scheme, labels__source=source, labels__label=label)
        .distinct()
        .order_by("-date", "pk")
    )


def labels_by_comment(
    comments: Iterable[Comment], *, source: str | None = None
) -> dict[int, dict[str, list[str]]]:
    """comment id → scheme → its labels (sorted), in one query."""
    ids = [c.pk for c in comments]
    result: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    rows = CommentLabel.objects.filter(comment_id__in=ids)
    if source is not None:
        rows = rows.filter(source=source)
    for comment_id, scheme, label in rows.order_by("label").values_list(
        "comment_id", "scheme", "label"
    ):
        result[comment_id][scheme].append(label)
    return {k: dict(v) for k, v in result.items()}


def project_labels(*, project: Project) -> QuerySet[ProjectLabel]:
    return ProjectLabel.objects.filter(project=project).order_by("name")


def project_label_in(*, project: Project, pk: int) -> ProjectLabel:
    try:
        return project_labels(project=project).get(pk=pk)
    except ProjectLabel.DoesNotExist:
        raise Http404("No such label.") from None


def hand_label_counts(*, project: Project) -> dict[str, int]:
    """Per project label, how many comments a facilitator gave it by hand."""
    counts = dict.fromkeys(project_labels(project=project).values_list("name", flat=True), 0)
    for row in (
        CommentLabel.objects.filter(
            comment__project=project, scheme=Scheme.PROJECT, source=LabelSource.HAND
        )
        .order_by()
        .values("label")
        .annotate(n=Count("pk"))
    ):
        if row["label"] in counts:
            counts[row["label"]] = row["n"]
    return counts


def hand_labelled_count(*, project: Project) -> int:
    """How many comments have at least one hand label."""
    return (
        Comment.objects.filter(
            project=project, labels__scheme=Scheme.PROJECT, labels__source=LabelSource.HAND
        )
        .distinct()
        .count()
    )


def comment_in(*, user: User | AnonymousUser, project: Project, pk: int) -> Comment:
    """A comment the reader may see (404 otherwise)."""
    try:
        return visible_comments(user=user, project=project).get(pk=pk)
    except Comment.DoesNotExist:
        raise Http404("No such comment.") from None


def classifier_runs(*, project: Project) -> QuerySet[ClassifierRun]:
    return ClassifierRun.objects.filter(project=project)


def classifier_run_in(*, project: Project, pk: int) -> ClassifierRun:
    try:
        return classifier_runs(project=project).get(pk=pk)
    except ClassifierRun.DoesNotExist:
        raise Http404("No such classifier.") from None


def has_predictions(*, project: Project, scheme: str) -> bool:
    return CommentLabel.objects.filter(
        comment__project=project, scheme=scheme, source=LabelSource.PREDICTED
    ).exists()


# --------------------------------------------------------------------------- export


#: Comments read (with their labels) at a time by the export.
EXPORT_CHUNK = 2000

EXPORT_HEADER = [
    "comment id",
    "date",
    "service",
    "source",
    "text (redacted)",
    "theme",
    "framework labels",
    "project labels",
    "sentiment (5-point)",
    "sentiment (3-way)",
]


def export_rows(*, user: User | AnonymousUser, project: Project) -> Iterable[list[str]]:
    """One row per comment the reader may see (see :data:`EXPORT_HEADER`); labels joined by
    " | " (label names contain commas). Cells are not yet made spreadsheet-safe."""
    comments = (
        visible_comments(user=user, project=project)
        .select_related("theme_link__theme")
        .order_by("pk")
    )
    last = 0
    while chunk := list(comments.filter(pk__gt=last)[:EXPORT_CHUNK]):
        # Read by id, not by a growing offset (which rereads every earlier row).
        last = chunk[-1].pk
        labels = labels_by_comment(chunk)
        for comment in chunk:
            link = getattr(comment, "theme_link", None)
            mine = labels.get(comment.pk, {})
            code = comment.sentiment
            yield [
                str(comment.pk),
                comment.date.isoformat() if comment.date else "",
                comment.service,
                comment.get_source_display(),
                comment.text,
                link.theme.label if link is not None else "",
                " | ".join(mine.get(Scheme.FRAMEWORK, [])),
                " | ".join(sorted(set(mine.get(Scheme.PROJECT, [])))),
                FIVE_POINT[code - 1] if code else "",
                THREE_WAY[three_way_code(code) - 1] if code else "",
            ]
