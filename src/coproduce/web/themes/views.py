"""Themes pages, mounted at projects/<int:pk>/themes/ (docs/adr/0016).

Every member reads; facilitators find themes, edit them, classify and train. Long work is
started here and runs in the background; its progress shows on the page that started it.
"""

from __future__ import annotations

import csv
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from coproduce.participation.payments import spreadsheet_safe
from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError
from coproduce.web.experience.models import Comment
from coproduce.web.forms import save_or_show
from coproduce.web.jobs.models import Job, JobStatus
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project

from . import actions, classifiers, selectors
from .forms import FindForm, HandLabelsForm, MergeForm, MoveForm, ProjectLabelForm, RenameForm
from .models import LabelSource, Scheme, Theme

PER_PAGE = 25


def user_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def project_of(request: HttpRequest, pk: int) -> Project:
    """The project if the user is a member (404 otherwise)."""
    return project_selectors.project_for_user(pk=pk, user=request.user)


def edited_project(request: HttpRequest, pk: int) -> Project:
    """The project if the user is one of its facilitators (403 otherwise)."""
    project = project_of(request, pk)
    if not selectors.can_edit(project=project, user=request.user):
        raise PermissionDenied(actions.FACILITATORS_ONLY)
    return project


def _context(request: HttpRequest, project: Project, **extra: Any) -> dict[str, Any]:
    return {
        "project": project,
        **selectors.permissions(project=project, user=request.user),
        **extra,
    }


def _page(request: HttpRequest, rows: QuerySet[Any]) -> Page[Any]:
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def _latest_job(project: Project, kind: str) -> Job | None:
    """The latest job of this kind, while it runs or if it failed (what to show)."""
    job = Job.objects.filter(project=project, kind=kind).order_by("-created_at", "-pk").first()
    if job is None or job.status in (JobStatus.SUCCEEDED, JobStatus.CANCELLED):
        return None
    return job


def _comment_rows(
    comments: list[Comment], labels: dict[int, dict[str, list[str]]] | None = None
) -> list[dict[str, Any]]:
    """Each comment with its sentiment words and labels (``labels``: already read, else read
    here in one query)."""
    if labels is None:
        labels = selectors.labels_by_comment(comments)
    return [
        {
            "comment": c,
            "sentiment": selectors.sentiment_words(c.sentiment),
            "framework": labels.get(c.pk, {}).get(Scheme.FRAMEWORK, []),
            "own": sorted(set(labels.get(c.pk, {}).get(Scheme.PROJECT, []))),
        }
        for c in comments
    ]


def _theme_url(project: Project, theme: Theme | int) -> str:
    return reverse(
        "themes:detail", args=[project.pk, theme if isinstance(theme, int) else theme.pk]
    )


# --------------------------------------------------------------------------- themes


@login_required
def theme_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    summary = selectors.theme_summary(request.user, project, with_examples=True)
    labels = selectors.labels_by_comment([c for s in summary for c in s.examples])
    return render(
        request,
        "themes/list.html",
        _context(
            request,
            project,
            themes=[{"theme": s, "rows": _comment_rows(list(s.examples), labels)} for s in summary],
            comment_count=selectors.visible_comments(user=request.user, project=project).count(),
            unthemed=selectors.unthemed_count(user=request.user, project=project),
            edited=selectors.edited_themes(project=project).count(),
            job=_latest_job(project, "themes"),
        ),
    )


@login_required
def find(request: HttpRequest, pk: int) -> HttpResponse:
    """Find themes: the number of themes (optional) and, with themes already there, what
    happens to the ones a facilitator changed."""
    project = edited_project(request, pk)
    has_themes = selectors.themes_of(project=project).exists()
    form = FindForm(request.POST or None)

    def start() -> Job:
        keep = form.cleaned_data["keep_edited"]
        return actions.start_theming(
            project=project,
            by=user_of(request),
            keep_edited=True if keep in (None, "") else bool(keep),
            k=form.cleaned_data["k"],
        )

    if response := save_or_show(
        request,
        form,
        start,
        done="Finding themes has started.",
        next_url=lambda job: reverse("themes:list", args=[pk]) + f"#job-{job.pk}",
    ):
        return response
    return render(
        request,
        "themes/find.html",
        _context(
            request,
            project,
            form=form,
            edited=selectors.edited_themes(project=project).count(),
            moved=selectors.hand_assigned_count(project=project),
            has_themes=has_themes,
        ),
    )


@login_required
def detail(request: HttpRequest, pk: int, theme_pk: int) -> HttpResponse:
    project = project_of(request, pk)
    theme = selectors.visible_theme_in(user=request.user, project=project, pk=theme_pk)
    page = _page(request, selectors.theme_comments(user=request.user, theme=theme))
    can_edit = selectors.can_edit(project=project, user=request.user)
    move_form = None
    if can_edit:
        others = [t for t in selectors.themes_of(project=project) if t.pk != theme.pk]
        move_form = MoveForm(comments=[c.pk for c in page.object_list], themes=others)
    sentiment = selectors.sentiment_of(selectors.theme_comments(user=request.user, theme=theme))
    return render(
        request,
        "themes/detail.html",
        _context(
            request,
            project,
            theme=theme,
            page=page,
            rows=_comment_rows(list(page.object_list)),
            move_form=move_form,
            sentiment=sentiment,
        ),
    )


