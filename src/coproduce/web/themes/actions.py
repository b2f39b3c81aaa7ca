"""The one place that writes themes, comment labels and sentiment (docs/adr/0016).

Every function is keyword-only, atomic, takes the acting user as ``by`` and writes an audit
event (docs/adr/0004). Audit summaries and data name themes and labels by id and count only:
never a comment's text, nor a theme's label or description (a facilitator may quote a
comment in them).

Long work (finding themes, classifying, training) is started here and runs in the
background through ``coproduce.web.jobs`` (``tasks.py``); the tasks write their results
through the ``save_*`` functions below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from coproduce.experience import themes as core
from coproduce.web.accounts.models import User
from coproduce.web.audit import actions as audit
from coproduce.web.errors import ActionError, NotAllowed, clean_text
from coproduce.web.experience.models import Comment, FeedbackBatch
from coproduce.web.jobs import actions as jobs
from coproduce.web.jobs.models import Job
from coproduce.web.projects.models import Project

from . import classifiers, selectors
from .models import (
    ClassifierRun,
    CommentLabel,
    CommentTheme,
    LabelSource,
    ProjectLabel,
    Scheme,
    Theme,
)

LABEL_LIMIT = 200
DESCRIPTION_LIMIT = 2000

#: Training on the project's own labels needs this many positives of a label for the label to
#: be learnt, and this many hand-labelled comments in all (docs/adr/0016).
MIN_POSITIVES = 5
MIN_LABELLED = 10

FACILITATORS_ONLY = "Only the project's facilitators can do this."


def require_editor(*, project: Project, user: User | None) -> None:
    if user is None or not selectors.can_edit(project=project, user=user):
        raise NotAllowed(FACILITATORS_ONLY)


def _enqueue(
    *, project: Project, by: User, kind: str, title: str, task: str, next_url: str, **params: Any
) -> Job:
    return jobs.enqueue(
        project=project,
        user=by,
        kind=kind,
        title=title,
        task=f"coproduce.web.themes.tasks.{task}",
        params={"project_id": project.pk, "user_id": by.pk, **params},
        next_url=next_url,
    )


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


# --------------------------------------------------------------------------- finding themes


def theming_scope(*, project: Project, batch: FeedbackBatch | None = None) -> Any:
    comments = Comment.objects.filter(project=project)
    if batch is not None:
        comments = comments.filter(batch=batch)
    return comments


@transaction.atomic
def start_theming(
    *,
    project: Project,
    by: User,
    batch: FeedbackBatch | None = None,
    keep_edited: bool = True,
    k: int | None = None,
) -> Job:
    """Find themes in the project's comments (or one batch's) in the background.

    ``keep_edited``: themes a facilitator has changed keep their comments, and comments
    they moved by hand stay where they put them; only the others are themed again. Without
    it every theme of those comments is replaced (the pages ask first). ``k``: the number
    of themes (automatic if None).
    """
    if k is not None and not 2 <= k <= 50:
        raise ActionError("Choose between 2 and 50 themes", field="k")
    require_editor(project=project, user=by)
    if batch is not None and batch.project_id != project.pk:
        raise ActionError("Choose one of this project's imports", field="batch")
    count = theming_scope(project=project, batch=batch).count()
    if count == 0:
        raise ActionError("There are no comments to find themes in yet.")
    job = _enqueue(
        project=project,
        by=by,
        kind="themes",
        title=f"Finding themes in {_plural(count, 'comment')}",
        task="find_project_themes",
        next_url=reverse("themes:list", args=[project.pk]),
        batch_id=batch.pk if batch else None,
        keep_edited=keep_edited,
        k=k,
    )
    audit.record(
        action="themes.find_started",
        by=by,
        summary=f"Started finding themes in {_plural(count, 'comment')}",
        project=project,
        data={"job": job.pk, "batch": batch.pk if batch else None, "keep_edited": keep_edited},
    )
    return job


@transaction.atomic
def save_found_themes(
    *,
    project: Project,
    found: core.Themes,
    weights: Mapping[str, float],
    themed: Sequence[int],
    keep_edited: bool,
    by: User | None,
) -> list[Theme]:
    """Store themes found in the comments ``themed`` (their ids are ``found.ids``).

    Those comments lose their old theme. A theme left with no comment is deleted, unless it
    was edited by hand and ``keep_edited``. Returns the new themes, largest first.
    """
    require_editor(project=project, user=by)
    CommentTheme.objects.filter(comment_id__in=themed, comment__project=project).delete()
    empty = Theme.objects.filter(project=project).annotate(n=Count("comment_links")).filter(n=0)
    if keep_edited:
        empty = empty.filter(edited=False)
    # A theme mapped to a journey's touchpoint is the facilitator's: never dropped silently.
    empty = empty.filter(touchpoint_links__isnull=True)
    removed = empty.count()
    Theme.objects.filter(pk__in=list(empty.values_list("pk", flat=True))).delete()
    if not keep_edited:
        # Nothing edited survives a full replacement: edited themes with comments outside
        # the scope become ordinary themes again.
        Theme.objects.filter(project=project).update(edited=False)
    now = timezone.now()
    made: list[Theme] = []
    known = set(Comment.objects.filter(project=project, pk__in=themed).values_list("pk", flat=True))
    for found_theme in found.themes:
        members = [int(m) for m in found_theme.members if int(m) in known]
        if not members:
            continue
        theme = Theme.objects.create(
            project=project,
            label=found_theme.label[:LABEL_LIMIT] or "Theme",
            terms=list(found_theme.terms),
            found_automatically=True,
            created_by=by,
            created_at=now,
            updated_at=now,
            examples=[int(e) for e in found_theme.examples if int(e) in known],
        )
        CommentTheme.objects.bulk_create(
            [
                CommentTheme(comment_id=m, theme=theme, weight=float(weights.get(str(m), 0.0)))
                for m in members
            ],
            batch_size=2000,
        )
        made.append(theme)
    audit.record(
        action="themes.found",
        by=by,
        summary=(
            f"Found {_plural(len(made), 'theme')} in {_plural(len(themed), 'comment')}"
            f"; {_plural(removed, 'old theme')} removed"
        ),
        project=project,
        data={"themes": [t.pk for t in made], "comments": len(themed), "removed": removed},
    )
    return made


# --------------------------------------------------------------------------- editing themes


def _touch(themes: Iterable[Theme]) -> None:
    now = timezone.now()
    for theme in themes:
        theme.edited = True
        theme.updated_at = now
        theme.save(update_fields=["edited", "updated_at"])


@transaction.atomic
def rename_theme(*, theme: Theme, label: str, description: str = "", by: User) -> Theme:
    """Give the theme a name (and a description) of the facilitator's."""
    require_editor(project=theme.project, user=by)
    theme.label = clean_text(label, field="label", required="Enter a name for the theme", limit=200)
    theme.description = clean_text(description, field="description", limit=DESCRIPTION_LIMIT)
    theme.save(update_fields=["label", "description"])
    _touch([theme])
    audit.record(
        action="themes.renamed",
        by=by,
        summary=f"Renamed theme {theme.pk}",
        target=theme,
        project=theme.project,
    )
    return theme


