"""The facilitators' review of redactions: the queue, and one comment's review page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coproduce.web.errors import ActionError
from coproduce.web.forms import save_or_show

from . import actions, selectors
from .actions import _stored_spans
from .forms import KIND_LABELS, RedactForm, ReviewForm
from .models import Comment
from .views import paginate, reviewing_project, segments, user_of


@login_required
def queue(request: HttpRequest, pk: int) -> HttpResponse:
    project = reviewing_project(request, pk)
    show = "all" if request.GET.get("show") == "all" else "to_review"
    comments = selectors.review_queue(project=project, show=show)
    pages = paginate(request, comments)
    return render(
        request,
        "experience/review_queue.html",
        {
            "project": project,
            **pages,
            "show": show,
            "query": f"show={show}&",
            "rows": [(c, segments(c)) for c in pages["page"].object_list],
        },
    )


def _redactions(comment: Comment) -> list[dict[str, object]]:
    """Each tag in order, with the hidden words when the original is kept."""
    out: list[dict[str, object]] = []
    spans = _stored_spans(comment)
    for index, (start, end, kind) in enumerate(spans):
        out.append(
            {
                "index": index,
                "kind": KIND_LABELS.get(kind, kind.value),
                "original": comment.original_text[start:end] if comment.original_text else "",
            }
        )
    return out


def _render(
    request: HttpRequest,
    comment: Comment,
    *,
    redact_form: RedactForm | None = None,
    review_form: ReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "experience/review.html",
        {
            "project": comment.project,
            "comment": comment,
            "segments": segments(comment),
            "redactions": _redactions(comment),
            "redact_form": redact_form or RedactForm(),
            "review_form": review_form
            or ReviewForm(initial={"identifying": "yes" if comment.identifying else "no"}),
            "form": redact_form if redact_form and redact_form.errors else review_form,
        },
        status=status,
    )


def _comment(request: HttpRequest, pk: int, comment_pk: int) -> Comment:
    project = reviewing_project(request, pk)
    return selectors.comment_for(user=request.user, project=project, pk=comment_pk)


@login_required
def review(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    comment = _comment(request, pk, comment_pk)
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            identifying = form.cleaned_data["identifying"] == "yes"
            actions.mark_reviewed(comment=comment, user=user_of(request), identifying=identifying)
            messages.success(
                request,
                "Reviewed: the comment stays held back."
                if identifying
                else "Reviewed: the comment is now shared with the project.",
            )
            return redirect("experience:review_queue", pk=pk)
        return _render(request, comment, review_form=form)
    return _render(request, comment)


@login_required
@require_POST
def add_redaction(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    comment = _comment(request, pk, comment_pk)
    form = RedactForm(request.POST)
    if response := save_or_show(
        request,
        form,
        lambda: actions.add_redaction(
            comment=comment,
            user=user_of(request),
            words=form.cleaned_data["words"],
            kind=form.cleaned_data["kind"],
        ),
        done=lambda count: f"Hidden {count} time{'s' if count != 1 else ''}.",
        next_url=reverse("experience:review", args=[pk, comment.pk]),
    ):
        return response
    return _render(request, comment, redact_form=form)


@login_required
@require_POST
def restore_redaction(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    comment = _comment(request, pk, comment_pk)
    try:
        index = int(request.POST.get("index", ""))
    except ValueError:
        index = -1
    try:
        actions.restore_redaction(comment=comment, user=user_of(request), index=index)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The redaction was undone: the original words are shown.")
    return redirect("experience:review", pk=pk, comment_pk=comment.pk)
