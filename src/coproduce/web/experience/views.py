"""Feedback pages: the list with filters, a comment, the CSV export, assisted capture of a
story, and the imports (batches) with their deletion."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from coproduce.participation.payments import spreadsheet_safe
from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project

from . import actions, selectors
from .forms import KIND_LABELS, FilterForm, StoryForm
from .models import Comment

PAGE_SIZE = 50


def user_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def project_of(request: HttpRequest, pk: int) -> Project:
    """The project if the user is a member (404 otherwise)."""
    return project_selectors.project_for_user(pk=pk, user=request.user)


def capturing_project(request: HttpRequest, pk: int) -> Project:
    """The project if the user may import feedback and type stories (403 otherwise)."""
    project = project_of(request, pk)
    if not selectors.can_capture(project=project, user=request.user):
        raise PermissionDenied(actions.CAPTURE_REFUSED)
    return project


def reviewing_project(request: HttpRequest, pk: int) -> Project:
    """The project if the user is one of its facilitators (403 otherwise)."""
    project = project_of(request, pk)
    if not selectors.can_review(project=project, user=request.user):
        raise PermissionDenied(actions.REVIEW_REFUSED)
    return project


def segments(comment: Comment) -> list[tuple[str, str | None]]:
    """The redacted text cut into (text, kind) pieces: ``kind`` set for each tag."""
    text = comment.text
    out: list[tuple[str, str | None]] = []
    pos = 0
    for span in sorted(comment.redaction_spans, key=lambda s: int(s["start"])):
        start, end = int(span["start"]), int(span["end"])
        if start < pos or end > len(text):
            continue
        if start > pos:
            out.append((text[pos:start], None))
        out.append((text[start:end], str(span["kind"])))
        pos = end
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def paginate(request: HttpRequest, rows: Any) -> dict[str, Any]:
    """The page asked for (50 rows), with a page range that elides the middle."""
    paginator = Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return {
        "page": page,
        "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2)),
        "ellipsis": paginator.ELLIPSIS,
    }


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return encoded + "&" if encoded else ""


@login_required
def comment_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    user = request.user
    form = FilterForm(request.GET or None, services=selectors.services_of(user, project))
    filters = form.filters()
    comments = selectors.filtered_comments(user, project, filters).select_related("batch")
    perms = selectors.permissions(project=project, user=user)
    held_back = selectors.held_back_count(user, project)
    return render(
        request,
        "experience/list.html",
        {
            "project": project,
            "form": form,
            "filters": filters,
            **paginate(request, comments),
            "query": _query_without_page(request),
            "held_back": held_back,
            "to_review": selectors.to_review_count(project=project) if perms["can_review"] else 0,
            "any_comments": held_back > 0 or selectors.visible_comments(user, project).exists(),
            "is_overview": True,
            **perms,
        },
    )


@login_required
def comment_detail(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    project = project_of(request, pk)
    comment = selectors.comment_for(user=request.user, project=project, pk=comment_pk)
    perms = selectors.permissions(project=project, user=request.user)
    return render(
        request,
        "experience/comment.html",
        {
            "project": project,
            "comment": comment,
            "segments": segments(comment),
            "kind_labels": {k.value: v for k, v in KIND_LABELS.items()},
            "show_original": perms["can_review"] and bool(comment.original_text),
            **perms,
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def export_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The comments the list shows (same filters), redacted text only, as CSV."""
    project = project_of(request, pk)
    form = FilterForm(request.GET or None, services=selectors.services_of(request.user, project))
    rows = selectors.export_rows(request.user, project, form.filters())
    writer = csv.writer(_Echo())

    def lines() -> Any:
        yield "\ufeff" + writer.writerow(
            ["id", "date", "source", "service", "question", "rating", "teller_role", "text"]
        )
        for c in rows:
            yield writer.writerow(
                [
                    c.pk,
                    c.date.isoformat() if c.date else "",
                    c.source,
                    spreadsheet_safe(c.service),
                    spreadsheet_safe(c.question),
                    c.rating or "",
                    spreadsheet_safe(c.teller_role),
                    spreadsheet_safe(c.text),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="feedback-{project.pk}-{stamp}.csv"'
    return response


@login_required
def story_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = capturing_project(request, pk)
    form = StoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            comment = actions.add_story(
                project=project,
                user=user_of(request),
                text=data["text"],
                date=data.get("date"),
                source=data["source"],
                teller_role=data["teller_role"],
                service=data.get("service") or "",
                consent=data["consent"],
            )
        except NotAllowed as refused:
            raise PermissionDenied(refused.message) from None
        except ActionError as error:
            form.add_action_error(error)
        else:
            note = (
                " Identifiers were found and hidden; it is held back until a facilitator "
                "reviews it."
                if comment.identifying
                else ""
            )
            messages.success(request, f"Story saved.{note}")
            return redirect("experience:list", pk=project.pk)
    return render(request, "experience/story_form.html", {"project": project, "form": form})


@login_required
def batch_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = capturing_project(request, pk)
    return render(
        request,
        "experience/batches.html",
        {
            "project": project,
            **paginate(request, selectors.batches_of(project=project)),
            "query": "",
            **selectors.permissions(project=project, user=request.user),
        },
    )


@login_required
def batch_delete(request: HttpRequest, pk: int, batch_pk: int) -> HttpResponse:
    project = reviewing_project(request, pk)
    batch = selectors.batch_in(project=project, pk=batch_pk)
    error = ""
    if request.method == "POST":
        try:
            count = actions.delete_batch(batch=batch, user=user_of(request))
        except ActionError as refused:
            error = refused.message
        else:
            messages.success(
                request,
                f"The import and its {count} comment{'s' if count != 1 else ''} were deleted. "
                "Import the file again to undo this.",
            )
            return redirect("experience:batches", pk=project.pk)
    return render(
        request,
        "experience/batch_delete.html",
        {
            "project": project,
            "batch": batch,
            "comment_count": batch.comments.count(),
            "error": error,
        },
    )