def _core_themes(project: Project, themes: Sequence[Theme]) -> core.Themes:
    """The given themes of the project as the core's ``Themes`` (ids: theme pks, comment
    ids: comment pks as strings); the core's edits then apply to them."""
    links = (
        CommentTheme.objects.filter(theme__in=themes)
        .order_by("comment_id")
        .values_list("comment_id", "theme_id")
    )
    members: dict[int, list[str]] = {t.pk: [] for t in themes}
    ids: list[str] = []
    for comment_id, theme_id in links:
        members[theme_id].append(str(comment_id))
        ids.append(str(comment_id))
    return core.Themes(
        themes=tuple(
            core.Theme(
                id=t.pk,
                label=t.label,
                terms=tuple(t.terms),
                members=tuple(members[t.pk]),
                examples=tuple(str(e) for e in t.examples if str(e) in set(members[t.pk])),
            )
            for t in sorted(themes, key=lambda t: t.pk)
        ),
        unassigned=(),
        ids=tuple(ids),
        seed=0,
    )


def _themes_in(project: Project, themes: Iterable[Theme | int], *, field: str) -> list[Theme]:
    ids = list(dict.fromkeys(t.pk if isinstance(t, Theme) else int(t) for t in themes))
    found = list(Theme.objects.filter(project=project, pk__in=ids))
    if len(found) != len(ids):
        raise ActionError("Choose themes of this project", field=field)
    return found