@login_required
def rename(request: HttpRequest, pk: int, theme_pk: int) -> HttpResponse:
    project = edited_project(request, pk)
    theme = selectors.theme_in(project=project, pk=theme_pk)
    form = RenameForm(
        request.POST or None, initial={"label": theme.label, "description": theme.description}
    )
    if response := save_or_show(
        request,
        form,
        lambda: actions.rename_theme(theme=theme, by=user_of(request), **form.cleaned_data),
        done="Theme renamed.",
        next_url=_theme_url(project, theme),
    ):
        return response
    return render(request, "themes/rename.html", _context(request, project, form=form, theme=theme))


@login_required
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the themes (and a name), then confirm."""
    project = edited_project(request, pk)
    form = MergeForm(request.POST or None, themes=selectors.themes_of(project=project))
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["themes"])
        if request.POST.get("confirm") == "yes":
            try:
                merged = actions.merge_themes(
                    project=project,
                    themes=chosen,
                    label=form.cleaned_data["label"],
                    by=user_of(request),
                )
            except ActionError as error:
                form.add_action_error(error)
            else:
                messages.success(request, f"Merged {len(chosen)} themes.")
                return redirect(_theme_url(project, merged))
        else:
            return render(
                request,
                "themes/merge_confirm.html",
                _context(request, project, form=form, chosen=chosen),
            )
    return render(request, "themes/merge.html", _context(request, project, form=form))


@login_required
def split(request: HttpRequest, pk: int, theme_pk: int) -> HttpResponse:
    project = edited_project(request, pk)
    theme = selectors.theme_in(project=project, pk=theme_pk)
    error = None
    if request.method == "POST":
        try:
            parts = actions.split_theme(theme=theme, by=user_of(request))
        except ActionError as refusal:
            error = refusal.message
        else:
            messages.success(request, f"Split the theme into {len(parts)} themes.")
            return redirect(_theme_url(project, theme))
    return render(
        request,
        "themes/confirm.html",
        _context(
            request,
            project,
            heading=f"Split the theme “{theme.label}”",
            explanation=(
                "Themes are found again among this theme’s own comments, and it becomes two: "
                "the larger part keeps this theme, the other becomes a new theme. Both are "
                "named from their words; rename them afterwards. To choose the comments "
                "yourself, move them to a new theme from the theme’s page instead."
            ),
            button="Split the theme",
            cancel=_theme_url(project, theme),
            back_label=theme.label,
            error=error,
        ),
    )


@login_required
@require_POST
def move(request: HttpRequest, pk: int, theme_pk: int) -> HttpResponse:
    project = edited_project(request, pk)
    theme = selectors.theme_in(project=project, pk=theme_pk)
    others = [t for t in selectors.themes_of(project=project) if t.pk != theme.pk]
    form = MoveForm(
        request.POST,
        comments=list(
            selectors.theme_comments(user=request.user, theme=theme).values_list("pk", flat=True)
        ),
        themes=others,
    )
    if not form.is_valid():
        messages.error(request, "Choose comments of this theme, and a theme to move them to.")
        return redirect(_theme_url(project, theme))
    data = form.cleaned_data
    target = next((t for t in others if str(t.pk) == data["to"]), None)
    try:
        moved_to = actions.move_comments(
            project=project,
            comments=data["comments"],
            to=target,
            new_label=data["new_label"] if data["to"] == "new" else "",
            by=user_of(request),
        )
    except ActionError as error:
        messages.error(request, error.message)
        return redirect(_theme_url(project, theme))
    count = len(data["comments"])
    messages.success(
        request, f"Moved {count} comment{'s' if count != 1 else ''} to “{moved_to.label}”."
    )
    return redirect(_theme_url(project, theme))


# --------------------------------------------------------------------------- export


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """The comments the reader may see, redacted, with theme, labels and sentiment."""
    project = project_of(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = slugify(project.title) or f"project-{project.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}-comments-themes.csv"'
    writer = csv.writer(response)
    writer.writerow(selectors.EXPORT_HEADER)
    for row in selectors.export_rows(user=request.user, project=project):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response


# --------------------------------------------------------------------------- labels


@login_required
def labels(request: HttpRequest, pk: int) -> HttpResponse:
    """Framework label counts, sentiment, and the project's own labels' predictions."""
    project = project_of(request, pk)
    visible = selectors.visible_comments(user=request.user, project=project)
    return render(
        request,
        "themes/labels.html",
        _context(
            request,
            project,
            framework=selectors.label_summary(
                user=request.user, project=project, scheme=Scheme.FRAMEWORK
            ),
            own=selectors.label_summary(user=request.user, project=project, scheme=Scheme.PROJECT),
            sentiment=selectors.sentiment_of(visible),
            comment_count=visible.count(),
            job=_latest_job(project, "classify"),
        ),
    )


@login_required
def label_comments(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    scheme = request.GET.get("scheme", Scheme.FRAMEWORK)
    if scheme not in Scheme.values:
        scheme = Scheme.FRAMEWORK
    label = request.GET.get("label", "")[:200]
    rows = selectors.labelled_comments(
        user=request.user, project=project, scheme=scheme, label=label
    )
    page = _page(request, rows)

    return render(
        request,
        "themes/label_comments.html",
        _context(
            request,
            project,
            scheme=Scheme(scheme),
            label=label,
            page=page,
            rows=_comment_rows(list(page.object_list)),
            query=urlencode({"scheme": scheme, "label": label}) + "&",
        ),
    )


@login_required
@require_POST
def classify(request: HttpRequest, pk: int) -> HttpResponse:
    project = edited_project(request, pk)
    try:
        job = actions.start_classification(project=project, by=user_of(request))
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("themes:labels", pk=pk)
    messages.success(request, "Classifying has started. This page shows how far it has got.")
    return redirect(reverse("themes:labels", args=[pk]) + f"#job-{job.pk}")


@login_required
def own_labels(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's own labels: the list, labelling comments by hand, training."""
    project = edited_project(request, pk)
    form = ProjectLabelForm(request.POST or None)
    if request.method == "POST":
        by = user_of(request)
        try:
            if "framework" in request.POST:
                added = actions.adopt_framework_labels(
                    project=project, names=classifiers.reference_set().label_names, by=by
                )
                messages.success(request, f"Added {added} framework labels.")
                return redirect("themes:own_labels", pk=pk)
            if "delete" in request.POST:
                label = selectors.project_label_in(project=project, pk=int(request.POST["delete"]))
                actions.delete_project_label(label=label, by=by)
                messages.success(request, "Label deleted.")
                return redirect("themes:own_labels", pk=pk)
            if form.is_valid():
                actions.add_project_label(project=project, name=form.cleaned_data["name"], by=by)
                messages.success(request, "Label added.")
                return redirect("themes:own_labels", pk=pk)
        except (ActionError, ValueError) as error:
            if isinstance(error, ActionError):
                form.add_action_error(error)
            else:
                form.add_error(None, "Choose a label of this project")
    counts = selectors.hand_label_counts(project=project)
    labelled = selectors.hand_labelled_count(project=project)
    page = _page(
        request, selectors.visible_comments(user=request.user, project=project).order_by("pk")
    )
    return render(
        request,
        "themes/own_labels.html",
        _context(
            request,
            project,
            form=form,
            label_rows=[
                (label, counts.get(label.name, 0))
                for label in selectors.project_labels(project=project)
            ],
            labelled=labelled,
            refusal=actions.training_refusal(counts, labelled),
            runs=selectors.classifier_runs(project=project)[:5],
            page=page,
            rows=_comment_rows(list(page.object_list)),
            job=_latest_job(project, "train"),
            min_positives=actions.MIN_POSITIVES,
        ),
    )