@transaction.atomic
def merge_themes(
    *, project: Project, themes: Iterable[Theme | int], label: str = "", by: User
) -> Theme:
    """Make two or more themes one (kept under the oldest of them); the others are deleted.

    Its name is ``label`` or the largest theme's; its terms and examples alternate between
    them (the core's ``merge_themes``).
    """
    require_editor(project=project, user=by)
    chosen = _themes_in(project, themes, field="themes")
    if len(chosen) < 2:
        raise ActionError("Choose at least two themes to merge", field="themes")
    label = clean_text(label, field="label", limit=LABEL_LIMIT)
    merged = core.merge_themes(_core_themes(project, chosen), [t.pk for t in chosen], label=label)
    result = merged.themes[0]
    keep = next(t for t in chosen if t.pk == result.id)
    others = [t for t in chosen if t.pk != keep.pk]
    CommentTheme.objects.filter(theme__in=others).update(theme=keep)
    # Touchpoints mapped to a merged theme stay mapped, to the theme it became.
    mapped = set(keep.touchpoint_links.values_list("touchpoint_id", flat=True))
    for other in others:
        for link in other.touchpoint_links.all():
            if link.touchpoint_id in mapped:
                link.delete()
            else:
                link.theme = keep
                link.save(update_fields=["theme"])
                mapped.add(link.touchpoint_id)
    keep.label = result.label
    keep.terms = list(result.terms)
    keep.examples = [int(e) for e in result.examples]
    keep.save(update_fields=["label", "terms", "examples"])
    Theme.objects.filter(pk__in=[t.pk for t in others]).delete()
    _touch([keep])
    audit.record(
        action="themes.merged",
        by=by,
        summary=f"Merged themes {', '.join(str(t.pk) for t in others)} into theme {keep.pk}",
        target=keep,
        project=project,
        data={"merged": [t.pk for t in others], "into": keep.pk},
    )
    return keep


@transaction.atomic
def split_theme(*, theme: Theme, parts: int = 2, by: User) -> list[Theme]:
    """Split the theme by finding themes among its own comments (the core's
    ``split_theme``): the largest part keeps the theme, the others are new themes."""
    project = theme.project
    require_editor(project=project, user=by)
    if not 2 <= parts <= 10:
        raise ActionError("Split into between 2 and 10 parts", field="parts")
    before = _core_themes(project, [theme])
    texts = {
        str(pk): text
        for pk, text in Comment.objects.filter(theme_link__theme=theme).values_list("pk", "text")
    }
    if len(texts) < 2:
        raise ActionError("A theme needs at least two comments to be split")
    try:
        after = core.split_theme(before, theme.pk, texts, parts=parts)
    except core.ThemesError:
        raise ActionError(
            "This theme cannot be split automatically: its comments share too few words. "
            "Choose the comments to move instead."
        ) from None
    now = timezone.now()
    result = [theme]
    for part in after.themes:
        if part.id == theme.pk:
            theme.label = part.label[:LABEL_LIMIT] or theme.label
            theme.terms = list(part.terms)
            theme.examples = [int(e) for e in part.examples]
            theme.save(update_fields=["label", "terms", "examples"])
            continue
        new = Theme.objects.create(
            project=project,
            label=part.label[:LABEL_LIMIT] or "Theme",
            terms=list(part.terms),
            examples=[int(e) for e in part.examples],
            found_automatically=True,
            created_by=by,
            created_at=now,
            updated_at=now,
        )
        CommentTheme.objects.filter(
            theme=theme, comment_id__in=[int(m) for m in part.members]
        ).update(theme=new)
        result.append(new)
    _touch(result)
    audit.record(
        action="themes.split",
        by=by,
        summary=f"Split theme {theme.pk} into {_plural(len(result), 'theme')}",
        target=theme,
        project=project,
        data={"themes": [t.pk for t in result]},
    )
    return result


@transaction.atomic
def move_comments(
    *,
    project: Project,
    comments: Iterable[Comment | int],
    to: Theme | None = None,
    new_label: str = "",
    by: User,
) -> Theme:
    """Move comments to the theme ``to``, or to a new theme called ``new_label`` (splitting a
    theme by choosing its comments). The moves are marked as made by hand."""
    require_editor(project=project, user=by)
    ids = list(dict.fromkeys(c.pk if isinstance(c, Comment) else int(c) for c in comments))
    if not ids:
        raise ActionError("Choose at least one comment to move", field="comments")
    found = set(Comment.objects.filter(project=project, pk__in=ids).values_list("pk", flat=True))
    if len(found) != len(ids):
        raise ActionError("Choose comments of this project", field="comments")
    label = clean_text(new_label, field="new_label", limit=LABEL_LIMIT)
    if to is None and not label:
        raise ActionError("Choose a theme, or enter a name for a new theme", field="to")
    if to is not None and to.project_id != project.pk:
        raise ActionError("Choose a theme of this project", field="to")
    old = list(Theme.objects.filter(comment_links__comment_id__in=ids).distinct())
    if to is None:
        now = timezone.now()
        to = Theme.objects.create(
            project=project,
            label=label,
            found_automatically=False,
            created_by=by,
            created_at=now,
            updated_at=now,
        )
    for theme in old:
        if theme.pk != to.pk and theme.examples:
            theme.examples = [e for e in theme.examples if int(e) not in found]
            theme.save(update_fields=["examples"])
    CommentTheme.objects.filter(comment_id__in=ids).delete()
    CommentTheme.objects.bulk_create(
        [CommentTheme(comment_id=c, theme=to, weight=0.0, assigned_by_hand=True) for c in ids]
    )
    _touch([to, *(t for t in old if t.pk != to.pk)])
    audit.record(
        action="themes.comments_moved",
        by=by,
        summary=f"Moved {_plural(len(ids), 'comment')} to theme {to.pk}",
        target=to,
        project=project,
        data={"comments": ids, "from": [t.pk for t in old]},
    )
    return to


@transaction.atomic
def delete_theme(*, theme: Theme, by: User) -> None:
    """Delete a theme; its comments belong to no theme until themes are found again."""
    require_editor(project=theme.project, user=by)
    pk, project = theme.pk, theme.project
    theme.delete()
    audit.record(action="themes.deleted", by=by, summary=f"Deleted theme {pk}", project=project)


# --------------------------------------------------------------------------- labels


@transaction.atomic
def add_project_label(*, project: Project, name: str, by: User) -> ProjectLabel:
    """Add a label to the project's own list."""
    require_editor(project=project, user=by)
    clean = clean_text(name, field="name", required="Enter the label", limit=LABEL_LIMIT)
    if ProjectLabel.objects.filter(project=project, name__iexact=clean).exists():
        raise ActionError("The project already has this label", field="name")
    label = ProjectLabel.objects.create(project=project, name=clean)
    audit.record(
        action="themes.label_added",
        by=by,
        summary=f"Added label {label.pk} to the project's list",
        target=label,
        project=project,
    )
    return label