@login_required
def comment_labels(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    project = edited_project(request, pk)
    comment = selectors.comment_in(user=request.user, project=project, pk=comment_pk)
    names = list(selectors.project_labels(project=project).values_list("name", flat=True))
    current = comment.labels.filter(scheme=Scheme.PROJECT, source=LabelSource.HAND)
    form = HandLabelsForm(
        request.POST or None,
        names=names,
        initial={"labels": list(current.values_list("label", flat=True))},
    )
    if response := save_or_show(
        request,
        form,
        lambda: actions.set_hand_labels(
            comment=comment, labels=form.cleaned_data["labels"], by=user_of(request)
        ),
        done="Labels saved.",
        next_url=reverse("themes:own_labels", args=[pk]) + f"#comment-{comment.pk}",
    ):
        return response
    return render(
        request,
        "themes/comment_labels.html",
        _context(request, project, form=form, comment=comment, names=names),
    )


@login_required
@require_POST
def train(request: HttpRequest, pk: int) -> HttpResponse:
    project = edited_project(request, pk)
    try:
        job = actions.start_training(project=project, by=user_of(request))
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("themes:own_labels", pk=pk)
    messages.success(request, "Training has started. This page shows how far it has got.")
    return redirect(reverse("themes:own_labels", args=[pk]) + f"#job-{job.pk}")


@login_required
def run_detail(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    """A classifier trained on the project's labels: its cross-validation, and "use it"."""
    project = edited_project(request, pk)
    run = selectors.classifier_run_in(project=project, pk=run_pk)
    if request.method == "POST":
        try:
            job = actions.start_classification(project=project, run=run, by=user_of(request))
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Labelling the comments has started.")
            return redirect(reverse("themes:labels", args=[pk]) + f"#job-{job.pk}")
    return render(request, "themes/run.html", _context(request, project, run=run))