@transaction.atomic
def adopt_framework_labels(*, project: Project, names: Sequence[str], by: User) -> int:
    """Add the framework's labels (``names``) to the project's own list; returns how many
    were new."""
    require_editor(project=project, user=by)
    have = {
        n.casefold()
        for n in ProjectLabel.objects.filter(project=project).values_list("name", flat=True)
    }
    new = [n for n in dict.fromkeys(names) if n.casefold() not in have]
    ProjectLabel.objects.bulk_create([ProjectLabel(project=project, name=n) for n in new])
    audit.record(
        action="themes.framework_labels_adopted",
        by=by,
        summary=f"Added {_plural(len(new), 'framework label')} to the project's list",
        project=project,
    )
    return len(new)


@transaction.atomic
def delete_project_label(*, label: ProjectLabel, by: User) -> None:
    """Take a label off the project's list, with the hand labels given with it."""
    project = label.project
    require_editor(project=project, user=by)
    CommentLabel.objects.filter(
        comment__project=project, scheme=Scheme.PROJECT, source=LabelSource.HAND, label=label.name
    ).delete()
    pk = label.pk
    label.delete()
    audit.record(
        action="themes.label_deleted", by=by, summary=f"Deleted label {pk}", project=project
    )


@transaction.atomic
def set_hand_labels(*, comment: Comment, labels: Iterable[str], by: User) -> list[str]:
    """The comment's hand labels become ``labels`` (names from the project's list)."""
    project = comment.project
    require_editor(project=project, user=by)
    wanted = list(dict.fromkeys(labels))
    known = set(ProjectLabel.objects.filter(project=project).values_list("name", flat=True))
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise ActionError("Choose labels from the project's list", field="labels")
    CommentLabel.objects.filter(
        comment=comment, scheme=Scheme.PROJECT, source=LabelSource.HAND
    ).delete()
    CommentLabel.objects.bulk_create(
        [
            CommentLabel(comment=comment, scheme=Scheme.PROJECT, source=LabelSource.HAND, label=n)
            for n in wanted
        ]
    )
    audit.record(
        action="themes.hand_labelled",
        by=by,
        summary=f"Gave comment {comment.pk} {_plural(len(wanted), 'label')}",
        target=comment,
        project=project,
    )
    return wanted


@transaction.atomic
def save_predicted_labels(
    *, project: Project, scheme: str, labels: Mapping[int, Sequence[str]], by: User | None
) -> int:
    """Replace the predicted labels of ``scheme`` of these comments; returns how many labels
    were stored."""
    require_editor(project=project, user=by)
    ids = list(labels)
    CommentLabel.objects.filter(
        comment__project=project,
        comment_id__in=ids,
        scheme=scheme,
        source=LabelSource.PREDICTED,
    ).delete()
    rows = [
        CommentLabel(comment_id=c, scheme=scheme, source=LabelSource.PREDICTED, label=name)
        for c, names in labels.items()
        for name in dict.fromkeys(names)
    ]
    CommentLabel.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@transaction.atomic
def save_sentiment(
    *, project: Project, sentiment: Mapping[int, int | None], by: User | None
) -> int:
    """Store each comment's 5-point sentiment (1 very positive … 5 very negative, None for
    no text); returns how many comments were updated."""
    require_editor(project=project, user=by)
    comments = list(Comment.objects.filter(project=project, pk__in=list(sentiment)))
    for comment in comments:
        value = sentiment[comment.pk]
        comment.sentiment = value if value in (1, 2, 3, 4, 5) else None
    Comment.objects.bulk_update(comments, ["sentiment"], batch_size=2000)
    return len(comments)


def record_classified(
    *, project: Project, scheme: str, comments: int, labels: int, by: User | None
) -> None:
    audit.record(
        action="themes.classified",
        by=by,
        summary=(
            f"Classified {_plural(comments, 'comment')} ({Scheme(scheme).label}): "
            f"{_plural(labels, 'label')}"
        ),
        project=project,
        data={"scheme": scheme, "comments": comments, "labels": labels},
    )


@transaction.atomic
def start_classification(*, project: Project, by: User, run: ClassifierRun | None = None) -> Job:
    """Classify the project's comments in the background: into the framework with
    sentiment, or (``run``) with a classifier trained on the project's own labels, which
    is then marked as in use."""
    require_editor(project=project, user=by)
    count = Comment.objects.filter(project=project).count()
    if count == 0:
        raise ActionError("There are no comments to classify yet.")
    if run is not None:
        if run.project_id != project.pk:
            raise ActionError("Choose a classifier of this project")
        if not classifiers.is_cached(run.key):
            raise ActionError("This classifier is no longer stored: train it again.")
        run.used_at = timezone.now()
        run.save(update_fields=["used_at"])
    job = _enqueue(
        project=project,
        by=by,
        kind="classify",
        title=(
            f"Labelling {_plural(count, 'comment')} with the project's classifier"
            if run
            else f"Classifying {_plural(count, 'comment')} into the framework"
        ),
        task="classify_project",
        next_url=reverse("themes:labels", args=[project.pk]),
        scheme=Scheme.PROJECT if run else Scheme.FRAMEWORK,
        run_id=run.pk if run else None,
    )
    audit.record(
        action="themes.classify_started",
        by=by,
        summary=f"Started classifying {_plural(count, 'comment')}",
        project=project,
        data={"job": job.pk, "run": run.pk if run else None},
    )
    return job


def training_refusal(counts: Mapping[str, int], labelled: int) -> str | None:
    """Why the project's own labels cannot be trained on yet, or None."""
    if not counts:
        return "Add the project's labels first, then label some comments."
    if labelled < MIN_LABELLED:
        return (
            f"Label at least {MIN_LABELLED} comments first "
            f"({_plural(labelled, 'comment is', 'comments are')} labelled so far)."
        )
    if not any(n >= MIN_POSITIVES for n in counts.values()):
        return (
            f"Every label has fewer than {MIN_POSITIVES} comments: give at least one label "
            f"to {MIN_POSITIVES} or more comments first."
        )
    return None


@transaction.atomic
def start_training(*, project: Project, by: User) -> Job:
    """Train a classifier on the project's hand labels in the background (refused with the
    reason when there are too few labelled comments)."""
    require_editor(project=project, user=by)
    reason = training_refusal(
        selectors.hand_label_counts(project=project),
        selectors.hand_labelled_count(project=project),
    )
    if reason:
        raise ActionError(reason)
    labelled = selectors.hand_labelled_count(project=project)
    job = _enqueue(
        project=project,
        by=by,
        kind="train",
        title=f"Training on {_plural(labelled, 'labelled comment')}",
        task="train_project_classifier",
        next_url=reverse("themes:own_labels", args=[project.pk]),
    )
    audit.record(
        action="themes.training_started",
        by=by,
        summary=f"Started training on {_plural(labelled, 'labelled comment')}",
        project=project,
        data={"job": job.pk},
    )
    return job


@transaction.atomic
def save_classifier_run(
    *,
    project: Project,
    key: str,
    labels: Sequence[str],
    left_out: Sequence[str],
    examples: int,
    macro_f1: float,
    scores: list[dict[str, Any]],
    by: User | None,
) -> ClassifierRun:
    require_editor(project=project, user=by)
    run = ClassifierRun.objects.create(
        project=project,
        key=key,
        labels=list(labels),
        left_out=list(left_out),
        examples=examples,
        macro_f1=macro_f1,
        scores=scores,
        trained_by=by,
    )
    audit.record(
        action="themes.trained",
        by=by,
        summary=(
            f"Trained classifier {run.pk} on {_plural(examples, 'comment')}: "
            f"macro-F1 {macro_f1:.2f}"
        ),
        target=run,
        project=project,
        data={"labels": len(labels), "left_out": len(left_out)},
    )
    return run
